//! Survey submissions under load against the release server on SQLite with durable writes
//! (`--sync full`), next to raw SQLite writes of the same rows with the same durability in the
//! same run; then the indicator read and a submission with a million answers stored.
//!
//!   cargo bench -p server --bench survey_load        (or: bash bench/survey.sh)
//!
//! Settings by environment: SURVEY_BENCH_SECONDS (10), SURVEY_BENCH_CONCURRENCY (16),
//! SURVEY_BENCH_MILLION (1000000), SURVEY_BENCH_RESULTS (a Markdown file whose survey section
//! is replaced; bench/survey.sh passes bench/RESULTS.md).

use app::domain::survey::{check_answers, tally_keys, Questionnaire, TallyKey};
use app::domain::Rules;
use serde_json::{json, Value};
use server::db::{self, Db, Durability};
use server::staff::audit::Actor;
use server::survey::{codes, store};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// The answers and their random numbers are the load generator's (benches/loadgen).
mod loadgen;
use loadgen::{answer, Lcg};

const BIN: &str = env!("CARGO_BIN_EXE_bianmin-server");
const CIRCLE: &str = "changshoulu";
const DATASET: &str = "shanghai";
const MARK_START: &str = "<!-- survey-bench:start -->";
const MARK_END: &str = "<!-- survey-bench:end -->";

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Latencies(Vec<Duration>);
impl Latencies {
    fn pct(&self, p: f64) -> Duration {
        let mut v = self.0.clone();
        v.sort();
        v[((v.len() - 1) as f64 * p).round() as usize]
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

struct Server {
    child: Child,
    base: String,
}
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(db_path: &Path, dist: &Path) -> Server {
    let mut child = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--dataset",
            DATASET,
            "--sync",
            "full",
        ])
        .arg("--db")
        .arg(db_path)
        .arg("--dist")
        .arg(dist)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the release server starts");
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut lines = stderr.lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server says where it serves")
            .unwrap();
        if let Some(addr) = line.split("on http://").nth(1) {
            break format!("http://{}", addr.trim());
        }
    };
    // Keep draining its log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    Server { child, base }
}

/// A code round of the circle in a fresh database.
async fn open_code_round(db: &Db) -> store::Round {
    store::open_round(
        db,
        &store::NewRound {
            dataset: DATASET,
            circle: CIRCLE,
            population: 90_000,
            open_mode: false,
            questionnaire_version: 1,
            today: "2026-11-21",
        },
        &Actor::command_line(),
    )
    .await
    .unwrap()
    .expect("a fresh database has no open round")
}

/// A database with an open code round of the circle and `n` codes (returned in plain).
async fn prepared(path: &Path, n: u32) -> (Db, i64, Vec<String>) {
    let db = db::open(path, Durability::Full).await.unwrap();
    let round = open_code_round(&db).await;
    let mut all = Vec::new();
    while all.len() < n as usize {
        let batch = (n as usize - all.len()).min(5_000) as u32;
        all.extend(
            store::issue_codes(&db, round.id, batch, &Actor::command_line())
                .await
                .unwrap(),
        );
    }
    (db, round.id, all)
}

struct LoadResult {
    ok: usize,
    errors: usize,
    elapsed: Duration,
    lat: Latencies,
}

