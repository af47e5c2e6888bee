//! The test harness: the real server binary on a free loopback port, with its own SQLite file
//! in a temporary folder.
#![allow(dead_code)] // each test file uses part of it

use app::domain::OutletCollection;
use reqwest::StatusCode;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_bianmin-server");

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

pub struct Server {
    pub child: Child,
    pub base: String,
    /// What it logged before it started serving.
    startup: Vec<String>,
    log: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder with the database and a one-line built client, removed at the end of the test.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("dist")).unwrap();
        std::fs::write(
            dir.path().join("dist/index.html"),
            "<!doctype html><title>client</title>",
        )
        .unwrap();
        Workspace { dir }
    }
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("var/test.db")
    }
    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    /// Adds a file to the built client (folders created as needed).
    pub fn dist_file(&self, name: &str, contents: impl AsRef<[u8]>) {
        let path = self.path("dist").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn command(&self, dataset: &str) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(["--listen", "127.0.0.1:0", "--dataset", dataset])
            .arg("--db")
            .arg(self.db())
            .arg("--dist")
            .arg(self.path("dist"))
            .env_remove("BIANMIN_RULES")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd
    }

    /// Starts the server and waits for its "serving … on http://ADDR" line.
    pub fn start(&self, dataset: &str) -> Server {
        self.start_with(self.command(dataset))
    }

    pub fn start_with(&self, mut cmd: Command) -> Server {
        let mut child = cmd.spawn().expect("server binary starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    if let Some(addr) = line.split("on http://").nth(1) {
                        return Server {
                            child,
                            base: format!("http://{}", addr.trim()),
                            startup: seen,
                            log: rx,
                        };
                    }
                    seen.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("server did not start; it said:\n{}", seen.join("\n"))
                }
            }
        }
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = reqwest::get(self.url(path)).await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json)
    }
    pub async fn outlets(&self, query: &str) -> OutletCollection {
        let (status, body) = self.get(&format!("/api/outlets{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        serde_json::from_value(body).unwrap()
    }
    /// Waits up to `secs` seconds for a logged line containing `needle` and returns it.
    pub fn wait_for_log(&mut self, needle: &str, secs: u64) -> Option<String> {
        if let Some(line) = self.startup.iter().find(|l| l.contains(needle)) {
            return Some(line.clone());
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            let line = self.log.recv_timeout(left).ok()?;
            self.startup.push(line.clone());
            if line.contains(needle) {
                return Some(line);
            }
        }
        None
    }

    /// Lets the process finish (it is killed on drop) and returns what it logged.
    pub fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut lines = std::mem::take(&mut self.startup);
        lines.extend(self.log.try_iter());
        lines
    }
}

pub fn run(ws: &Workspace, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--db")
        .arg(ws.db())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Imports `features` (GeoJSON Feature objects) into `dataset` with the import command.
pub fn import_features(ws: &Workspace, dataset: &str, features: &[Value]) {
    let file = ws.path("import.geojson");
    let doc = serde_json::json!({ "type": "FeatureCollection", "features": features });
    std::fs::write(&file, doc.to_string()).unwrap();
    let (ok, out) = run(
        ws,
        &["import", file.to_str().unwrap(), "--dataset", dataset],
    );
    assert!(ok, "{out}");
}

/// An OSM point feature as the importer reads it.
pub fn osm_point(osm_ref: &str, lon: f64, lat: f64, tags: Value) -> Value {
    let mut properties = tags;
    properties["@id"] = Value::String(osm_ref.to_string());
    serde_json::json!({
        "type": "Feature",
        "id": osm_ref,
        "properties": properties,
        "geometry": { "type": "Point", "coordinates": [lon, lat] },
    })
}

/// The id of the outlet imported from `osm_ref`.
pub async fn outlet_id(s: &Server, osm_ref: &str) -> i64 {
    s.outlets("")
        .await
        .features
        .iter()
        .find(|f| f.properties.osm_ref.as_deref() == Some(osm_ref))
        .unwrap_or_else(|| panic!("no outlet from {osm_ref}"))
        .id
}

pub async fn count(db: &Path, dataset: &str) -> i64 {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM outlets WHERE dataset = ?")
        .bind(dataset)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}
