//! Staff accounts and sessions, against the real server binary: the `staff add` command,
//! login with its rate limit, the session cookie, CSRF, logout, adding staff, rounds and code
//! sheets, and the audit log.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Every staff endpoint with a body that would be accepted with a session.
fn staff_endpoints() -> Vec<(&'static str, String, Value)> {
    let b = json!({});
    vec![
        ("GET", "/api/staff/me".into(), b.clone()),
        ("POST", "/api/staff/logout".into(), b.clone()),
        (
            "POST",
            "/api/staff/accounts".into(),
            json!({ "username": "li", "password": "another long one" }),
        ),
        ("GET", "/api/staff/circles".into(), b.clone()),
        (
            "POST",
            format!("/api/staff/circles/{CIRCLE}/rounds"),
            json!({ "open_mode": false }),
        ),
        ("POST", "/api/staff/rounds/1/close".into(), b.clone()),
        (
            "POST",
            "/api/staff/rounds/1/codes".into(),
            json!({ "count": 1, "base_url": "http://localhost" }),
        ),
        ("GET", "/api/staff/rounds/1/codes".into(), b.clone()),
        (
            "GET",
            format!("/api/staff/circles/{CIRCLE}/responses.csv"),
            b.clone(),
        ),
        (
            "GET",
            format!("/api/staff/circles/{CIRCLE}/indicators.csv"),
            b,
        ),
    ]
}

async fn send(
    s: &Server,
    method: &str,
    path: &str,
    body: &Value,
    cookie: Option<&str>,
    csrf: Option<&str>,
) -> (StatusCode, Value) {
    let client = reqwest::Client::new();
    let mut r = match method {
        "GET" => client.get(s.url(path)),
        _ => client.post(s.url(path)).json(body),
    };
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    if let Some(t) = csrf {
        r = r.header("x-csrf-token", t);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn staff_endpoints_need_a_session_and_posts_the_csrf_token() {
    let (_ws, s, staff) = staff_server().await;
    let forged = "bm_staff=0000000000000000000000000000000000000000000000000000000000000000";
    for (method, path, body) in staff_endpoints() {
        for cookie in [None, Some(forged), Some("bm_staff=")] {
            let (status, e) = send(&s, method, &path, &body, cookie, Some(&staff.csrf)).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} {cookie:?}: {e}"
            );
            assert_eq!(e["error"], "not_logged_in");
            assert_eq!(e["message"], "请先登录");
        }
        if method == "POST" {
            for csrf in [None, Some("wrong"), Some("")] {
                let (status, e) = send(&s, method, &path, &body, Some(&staff.cookie), csrf).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{path} {csrf:?}: {e}");
                assert_eq!(e["error"], "csrf");
                assert!(has_chinese(e["message"].as_str().unwrap()));
            }
        }
    }
    // Nothing was done by any of them: the session still works and no round was opened.
    let (status, me) = staff.get("/api/staff/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me, json!({ "username": "wang", "csrf": staff.csrf }));
    let (_, circles) = staff.get("/api/staff/circles").await;
    assert!(circles[0]["open_round"].is_null());
    // With the token, the same POST works.
    let (status, _) = staff
        .post(
            &format!("/api/staff/circles/{CIRCLE}/rounds"),
            &json!({ "open_mode": false }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_rate_limited() {
    let (ws, s, _staff) = staff_server().await;
    let r = s.login_response("nobody", STAFF_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    for _ in 0..5 {
        let r = s.login_response("wang", "not the password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"], "login_failed");
        assert_eq!(e["message"], "用户名或密码不正确");
    }
    // Locked for a while, even with the right password (and in another letter case).
    for username in ["wang", "WANG"] {
        let r = s.login_response(username, STAFF_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().contains_key("retry-after"));
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"], "login_rate_limited");
        assert!(has_chinese(e["message"].as_str().unwrap()));
    }
    // Other accounts are not locked by it.
    assert!(staff_add(&ws, "li", "a long enough password").0);
    s.login("li", "a long enough password").await;
    // Bodies that are not the credentials as JSON.
    let (status, e) = s
        .post_raw("/api/staff/login", Some("text/plain"), b"{}".to_vec())
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, &json!("not_json"))
    );
    let (status, e) = s
        .post_json("/api/staff/login", &json!({ "username": "wang" }))
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_json"))
    );
}

#[tokio::test]
async fn the_login_cookie_is_http_only_and_strict() {
    let ws = Workspace::new();
    assert!(staff_add(&ws, "wang", STAFF_PASSWORD).0);
    let s = ws.start("shanghai");
    let r = s.login_response("wang", STAFF_PASSWORD).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("bm_staff="), "{cookie}");
    let token = cookie["bm_staff=".len()..].split(';').next().unwrap();
    assert_eq!(token.len(), 64, "32 random bytes");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["username"], "wang");
    assert_eq!(body["csrf"].as_str().unwrap().len(), 64);
    drop(s);

    let mut cmd = ws.command("shanghai");
    cmd.arg("--secure-cookies");
    let s = ws.start_with(cmd);
    let r = s.login_response("wang", STAFF_PASSWORD).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");

    // The token is not what the database keeps.
    let db = open_db(&ws).await;
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM staff_sessions")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(!stored.is_empty(), "the sessions are stored");
    for hash in &stored {
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            !String::from_utf8_lossy(hash).contains(token) && !hex.eq_ignore_ascii_case(token),
            "the token itself is stored"
        );
    }
    db.close().await;
}

