//! kill -9 during a submission load: after a restart every answer that got a success reply is
//! stored, none twice, and the counters agree exactly with the stored answers. Resending
//! everything (what phones with queued answers do) adds only the answers that never arrived.

mod common;

use app::domain::survey::{tally_keys, Answers, Questionnaire, Tally};
use app::domain::Rules;
use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WORKERS: usize = 8;
/// Kill once this many answers were acknowledged.
const ACKED_BEFORE_KILL: usize = 150;

/// A varied answer for the n-th submission (deterministic).
fn varied(n: usize) -> Value {
    let v = |k: usize| (1 + (n * 7 + k * 3) % 5) as u8;
    let bands = [None, Some("18_34"), Some("60_74"), Some("75_plus")];
    let missing: &[&str] = match n % 3 {
        0 => &["breakfast"],
        1 => &["repair", "wet_market"],
        _ => &[],
    };
    answers(
        [v(0), v(1), v(2)],
        [v(3), v(4), v(5), v(6)],
        bands[n % 4],
        missing,
    )
}

#[derive(Default)]
struct Outcomes {
    /// client id → code, for every answer that got 201.
    acked: HashMap<String, String>,
    /// Sent but no reply (the server died under it).
    unanswered: HashMap<String, String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_under_load_loses_no_acknowledged_answer_and_counts_none_twice() {
    let (ws, mut server, staff) = staff_server().await;
    let round = staff.open_round(90_000, false).await;
    let codes = staff.issue_codes(round, 500).await;
    let codes = Arc::new(codes);
    let next = Arc::new(AtomicUsize::new(0));
    let out = Arc::new(Mutex::new(Outcomes::default()));
    let url = server.url(&format!("/api/circles/{CIRCLE}/responses"));

    let mut tasks = Vec::new();
    for _ in 0..WORKERS {
        let (codes, next, out, url) = (codes.clone(), next.clone(), out.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap();
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                let Some(code) = codes.get(n) else { break };
                let id = client_id("crash", n);
                let b = with(body(round, &id, &varied(n)), "code", code);
                match client.post(&url).json(&b).send().await {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        out.lock().unwrap().acked.insert(id, code.clone());
                    }
                    Ok(r) => panic!("unexpected {} for {id}", r.status()),
                    Err(_) => {
                        // Connection refused or reset: the server is gone. Stop this worker.
                        out.lock().unwrap().unanswered.insert(id, code.clone());
                        break;
                    }
                }
            }
        }));
    }
    // Kill the moment enough answers were acknowledged, with the other workers mid-request.
    while out.lock().unwrap().acked.len() < ACKED_BEFORE_KILL {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    drop(server);
    let (acked, unanswered) = {
        let o = out.lock().unwrap();
        (o.acked.clone(), o.unanswered.clone())
    };
    assert!(acked.len() >= ACKED_BEFORE_KILL);

    // Restart on the same file.
    let server = ws.start("shanghai");
    let db = open_db(&ws).await;
    let stored: Vec<(String, String)> = stored_answers(&db, round).await;
    let ids: BTreeSet<&str> = stored.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), stored.len(), "an answer is stored twice");
    for id in acked.keys() {
        assert!(
            ids.contains(id.as_str()),
            "acknowledged answer {id} was lost"
        );
    }
    // Nothing stored that was never sent.
    for id in &ids {
        assert!(
            acked.contains_key(*id) || unanswered.contains_key(*id),
            "{id} stored but never sent"
        );
    }
    assert_counters_match(&db, round, &stored).await;

    // The phones resend what they have not seen acknowledged (and some resend twice).
    let resend: Vec<(&String, &String)> = unanswered.iter().chain(acked.iter()).collect();
    for (id, code) in &resend {
        let n: usize = id.rsplit('-').next().unwrap().parse().unwrap();
        let b = with(body(round, id, &varied(n)), "code", code);
        let (status, reply) = server.submit(&b).await;
        let was_stored = ids.contains(id.as_str());
        let expected = if was_stored {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        assert_eq!(status, expected, "{id}: {reply}");
    }
    let total = acked.len() + unanswered.len();
    let indicators = server.indicators(Some(round)).await;
    assert_eq!(indicators["indicators"]["responses"], total as u64);
    let stored: Vec<(String, String)> = stored_answers(&db, round).await;
    assert_eq!(stored.len(), total);
    assert_counters_match(&db, round, &stored).await;
    let used: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM survey_codes WHERE round = $1 AND used")
            .bind(round)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(
        used as usize, total,
        "each stored answer used exactly one code"
    );
}

/// (client id, answers JSON) of every stored response of the round.
async fn stored_answers(db: &server::db::Db, round: i64) -> Vec<(String, String)> {
    sqlx::query_as("SELECT client_id, answers FROM survey_responses WHERE round = $1")
        .bind(round)
        .fetch_all(db)
        .await
        .unwrap()
}

