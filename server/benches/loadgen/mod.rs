//! The load generator shared by `load` (throughput and latency per endpoint) and `faults` (the
//! same load while something breaks): release servers started as child processes on loopback,
//! a mixed load spread round-robin over them, every survey submission remembered with its
//! outcome so the faults can count acknowledged against stored writes.

// Each bench uses a part of this module.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_bianmin-server");
pub const CIRCLE: &str = "changshoulu";
pub const DATASET: &str = "shanghai";
const STAFF_USER: &str = "loadbench";
const STAFF_PASSWORD: &str = "load-bench-password-1";

pub fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Deterministic pseudo-random numbers (a 64-bit LCG): the same mix in every run.
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A plausible answer (as in survey_load): mostly satisfied, an age band, one or two missing
/// categories, now and then a suggestion.
pub fn answer(rng: &mut Lcg) -> Value {
    let scale = |rng: &mut Lcg| [5, 5, 4, 4, 3, 2, 1][rng.next(7) as usize];
    let mut m = serde_json::Map::new();
    for id in [
        "daily_shopping",
        "variety",
        "opening_hours",
        "service_quality",
        "clean_orderly",
        "fair_prices",
        "good_neighbours",
    ] {
        m.insert(id.into(), scale(rng).into());
    }
    let bands = ["under_18", "18_34", "35_59", "60_74", "75_plus"];
    m.insert("age_band".into(), bands[rng.next(5) as usize].into());
    let cats = [
        "breakfast",
        "repair",
        "wet_market",
        "childcare",
        "elderly_care",
    ];
    let first = rng.next(5) as usize;
    m.insert(
        "missing".into(),
        json!([cats[first], cats[(first + 1 + rng.next(4) as usize) % 5]]),
    );
    if rng.next(4) == 0 {
        m.insert(
            "suggestion".into(),
            "希望小区门口多开一家早餐店，早上七点前就开门".into(),
        );
    }
    Value::Object(m)
}

pub fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

pub fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // The machine may be shared: its load when the run began qualifies every figure.
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().next().unwrap_or("?").to_string())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, load average {load} at the start")
}

/// Replaces the part of a Markdown file between two markers (or appends it).
pub fn write_section(path: &str, start: &str, end: &str, md: &str) {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let new = match (old.find(start), old.find(end)) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{}{}", &old[..a], md.trim_end(), &old[b + end.len()..])
        }
        _ => format!("{}\n\n{}\n", old.trim_end(), md.trim_end()),
    };
    std::fs::write(path, new).unwrap();
    eprintln!("wrote {path}");
}

/// Where a server keeps its data.
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    fn args(&self, cmd: &mut Command) {
        cmd.env_remove("DATABASE_URL").env_remove("BIANMIN_DB");
        match self {
            Backend::Sqlite(p) => cmd.arg("--db").arg(p),
            Backend::Postgres(url) => cmd.arg("--database-url").arg(url),
        };
    }

    /// `client_id` → number of rows in `survey_responses` of the round, read from the database
    /// directly (not through the server).
    pub async fn stored_client_ids(&self, round: i64) -> BTreeMap<String, u64> {
        let sql = format!(
            "SELECT client_id, count(*) FROM survey_responses WHERE round = {round} GROUP BY client_id"
        );
        self.rows(&sql)
            .await
            .into_iter()
            .map(|r| (r[0].clone(), r[1].parse().unwrap()))
            .collect()
    }

    /// The rows of a query, every column as text: SQLite through the driver (the file may be
    /// in use: WAL allows it), PostgreSQL through psql (this crate's sqlx has no PostgreSQL).
    pub async fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        match self {
            Backend::Sqlite(p) => {
                use sqlx::{Row, ValueRef};
                let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", p.display()))
                    .await
                    .unwrap();
                let rows = sqlx::query(sql).fetch_all(&db).await.unwrap();
                db.close().await;
                rows.iter()
                    .map(|r| {
                        (0..r.columns().len())
                            .map(|i| {
                                if r.try_get_raw(i).unwrap().is_null() {
                                    String::new()
                                } else if let Ok(n) = r.try_get::<i64, _>(i) {
                                    n.to_string()
                                } else {
                                    r.get::<String, _>(i)
                                }
                            })
                            .collect()
                    })
                    .collect()
            }
            Backend::Postgres(url) => {
                let out = Command::new("psql")
                    .args(["-X", "-q", "-t", "-A", "-F", "\t", "-v", "ON_ERROR_STOP=1"])
                    .arg(url)
                    .arg("-c")
                    .arg(sql)
                    .output()
                    .expect("psql runs");
                assert!(
                    out.status.success(),
                    "{sql}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                String::from_utf8(out.stdout)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(|l| l.split('\t').map(str::to_string).collect())
                    .collect()
            }
        }
    }

    /// One value from the database (the merchant tables in the disk fault).
    pub async fn query(&self, sql: &str) -> String {
        let rows = self.rows(sql).await;
        rows.first()
            .and_then(|r| r.first())
            .cloned()
            .unwrap_or_default()
    }
}