#[tokio::test]
async fn the_staff_add_command() {
    let ws = Workspace::new();
    let (ok, out) = staff_add(&ws, "wang", "short");
    assert!(!ok, "{out}");
    assert!(out.contains("at least 10 characters"), "{out}");
    let (ok, out) = staff_add(&ws, "x", STAFF_PASSWORD);
    assert!(!ok && out.contains("username"), "{out}");

    let (ok, out) = staff_add(&ws, "wang", STAFF_PASSWORD);
    assert!(ok, "{out}");
    assert!(out.contains("added staff account 'wang'"), "{out}");
    let (ok, out) = staff_add(&ws, "wang", "another long password");
    assert!(!ok, "{out}");
    assert!(out.contains("exists already"), "{out}");
    let (ok, out) = staff_add(&ws, "Wang", "another long password");
    assert!(!ok, "usernames are case-insensitive: {out}");

    // From standard input (no environment variable), one line.
    let (ok, out) = run_with(
        &ws,
        &["staff", "add", "li.na"],
        None,
        Some("一二三四五六七八九十\n"),
    );
    assert!(ok, "{out}");
    let (ok, out) = run_with(&ws, &["staff", "add", "zhao"], None, Some("tooshort\n"));
    assert!(!ok, "{out}");
    let (ok, out) = run_with(&ws, &["staff", "add", "empty"], None, None);
    assert!(!ok, "no password, no account: {out}");

    // --reset sets a new password.
    let (ok, out) = run_with(
        &ws,
        &["staff", "add", "wang", "--reset"],
        Some("a brand new password"),
        None,
    );
    assert!(ok, "{out}");
    let (ok, _) = run_with(
        &ws,
        &["staff", "add", "ghost", "--reset"],
        Some("long enough pw"),
        None,
    );
    assert!(!ok);

    let s = ws.start("shanghai");
    s.login("li.na", "一二三四五六七八九十").await;
    s.login("wang", "a brand new password").await;
    assert_eq!(
        s.login_response("wang", STAFF_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for nobody in ["zhao", "empty", "ghost"] {
        assert_eq!(
            s.login_response(nobody, "tooshort").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn staff_add_staff_and_logout_ends_the_session() {
    let (ws, s, staff) = staff_server().await;
    let new = json!({ "username": "li", "password": "a long enough password" });
    let (status, body) = staff.post("/api/staff/accounts", &new).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["username"], "li");
    let (status, e) = staff.post("/api/staff/accounts", &new).await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::CONFLICT, &json!("username_taken"))
    );
    let (status, e) = staff
        .post(
            "/api/staff/accounts",
            &json!({ "username": "zhao", "password": "short" }),
        )
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::BAD_REQUEST, &json!("password_too_short"))
    );
    assert!(has_chinese(e["message"].as_str().unwrap()));
    let (status, e) = staff
        .post(
            "/api/staff/accounts",
            &json!({ "username": "has space", "password": "a long enough password" }),
        )
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_username"))
    );

    let li = s.login("li", "a long enough password").await;
    let (_, me) = li.get("/api/staff/me").await;
    assert_eq!(me["username"], "li");
    assert_ne!(li.csrf, staff.csrf, "a CSRF token per session");

    let (status, body) = li.post("/api/staff/logout", &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, e) = li.get("/api/staff/me").await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::UNAUTHORIZED, &json!("not_logged_in"))
    );
    // The other session goes on.
    assert_eq!(staff.get("/api/staff/me").await.0, StatusCode::OK);

    let db = open_db(&ws).await;
    let log: Vec<(Option<i64>, String, String, String)> =
        sqlx::query_as("SELECT staff, actor, action, subject FROM audit_log ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        log,
        [
            (
                None,
                "command line".into(),
                "account_added".into(),
                "staff:wang".into()
            ),
            (
                Some(1),
                "wang".into(),
                "account_added".into(),
                "staff:li".into()
            ),
        ]
    );
    db.close().await;
}

