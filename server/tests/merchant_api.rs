//! 商户入驻 against the real server on a real SQLite file: a key-cutting stall registers, stays
//! off the map until staff approve it, then its owner changes the hours with the private token;
//! staff endpoints need a session and CSRF; a token reaches only its own listing; refusals
//! (credit code, body shape, reason) store nothing; SQL-looking text is stored as text.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A constructed 个体工商户 code (check character 'L'), as in the domain's tests.
const STALL_CODE: &str = "92310107MA1K00012L";
/// The same code with a typo in its check character.
const TYPO_CODE: &str = "92310107MA1K00012M";
const NAME: &str = "老李配钥匙";

fn week(open: [u8; 2], close: [u8; 2], days: usize) -> Value {
    let span = json!([{ "open": open, "close": close }]);
    let all: Vec<Value> = (0..7)
        .map(|d| if d < days { span.clone() } else { json!([]) })
        .collect();
    json!({ "open_24h": false, "days": all })
}

/// A key-cutting stall inside the 长寿路 circle, Mo-Sa 08:00-18:00.
fn key_stall() -> Value {
    json!({
        "name": NAME,
        "category": "repair",
        "repair_kinds": ["key"],
        "prices": [
            { "item": "配普通钥匙", "price_fen": 500 },
            { "item": "配防盗门钥匙", "price_fen": 1500 }
        ],
        "services": [],
        "lon": 121.4437,
        "lat": 31.2475,
        "address": "普陀区昌化路 123 号门口",
        "phone": "138 0013 8000",
        "hours": week([8, 0], [18, 0], 6),
        "brand": null,
        "delivers": false,
        "credit_code": STALL_CODE
    })
}

/// The owner's request with the token in the Authorization header.
async fn owner(s: &Server, token: &str, body: Option<&Value>) -> (StatusCode, Value) {
    let client = reqwest::Client::new();
    let url = s.url("/api/merchant/listing");
    let request = match body {
        Some(b) => client.post(url).json(b),
        None => client.get(url),
    };
    let r = request
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Registers; returns (review id, outlet id, token).
async fn register(s: &Server, body: &Value) -> (i64, i64, String) {
    let (status, r) = s.post_json("/api/registrations", body).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["status"], "pending");
    let url = r["manage_url"].as_str().unwrap();
    let token = url
        .strip_prefix("/merchant/manage#token=")
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 43, "32 bytes in URL-safe base64: {token}");
    (
        r["id"].as_i64().unwrap(),
        r["outlet_id"].as_i64().unwrap(),
        token,
    )
}

fn has_outlet(c: &app::domain::OutletCollection, id: i64) -> bool {
    c.features.iter().any(|f| f.id == id)
}

/// Rows in the tables a merchant request may write.
async fn counts(ws: &Workspace) -> [i64; 4] {
    let db = open_db(ws).await;
    let mut out = [0; 4];
    for (i, table) in [
        "outlets",
        "merchant_listings",
        "merchant_reviews",
        "audit_log",
    ]
    .iter()
    .enumerate()
    {
        out[i] = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&db)
            .await
            .unwrap();
    }
    db.close().await;
    out
}

async fn hours_of(s: &Server, id: i64) -> Value {
    let (status, body) = s.get("/api/hours?date=2026-11-23").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["outlets"][id.to_string()].clone()
}

