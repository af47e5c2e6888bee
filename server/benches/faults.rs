//! Faults under the mixed load of loadgen, each ending with the count that matters: survey
//! answers acknowledged (2xx, by client_id) against rows stored in survey_responses (read from
//! the database directly), no client_id twice, and — after every answer that got no 2xx is sent
//! again with the same client_id and body — nothing counted twice.
//!
//!   a. kill -9 of the server under load, restarted on the same database (SQLite; PostgreSQL)
//!   b. PostgreSQL stopped and started, then its postmaster killed with -9, under load: the
//!      server is not restarted
//!   c. the uploads folder on a full 1 MB tmpfs: a merchant registration with photos
//!   d. slow clients (slowloris): connections trickling headers or a body, other clients' p50/p99
//!      beside a run without them
//!
//!   bash bench/faults.sh          (FAULT_SECONDS=20; writes bench/RESULTS.md)
//!   FAULT_SECONDS=5 cargo bench -p server --bench faults     (the short form; exits 1 on a
//!                                                             lost, doubled or extra answer)
//!
//! Settings by environment: FAULT_SECONDS (5), FAULT_CONCURRENCY (16), FAULT_SLOW_CONNECTIONS
//! (200), FAULT_PG_PORT (55462), FAULT_PORT (18450), FAULT_RESULTS (Markdown file to update),
//! FAULT_ONLY (a comma list of kill9, pg, disk, slow: only those faults; all when not set).
//! The PostgreSQL faults run when the server has `--database-url`, on scripts/pg.sh's server.

mod loadgen;

use loadgen::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MARK_START: &str = "<!-- fault-tests:start -->";
const MARK_END: &str = "<!-- fault-tests:end -->";

struct Settings {
    seconds: f64,
    concurrency: usize,
    slow: usize,
    pg_port: u16,
    port: u16,
}

struct Outcome {
    fault: String,
    backend: &'static str,
    count: Option<Count>,
    /// Non-2xx answers and requests without an answer during the run, by status.
    errors: String,
    recovery: String,
    /// What else was seen (and checked), one paragraph.
    notes: String,
    /// Checks beyond the count (the upload's refusal, recovery); empty when all passed.
    failures: Vec<String>,
    skipped: Option<String>,
}

impl Outcome {
    fn skipped(fault: &str, backend: &'static str, why: String) -> Outcome {
        eprintln!("{fault} ({backend}): skipped — {why}");
        Outcome {
            fault: fault.into(),
            backend,
            count: None,
            errors: String::new(),
            recovery: String::new(),
            notes: String::new(),
            failures: vec![],
            skipped: Some(why),
        }
    }

    fn ok(&self) -> bool {
        self.skipped.is_some()
            || (self.failures.is_empty() && self.count.as_ref().is_some_and(Count::ok))
    }
}

/// The load in the background while the fault happens in the foreground.
fn spawn_load(
    base: String,
    fx: &Fixture,
    tag: &'static str,
    seconds: f64,
    concurrency: usize,
) -> tokio::task::JoinHandle<Run> {
    let fx = fx.clone();
    tokio::spawn(async move { run(&[base], &fx, tag, seconds, concurrency).await })
}

/// From `from` to the end of the first 2xx answer to a survey submission sent after it.
fn recovery(r: &Run, from: Instant) -> Option<Duration> {
    r.samples
        .iter()
        .filter(|s| s.endpoint == SUBMIT && s.at >= from && matches!(s.status, Some(200..=299)))
        .map(|s| s.at + s.took - from)
        .min()
}

fn secs(d: Option<Duration>) -> String {
    d.map_or("never".into(), |d| format!("{:.2} s", d.as_secs_f64()))
}

fn errors_of(r: &Run) -> String {
    let f = figures(r.samples.iter(), r.elapsed);
    if f.errors.is_empty() {
        "none".into()
    } else {
        f.errors
    }
}

