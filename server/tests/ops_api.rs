//! Operations against the real server binary: the Prometheus `/metrics` exposition (parsed),
//! one JSON log line per request without secrets, slow clients (slowloris) that neither block
//! others nor stay connected, the whole-request timeout, and graceful shutdown on SIGTERM.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One sample line: metric name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

/// Parses the text exposition format 0.0.4 strictly enough to catch malformed output: every
/// sample's family has HELP and TYPE lines before it, label values are quoted and escaped,
/// values are numbers.
fn parse_exposition(text: &str) -> (Vec<Sample>, HashMap<String, String>) {
    let mut types = HashMap::new();
    let mut helps = HashMap::new();
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').expect("HELP name text");
            assert!(!help.is_empty());
            helps.insert(name.to_string(), help.to_string());
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "{line}"
            );
            assert!(helps.contains_key(name), "TYPE before HELP: {line}");
            types.insert(name.to_string(), kind.to_string());
            continue;
        }
        assert!(
            !line.starts_with('#') && !line.is_empty(),
            "stray line {line:?}"
        );
        let (name, labels, value) = match line.find('{') {
            Some(open) => {
                let close = line.rfind('}').expect("closing brace");
                (
                    &line[..open],
                    parse_labels(&line[open + 1..close]),
                    line[close + 1..].trim(),
                )
            }
            None => {
                let (n, v) = line.split_once(' ').expect("name value");
                (n, BTreeMap::new(), v)
            }
        };
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad metric name {name}"
        );
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| types.get(*f).map(String::as_str) == Some("histogram"))
            })
            .unwrap_or(name);
        assert!(types.contains_key(family), "no TYPE for {name}");
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("bad value in {line}")),
        };
        samples.push((name.to_string(), labels, value));
    }
    (samples, types)
}

fn parse_labels(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut chars = text.chars().peekable();
    loop {
        let name: String = chars.by_ref().take_while(|&c| c != '=').collect();
        if name.is_empty() {
            break;
        }
        assert_eq!(chars.next(), Some('"'), "label value not quoted in {text}");
        let mut value = String::new();
        loop {
            match chars.next().expect("unterminated label value") {
                '\\' => match chars.next() {
                    Some('\\') => value.push('\\'),
                    Some('"') => value.push('"'),
                    Some('n') => value.push('\n'),
                    other => panic!("bad escape {other:?} in {text}"),
                },
                '"' => break,
                c => value.push(c),
            }
        }
        out.insert(name, value);
        match chars.next() {
            Some(',') | None => {}
            other => panic!("expected a comma, got {other:?} in {text}"),
        }
        if chars.peek().is_none() {
            break;
        }
    }
    out
}