#[tokio::test]
async fn rounds_and_code_sheets() {
    let (ws, s, staff) = staff_server().await;
    let (_, circles) = staff.get("/api/staff/circles").await;
    assert_eq!(circles[0]["id"], CIRCLE);
    assert_eq!(circles[0]["service_population"], 90000);

    // The population defaults to the circle's.
    let (status, round) = staff
        .post(
            &format!("/api/staff/circles/{CIRCLE}/rounds"),
            &json!({ "open_mode": false }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(round["population"], 90000);
    assert_eq!(round["sample_target"], 2700);
    assert_eq!(round["responses"], 0);
    let id = round["id"].as_i64().unwrap();
    let (status, e) = staff
        .post(
            &format!("/api/staff/circles/{CIRCLE}/rounds"),
            &json!({ "open_mode": true, "population": 10 }),
        )
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::CONFLICT, &json!("round_open"))
    );
    let (status, e) = staff
        .post(
            "/api/staff/circles/nowhere/rounds",
            &json!({ "open_mode": true }),
        )
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::NOT_FOUND, &json!("unknown_circle"))
    );
    let (_, circles) = staff.get("/api/staff/circles").await;
    assert_eq!(circles[0]["open_round"]["id"], id);

    let (status, sheet) = staff
        .post(
            &format!("/api/staff/rounds/{id}/codes"),
            &json!({ "count": 3, "base_url": "http://192.0.2.1:8080/" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sheet}");
    assert_eq!(
        (sheet["issued"].as_u64(), sheet["used"].as_u64()),
        (Some(3), Some(0))
    );
    let alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut seen = std::collections::HashSet::new();
    for c in sheet["codes"].as_array().unwrap() {
        let code = c["code"].as_str().unwrap();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(
            code.replace('-', "")
                .chars()
                .all(|ch| alphabet.contains(ch)),
            "{code}"
        );
        assert_eq!(
            c["url"],
            format!("http://192.0.2.1:8080/survey?circle={CIRCLE}&code={code}")
        );
        let svg = c["qr_svg"].as_str().unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(seen.insert(code.to_string()));
    }
    for (body, code) in [
        (
            json!({ "count": 0, "base_url": "http://h" }),
            "invalid_count",
        ),
        (
            json!({ "count": 501, "base_url": "http://h" }),
            "invalid_count",
        ),
        (
            json!({ "count": 1, "base_url": "javascript:alert(1)" }),
            "invalid_base_url",
        ),
        (
            json!({ "count": 1, "base_url": "http://h/?x=1" }),
            "invalid_base_url",
        ),
    ] {
        let (status, e) = staff
            .post(&format!("/api/staff/rounds/{id}/codes"), &body)
            .await;
        assert_eq!(
            (status, e["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code))
        );
    }
    let (status, e) = staff
        .post(
            "/api/staff/rounds/999/codes",
            &json!({ "count": 1, "base_url": "http://h" }),
        )
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::NOT_FOUND, &json!("unknown_round"))
    );
    let (_, counts) = staff.get(&format!("/api/staff/rounds/{id}/codes")).await;
    assert_eq!(counts, json!({ "issued": 3, "used": 0 }));

    // A code from the sheet works once, typed in lower case without the dash.
    let code = sheet["codes"][0]["code"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .replace('-', "");
    let (status, _) = s
        .submit(&with(
            body(id, &client_id("sheet", 1), &happy()),
            "code",
            &code,
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, counts) = staff.get(&format!("/api/staff/rounds/{id}/codes")).await;
    assert_eq!(counts, json!({ "issued": 3, "used": 1 }));

    let closed = staff.close_round(id).await;
    assert!(closed["closed_on"].is_string());
    assert_eq!(closed["responses"], 1);
    let (status, e) = staff
        .post(&format!("/api/staff/rounds/{id}/close"), &json!({}))
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::CONFLICT, &json!("round_closed"))
    );
    let (status, e) = staff
        .post(
            &format!("/api/staff/rounds/{id}/codes"),
            &json!({ "count": 1, "base_url": "http://h" }),
        )
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::CONFLICT, &json!("round_closed"))
    );
    let (_, survey) = s.get(&format!("/api/circles/{CIRCLE}/survey")).await;
    assert!(survey["round"].is_null());

    let db = open_db(&ws).await;
    let actions: Vec<(String, String)> =
        sqlx::query_as("SELECT action, detail FROM audit_log WHERE staff IS NOT NULL ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(names, ["round_opened", "codes_issued", "round_closed"]);
    assert_eq!(
        serde_json::from_str::<Value>(&actions[1].1).unwrap(),
        json!({ "count": 3 })
    );
    db.close().await;
}