/// a. kill -9 under load, restart on the same database after half a second.
async fn kill9(set: &Settings, backend: Backend, port: u16) -> Outcome {
    let fault = "kill -9 of the server, restarted";
    eprintln!("{fault} ({}) …", backend.name());
    let work = Work::new();
    work.staff_add(&backend);
    let mut server = Server::start(&work, &backend, port, None).await;
    let round = open_round(&server.base()).await;
    let fx = Fixture::load(&server.base(), round).await;
    let load = spawn_load(server.base(), &fx, "kill9", set.seconds, set.concurrency);
    tokio::time::sleep(Duration::from_secs_f64(set.seconds * 0.4)).await;
    let killed = Instant::now();
    server.kill9();
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.restart().await;
    let restarted = killed.elapsed();
    let mut r = load.await.unwrap();
    let count = count(&backend, &server.base(), round, &mut r.submissions).await;
    let rec = recovery(&r, killed);
    let mut failures = vec![];
    if rec.is_none() {
        failures.push("no answer was acknowledged after the restart".into());
    }
    Outcome {
        fault: fault.into(),
        backend: backend.name(),
        errors: errors_of(&r),
        recovery: format!(
            "{} after the kill (restart begun at 0.5 s, serving at {:.2} s)",
            secs(rec),
            restarted.as_secs_f64()
        ),
        notes: String::new(),
        count: Some(count),
        failures,
        skipped: None,
    }
}

/// b. PostgreSQL goes away under load (`how`: "stop" = fast shutdown, "kill" = SIGKILL of the
/// postmaster) and comes back after a second; the server keeps running.
async fn pg_outage(set: &Settings, how: &'static str, port: u16) -> Outcome {
    let fault = match how {
        "stop" => "PostgreSQL stopped and started (pg.sh stop/start)",
        _ => "PostgreSQL postmaster killed -9, started again (pg.sh kill/start)",
    };
    eprintln!("{fault} …");
    let url = fresh_pg_database(set.pg_port, &format!("faults_{how}"));
    let backend = Backend::Postgres(url);
    let work = Work::new();
    work.staff_add(&backend);
    let server = Server::start(&work, &backend, port, None).await;
    let round = open_round(&server.base()).await;
    let fx = Fixture::load(&server.base(), round).await;
    let load = spawn_load(server.base(), &fx, "pgout", set.seconds, set.concurrency);
    tokio::time::sleep(Duration::from_secs_f64(set.seconds * 0.3)).await;
    let pg_port = set.pg_port;
    let down = Instant::now();
    tokio::task::spawn_blocking(move || {
        pg(how, pg_port);
        std::thread::sleep(Duration::from_secs(1));
        pg_start_until_up(pg_port);
    })
    .await
    .unwrap();
    let up = Instant::now();
    let mut r = load.await.unwrap();
    // The outage may outlast the load: then fresh answers are sent until one is acknowledged,
    // so recovery is measured all the same (and these count too).
    let mut probe = 0;
    while recovery(&r, up).is_none() && up.elapsed() < Duration::from_secs(60) {
        probe += 1;
        let client_id = format!("probe-{how}-{probe:06}");
        let mut sub = Submission {
            body: json!({
                "client_id": client_id,
                "round": round,
                "questionnaire_version": 1,
                "device": format!("device-{client_id}"),
                "answers": answer(&mut Lcg(probe)),
            }),
            client_id,
            forwarded_for: format!("10.251.{}.{}", probe / 256 % 256, probe % 256),
            status: None,
        };
        let at = Instant::now();
        sub.status = send_submission(&http_client(), &server.base(), &sub).await;
        r.samples.push(Sample {
            endpoint: SUBMIT,
            at,
            took: at.elapsed(),
            status: sub.status,
        });
        r.submissions.push(sub);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let count = count(&backend, &server.base(), round, &mut r.submissions).await;
    // Every request that was in flight at some time of the outage, however long it waited.
    let overlapping: Vec<&Sample> = r
        .samples
        .iter()
        .filter(|s| s.at <= up && s.at + s.took >= down)
        .collect();
    let during = figures(overlapping.iter().copied(), up - down);
    let longest = overlapping.iter().map(|s| s.took).max().unwrap_or_default();
    let rec = recovery(&r, up);
    let mut failures = vec![];
    if rec.is_none() {
        failures.push("no answer was acknowledged after PostgreSQL came back".into());
    }
    Outcome {
        fault: fault.into(),
        backend: backend.name(),
        errors: errors_of(&r),
        recovery: format!(
            "{} after PostgreSQL was back (outage {:.2} s)",
            secs(rec),
            (up - down).as_secs_f64()
        ),
        notes: format!(
            "Requests in flight at some time of the outage: {}, the longest took {:.2} s; \
statuses other than 2xx among them: {}.",
            during.requests,
            longest.as_secs_f64(),
            if during.errors.is_empty() {
                "none".into()
            } else {
                during.errors
            }
        ),
        count: Some(count),
        failures,
        skipped: None,
    }
}

/// The registration of the merchant API tests, with two photos.
fn registration_form(seed: u8) -> reqwest::multipart::Form {
    use reqwest::multipart::{Form, Part};
    let span = json!([{ "open": [8, 0], "close": [18, 0] }]);
    let days: Vec<Value> = (0..7)
        .map(|d| if d < 6 { span.clone() } else { json!([]) })
        .collect();
    let reg = json!({
        "name": "老李配钥匙",
        "category": "repair",
        "repair_kinds": ["key"],
        "prices": [{ "item": "配普通钥匙", "price_fen": 500 }],
        "services": [],
        "lon": 121.4437,
        "lat": 31.2475,
        "address": "普陀区昌化路 123 号门口",
        "phone": "138 0013 8000",
        "hours": { "open_24h": false, "days": days },
        "brand": null,
        "delivers": false,
        "credit_code": "92310107MA1K00012L"
    });
    let picture = |w: u32, h: u32, s: u8| {
        let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, s])
        }));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        out.into_inner()
    };
    let photo = |bytes: Vec<u8>, file: &str| {
        Part::bytes(bytes)
            .file_name(file.to_string())
            .mime_str("image/jpeg")
            .unwrap()
    };
    Form::new()
        .part(
            "registration",
            Part::text(reg.to_string())
                .mime_str("application/json")
                .unwrap(),
        )
        .part("shopfront", photo(picture(800, 600, seed), "front.jpg"))
        .part(
            "licence",
            photo(picture(1200, 900, seed ^ 1), "licence.jpg"),
        )
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Unmounts the tmpfs however the fault ends.
struct Mount(PathBuf);
impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the file system of `dir` to the last byte.
fn fill(dir: &Path) -> u64 {
    use std::io::Write;
    let mut f = std::fs::File::create(dir.join("filler")).unwrap();
    let mut written = 0;
    for size in [65536, 4096, 1] {
        let chunk = vec![0u8; size];
        while f.write_all(&chunk).is_ok() {
            written += size as u64;
        }
    }
    let _ = f.sync_all();
    written
}

