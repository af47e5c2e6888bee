//! Two servers on one database, as replicas behind a load balancer run (on PostgreSQL; the
//! same holds for two servers on one SQLite file). Whatever one replica writes, the other
//! honours at once: sessions, survey codes, rate limits and outlets live in the database, not
//! in a server's memory, so a resident's next request may land on either.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A staff session made on one replica used on the other.
fn on(s: &Server, session: &StaffSession) -> StaffSession {
    StaffSession {
        base: s.base.clone(),
        cookie: session.cookie.clone(),
        csrf: session.csrf.clone(),
    }
}

#[tokio::test]
async fn a_session_made_on_one_replica_works_and_ends_on_the_other() {
    let (ws, a, staff_a) = staff_server().await;
    let b = ws.start("shanghai");
    let staff_b = on(&b, &staff_a);
    let (status, me) = staff_b.get("/api/staff/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["username"], "wang");
    // Logging out on B ends the session on A too.
    let (status, _) = staff_b.post("/api/staff/logout", &json!({})).await;
    assert!(status.is_success(), "{status}");
    let (status, _) = staff_a.get("/api/staff/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    drop(a);
}

#[tokio::test]
async fn a_survey_code_used_on_one_replica_is_used_on_the_other() {
    let (ws, a, staff) = staff_server().await;
    let b = ws.start("shanghai");
    let round = staff.open_round(1000, false).await;
    let codes = staff.issue_codes(round, 2).await;

    let first = with(
        body(round, &client_id("ra", 1), &happy()),
        "code",
        &codes[0],
    );
    let (status, r) = a.submit(&first).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    // The same code from another phone, through the other replica: refused.
    let again = with(
        body(round, &client_id("rb", 1), &happy()),
        "code",
        &codes[0],
    );
    let (status, r) = b.submit(&again).await;
    assert_eq!(status, StatusCode::CONFLICT, "{r}");
    assert!(has_chinese(r["message"].as_str().unwrap()), "{r}");
    // The first phone resending its answer to B (its retry landed there) is not counted twice.
    let (status, r) = b.submit(&first).await;
    assert!(status.is_success(), "{status} {r}");
    // Both replicas count the same answers.
    let (ia, ib) = (
        a.indicators(Some(round)).await,
        b.indicators(Some(round)).await,
    );
    assert_eq!(ia["round"]["responses"], 1, "{ia}");
    assert_eq!(ia, ib);
    // The second code works on B.
    let second = with(
        body(round, &client_id("rb", 2), &happy()),
        "code",
        &codes[1],
    );
    let (status, r) = b.submit(&second).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(a.indicators(Some(round)).await["round"]["responses"], 2);
}

#[tokio::test]
async fn wrong_passwords_count_once_across_replicas() {
    let (ws, a, _staff) = staff_server().await;
    let b = ws.start("shanghai");
    // Five wrong passwords spread over both replicas lock the account on both, as five on one
    // server do (staff_api.rs).
    for i in 0..5 {
        let s = if i % 2 == 0 { &a } else { &b };
        let r = s.login_response("wang", "not the password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    for s in [&a, &b] {
        let r = s.login_response("wang", STAFF_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn an_outlet_approved_on_one_replica_is_on_the_other_replicas_map() {
    let (ws, a, staff) = staff_server().await;
    let b = ws.start("shanghai");
    let before = b.outlets("").await.features.len();
    let (status, listing) = a.post_json("/api/registrations", &registration()).await;
    assert_eq!(status, StatusCode::CREATED, "{listing}");
    let id = listing["id"].as_i64().unwrap();
    // Pending: on neither map.
    assert_eq!(b.outlets("").await.features.len(), before);
    let staff_b = on(&b, &staff);
    let (status, r) = staff_b
        .post(
            &format!("/api/staff/registrations/{id}/approve"),
            &json!({}),
        )
        .await;
    assert!(status.is_success(), "{status} {r}");
    for s in [&a, &b] {
        let list = s.outlets("").await;
        assert_eq!(list.features.len(), before + 1);
        assert!(list
            .features
            .iter()
            .any(|f| f.properties.name.as_deref() == Some("老王配钥匙")));
    }
}

/// A key-cutting stall inside the 长寿路 circle (as in merchant_api.rs).
fn registration() -> Value {
    let day = json!([{ "open": [8, 0], "close": [18, 0] }]);
    json!({
        "name": "老王配钥匙",
        "category": "repair",
        "repair_kinds": ["key"],
        "prices": [{ "item": "配普通钥匙", "price_fen": 500 }],
        "services": [],
        "lon": 121.4437,
        "lat": 31.2475,
        "address": "普陀区昌化路 123 号门口",
        "phone": "138 0013 8000",
        "hours": { "open_24h": false, "days": [day.clone(), day.clone(), day.clone(), day.clone(), day.clone(), day, []] },
        "brand": null,
        "delivers": false,
        "credit_code": "92310107MA1K00012L"
    })
}
