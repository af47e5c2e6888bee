//! `GET /metrics` in the Prometheus text exposition format 0.0.4, written by hand (a handful of
//! series does not need a metrics crate). Requests are labelled by route *template* (axum's
//! `MatchedPath`), method and status class, so the label sets stay bounded whatever paths
//! clients send. Each process counts its own requests: every replica is scraped on its own.
//!
//! The same middleware writes the one log line per request (see [`track`]).

use crate::db::Db;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Upper bounds (seconds) of the latency histogram: from a cached map read (~1 ms) to a request
/// held by the request timeout.
pub const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The route label of requests no route matched (the built client's files and its pages).
pub const FALLBACK_ROUTE: &str = "fallback";

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    route: String,
    method: &'static str,
    class: &'static str,
}

#[derive(Default)]
struct Series {
    /// Per bucket, not cumulative (made cumulative when written out).
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

pub struct Metrics {
    started_unix: f64,
    in_flight: AtomicI64,
    series: Mutex<BTreeMap<Key, Series>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0),
            in_flight: AtomicI64::new(0),
            series: Mutex::new(BTreeMap::new()),
        }
    }
}

/// Methods outside this list share one label, so a client inventing methods cannot grow the
/// label set.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    fn observe(&self, route: String, method: &'static str, status: u16, seconds: f64) {
        let key = Key {
            route,
            method,
            class: status_class(status),
        };
        let mut series = self.series.lock().unwrap_or_else(|p| p.into_inner());
        let s = series.entry(key).or_default();
        if let Some(i) = BUCKETS.iter().position(|&le| seconds <= le) {
            s.buckets[i] += 1;
        }
        s.sum += seconds;
        s.count += 1;
    }

    /// The exposition text (format 0.0.4).
    pub fn render(&self, pool_size: u32, pool_idle: usize) -> String {
        let mut out = String::with_capacity(8192);
        let series = self.series.lock().unwrap_or_else(|p| p.into_inner());
        out.push_str("# HELP bianmin_http_requests_total HTTP requests answered, by route template, method and status class.\n");
        out.push_str("# TYPE bianmin_http_requests_total counter\n");
        for (k, s) in series.iter() {
            let _ = writeln!(
                out,
                "bianmin_http_requests_total{{{}}} {}",
                labels(k),
                s.count
            );
        }
        out.push_str("# HELP bianmin_http_request_duration_seconds Time from the request to its response head, by route template, method and status class.\n");
        out.push_str("# TYPE bianmin_http_request_duration_seconds histogram\n");
        for (k, s) in series.iter() {
            let l = labels(k);
            let mut cumulative = 0;
            for (le, n) in BUCKETS.iter().zip(s.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "bianmin_http_request_duration_seconds_bucket{{{l},le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "bianmin_http_request_duration_seconds_bucket{{{l},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "bianmin_http_request_duration_seconds_sum{{{l}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "bianmin_http_request_duration_seconds_count{{{l}}} {}",
                s.count
            );
        }
        drop(series);
        let gauges: [(&str, &str, String); 4] = [
            (
                "bianmin_http_requests_in_flight",
                "Requests being handled now (this one excluded).",
                self.in_flight.load(Ordering::Relaxed).to_string(),
            ),
            (
                "bianmin_db_pool_connections",
                "Database connections open in the pool.",
                pool_size.to_string(),
            ),
            (
                "bianmin_db_pool_idle_connections",
                "Database connections open and idle in the pool.",
                pool_idle.to_string(),
            ),
            (
                "process_start_time_seconds",
                "Start time of the process since the Unix epoch, in seconds.",
                self.started_unix.to_string(),
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP bianmin_build_info The server's version (always 1).\n# TYPE bianmin_build_info gauge\nbianmin_build_info{{version=\"{}\"}} 1",
            escape(env!("CARGO_PKG_VERSION"))
        );
        out
    }
}

fn labels(k: &Key) -> String {
    format!(
        "route=\"{}\",method=\"{}\",status=\"{}\"",
        escape(&k.route),
        k.method,
        k.class
    )
}

/// Label values escape backslash, double quote and line feed (format 0.0.4).
pub fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Decrements the in-flight gauge however the request ends (also when the client goes away and
/// the handler is dropped).
struct InFlight<'a>(&'a AtomicI64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Counts and times each request, and logs it: one line at info with the method, the matched
/// route *template*, the status and the latency. Never the raw path or query (they may hold
/// codes), headers (merchant tokens, cookies) or the client's address: the survey is anonymous.
pub async fn track(State(m): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| FALLBACK_ROUTE.to_string());
    m.in_flight.fetch_add(1, Ordering::Relaxed);
    let response = {
        let _guard = InFlight(&m.in_flight);
        next.run(request).await
    };
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    tracing::info!(
        target: "bianmin::request",
        method,
        route = %route,
        status,
        latency_ms = (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
        "request"
    );
    m.observe(route, method, status, elapsed.as_secs_f64());
    response
}

#[derive(Clone)]
struct Exposition {
    metrics: Arc<Metrics>,
    db: Db,
}

async fn exposition(State(e): State<Exposition>) -> Response {
    let body = e.metrics.render(e.db.size(), e.db.num_idle());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// Wraps `app` so its requests are counted and logged, and adds `GET /metrics` beside it
/// (outside the API's `/api` catch-all, and not counted itself).
pub fn instrument(app: Router, metrics: Arc<Metrics>, db: Db) -> Router {
    let counted = app.layer(axum::middleware::from_fn_with_state(metrics.clone(), track));
    let endpoint = Router::new()
        .route("/metrics", get(exposition))
        .with_state(Exposition { metrics, db });
    counted.merge(endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_labels_escaped() {
        let m = Metrics::default();
        m.observe("/a\"b\\c\nd".into(), "GET", 200, 0.003);
        m.observe("/a\"b\\c\nd".into(), "GET", 204, 0.2);
        m.observe("/a\"b\\c\nd".into(), "GET", 503, 100.0);
        let text = m.render(3, 2);
        let l = r#"route="/a\"b\\c\nd",method="GET""#;
        assert!(text.contains(&format!(
            "bianmin_http_requests_total{{{l},status=\"2xx\"}} 2\n"
        )));
        assert!(text.contains(&format!(
            "bianmin_http_request_duration_seconds_bucket{{{l},status=\"2xx\",le=\"0.001\"}} 0\n"
        )));
        assert!(text.contains(&format!(
            "bianmin_http_request_duration_seconds_bucket{{{l},status=\"2xx\",le=\"0.005\"}} 1\n"
        )));
        assert!(text.contains(&format!(
            "bianmin_http_request_duration_seconds_bucket{{{l},status=\"2xx\",le=\"30\"}} 2\n"
        )));
        // Over the last bound: only in +Inf.
        assert!(text.contains(&format!(
            "bianmin_http_request_duration_seconds_bucket{{{l},status=\"5xx\",le=\"30\"}} 0\n"
        )));
        assert!(text.contains(&format!(
            "bianmin_http_request_duration_seconds_bucket{{{l},status=\"5xx\",le=\"+Inf\"}} 1\n"
        )));
        assert!(text.contains("bianmin_db_pool_connections 3\n"));
        assert!(text.contains("bianmin_db_pool_idle_connections 2\n"));
    }
}