async fn register(base: &str, seed: u8) -> (Option<u16>, String, Duration) {
    let t = Instant::now();
    let r = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
        .post(format!("{base}/api/registrations"))
        .header("x-forwarded-for", format!("10.250.0.{seed}"))
        .multipart(registration_form(seed))
        .send()
        .await;
    match r {
        Ok(r) => {
            let status = r.status().as_u16();
            let text = r.text().await.unwrap_or_default();
            (Some(status), text, t.elapsed())
        }
        Err(e) => (None, e.to_string(), t.elapsed()),
    }
}

/// Rows of the merchant photos whose file (or thumbnail) is missing from `dir` or empty.
async fn rows_without_file(backend: &Backend, dir: &Path) -> Vec<String> {
    let hashes = backend.rows("SELECT hash FROM merchant_photos").await;
    let whole = |p: PathBuf| std::fs::metadata(p).is_ok_and(|m| m.len() > 0);
    hashes
        .into_iter()
        .map(|r| r[0].clone())
        .filter(|h| {
            let stored =
                whole(dir.join(format!("{h}.jpg"))) && whole(dir.join(format!("{h}.thumb.jpg")));
            !h.is_empty() && !stored
        })
        .collect()
}

/// c. A registration with photos while the uploads folder's disk is full, under load.
async fn full_disk(set: &Settings, port: u16) -> Outcome {
    let fault = "uploads on a full disk (1 MB tmpfs)";
    eprintln!("{fault} …");
    let work = Work::new();
    let uploads = work.path("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&uploads)
        .output();
    let _mount = match mounted {
        Ok(o) if o.status.success() => Mount(uploads.clone()),
        Ok(o) => {
            return Outcome::skipped(
                fault,
                "SQLite",
                format!(
                    "mount -t tmpfs refused: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
            )
        }
        Err(e) => return Outcome::skipped(fault, "SQLite", format!("mount: {e}")),
    };
    let backend = Backend::Sqlite(work.path("faults.db"));
    work.staff_add(&backend);
    let server = Server::start(&work, &backend, port, Some(uploads.clone())).await;
    let base = server.base();
    let round = open_round(&base).await;
    let fx = Fixture::load(&base, round).await;
    let load = spawn_load(base.clone(), &fx, "disk", set.seconds, set.concurrency);
    tokio::time::sleep(Duration::from_secs_f64(set.seconds * 0.2)).await;
    let filled = fill(&uploads);
    let before = (
        backend
            .query("SELECT count(*) FROM merchant_listings")
            .await,
        backend.query("SELECT count(*) FROM merchant_photos").await,
    );
    let at = Instant::now();
    let (status, text, took) = register(&base, 1).await;
    let after = (
        backend
            .query("SELECT count(*) FROM merchant_listings")
            .await,
        backend.query("SELECT count(*) FROM merchant_photos").await,
    );
    let filler = uploads.join("filler");
    let left: Vec<String> = files_under(&uploads)
        .into_iter()
        .filter(|p| *p != filler)
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_default();
    let chinese = message
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut failures = vec![];
    match status {
        Some(s) if s >= 400 && chinese => {}
        _ => failures.push(format!(
            "the upload on a full disk got {status:?} {text} (wanted 4xx/5xx with a Chinese message)"
        )),
    }
    if before != after {
        failures.push(format!(
            "the refused registration changed the database: listings, photos {before:?} → {after:?}"
        ));
    }
    if !left.is_empty() {
        failures.push(format!("files left in the uploads folder: {left:?}"));
    }
    // With the space back, the same registration goes through and every photo row has its file.
    std::fs::remove_file(&filler).unwrap();
    let (status2, text2, _) = register(&base, 2).await;
    if status2 != Some(201) {
        failures.push(format!(
            "with space again the registration got {status2:?} {text2}"
        ));
    }
    let missing = rows_without_file(&backend, &uploads).await;
    if !missing.is_empty() {
        failures.push(format!("photo rows without a file: {missing:?}"));
    }
    let mut r = load.await.unwrap();
    let count = count(&backend, &base, round, &mut r.submissions).await;
    let during = figures(
        r.samples.iter().filter(|s| s.at >= at && s.at <= at + took),
        took.max(Duration::from_millis(1)),
    );
    Outcome {
        fault: fault.into(),
        backend: backend.name(),
        errors: errors_of(&r),
        recovery: format!(
            "refused in {:.0} ms; accepted once space was freed",
            took.as_secs_f64() * 1e3
        ),
        notes: format!(
            "Filled {filled} bytes; the registration with two photos got {} «{message}»; \
listings/photos rows {before:?} before and {after:?} after; files left beside the filler: {}; \
after freeing the space: {}; photo rows without a file: {}. \
Other clients during the upload: {} requests, non-2xx: {}.",
            status.map_or("no answer".to_string(), |s| s.to_string()),
            if left.is_empty() {
                "none".into()
            } else {
                left.join(", ")
            },
            status2.map_or("no answer".to_string(), |s| s.to_string()),
            missing.len(),
            during.requests,
            if during.errors.is_empty() {
                "none".into()
            } else {
                during.errors
            },
        ),
        count: Some(count),
        failures,
        skipped: None,
    }
}

/// One slow client: an endless header or a body announced as 64 KiB, one byte every 500 ms.
/// Returns after how long the server answered or closed the connection (None: still open).
async fn slow_client(port: u16, body: bool, stop: Arc<AtomicBool>) -> Option<Duration> {
    let t = Instant::now();
    let Ok(mut conn) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return Some(Duration::ZERO);
    };
    let head = if body {
        format!(
            "POST /api/circles/{CIRCLE}/responses HTTP/1.1\r\nHost: 127.0.0.1\r\n\
Content-Type: application/json\r\nContent-Length: 65536\r\n\r\n{{"
        )
    } else {
        "GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".to_string()
    };
    if conn.write_all(head.as_bytes()).await.is_err() {
        return Some(t.elapsed());
    }
    let mut buf = [0u8; 512];
    while !stop.load(Ordering::Relaxed) {
        tokio::select! {
            // Any answer (a 408 or 400) or a close ends this client.
            _ = conn.read(&mut buf) => return Some(t.elapsed()),
            _ = tokio::time::sleep(Duration::from_millis(500)) => {
                if conn.write_all(b" ").await.is_err() {
                    return Some(t.elapsed());
                }
            }
        }
    }
    None
}

/// d. Slow clients: the load alone, then the same load with `set.slow` slow connections.
async fn slowloris(set: &Settings, port: u16) -> Outcome {
    let fault = "slow clients (slowloris)";
    eprintln!("{fault}: {} connections …", set.slow);
    let work = Work::new();
    let backend = Backend::Sqlite(work.path("faults.db"));
    work.staff_add(&backend);
    let server = Server::start(&work, &backend, port, None).await;
    let base = server.base();
    let round = open_round(&base).await;
    let fx = Fixture::load(&base, round).await;
    let quiet = run(
        std::slice::from_ref(&base),
        &fx,
        "quiet",
        set.seconds,
        set.concurrency,
    )
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(AtomicUsize::new(0));
    let mut slow = vec![];
    for i in 0..set.slow {
        let (stop, closed) = (stop.clone(), closed.clone());
        slow.push(tokio::spawn(async move {
            let r = slow_client(port, i % 2 == 1, stop).await;
            if r.is_some() {
                closed.fetch_add(1, Ordering::Relaxed);
            }
            r
        }));
    }
    // Give them time to be trickling before the others start.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let busy = run(
        std::slice::from_ref(&base),
        &fx,
        "slow",
        set.seconds,
        set.concurrency,
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    let mut closed_after = vec![];
    for s in slow {
        if let Some(d) = s.await.unwrap() {
            closed_after.push(d);
        }
    }
    closed_after.sort();
    let mut subs = quiet.submissions;
    subs.extend(busy.submissions.iter().cloned());
    let count = count(&backend, &base, round, &mut subs).await;
    let q = figures(quiet.samples.iter(), quiet.elapsed);
    let b = figures(busy.samples.iter(), busy.elapsed);
    let fast_kept = b.rate / q.rate;
    Outcome {
        fault: format!("{fault}, {} connections", set.slow),
        backend: backend.name(),
        errors: errors_of(&busy),
        recovery: format!(
            "{} of {} slow connections closed by the server{}",
            closed_after.len(),
            set.slow,
            if closed_after.is_empty() {
                String::new()
            } else {
                format!(" (median after {:.1} s)", pct(&closed_after, 0.5).as_secs_f64())
            }
        ),
        notes: format!(
            "Half trickle an endless header, half a 64 KiB JSON body, one byte every 500 ms each, for {:.0} s. \
Other clients ({} concurrent): without slow clients {:.0} req/s, p50 {}, p99 {}; with them {:.0} req/s ({:.0}%), \
p50 {} ({:.2}×), p99 {} ({:.2}×).",
            set.seconds + 0.7,
            set.concurrency,
            q.rate,
            ms(q.p50),
            ms(q.p99),
            b.rate,
            fast_kept * 100.0,
            ms(b.p50),
            b.p50.as_secs_f64() / q.p50.as_secs_f64(),
            ms(b.p99),
            b.p99.as_secs_f64() / q.p99.as_secs_f64(),
        ),
        count: Some(count),
        failures: vec![],
        skipped: None,
    }
}

#[tokio::main]
async fn main() {
    let set = Settings {
        seconds: env_num("FAULT_SECONDS", 5) as f64,
        concurrency: env_num("FAULT_CONCURRENCY", 16) as usize,
        slow: env_num("FAULT_SLOW_CONNECTIONS", 200) as usize,
        pg_port: env_num("FAULT_PG_PORT", 55462) as u16,
        port: env_num("FAULT_PORT", 18450) as u16,
    };
    let started = Instant::now();
    let pg_ok = postgres_supported();
    let no_pg =
        || "this build of the server has no --database-url (PostgreSQL backend)".to_string();
    let only = std::env::var("FAULT_ONLY").unwrap_or_default();
    let wanted = |f: &str| only.is_empty() || only.split(',').any(|o| o.trim() == f);
    let work = Work::new();
    let mut outcomes = vec![];
    if wanted("kill9") {
        outcomes.push(kill9(&set, Backend::Sqlite(work.path("kill9.db")), set.port).await);
    }
    if !(wanted("kill9") || wanted("pg")) {
        // Neither PostgreSQL fault asked for.
    } else if pg_ok {
        if wanted("kill9") {
            let url = fresh_pg_database(set.pg_port, "faults_kill9");
            outcomes.push(kill9(&set, Backend::Postgres(url), set.port + 1).await);
        }
        if wanted("pg") {
            outcomes.push(pg_outage(&set, "stop", set.port + 2).await);
            outcomes.push(pg_outage(&set, "kill", set.port + 3).await);
        }
    } else {
        if wanted("kill9") {
            let fault = "kill -9 of the server, restarted";
            outcomes.push(Outcome::skipped(fault, "PostgreSQL", no_pg()));
        }
        if wanted("pg") {
            outcomes.push(Outcome::skipped(
                "PostgreSQL stopped and started / killed -9",
                "PostgreSQL",
                no_pg(),
            ));
        }
    }
    if wanted("disk") {
        outcomes.push(full_disk(&set, set.port + 4).await);
    }
    if wanted("slow") {
        outcomes.push(slowloris(&set, set.port + 5).await);
    }
    let took = started.elapsed();

    let mut md = format!(
        "{MARK_START}\n# Fault tests\n\n\
Generated by `bash bench/faults.sh` (`cargo bench -p server --bench faults`) on {date}; machine: {machine}. \
Each fault happens under the mixed load of `bench/load.sh` ({c} clients, {s:.0} s per fault, release server; SQLite \
with `--sync full`, PostgreSQL 15 from scripts/pg.sh with fsync on, a fresh database per fault). *Acknowledged*: survey answers that got a 2xx, by client_id, as the generator recorded them; after the \
run every answer that got no 2xx (no answer, or an error) was sent again with the same client_id and body, and counts \
as acknowledged once that resend got a 2xx (201: it had never arrived; 200 `already_recorded`: it had been stored but \
its answer lost). *Present*: rows in `survey_responses` for acknowledged client_ids, read from the database directly \
(SQLite through sqlx, PostgreSQL through psql). The run fails unless acknowledged = present = sent, no client_id has two rows, no row is unacknowledged, \
and the server's own count (indicators) equals the rows. Whole run: {took:.0} s.\n\n\
| fault | backend | sent | acknowledged (in run + resent new/already) | present | duplicates | errors seen during the run | recovery | result |\n\
|---|---|---|---|---|---|---|---|---|\n",
        date = today(),
        machine = machine(),
        c = set.concurrency,
        s = set.seconds,
        took = took.as_secs_f64(),
    );
    let mut notes = String::new();
    for o in &outcomes {
        match (&o.skipped, &o.count) {
            (Some(why), _) => {
                md += &format!(
                    "| {} | {} | — | — | — | — | — | — | not run: {why} |\n",
                    o.fault, o.backend
                )
            }
            (None, Some(c)) => {
                md += &format!(
                    "| {} | {} | {} | **{}** ({} + {}/{}) | **{}** | {} | {} | {} | {} |\n",
                    o.fault,
                    o.backend,
                    c.sent,
                    c.acknowledged,
                    c.acked_in_run,
                    c.resent_new,
                    c.resent_already,
                    c.present,
                    c.duplicates,
                    o.errors,
                    o.recovery,
                    if o.ok() { "pass" } else { "**FAIL**" }
                );
                if !o.notes.is_empty() || !o.failures.is_empty() || !c.ok() {
                    notes += &format!("- **{}** ({}): {}", o.fault, o.backend, o.notes);
                    for f in &o.failures {
                        notes += &format!(" FAILED: {f}.");
                    }
                    if !c.ok() {
                        notes += &format!(" COUNT MISMATCH: {c:?}.");
                    }
                    notes += "\n";
                }
            }
            (None, None) => unreachable!(),
        }
    }
    md += "\n";
    md += &notes;
    md += "\n";
    md += MARK_END;
    println!("{md}");
    if let Ok(path) = std::env::var("FAULT_RESULTS") {
        write_section(&path, MARK_START, MARK_END, &md);
    }
    eprintln!("fault tests took {:.0} s", took.as_secs_f64());
    if outcomes.iter().any(|o| !o.ok()) {
        eprintln!("a fault test failed (see the table)");
        std::process::exit(1);
    }
}