fn find<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    samples
        .iter()
        .filter(|(n, l, _)| {
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .collect()
}

async fn metrics(s: &Server) -> (Vec<Sample>, HashMap<String, String>) {
    let r = reqwest::get(s.url("/metrics")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    parse_exposition(&r.text().await.unwrap())
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    for _ in 0..3 {
        assert_eq!(s.get("/api/health").await.0, StatusCode::OK);
    }
    // Two different circles: one route template, one series.
    assert_eq!(
        s.get(&format!("/api/circles/{CIRCLE}/rounds")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        s.get("/api/circles/no-such-circle/rounds").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get("/api/no-such-thing?secret=1").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(s.get("/some/client/page").await.0, StatusCode::OK);

    let (samples, types) = metrics(&s).await;
    assert_eq!(types["bianmin_http_requests_total"], "counter");
    assert_eq!(types["bianmin_http_request_duration_seconds"], "histogram");
    let health = [
        ("route", "/api/health"),
        ("method", "GET"),
        ("status", "2xx"),
    ];
    let count = find(&samples, "bianmin_http_requests_total", &health);
    assert_eq!(count.len(), 1);
    assert_eq!(count[0].2, 3.0);
    let rounds = find(
        &samples,
        "bianmin_http_requests_total",
        &[("route", "/api/circles/{id}/rounds")],
    );
    assert_eq!(rounds.iter().map(|s| s.2).sum::<f64>(), 2.0, "{rounds:?}");
    assert_eq!(
        find(
            &samples,
            "bianmin_http_requests_total",
            &[("route", "/api/{*rest}"), ("status", "4xx")]
        )[0]
        .2,
        1.0
    );
    assert_eq!(
        find(
            &samples,
            "bianmin_http_requests_total",
            &[("route", "fallback")]
        )[0]
        .2,
        1.0
    );
    // Raw paths, query strings and /metrics itself never become labels.
    for (_, labels, _) in &samples {
        if let Some(route) = labels.get("route") {
            assert!(
                !route.contains("no-such") && !route.contains(CIRCLE) && route != "/metrics",
                "{route}"
            );
        }
    }

    // The histogram: cumulative buckets ending in +Inf = _count; _sum is plausible.
    let buckets = find(
        &samples,
        "bianmin_http_request_duration_seconds_bucket",
        &health,
    );
    assert!(buckets.len() >= 10);
    let mut last = 0.0;
    let mut last_le = 0.0;
    for (_, labels, v) in &buckets {
        let le: f64 = match labels["le"].as_str() {
            "+Inf" => f64::INFINITY,
            x => x.parse().unwrap(),
        };
        assert!(le > last_le, "buckets in order");
        assert!(*v >= last, "cumulative");
        (last, last_le) = (*v, le);
    }
    assert!(last_le.is_infinite());
    assert_eq!(last, 3.0);
    let total = find(
        &samples,
        "bianmin_http_request_duration_seconds_count",
        &health,
    );
    assert_eq!(total[0].2, 3.0);
    let sum = find(
        &samples,
        "bianmin_http_request_duration_seconds_sum",
        &health,
    )[0]
    .2;
    assert!(sum > 0.0 && sum < 3.0, "{sum}");

    let gauge = |name: &str| find(&samples, name, &[])[0].2;
    assert_eq!(gauge("bianmin_http_requests_in_flight"), 0.0);
    assert!(gauge("bianmin_db_pool_connections") >= 1.0);
    assert!(gauge("bianmin_db_pool_idle_connections") <= gauge("bianmin_db_pool_connections"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let started = gauge("process_start_time_seconds");
    assert!(started <= now && started > now - 300.0, "{started}");
    let build = find(&samples, "bianmin_build_info", &[]);
    assert_eq!(build[0].1["version"], env!("CARGO_PKG_VERSION"));

    // Scraping is not counted.
    let (again, _) = metrics(&s).await;
    assert_eq!(
        find(&again, "bianmin_http_requests_total", &health)[0].2,
        3.0
    );
    assert!(find(
        &again,
        "bianmin_http_requests_total",
        &[("route", "/metrics")]
    )
    .is_empty());
}

#[tokio::test]
async fn json_logs_one_line_per_request_without_secrets() {
    let ws = Workspace::new();
    let mut cmd = ws.command("shanghai");
    cmd.env("LOG_FORMAT", "json").env("RUST_LOG", "info");
    let mut s = ws.start_with(cmd);
    let r = reqwest::Client::new()
        .get(s.url("/api/outlets?category=SECRETQUERY"))
        .header("authorization", "Bearer SECRETTOKEN")
        .header("x-merchant-token", "SECRETTOKEN")
        .header("cookie", "bm_staff=SECRETCOOKIE")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error() || r.status().is_success());
    let status = r.status().as_u16();
    let line = s
        .wait_for_log("\"route\":\"/api/outlets\"", 10)
        .expect("a request log line");
    let v: Value = serde_json::from_str(&line).expect("one JSON object per line");
    assert_eq!(v["level"], "INFO");
    assert_eq!(v["fields"]["method"], "GET");
    assert_eq!(v["fields"]["status"], status);
    assert!(v["fields"]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert!(v["timestamp"].is_string());
    // Give any other line a moment, then look at everything it logged.
    assert_eq!(s.get("/api/health").await.0, StatusCode::OK);
    s.wait_for_log("\"route\":\"/api/health\"", 10).unwrap();
    let lines = s.stop();
    let requests: Vec<&String> = lines.iter().filter(|l| l.contains("\"route\"")).collect();
    assert_eq!(requests.len(), 2, "{requests:?}");
    for l in &lines {
        assert!(!l.contains("SECRET"), "a secret in the log: {l}");
    }
    for l in requests {
        serde_json::from_str::<Value>(l).unwrap();
        assert!(!l.contains("127.0.0.1"), "a client address in the log: {l}");
    }
}

/// Opens a connection that sends a request head one byte per second and never finishes it;
/// returns how long after `start` the server closed it (None: still open at `give_up`).
async fn slow_client(addr: String, start: Instant, give_up: Duration) -> Option<Duration> {
    let mut c = TcpStream::connect(&addr).await.ok()?;
    let head = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut buf = [0u8; 256];
    for b in head.iter().cycle() {
        if start.elapsed() > give_up {
            return None;
        }
        if c.write_all(&[*b]).await.is_err() {
            return Some(start.elapsed());
        }
        match tokio::time::timeout(Duration::from_secs(1), c.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(start.elapsed()),
            // hyper answers nothing before closing; any bytes would be an answer to a head
            // that never ended.
            Ok(Ok(_)) => panic!("an answer to an unfinished request"),
            Err(_) => {}
        }
    }
    unreachable!()
}

#[tokio::test]
async fn slow_clients_do_not_block_others_and_are_cut_off() {
    let ws = Workspace::new();
    let mut cmd = ws.command("shanghai");
    cmd.args(["--header-timeout", "3"]);
    let s = ws.start_with(cmd);
    let addr = s.base.trim_start_matches("http://").to_string();
    let start = Instant::now();
    let slow: Vec<_> = (0..200)
        .map(|_| tokio::spawn(slow_client(addr.clone(), start, Duration::from_secs(20))))
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Every slow connection is open and dribbling now; a normal client is served at once.
    for _ in 0..5 {
        let t = Instant::now();
        let (status, _) = s.get("/api/health").await;
        assert_eq!(status, StatusCode::OK);
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    }
    let mut closed = Vec::new();
    for task in slow {
        closed.push(task.await.unwrap().expect("closed by the server"));
    }
    let last = closed.iter().max().unwrap();
    let first = closed.iter().min().unwrap();
    eprintln!("200 slow clients closed between {first:?} and {last:?} (header timeout 3 s)");
    // Not before the timeout (they were sending), and all of them within it plus a margin.
    assert!(*first >= Duration::from_millis(2500), "{first:?}");
    assert!(*last <= Duration::from_secs(6), "{last:?}");
    // And the server is fine afterwards.
    assert_eq!(s.get("/api/health").await.0, StatusCode::OK);
}

/// Reads an HTTP/1.1 response from `c` until the server closes; returns status and body.
async fn read_response(c: &mut TcpStream) -> (u16, String) {
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), c.read_to_end(&mut out))
        .await
        .expect("an answer")
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1)
        .unwrap_or("")
        .to_string();
    (status, body)
}

#[tokio::test]
async fn a_body_too_slow_is_answered_408_in_chinese() {
    let ws = Workspace::new();
    let mut cmd = ws.command("shanghai");
    cmd.args(["--request-timeout", "2"]);
    let s = ws.start_with(cmd);
    let mut c = TcpStream::connect(s.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let t = Instant::now();
    c.write_all(
        b"POST /api/staff/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"user",
    )
    .await
    .unwrap();
    let (status, body) = read_response(&mut c).await;
    assert_eq!(status, 408, "{body}");
    assert!(has_chinese(&body), "{body}");
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_millis(1900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_then_exits_0() {
    let ws = Workspace::new();
    let (ok, out) = staff_add(&ws, "wang", STAFF_PASSWORD);
    assert!(ok, "{out}");
    let mut s = ws.start("shanghai");
    let addr = s.base.trim_start_matches("http://").to_string();
    let body = serde_json::json!({ "username": "wang", "password": STAFF_PASSWORD }).to_string();
    let (first, rest) = body.split_at(10);
    let mut c = TcpStream::connect(&addr).await.unwrap();
    c.write_all(
        format!(
            "POST /api/staff/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = s.child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    // The listener closes: new connections are refused while the request is still open.
    let refused = async {
        for _ in 0..50 {
            if TcpStream::connect(&addr).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    };
    assert!(refused.await, "still accepting after SIGTERM");
    c.write_all(rest.as_bytes()).await.unwrap();
    let (status, answer) = read_response(&mut c).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("\"username\":\"wang\""), "{answer}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "still running after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(code.success(), "{code:?}");
    assert!(s.wait_for_log("shutting down", 1).is_some());
}