/// Whether this build of the server takes `--database-url` (the PostgreSQL backend).
pub fn postgres_supported() -> bool {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    String::from_utf8_lossy(&out.stdout).contains("--database-url")
}

/// `scripts/pg.sh CMD PORT`; returns its output (the URL for `start`).
pub fn pg(cmd: &str, port: u16) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg(cmd)
        .arg(port.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pg.sh {cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `scripts/pg.sh start PORT` until the server answers: right after `pg.sh kill` the killed
/// postmaster may not be reaped yet, and pg_ctl then takes it for running and starts nothing.
pub fn pg_start_until_up(port: u16) -> String {
    let t = Instant::now();
    loop {
        let url = pg("start", port);
        let up = Command::new("psql")
            .args(["-X", "-q", "-t", "-A", "-c", "SELECT 1"])
            .arg(&url)
            .output()
            .is_ok_and(|o| o.status.success());
        if up {
            return url;
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "PostgreSQL on port {port} did not come back within 60 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A fresh database on the test PostgreSQL server at `port`; its URL.
pub fn fresh_pg_database(port: u16, name: &str) -> String {
    let base = pg_start_until_up(port);
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        let out = Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1"])
            .arg(&base)
            .arg("-c")
            .arg(&sql)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    base.rsplit_once('/').unwrap().0.to_string() + "/" + name
}

/// A work folder: the client's index.html (the server wants one) and the servers' logs.
pub struct Work {
    pub dir: tempfile::TempDir,
}

impl Work {
    pub fn new() -> Work {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("dist")).unwrap();
        std::fs::write(
            dir.path().join("dist/index.html"),
            "<!doctype html><title>load</title>",
        )
        .unwrap();
        Work { dir }
    }

    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// `bianmin-server staff add` on the backend (the account the bench logs in with).
    pub fn staff_add(&self, backend: &Backend) {
        let mut cmd = Command::new(BIN);
        backend.args(&mut cmd);
        let out = cmd
            .args(["--dataset", DATASET, "--dist"])
            .arg(self.path("dist"))
            .args(["staff", "add", STAFF_USER])
            .env("BIANMIN_STAFF_PASSWORD", STAFF_PASSWORD)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "staff add: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A release server: `--trust-proxy` so each simulated resident brings its own address
/// (X-Forwarded-For) to the open-mode rate limit, as behind the load balancer of a deployment.
pub struct Server {
    child: Option<Child>,
    pub port: u16,
    backend: Backend,
    dist: PathBuf,
    uploads: Option<PathBuf>,
    log: PathBuf,
}

impl Server {
    pub async fn start(
        work: &Work,
        backend: &Backend,
        port: u16,
        uploads: Option<PathBuf>,
    ) -> Server {
        let mut s = Server {
            child: None,
            port,
            backend: backend.clone(),
            dist: work.path("dist"),
            uploads,
            log: work.path(&format!("server-{port}.log")),
        };
        s.restart().await;
        s
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the process (again, on the same port and database) and waits until it answers.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none());
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let mut cmd = Command::new(BIN);
        self.backend.args(&mut cmd);
        cmd.arg("--listen")
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["--dataset", DATASET, "--sync", "full", "--trust-proxy"])
            .arg("--dist")
            .arg(&self.dist);
        if let Some(u) = &self.uploads {
            cmd.arg("--uploads").arg(u);
        }
        let child = cmd
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("the release server starts");
        self.child = Some(child);
        let client = reqwest::Client::new();
        let url = format!("{}/api/health", self.base());
        let t = Instant::now();
        loop {
            if let Ok(r) = client.get(&url).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            if let Some(st) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!(
                    "the server exited ({st}) while starting:\n{}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            assert!(
                t.elapsed() < Duration::from_secs(120),
                "the server did not answer within 120 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL, no chance to finish anything.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Logs in as the bench's staff account and opens an open-mode round of the circle.
pub async fn open_round(base: &str) -> i64 {
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{base}/api/staff/login"))
        .json(&json!({ "username": STAFF_USER, "password": STAFF_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "login: {}", r.status());
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = r.json::<Value>().await.unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_string();
    let r = client
        .post(format!("{base}/api/staff/circles/{CIRCLE}/rounds"))
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .json(&json!({ "population": 90_000, "open_mode": true }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert!(status.is_success(), "open round: {status} {body}");
    body["id"].as_i64().unwrap()
}

/// What the outlet queries vary over: the dataset's categories and its circles' boxes.
#[derive(Clone)]
pub struct Fixture {
    pub round: i64,
    categories: Vec<String>,
    bboxes: Vec<[f64; 4]>,
}

impl Fixture {
    pub async fn load(base: &str, round: i64) -> Fixture {
        let client = reqwest::Client::new();
        let rules: Value = client
            .get(format!("{base}/api/rules"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let categories = rules["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect();
        let circles: Value = client
            .get(format!("{base}/api/circles"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let bboxes = circles
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let b = c["bbox"].as_array().unwrap();
                [0, 1, 2, 3].map(|i| b[i].as_f64().unwrap())
            })
            .collect();
        Fixture {
            round,
            categories,
            bboxes,
        }
    }

    /// An outlet query: one or two categories, a box (the circle's, or a quarter of it as a
    /// zoomed-in phone shows), or both.
    fn outlet_query(&self, rng: &mut Lcg) -> String {
        let cat = |rng: &mut Lcg| {
            self.categories[rng.next(self.categories.len() as u64) as usize].clone()
        };
        let bbox = |rng: &mut Lcg| {
            let [w, s, e, n] = self.bboxes[rng.next(self.bboxes.len() as u64) as usize];
            let (dx, dy) = ((e - w) / 2.0, (n - s) / 2.0);
            let q = rng.next(5);
            let [w, s, e, n] = if q == 4 {
                [w, s, e, n]
            } else {
                let (x, y) = (w + dx * (q % 2) as f64, s + dy * (q / 2) as f64);
                [x, y, x + dx, y + dy]
            };
            format!("{w:.5},{s:.5},{e:.5},{n:.5}")
        };
        match rng.next(4) {
            0 => format!("category={}", cat(rng)),
            1 => format!("category={},{}", cat(rng), cat(rng)),
            2 => format!("bbox={}", bbox(rng)),
            _ => format!("category={}&bbox={}", cat(rng), bbox(rng)),
        }
    }
}

pub const ENDPOINTS: [&str; 6] = [
    "GET /api/config",
    "GET /api/basemap",
    "GET /api/graph",
    "GET /api/rules",
    "GET /api/outlets?category,bbox",
    "POST /api/circles/{id}/responses",
];
pub const SUBMIT: usize = 5;

/// One request: which endpoint, when it started, how long until its body was read, and its
/// status (None: no HTTP answer — refused, reset or timed out).
#[derive(Clone, Copy)]
pub struct Sample {
    pub endpoint: usize,
    pub at: Instant,
    pub took: Duration,
    pub status: Option<u16>,
}

/// One survey submission as sent, with the last outcome seen.
#[derive(Clone)]
pub struct Submission {
    pub client_id: String,
    pub forwarded_for: String,
    pub body: Value,
    pub status: Option<u16>,
}

impl Submission {
    pub fn acknowledged(&self) -> bool {
        matches!(self.status, Some(200..=299))
    }
}

pub struct Run {
    pub samples: Vec<Sample>,
    pub submissions: Vec<Submission>,
    pub start: Instant,
    pub elapsed: Duration,
    pub servers: usize,
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Sends one submission; returns its status (None: no answer).
pub async fn send_submission(client: &reqwest::Client, base: &str, s: &Submission) -> Option<u16> {
    let r = client
        .post(format!("{base}/api/circles/{CIRCLE}/responses"))
        .header("x-forwarded-for", &s.forwarded_for)
        .json(&s.body)
        .send()
        .await
        .ok()?;
    let status = r.status().as_u16();
    r.bytes().await.ok()?;
    Some(status)
}

/// `concurrency` clients for `seconds`, each request to the next server in turn: 4 in 10 map
/// reads (config, basemap, graph, rules in turn), 3 in 10 outlet queries, 3 in 10 survey
/// submissions (open mode, a fresh client_id, device and address each).
pub async fn run(
    bases: &[String],
    fx: &Fixture,
    tag: &str,
    seconds: f64,
    concurrency: usize,
) -> Run {
    let bases = Arc::new(bases.to_vec());
    let turn = Arc::new(AtomicU64::new(0));
    let samples = Arc::new(Mutex::new(Vec::new()));
    let subs = Arc::new(Mutex::new(Vec::new()));
    let client = http_client();
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let (bases, turn, samples, subs, client, fx) = (
            bases.clone(),
            turn.clone(),
            samples.clone(),
            subs.clone(),
            client.clone(),
            fx.clone(),
        );
        let tag = tag.to_string();
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg(w as u64 * 7919 + 17);
            let (mut mine, mut my_subs) = (Vec::new(), Vec::new());
            let mut n = 0u64;
            while Instant::now() < deadline {
                let base = &bases[(turn.fetch_add(1, Ordering::Relaxed) as usize) % bases.len()];
                let pick = rng.next(10) as usize;
                let at = Instant::now();
                let (endpoint, status) = if pick < 4 {
                    let path = ["config", "basemap", "graph", "rules"][pick];
                    (pick, get(&client, &format!("{base}/api/{path}")).await)
                } else if pick < 7 {
                    let q = fx.outlet_query(&mut rng);
                    (4, get(&client, &format!("{base}/api/outlets?{q}")).await)
                } else {
                    n += 1;
                    let client_id = format!("{tag}-{w:03}-{n:07}");
                    let body = json!({
                        "client_id": client_id,
                        "round": fx.round,
                        "questionnaire_version": 1,
                        "device": format!("device-{client_id}"),
                        "answers": answer(&mut rng),
                    });
                    let mut s = Submission {
                        client_id,
                        forwarded_for: format!("10.{}.{}.{}", w % 256, (n >> 8) % 256, n % 256),
                        body,
                        status: None,
                    };
                    s.status = send_submission(&client, base, &s).await;
                    let status = s.status;
                    my_subs.push(s);
                    (SUBMIT, status)
                };
                let took = at.elapsed();
                mine.push(Sample {
                    endpoint,
                    at,
                    took,
                    status,
                });
                // A refused connection fails at once: do not spin while a server is down.
                if status.is_none() || status.is_some_and(|s| s >= 500) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            samples.lock().unwrap().extend(mine);
            subs.lock().unwrap().extend(my_subs);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed();
    let samples = std::mem::take(&mut *samples.lock().unwrap());
    let submissions = std::mem::take(&mut *subs.lock().unwrap());
    Run {
        samples,
        submissions,
        start,
        elapsed,
        servers: bases.len(),
    }
}

async fn get(client: &reqwest::Client, url: &str) -> Option<u16> {
    let r = client.get(url).send().await.ok()?;
    let status = r.status().as_u16();
    // The whole body: a read is done when the phone has the data.
    r.bytes().await.ok()?;
    Some(status)
}

/// Figures of a set of samples.
pub struct Figures {
    pub requests: usize,
    pub rate: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// "503×12, no answer×3"; empty when every status was 2xx.
    pub errors: String,
    pub error_count: usize,
}

pub fn figures<'a>(samples: impl Iterator<Item = &'a Sample>, elapsed: Duration) -> Figures {
    let mut lat = Vec::new();
    let mut errs: BTreeMap<String, usize> = BTreeMap::new();
    for s in samples {
        lat.push(s.took);
        match s.status {
            Some(200..=299) => {}
            Some(c) => *errs.entry(c.to_string()).or_default() += 1,
            None => *errs.entry("no answer".into()).or_default() += 1,
        }
    }
    lat.sort();
    Figures {
        requests: lat.len(),
        rate: lat.len() as f64 / elapsed.as_secs_f64(),
        p50: pct(&lat, 0.5),
        p99: pct(&lat, 0.99),
        error_count: errs.values().sum(),
        errors: errs
            .iter()
            .map(|(k, v)| format!("{k}×{v}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Acknowledged against stored writes after a run (and the resends of the unanswered).
#[derive(Debug)]
pub struct Count {
    pub sent: usize,
    /// 2xx during the run.
    pub acked_in_run: usize,
    /// No 2xx during the run: sent again with the same client_id and body.
    pub resent: usize,
    /// Of the resends: 201 (never arrived), 200 already_recorded (arrived, answer lost).
    pub resent_new: usize,
    pub resent_already: usize,
    /// Resends that still got no 2xx.
    pub resent_failed: usize,
    /// 2xx at the end (run + resends).
    pub acknowledged: usize,
    /// Rows for acknowledged client_ids.
    pub present: usize,
    /// client_ids with more than one row.
    pub duplicates: usize,
    /// Rows of the round whose client_id was never acknowledged.
    pub unacknowledged_rows: usize,
    /// Rows of the round, and the server's own count of them (the indicators).
    pub rows: usize,
    pub indicator_responses: u64,
}

impl Count {
    pub fn ok(&self) -> bool {
        self.acknowledged == self.present
            && self.duplicates == 0
            && self.unacknowledged_rows == 0
            && self.resent_failed == 0
            && self.acknowledged == self.sent
            && self.indicator_responses == self.rows as u64
    }
}

/// Resends every submission that got no 2xx, then compares with the database.
pub async fn count(backend: &Backend, base: &str, round: i64, subs: &mut [Submission]) -> Count {
    let client = http_client();
    let sent = subs.len();
    let acked_in_run = subs.iter().filter(|s| s.acknowledged()).count();
    let (mut resent, mut resent_new, mut resent_already, mut resent_failed) = (0, 0, 0, 0);
    for s in subs.iter_mut().filter(|s| !s.acknowledged()) {
        resent += 1;
        s.status = send_submission(&client, base, s).await;
        match s.status {
            Some(201) => resent_new += 1,
            Some(200) => resent_already += 1,
            _ => resent_failed += 1,
        }
    }
    let stored = backend.stored_client_ids(round).await;
    let acked: Vec<&Submission> = subs.iter().filter(|s| s.acknowledged()).collect();
    let present = acked
        .iter()
        .filter(|s| stored.contains_key(&s.client_id))
        .count();
    let ids: std::collections::HashSet<&str> = acked.iter().map(|s| s.client_id.as_str()).collect();
    let indicators: Value = client
        .get(format!(
            "{base}/api/circles/{CIRCLE}/indicators?round={round}"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Count {
        sent,
        acked_in_run,
        resent,
        resent_new,
        resent_already,
        resent_failed,
        acknowledged: acked.len(),
        present,
        duplicates: stored.values().filter(|&&n| n > 1).count(),
        unacknowledged_rows: stored.keys().filter(|k| !ids.contains(k.as_str())).count(),
        rows: stored.values().sum::<u64>() as usize,
        indicator_responses: indicators["indicators"]["responses"].as_u64().unwrap_or(0),
    }
}