/// `concurrency` clients post answers with fresh codes for `seconds`.
async fn http_load(
    base: &str,
    round: i64,
    codes: Vec<String>,
    seconds: u64,
    concurrency: usize,
) -> LoadResult {
    let codes = Arc::new(codes);
    let next = Arc::new(AtomicUsize::new(0));
    let lat = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(AtomicUsize::new(0));
    let url = format!("{base}/api/circles/{CIRCLE}/responses");
    let client = reqwest::Client::new();
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let (codes, next, lat, errors, url, client) = (
            codes.clone(),
            next.clone(),
            lat.clone(),
            errors.clone(),
            url.clone(),
            client.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg(w as u64 + 1);
            let mut mine = Vec::new();
            while Instant::now() < deadline {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let Some(code) = codes.get(n) else { break };
                let body = json!({
                    "client_id": format!("bench-{round}-{n:09}"),
                    "round": round,
                    "questionnaire_version": 1,
                    "code": code,
                    "answers": answer(&mut rng),
                });
                let t = Instant::now();
                let r = client.post(&url).json(&body).send().await;
                match r {
                    Ok(r) if r.status().as_u16() == 201 => mine.push(t.elapsed()),
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            lat.lock().unwrap().extend(mine);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed();
    let lat = std::mem::take(&mut *lat.lock().unwrap());
    LoadResult {
        ok: lat.len(),
        errors: errors.load(Ordering::Relaxed),
        elapsed,
        lat: Latencies(lat),
    }
}

/// The rows one answer writes, prepared outside the timed part.
struct Rows {
    client_id: String,
    answers: String,
    tally: Vec<TallyKey>,
    code_hash: Vec<u8>,
}

fn rows_for(
    tag: usize,
    q: &Questionnaire,
    rules: &Rules,
    round: i64,
    n: usize,
    code: &str,
    rng: &mut Lcg,
) -> Rows {
    let a = check_answers(q, rules, answer(rng).as_object().unwrap()).unwrap();
    Rows {
        client_id: format!("raw-{round}-{n:09}-{tag}"),
        answers: serde_json::to_string(&a).unwrap(),
        tally: tally_keys(q, &a),
        code_hash: codes::hash(round, &codes::normalise(code).unwrap()),
    }
}

/// The same writes as a submission (code used, response, counters) in one transaction each,
/// straight through the driver: no HTTP, no JSON, no checks.
async fn write_rows(tx: &mut sqlx::AnyConnection, round: i64, r: &Rows) {
    sqlx::query(
        "UPDATE survey_codes SET used = TRUE WHERE round = $1 AND code_hash = $2 AND NOT used",
    )
    .bind(round)
    .bind(&r.code_hash)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO survey_responses (round, client_id, day, questionnaire_version, answers)
         VALUES ($1, $2, '2026-11-21', 1, $3)",
    )
    .bind(round)
    .bind(&r.client_id)
    .bind(&r.answers)
    .execute(&mut *tx)
    .await
    .unwrap();
    store::raise_counters(&mut *tx, round, &r.tally)
        .await
        .unwrap();
}

/// Raw writes for `seconds`, one writer (SQLite has one writer at a time anyway), `group`
/// answers per transaction (1: each answer its own commit).
async fn raw_load(db: &Db, round: i64, codes: &[String], seconds: u64, group: usize) -> LoadResult {
    let rules = Rules::bundled();
    let q = Questionnaire::bundled(&rules);
    let mut rng = Lcg(99);
    let mut conn = db.acquire().await.unwrap();
    let mut lat = Vec::new();
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    for (g, chunk) in codes.chunks(group).enumerate() {
        if Instant::now() >= deadline {
            break;
        }
        let rows: Vec<Rows> = chunk
            .iter()
            .enumerate()
            .map(|(i, code)| rows_for(group, &q, &rules, round, g * group + i, code, &mut rng))
            .collect();
        let t = Instant::now();
        let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
        for r in &rows {
            write_rows(&mut tx, round, r).await;
        }
        tx.commit().await.unwrap();
        // Every answer of the group is acknowledged at its commit.
        lat.extend(std::iter::repeat_n(t.elapsed(), rows.len()));
    }
    LoadResult {
        ok: lat.len(),
        errors: 0,
        elapsed: start.elapsed(),
        lat: Latencies(lat),
    }
}

/// Fills a round with `n` answers quickly (big transactions; the counters summed in memory and
/// written once, which ends in the same rows as one increment per answer).
async fn fill(path: &Path, n: u64) -> (i64, Vec<String>) {
    let db = db::open(path, Durability::Normal).await.unwrap();
    let round = open_code_round(&db).await.id;
    let rules = Rules::bundled();
    let q = Questionnaire::bundled(&rules);
    let mut rng = Lcg(7);
    let mut tally = std::collections::BTreeMap::<TallyKey, u64>::new();
    let mut done = 0u64;
    while done < n {
        let batch = (n - done).min(20_000);
        let mut tx = db.begin().await.unwrap();
        for i in 0..batch {
            let a = check_answers(&q, &rules, answer(&mut rng).as_object().unwrap()).unwrap();
            for k in tally_keys(&q, &a) {
                *tally.entry(k).or_default() += 1;
            }
            sqlx::query(
                "INSERT INTO survey_responses (round, client_id, day, questionnaire_version, answers)
                 VALUES ($1, $2, '2026-11-21', 1, $3)",
            )
            .bind(round)
            .bind(format!("fill-{:09}", done + i))
            .bind(serde_json::to_string(&a).unwrap())
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        done += batch;
    }
    let mut tx = db.begin().await.unwrap();
    for (k, v) in &tally {
        sqlx::query(
            "INSERT INTO survey_counters (round, question, option, band, n) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(round)
        .bind(&k.question)
        .bind(&k.option)
        .bind(&k.band)
        .bind(*v as i64)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let codes = store::issue_codes(&db, round, 200, &Actor::command_line())
        .await
        .unwrap();
    db.close().await;
    (round, codes)
}

/// The naive peer: the same per-question counts recomputed from the stored answers.
async fn scan_counts(db: &Db, round: i64) -> u64 {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT j.key, CAST(j.value AS TEXT), COUNT(*) FROM survey_responses r, json_each(r.answers) j
         WHERE r.round = $1 AND j.type = 'integer' GROUP BY 1, 2",
    )
    .bind(round)
    .fetch_all(db)
    .await
    .unwrap();
    rows.iter().map(|r| r.2 as u64).sum()
}

#[tokio::main]
async fn main() {
    let seconds = env_num("SURVEY_BENCH_SECONDS", 10);
    let concurrency = env_num("SURVEY_BENCH_CONCURRENCY", 16) as usize;
    let million = env_num("SURVEY_BENCH_MILLION", 1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>bench</title>",
    )
    .unwrap();
    // Enough codes for the fastest plausible rate.
    let code_count = (seconds * 8_000) as u32;
    let raw_count = (seconds * 40_000) as u32;

    eprintln!("preparing {code_count} codes for the server and for the raw writer …");
    let served = dir.path().join("served.db");
    let (db, round, server_codes) = prepared(&served, code_count).await;
    db.close().await;
    let raw_path = dir.path().join("raw.db");
    let (raw_db, raw_round, raw_codes) = prepared(&raw_path, raw_count).await;

    eprintln!("HTTP load: {concurrency} clients for {seconds} s …");
    let server = start_server(&served, &dist);
    let http = http_load(&server.base, round, server_codes, seconds, concurrency).await;
    drop(server);
    eprintln!("raw SQLite writes for {seconds} s …");
    let (first, rest) = raw_codes.split_at(raw_codes.len() / 4);
    let raw = raw_load(&raw_db, raw_round, first, seconds, 1).await;
    eprintln!("raw SQLite writes, {concurrency} answers per commit, for {seconds} s …");
    let grouped = raw_load(&raw_db, raw_round, rest, seconds, concurrency).await;
    raw_db.close().await;

    eprintln!("filling a round with {million} answers …");
    let big = dir.path().join("million.db");
    let t = Instant::now();
    let (big_round, big_codes) = fill(&big, million).await;
    let fill_time = t.elapsed();
    let server = start_server(&big, &dist);
    let client = reqwest::Client::new();
    let url = format!(
        "{}/api/circles/{CIRCLE}/indicators?round={big_round}",
        server.base
    );
    let mut reads = Vec::new();
    let mut responses = 0;
    for _ in 0..50 {
        let t = Instant::now();
        let body: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
        reads.push(t.elapsed());
        responses = body["indicators"]["responses"].as_u64().unwrap();
    }
    assert_eq!(
        responses, million,
        "the indicators count every stored answer"
    );
    let reads = Latencies(reads);
    // Submissions with a million answers already stored, one after another.
    let mut rng = Lcg(5);
    let mut writes = Vec::new();
    let post = format!("{}/api/circles/{CIRCLE}/responses", server.base);
    for (n, code) in big_codes.iter().enumerate() {
        let body = json!({
            "client_id": format!("after-million-{n:06}"),
            "round": big_round,
            "questionnaire_version": 1,
            "code": code,
            "answers": answer(&mut rng),
        });
        let t = Instant::now();
        let r = client.post(&post).json(&body).send().await.unwrap();
        let status = r.status().as_u16();
        assert_eq!(status, 201, "{}", r.text().await.unwrap());
        writes.push(t.elapsed());
    }
    drop(server);
    let big_db = db::open(&big, Durability::Normal).await.unwrap();
    let mut scans = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let n = scan_counts(&big_db, big_round).await;
        scans.push(t.elapsed());
        assert!(n >= million * 7);
    }
    let scans = Latencies(scans);
    let writes = Latencies(writes);

    let http_rate = http.ok as f64 / http.elapsed.as_secs_f64();
    let raw_rate = raw.ok as f64 / raw.elapsed.as_secs_f64();
    let grouped_rate = grouped.ok as f64 / grouped.elapsed.as_secs_f64();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let md = format!(
        "{MARK_START}\n# Survey submissions and indicators\n\n\
Generated by `bash bench/survey.sh` (`cargo bench -p server --bench survey_load`) on {date}; machine: {cpu}, {cores} cores. \
The release server on SQLite (WAL, `--sync full`: every acknowledged answer is synced to disk), loopback HTTP, \
{concurrency} concurrent clients for {seconds} s, each answer with its own single-use code. The server commits in groups: answers that \
arrive while it is writing go into the next transaction together, and each is acknowledged only after that commit is \
synced. The peer is the same rows (code marked used, the response, its counters) written straight through the driver \
by one writer with the same `synchronous = FULL`, in the same run: one transaction per answer (the goal's yardstick), \
and, for reference, {concurrency} answers per transaction.\n\n\
| | answers/s | p50 | p99 | errors |\n|---|---|---|---|---|\n\
| HTTP `POST /api/circles/{{id}}/responses` | {http_rate:.0} | {hp50} | {hp99} | {herr} |\n\
| raw SQLite writes of the same rows, one commit per answer | {raw_rate:.0} | {rp50} | {rp99} | 0 |\n\
| **HTTP ÷ raw** | **{ratio:.0}%** (goal ≥ 50%) | | p99 goal ≤ 20 ms | |\n\
| raw, {concurrency} answers per commit (reference) | {grouped_rate:.0} | {gp50} | {gp99} | 0 |\n\
| HTTP ÷ raw grouped | {gratio:.0}% | | | |\n\n\
## With {million_fmt} answers stored\n\n\
The round was filled directly ({fill:.0} s, big transactions, counters written as the sums).\n\n\
| | p50 | p99 |\n|---|---|---|\n\
| `GET /api/circles/{{id}}/indicators` (reads the counters) | {ip50} | {ip99} |\n\
| the same counts recomputed from the stored answers (`json_each` scan) | {sp50} | — |\n\
| **scan ÷ counters** | **{scan_ratio:.0}×** | |\n\
| a submission, {nw} one after another | {wp50} | {wp99} |\n\
{MARK_END}\n",
        date = chrono_date(),
        hp50 = ms(http.lat.pct(0.5)),
        hp99 = ms(http.lat.pct(0.99)),
        herr = http.errors,
        rp50 = ms(raw.lat.pct(0.5)),
        rp99 = ms(raw.lat.pct(0.99)),
        ratio = http_rate / raw_rate * 100.0,
        grouped_rate = grouped_rate,
        gp50 = ms(grouped.lat.pct(0.5)),
        gp99 = ms(grouped.lat.pct(0.99)),
        gratio = http_rate / grouped_rate * 100.0,
        million_fmt = group(million),
        fill = fill_time.as_secs_f64(),
        ip50 = ms(reads.pct(0.5)),
        ip99 = ms(reads.pct(0.99)),
        sp50 = ms(scans.pct(0.5)),
        scan_ratio = scans.pct(0.5).as_secs_f64() / reads.pct(0.5).as_secs_f64(),
        nw = writes.0.len(),
        wp50 = ms(writes.pct(0.5)),
        wp99 = ms(writes.pct(0.99)),
    );
    println!("{md}");
    if let Ok(path) = std::env::var("SURVEY_BENCH_RESULTS") {
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        let new = match (old.find(MARK_START), old.find(MARK_END)) {
            (Some(a), Some(b)) if a < b => {
                format!(
                    "{}{}{}",
                    &old[..a],
                    md.trim_end(),
                    &old[b + MARK_END.len()..]
                )
            }
            _ => format!("{}\n\n{}", old.trim_end(), md),
        };
        std::fs::write(&path, new).unwrap();
        eprintln!("wrote {path}");
    }
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn chrono_date() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}
