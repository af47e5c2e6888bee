//! The test harness: the real server binary on a free loopback port, with its own SQLite file
//! in a temporary folder — or, when `BIANMIN_TEST_PG` names a PostgreSQL server (the test
//! command starts one with scripts/pg.sh), its own fresh PostgreSQL database on that server,
//! dropped at the end. The same tests run on both.
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

/// A folder with the database (or the name of its PostgreSQL database) and a one-line built
/// client, removed at the end of the test.
pub struct Workspace {
    dir: tempfile::TempDir,
    pg: Option<PgDatabase>,
}

/// A PostgreSQL database of one test's own.
struct PgDatabase {
    /// The server's maintenance database, where this one is created and dropped.
    admin: String,
    name: String,
    url: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        psql(
            &self.admin,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// The PostgreSQL server the tests run on, if any: `BIANMIN_TEST_PG=postgres://…/postgres`.
pub fn test_pg() -> Option<String> {
    std::env::var("BIANMIN_TEST_PG")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .expect("psql runs (Debian postgresql-client)");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl PgDatabase {
    fn create(admin: &str) -> PgDatabase {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "t{}_{}_{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        psql(admin, &format!("CREATE DATABASE {name}"));
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
        PgDatabase {
            admin: admin.to_string(),
            url: format!("{base}/{name}"),
            name,
        }
    }
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
        let pg = test_pg().map(|admin| PgDatabase::create(&admin));
        Workspace { dir, pg }
    }
    /// The SQLite file (also where the uploads folder goes by default, beside it).
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("var/test.db")
    }
    /// Whether this test runs on PostgreSQL.
    pub fn is_pg(&self) -> bool {
        self.pg.is_some()
    }
    /// The database the server of this workspace uses.
    pub fn location(&self) -> server::db::Location {
        match &self.pg {
            Some(pg) => server::db::Location::Postgres(pg.url.clone()),
            None => server::db::Location::File(self.db()),
        }
    }
    /// Points a command of the binary at this workspace's database.
    pub fn use_db(&self, cmd: &mut Command) {
        cmd.arg("--db").arg(self.db());
        match &self.pg {
            Some(pg) => cmd.env("DATABASE_URL", &pg.url),
            None => cmd.env_remove("DATABASE_URL"),
        };
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
        cmd.args(["--listen", "127.0.0.1:0", "--dataset", dataset]);
        self.use_db(&mut cmd);
        cmd.arg("--dist")
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
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    ws.use_db(&mut cmd);
    let out = cmd.env("RUST_LOG", "warn").output().unwrap();
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

pub async fn count(ws: &Workspace, dataset: &str) -> i64 {
    let pool = open_db(ws).await;
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM outlets WHERE dataset = $1")
        .bind(dataset)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}

// ---- Survey and staff -------------------------------------------------------------------

pub const CIRCLE: &str = "changshoulu";
pub const STAFF_PASSWORD: &str = "correct horse battery";

/// Runs the binary with `args` (and `--db`), the staff password in the environment or on
/// standard input.
pub fn run_with(
    ws: &Workspace,
    args: &[&str],
    env_password: Option<&str>,
    stdin: Option<&str>,
) -> (bool, String) {
    use std::io::Write;
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    ws.use_db(&mut cmd);
    cmd.env("RUST_LOG", "warn")
        .env_remove("BIANMIN_STAFF_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = env_password {
        cmd.env("BIANMIN_STAFF_PASSWORD", p);
    }
    let mut child = cmd.spawn().unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// `bianmin-server staff add USERNAME` with the password in the environment.
pub fn staff_add(ws: &Workspace, username: &str, password: &str) -> (bool, String) {
    run_with(ws, &["staff", "add", username], Some(password), None)
}

/// Whether `text` has Chinese in it (a message for residents).
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

impl Server {
    pub async fn post_json(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.post_raw(
            path,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut request = reqwest::Client::new().post(self.url(path)).body(body);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let r = request.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json)
    }

    /// Logs in; panics unless it works.
    pub async fn login(&self, username: &str, password: &str) -> StaffSession {
        let r = self.login_response(username, password).await;
        assert_eq!(r.status(), StatusCode::OK);
        let cookie = r
            .headers()
            .get("set-cookie")
            .expect("a session cookie")
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["username"], username);
        StaffSession {
            base: self.base.clone(),
            cookie,
            csrf: body["csrf"].as_str().unwrap().to_string(),
        }
    }

    pub async fn login_response(&self, username: &str, password: &str) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url("/api/staff/login"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap()
    }

    /// A survey answer for the circle.
    pub async fn submit(&self, body: &Value) -> (StatusCode, Value) {
        self.post_json(&format!("/api/circles/{CIRCLE}/responses"), body)
            .await
    }

    /// The indicators of a round (`None`: the newest).
    pub async fn indicators(&self, round: Option<i64>) -> Value {
        let query = round.map_or(String::new(), |r| format!("?round={r}"));
        let (status, body) = self
            .get(&format!("/api/circles/{CIRCLE}/indicators{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

/// A logged-in staff member: the session cookie and the CSRF token.
pub struct StaffSession {
    pub base: String,
    /// `bm_staff=…`
    pub cookie: String,
    pub csrf: String,
}

impl StaffSession {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (status, _, text) = self.get_text(path).await;
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let r = reqwest::Client::new()
            .get(self.url(path))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.text().await.unwrap())
    }

    /// A POST with the session's CSRF token.
    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.post_with(path, body, Some(&self.csrf)).await
    }

    pub async fn post_with(
        &self,
        path: &str,
        body: &Value,
        csrf: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = reqwest::Client::new()
            .post(self.url(path))
            .header("cookie", &self.cookie)
            .json(body);
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        let r = request.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Opens a round of the circle; returns its id.
    pub async fn open_round(&self, population: u64, open_mode: bool) -> i64 {
        let (status, round) = self
            .post(
                &format!("/api/staff/circles/{CIRCLE}/rounds"),
                &serde_json::json!({ "population": population, "open_mode": open_mode }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{round}");
        round["id"].as_i64().unwrap()
    }

    pub async fn close_round(&self, round: i64) -> Value {
        let (status, body) = self
            .post(
                &format!("/api/staff/rounds/{round}/close"),
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Issues `count` codes; returns them as shown (XXXX-XXXX).
    pub async fn issue_codes(&self, round: i64, count: u32) -> Vec<String> {
        let (status, body) = self
            .post(
                &format!("/api/staff/rounds/{round}/codes"),
                &serde_json::json!({ "count": count, "base_url": self.base }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect()
    }

    /// The responses export of a round, parsed (header row first); the BOM is checked.
    pub async fn responses_csv(&self, round: i64) -> Vec<Vec<String>> {
        let (status, headers, text) = self
            .get_text(&format!(
                "/api/staff/circles/{CIRCLE}/responses.csv?round={round}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let body = text.strip_prefix('\u{feff}').expect("a UTF-8 BOM");
        parse_csv(body)
    }
}

/// RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(
        cell.is_empty() && row.is_empty(),
        "the last record ends in CRLF"
    );
    rows
}

pub const BUSINESS: [&str; 3] = ["daily_shopping", "variety", "opening_hours"];
pub const SERVICE: [&str; 4] = [
    "service_quality",
    "clean_orderly",
    "fair_prices",
    "good_neighbours",
];

/// Answers: the three business and four service scale questions, an age band, 缺什么.
pub fn answers(business: [u8; 3], service: [u8; 4], band: Option<&str>, missing: &[&str]) -> Value {
    let mut m = serde_json::Map::new();
    for (id, v) in BUSINESS.iter().zip(business) {
        m.insert(id.to_string(), v.into());
    }
    for (id, v) in SERVICE.iter().zip(service) {
        m.insert(id.to_string(), v.into());
    }
    if let Some(b) = band {
        m.insert("age_band".into(), b.into());
    }
    if !missing.is_empty() {
        m.insert("missing".into(), serde_json::json!(missing));
    }
    Value::Object(m)
}

/// All satisfied, nothing else.
pub fn happy() -> Value {
    answers([5, 5, 5], [5, 5, 5, 5], None, &[])
}

/// A fresh client id (the phone makes one per answer).
pub fn client_id(tag: &str, n: usize) -> String {
    format!("{tag:_<12}-{n:06}")
}

/// A submission body for `round`.
pub fn body(round: i64, client: &str, answers: &Value) -> Value {
    serde_json::json!({
        "client_id": client,
        "round": round,
        "questionnaire_version": 1,
        "answers": answers,
    })
}

/// The same body with a code (code rounds) or a device token (open mode).
pub fn with(mut body: Value, key: &str, value: &str) -> Value {
    body[key] = value.into();
    body
}

/// A workspace and server with one staff account, logged in.
pub async fn staff_server() -> (Workspace, Server, StaffSession) {
    let ws = Workspace::new();
    let (ok, out) = staff_add(&ws, "wang", STAFF_PASSWORD);
    assert!(ok, "{out}");
    let s = ws.start("shanghai");
    let staff = s.login("wang", STAFF_PASSWORD).await;
    (ws, s, staff)
}

/// The workspace's database, as the server opens it (migrated, on either engine).
pub async fn open_db(ws: &Workspace) -> server::db::Db {
    server::db::connect(&ws.location(), server::db::Durability::Full)
        .await
        .unwrap()
}

/// A GET's status, headers and body bytes, with the staff cookie if given.
pub async fn get_bytes(
    url: String,
    cookie: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().await.unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.bytes().await.unwrap().to_vec())
}

/// The files in the test's uploads folder (temporary ones included), sorted; none if it was
/// never made.
pub fn uploads(ws: &Workspace) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(ws.path("var/uploads")) else {
        return vec![];
    };
    let mut names: Vec<String> = dir
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