/// The counters equal a recount of the stored answers, key by key.
async fn assert_counters_match(db: &server::db::Db, round: i64, stored: &[(String, String)]) {
    let rules = Rules::bundled();
    let q = Questionnaire::bundled(&rules);
    let mut recount = Tally::new();
    for (_, json) in stored {
        let answers: Answers = serde_json::from_str(json).unwrap();
        for k in tally_keys(&q, &answers) {
            *recount.entry(k).or_default() += 1;
        }
    }
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT question, option, band, n FROM survey_counters WHERE round = $1 AND n > 0",
    )
    .bind(round)
    .fetch_all(db)
    .await
    .unwrap();
    let counters: Tally = rows
        .into_iter()
        .map(|(question, option, band, n)| {
            (
                app::domain::survey::TallyKey {
                    question,
                    option,
                    band,
                },
                n as u64,
            )
        })
        .collect();
    assert_eq!(counters, recount);
}

/// Answers arriving together share a commit (group commit): a refused one among them (a code
/// sent twice at once, a device twice in open mode) leaves no trace, the others are stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answers_committed_together_keep_refusals_apart() {
    let (ws, server, staff) = staff_server().await;
    let round = staff.open_round(90_000, false).await;
    let codes = staff.issue_codes(round, 40).await;
    // Forty answers at once, and each of the first ten codes a second time under another id.
    let mut sends = Vec::new();
    for (n, code) in codes.iter().enumerate() {
        sends.push((client_id("together", n), code.clone()));
    }
    for (n, code) in codes.iter().take(10).enumerate() {
        sends.push((client_id("twice", n), code.clone()));
    }
    let url = server.url(&format!("/api/circles/{CIRCLE}/responses"));
    let client = reqwest::Client::new();
    let replies =
        futures_util::future::join_all(sends.iter().enumerate().map(|(i, (id, code))| {
            let b = with(body(round, id, &varied(i)), "code", code);
            let (client, url) = (client.clone(), url.clone());
            async move { client.post(&url).json(&b).send().await.unwrap().status() }
        }))
        .await;
    let created = replies
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = replies
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, refused), (40, 10), "{replies:?}");
    let db = open_db(&ws).await;
    let stored: Vec<(String, String)> = stored_answers(&db, round).await;
    assert_eq!(stored.len(), 40);
    assert_counters_match(&db, round, &stored).await;

    // Open mode: the same device twice at once, with a code each → one stored, and the
    // refused one's code is still unused.
    staff.close_round(round).await;
    let open = staff.open_round(90_000, true).await;
    let codes = staff.issue_codes(open, 2).await;
    let device = "the-same-phone-token-0001";
    let bodies: Vec<Value> = (0..2)
        .map(|n| {
            let b = with(
                body(open, &client_id("device", n), &varied(n)),
                "code",
                &codes[n],
            );
            with(b, "device", device)
        })
        .collect();
    let replies = futures_util::future::join_all(bodies.iter().map(|b| {
        let (client, url) = (client.clone(), url.clone());
        async move { client.post(&url).json(b).send().await.unwrap().status() }
    }))
    .await;
    replies
        .iter()
        .find(|s| **s == StatusCode::CREATED)
        .expect("one stored");
    replies
        .iter()
        .find(|s| **s == StatusCode::CONFLICT)
        .expect("one refused");
    let used: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM survey_codes WHERE round = $1 AND used")
            .bind(open)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(used, 1, "the refused answer's code was given back");
}

/// Phones on a weak network hang up mid-request. The answers they sent are stored whole or not
/// at all, and the server keeps answering everyone else (no connection left mid-transaction).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn phones_that_hang_up_mid_request_break_nothing() {
    use std::io::Write;
    let (ws, server, staff) = staff_server().await;
    let round = staff.open_round(90_000, false).await;
    let codes = staff.issue_codes(round, 60).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    for (n, code) in codes.iter().take(50).enumerate() {
        let b = with(
            body(round, &client_id("hangup", n), &varied(n)),
            "code",
            code,
        )
        .to_string();
        let request = format!(
            "POST /api/circles/{CIRCLE}/responses HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
            b.len()
        );
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(n as u64 % 4));
        drop(s); // gone without reading the answer
    }
    for (n, code) in codes.iter().skip(50).enumerate() {
        let b = with(
            body(round, &client_id("after", n), &varied(n)),
            "code",
            code,
        );
        let (status, reply) = server.submit(&b).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
    }
    let db = open_db(&ws).await;
    let stored: Vec<(String, String)> = stored_answers(&db, round).await;
    assert!(stored.len() >= 10);
    assert_counters_match(&db, round, &stored).await;
    let used: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM survey_codes WHERE round = $1 AND used")
            .bind(round)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(used as usize, stored.len());
}