#[tokio::test]
async fn a_stall_registers_is_approved_and_its_owner_changes_the_hours() {
    let (ws, s, staff) = staff_server().await;
    let (review, outlet, token) = register(&s, &key_stall()).await;

    // Pending: invisible to residents everywhere.
    assert!(!has_outlet(&s.outlets("").await, outlet));
    assert!(hours_of(&s, outlet).await.is_null());
    let (_, terms) = s.get("/api/search-terms").await;
    assert!(!terms.to_string().contains(NAME));

    // The token is stored only hashed.
    let db = open_db(&ws).await;
    let (hash, code): (Vec<u8>, String) =
        sqlx::query_as("SELECT token_hash, credit_code FROM merchant_listings")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(hash.len(), 32);
    assert_eq!(code, STALL_CODE);
    let dump: Vec<String> = sqlx::query_scalar("SELECT registration FROM merchant_listings")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(!dump.concat().contains(&token));

    // The queue shows it with its position and automatic checks.
    let (status, q) = staff.get("/api/staff/registrations?status=pending").await;
    assert_eq!(status, StatusCode::OK, "{q}");
    let item = &q["registrations"][0];
    assert_eq!(item["id"], review);
    assert_eq!(item["kind"], "new");
    assert_eq!(item["registration"]["name"], NAME);
    assert_eq!(item["opening_hours"], "Mo-Sa 08:00-18:00");
    assert_eq!(item["position"]["lon"], 121.4437);
    let checks = item["checks"].as_array().unwrap();
    let check = |code: &str| {
        checks
            .iter()
            .find(|c| c["code"] == code)
            .unwrap_or_else(|| panic!("no check {code}: {item}"))
    };
    assert_eq!(check("credit_code")["ok"], true);
    assert_eq!(check("in_circle")["ok"], true, "{item}");
    assert!(has_chinese(check("near_street")["zh"].as_str().unwrap()));

    // The owner sees it pending.
    let (status, mine) = owner(&s, &token, None).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["status"], "pending");

    // Approve: on the repair map at once, with its prices and hours.
    let (status, d) = staff
        .post(
            &format!("/api/staff/registrations/{review}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["review"]["status"], "approved");
    let repair = s.outlets("?category=repair").await;
    let f = repair
        .features
        .iter()
        .find(|f| f.id == outlet)
        .expect("approved stall on the repair map");
    assert_eq!(f.properties.name.as_deref(), Some(NAME));
    assert_eq!(f.properties.prices.len(), 2);
    assert_eq!(f.properties.prices[0].item, "配普通钥匙");
    assert_eq!(f.properties.prices[0].price_fen, 500);
    assert_eq!(
        f.properties.opening_hours.as_deref(),
        Some("Mo-Sa 08:00-18:00")
    );
    let before = hours_of(&s, outlet).await;
    assert!(before["intervals"].is_array(), "{before}");
    let (_, terms) = s.get("/api/search-terms").await;
    assert!(terms.to_string().contains(NAME));

    // A second decision is refused.
    let (status, again) = staff
        .post(
            &format!("/api/staff/registrations/{review}/reject"),
            &json!({ "reason": "重复" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");

    // The decision is audited with who made it.
    let (actor, action): (String, String) = sqlx::query_as(
        "SELECT actor, action FROM audit_log WHERE action LIKE 'merchant_%' ORDER BY id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        (actor.as_str(), action.as_str()),
        ("wang", "merchant_listing_approved")
    );

    // The owner opens 24 hours: live at once, no review.
    let mut edit = key_stall();
    edit["hours"] = json!({ "open_24h": true, "days": [[], [], [], [], [], [], []] });
    edit["phone"] = json!("021-6234 5678");
    let (status, e) = owner(&s, &token, Some(&edit)).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert_eq!(e["applied"], true);
    assert!(e["review"].is_null(), "{e}");
    let after = hours_of(&s, outlet).await;
    assert_ne!(after, before);
    let (status, all) = s.get("/api/hours?date=2026-11-23").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        after["intervals"],
        json!([[all["from"], all["to"]]]),
        "open around the clock over the whole window"
    );
    let f = s.outlets("?category=repair").await;
    let f = f.features.iter().find(|f| f.id == outlet).unwrap();
    assert!(f.properties.open_24h);
    // Stored in the display form.
    assert_eq!(f.properties.phone.as_deref(), Some("021-62345678"));
    db.close().await;
}

#[tokio::test]
async fn a_new_name_or_position_waits_for_review_while_the_approved_version_stays() {
    let (_ws, s, staff) = staff_server().await;
    let (review, outlet, token) = register(&s, &key_stall()).await;
    staff
        .post(
            &format!("/api/staff/registrations/{review}/approve"),
            &json!({}),
        )
        .await;

    // 5 m east: no move. New name and 50 m north: reviewed; the new price goes live at once.
    let mut edit = key_stall();
    edit["name"] = json!("老李钥匙修鞋");
    edit["lat"] = json!(31.2475 + 0.00045);
    edit["prices"][0]["price_fen"] = json!(600);
    let (status, e) = owner(&s, &token, Some(&edit)).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert_eq!(e["changes"], json!(["name", "position"]));
    assert_eq!(e["applied"], true);
    let change = e["review"].as_i64().unwrap();
    let live = s.outlets("?category=repair").await;
    let f = live.features.iter().find(|f| f.id == outlet).unwrap();
    assert_eq!(f.properties.name.as_deref(), Some(NAME));
    assert_eq!(f.properties.prices[0].price_fen, 600);
    assert!((f.geometry.coordinates[1] - 31.2475).abs() < 1e-9);
    assert_eq!(e["listing"]["pending_change"]["id"], change);

    // The queue shows the change beside the current version.
    let (_, q) = staff.get("/api/staff/registrations").await;
    let item = &q["registrations"][0];
    assert_eq!(item["kind"], "change");
    assert_eq!(item["listing"]["current"]["name"], NAME);
    assert_eq!(item["registration"]["name"], "老李钥匙修鞋");

    // Rejected with a reason: the owner reads it, the map keeps the approved name.
    let (status, _) = staff
        .post(
            &format!("/api/staff/registrations/{change}/reject"),
            &json!({ "reason": "新店名与营业执照不符" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = owner(&s, &token, None).await;
    assert_eq!(mine["status"], "approved");
    assert!(mine["pending_change"].is_null());
    assert_eq!(mine["reviews"][0]["status"], "rejected");
    assert_eq!(mine["reviews"][0]["reason"], "新店名与营业执照不符");

    // Asked again and approved: the new name and position are live.
    let (_, e) = owner(&s, &token, Some(&edit)).await;
    let change = e["review"].as_i64().unwrap();
    let (status, _) = staff
        .post(
            &format!("/api/staff/registrations/{change}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let live = s.outlets("?category=repair").await;
    let f = live.features.iter().find(|f| f.id == outlet).unwrap();
    assert_eq!(f.properties.name.as_deref(), Some("老李钥匙修鞋"));
    assert!((f.geometry.coordinates[1] - (31.2475 + 0.00045)).abs() < 1e-9);

    // A change the owner takes back (posting the approved name again) leaves the queue.
    let mut rename = edit.clone();
    rename["name"] = json!("李记钥匙");
    let (_, e) = owner(&s, &token, Some(&rename)).await;
    assert_eq!(e["changes"], json!(["name"]));
    let (status, e) = owner(&s, &token, Some(&edit)).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert!(e["review"].is_null(), "{e}");
    assert!(e["listing"]["pending_change"].is_null());
    assert_eq!(e["listing"]["reviews"][0]["status"], "withdrawn");
    let (_, q) = staff.get("/api/staff/registrations").await;
    assert_eq!(q["registrations"], json!([]));
}

#[tokio::test]
async fn a_rejected_registration_shows_its_reason_to_the_owner() {
    let (ws, s, staff) = staff_server().await;
    let (review, outlet, token) = register(&s, &key_stall()).await;
    let path = format!("/api/staff/registrations/{review}/reject");

    // A reason is required, in Chinese; nothing changes without one.
    let before = counts(&ws).await;
    for body in [json!({}), json!({ "reason": "  " })] {
        let (status, r) = staff.post(&path, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
        assert_eq!(r["error"], "reason_required");
        assert!(has_chinese(r["message"].as_str().unwrap()));
    }
    assert_eq!(counts(&ws).await, before);

    let reason = "营业执照照片看不清，请重新拍摄后提交";
    let (status, r) = staff.post(&path, &json!({ "reason": reason })).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (status, mine) = owner(&s, &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["status"], "rejected");
    assert_eq!(mine["reject_reason"], reason);
    assert!(!has_outlet(&s.outlets("").await, outlet));
    let (status, q) = staff.get("/api/staff/registrations?status=rejected").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(q["registrations"][0]["reason"], reason);
    assert_eq!(q["registrations"][0]["decided_by"], "wang");

    // Fixing it puts it back in the queue.
    let (status, e) = owner(&s, &token, Some(&key_stall())).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert_eq!(e["listing"]["status"], "pending");
    let (_, q) = staff.get("/api/staff/registrations").await;
    assert_eq!(q["registrations"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn staff_endpoints_need_a_session_and_csrf() {
    let (ws, s, staff) = staff_server().await;
    let (review, outlet, _) = register(&s, &key_stall()).await;
    let before = counts(&ws).await;

    let (status, r) = s.get("/api/staff/registrations").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{r}");
    assert!(has_chinese(r["message"].as_str().unwrap()));
    for action in ["approve", "reject"] {
        let path = format!("/api/staff/registrations/{review}/{action}");
        let (status, _) = s.post_json(&path, &json!({ "reason": "不行" })).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, r) = staff
            .post_with(&path, &json!({ "reason": "不行" }), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{r}");
        let (status, _) = staff
            .post_with(&path, &json!({ "reason": "不行" }), Some("wrong"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert_eq!(counts(&ws).await, before);
    assert!(!has_outlet(&s.outlets("").await, outlet));

    // Unknown id, bad status filter.
    let (status, r) = staff
        .post("/api/staff/registrations/999/approve", &json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{r}");
    let (status, r) = staff.get("/api/staff/registrations?status=all").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
}

#[tokio::test]
async fn a_token_reaches_only_its_own_listing() {
    let (ws, s, staff) = staff_server().await;
    let (a_review, a_outlet, a_token) = register(&s, &key_stall()).await;
    let mut other = key_stall();
    other["name"] = json!("张师傅修鞋");
    other["lon"] = json!(121.4420);
    let (_, b_outlet, b_token) = register(&s, &other).await;
    staff
        .post(
            &format!("/api/staff/registrations/{a_review}/approve"),
            &json!({}),
        )
        .await;

    let (_, b) = owner(&s, &b_token, None).await;
    assert_eq!(b["outlet_id"], b_outlet);
    assert_eq!(b["registration"]["name"], "张师傅修鞋");
    let (_, a) = owner(&s, &a_token, None).await;
    assert_eq!(a["outlet_id"], a_outlet);

    // Wrong, altered, missing or query-string tokens: 404, the same answer, nothing changed.
    let before = counts(&ws).await;
    let mut altered = a_token.clone();
    altered.replace_range(0..1, if altered.starts_with('A') { "B" } else { "A" });
    for token in [altered.as_str(), "x", "' OR '1'='1"] {
        let (status, r) = owner(&s, token, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{r}");
        assert_eq!(r["error"], "listing_not_found");
        assert!(has_chinese(r["message"].as_str().unwrap()));
        let mut edit = key_stall();
        edit["hours"] = json!({ "open_24h": true, "days": [[], [], [], [], [], [], []] });
        let (status, _) = owner(&s, token, Some(&edit)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = s
        .get(&format!("/api/merchant/listing?token={a_token}"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the token goes in the header only"
    );
    let (status, _) = s.post_json("/api/merchant/listing", &key_stall()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(counts(&ws).await, before);
    let live = s.outlets("?category=repair").await;
    let a = live.features.iter().find(|f| f.id == a_outlet).unwrap();
    assert!(!a.properties.open_24h);
}

#[tokio::test]
async fn refused_registrations_store_nothing_and_say_why_in_chinese() {
    let (ws, s, _staff) = staff_server().await;
    let before = counts(&ws).await;

    // A typo in the credit code: the message names the check character.
    let mut typo = key_stall();
    typo["credit_code"] = json!(TYPO_CODE);
    let (status, r) = s.post_json("/api/registrations", &typo).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    assert_eq!(r["error"], "invalid_registration");
    let field = &r["fields"][0];
    assert_eq!(field["field"], "credit_code");
    let zh = field["zh"].as_str().unwrap();
    assert!(zh.contains('L') && zh.contains("校验"), "{zh}");
    assert!(r["message"].as_str().unwrap().contains(zh));

    // Every field problem at once.
    let mut many = key_stall();
    many["credit_code"] = json!(TYPO_CODE);
    many["phone"] = json!("12345");
    many["name"] = json!("");
    many["prices"] = json!([]);
    let (status, r) = s.post_json("/api/registrations", &many).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in ["name", "prices", "phone", "credit_code"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }

    // Extra fields (also nested), wrong types, missing fields, not JSON.
    let mut extra = key_stall();
    extra["status"] = json!("approved");
    let mut nested = key_stall();
    nested["prices"][0]["discount"] = json!(1);
    let mut wrong_type = key_stall();
    wrong_type["lon"] = json!("121.44");
    let mut missing = key_stall();
    missing.as_object_mut().unwrap().remove("credit_code");
    for (body, needle) in [
        (extra, "status"),
        (nested, "discount"),
        (wrong_type, "类型不对"),
        (missing, "credit_code"),
    ] {
        let (status, r) = s.post_json("/api/registrations", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
        assert_eq!(r["error"], "invalid_json");
        let msg = r["message"].as_str().unwrap();
        assert!(has_chinese(msg) && msg.contains(needle), "{msg}");
    }
    let (status, r) = s
        .post_raw(
            "/api/registrations",
            Some("application/json"),
            b"{\"name\":".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    let (status, _) = s
        .post_raw(
            "/api/registrations",
            Some("text/plain"),
            key_stall().to_string().into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(counts(&ws).await, before);
}

#[tokio::test]
async fn sql_looking_text_is_stored_as_text() {
    let (ws, s, staff) = staff_server().await;
    let evil = "'); DROP TABLE outlets;--";
    let mut body = key_stall();
    body["name"] = json!(format!("钥匙{evil}"));
    body["address"] = json!(format!("昌化路\" OR 1=1 -- {evil}"));
    body["brand"] = json!("x' UNION SELECT token_hash--");
    body["prices"][0]["item"] = json!("钥';DELETE FROM x;");
    let (review, outlet, token) = register(&s, &body).await;

    // A code-looking category or service is refused by the rules, not run.
    let mut bad = key_stall();
    bad["category"] = json!("repair' OR '1'='1");
    bad["services"] = json!(["parcel\"; DROP TABLE merchant_reviews;--"]);
    let before = counts(&ws).await;
    let (status, r) = s.post_json("/api/registrations", &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    assert_eq!(counts(&ws).await, before);

    staff
        .post(
            &format!("/api/staff/registrations/{review}/approve"),
            &json!({}),
        )
        .await;
    let live = s.outlets("").await;
    let f = live.features.iter().find(|f| f.id == outlet).unwrap();
    assert_eq!(f.properties.name.as_deref(), body["name"].as_str());
    assert_eq!(f.properties.address.as_deref(), body["address"].as_str());
    assert_eq!(f.properties.brand.as_deref(), body["brand"].as_str());
    assert_eq!(f.properties.prices[0].item, "钥';DELETE FROM x;");
    let (_, mine) = owner(&s, &token, None).await;
    assert_eq!(mine["registration"]["name"], body["name"]);
    // Every table is still there and whole.
    assert!(counts(&ws).await.iter().all(|&n| n > 0));
}

#[tokio::test]
async fn registrations_from_one_address_are_rate_limited() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    for i in 0..10 {
        let mut b = key_stall();
        b["name"] = json!(format!("配钥匙{i}号"));
        register(&s, &b).await;
    }
    let before = counts(&ws).await;
    let (status, r) = s.post_json("/api/registrations", &key_stall()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{r}");
    assert!(has_chinese(r["message"].as_str().unwrap()));
    assert_eq!(counts(&ws).await, before);
}
