//! The satisfaction survey over the API, against the real server binary on a real SQLite file:
//! the indicators of a hand-computed fixture, every refusal (and that it stores nothing),
//! idempotent resends, open mode, anonymity of what is stored, and the CSV exports.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Ten answers: business 27 of 30 satisfied (90.0% → 16 points), service 32 of 40 (80.0% →
/// 10), overall 59 of 70; 缺什么 breakfast 8, repair 5; four aged 60–74 all satisfied.
fn fixture() -> Vec<Value> {
    let mut v = Vec::new();
    for _ in 0..4 {
        v.push(answers(
            [5, 5, 5],
            [5, 5, 5, 5],
            Some("60_74"),
            &["breakfast"],
        ));
    }
    for _ in 0..4 {
        v.push(answers(
            [4, 4, 4],
            [4, 4, 4, 2],
            None,
            &["repair", "breakfast"],
        ));
    }
    v.push(answers([1, 2, 3], [5, 5, 1, 1], Some("18_34"), &["repair"]));
    v.push(answers([5, 4, 5], [1, 1, 5, 5], Some("18_34"), &[]));
    v
}

fn rate(score: &Value) -> (u64, u64) {
    (
        score["satisfied"].as_u64().unwrap(),
        score["answered"].as_u64().unwrap(),
    )
}

fn band<'a>(ind: &'a Value, code: &str) -> &'a Value {
    ind["by_age_band"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"] == code)
        .unwrap()
}

#[tokio::test]
async fn the_questionnaire_and_rounds_are_public() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let (status, q) = s.get("/api/survey/questionnaire").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(q["version"], 1);
    assert_eq!(q["questions"].as_array().unwrap().len(), 12);

    let (status, body) = s.get(&format!("/api/circles/{CIRCLE}/survey")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["circle"]["id"], CIRCLE);
    assert!(has_chinese(body["circle"]["name_zh"].as_str().unwrap()));
    assert!(body["round"].is_null());
    let (_, rounds) = s.get(&format!("/api/circles/{CIRCLE}/rounds")).await;
    assert_eq!(rounds, json!([]));

    for path in ["survey", "rounds", "indicators"] {
        let (status, e) = s.get(&format!("/api/circles/nowhere/{path}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(e["error"], "unknown_circle");
    }
    let (status, e) = s.get(&format!("/api/circles/{CIRCLE}/indicators")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(e["error"], "no_round");
    assert_eq!(e["message"], "这个生活圈还没有开展满意度调查");
    let (status, e) = s
        .get(&format!("/api/circles/{CIRCLE}/indicators?round=x"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"], "bad_round");
}

#[tokio::test]
async fn aggregation_matches_the_hand_computed_fixture() {
    let (_ws, s, staff) = staff_server().await;

    // Round A: 300 residents → 9 answers needed; ten arrive, each with its code.
    let a = staff.open_round(300, false).await;
    let codes = staff.issue_codes(a, 10).await;
    for (i, (answers, code)) in fixture().iter().zip(&codes).enumerate() {
        let (status, r) = s
            .submit(&with(
                body(a, &client_id("fixture-a", i), answers),
                "code",
                code,
            ))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{r}");
        assert_eq!(r, json!({ "status": "recorded", "responses": i + 1 }));
    }
    let (_, survey) = s.get(&format!("/api/circles/{CIRCLE}/survey")).await;
    let info = &survey["round"];
    assert_eq!(info["id"], a);
    assert_eq!(info["circle"], CIRCLE);
    assert_eq!(info["population"], 300);
    assert_eq!(info["open_mode"], false);
    assert_eq!(info["questionnaire_version"], 1);
    assert_eq!(info["responses"], 10);
    assert_eq!(info["sample_target"], 9);
    assert!(info["closed_on"].is_null());
    let opened = info["opened_on"].as_str().unwrap();
    assert!(
        opened.len() == 10 && opened.as_bytes()[4] == b'-',
        "{opened}"
    );

    let body_a = s.indicators(Some(a)).await;
    assert_eq!(body_a["circle"]["id"], CIRCLE);
    assert_eq!(body_a["round"]["id"], a);
    let ind = &body_a["indicators"];
    assert_eq!(ind["responses"], 10);
    assert_eq!(ind["population"], 300);
    assert_eq!(ind["sample_target"], 9);
    assert_eq!(ind["sample_valid"], true);
    assert_eq!(rate(&ind["business"]), (27, 30));
    assert_eq!(ind["business"]["points"], 16, "exactly 90% earns 16");
    assert_eq!(ind["business"]["meets_target"], true);
    assert_eq!(rate(&ind["service"]), (32, 40));
    assert_eq!(ind["service"]["points"], 10, "exactly 80% earns 10");
    assert_eq!(ind["service"]["meets_target"], false);
    assert_eq!(rate(&ind["overall"]), (59, 70));
    assert_eq!(ind["overall"]["meets_target"], false);
    let missed: Vec<(String, u64)> = ind["most_missed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["code"].as_str().unwrap().to_string(),
                o["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        missed,
        [("breakfast".to_string(), 8), ("repair".to_string(), 5)]
    );
    assert_eq!(band(ind, "60_74")["responses"], 4);
    assert_eq!(rate(&band(ind, "60_74")["overall"]), (28, 28));
    assert_eq!(rate(&band(ind, "18_34")["business"]), (3, 6));
    assert_eq!(rate(&band(ind, "18_34")["service"]), (4, 8));
    assert_eq!(band(ind, "")["responses"], 4);
    let shopping = ind["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "daily_shopping")
        .unwrap();
    let counts: Vec<u64> = shopping["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [5, 4, 0, 0, 1]);

    // The indicators export carries the same figures.
    let (status, headers, text) = staff
        .get_text(&format!(
            "/api/staff/circles/{CIRCLE}/indicators.csv?round={a}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"survey-{CIRCLE}-round{a}-indicators.csv\"").as_str()
    );
    let rows = parse_csv(text.strip_prefix('\u{feff}').unwrap());
    assert_eq!(
        rows[0],
        [
            "section",
            "code",
            "name_zh",
            "name_en",
            "count",
            "satisfied",
            "answered",
            "percent",
            "points"
        ]
    );
    let find = |section: &str, code: &str| {
        rows.iter()
            .find(|r| r[0] == section && r[1] == code)
            .unwrap_or_else(|| panic!("no row {section} {code}"))
            .clone()
    };
    assert_eq!(
        find("indicator", "business")[2..],
        [
            "业态满意率",
            "Business satisfaction",
            "",
            "27",
            "30",
            "90.0",
            "16"
        ]
    );
    assert_eq!(
        find("indicator", "service")[5..],
        ["32", "40", "80.0", "10"]
    );
    assert_eq!(find("summary", "sample_valid")[4], "1");
    assert_eq!(find("most_missed", "breakfast")[4], "8");

    // Round B: the same ten answers in open mode, but 334 residents → 11 needed: invalid, no
    // points, the rates still shown.
    staff.close_round(a).await;
    let b = staff.open_round(334, true).await;
    for (i, answers) in fixture().iter().enumerate() {
        let device = format!("device-token-fixture-{i:04}");
        let (status, r) = s
            .submit(&with(
                body(b, &client_id("fixture-b", i), answers),
                "device",
                &device,
            ))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{r}");
    }
    let newest = s.indicators(None).await;
    assert_eq!(newest["round"]["id"], b, "the newest round by default");
    let ind = &newest["indicators"];
    assert_eq!(ind["responses"], 10);
    assert_eq!(ind["sample_target"], 11);
    assert_eq!(ind["sample_valid"], false);
    assert_eq!(rate(&ind["business"]), (27, 30));
    assert_eq!(ind["business"]["points"], 0);
    assert_eq!(ind["service"]["points"], 0);
    // Round A is unchanged.
    assert_eq!(
        s.indicators(Some(a)).await["indicators"],
        body_a["indicators"]
    );

    let (_, rounds) = s.get(&format!("/api/circles/{CIRCLE}/rounds")).await;
    let ids: Vec<i64> = rounds
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [b, a], "newest first");
    assert!(rounds[1]["closed_on"].is_string());
}

#[tokio::test]
async fn bad_submissions_are_refused_and_store_nothing() {
    let (_ws, s, staff) = staff_server().await;
    let round = staff.open_round(1000, false).await;
    let codes = staff.issue_codes(round, 3).await;
    let good =
        |n: usize, code: &str| with(body(round, &client_id("bad", n), &happy()), "code", code);
    let (status, _) = s.submit(&good(0, &codes[0])).await;
    assert_eq!(status, StatusCode::CREATED);
    let before = s.indicators(Some(round)).await;
    let path = format!("/api/circles/{CIRCLE}/responses");

    let mut cases: Vec<(&str, StatusCode, &str, Value)> = Vec::new();
    let answer = |key: &str, value: Value| {
        let mut a = happy();
        a[key] = value;
        with(body(round, &client_id("bad", 1), &a), "code", &codes[1])
    };
    cases.push((
        "unknown question",
        StatusCode::BAD_REQUEST,
        "unknown_question",
        answer("favourite_colour", json!(3)),
    ));
    cases.push((
        "out of range",
        StatusCode::BAD_REQUEST,
        "invalid_answer",
        answer("variety", json!(6)),
    ));
    cases.push((
        "oversized text",
        StatusCode::BAD_REQUEST,
        "answer_too_long",
        answer("suggestion", json!("长".repeat(501))),
    ));
    let mut missing = happy();
    missing.as_object_mut().unwrap().remove("fair_prices");
    cases.push((
        "required answer missing",
        StatusCode::BAD_REQUEST,
        "answer_required",
        with(
            body(round, &client_id("bad", 1), &missing),
            "code",
            &codes[1],
        ),
    ));
    cases.push((
        "wrong code",
        StatusCode::FORBIDDEN,
        "code_invalid",
        good(1, "ABCD-EFGH"),
    ));
    cases.push((
        "malformed code",
        StatusCode::FORBIDDEN,
        "code_invalid",
        good(1, "not a code"),
    ));
    cases.push((
        "missing code",
        StatusCode::FORBIDDEN,
        "code_required",
        body(round, &client_id("bad", 1), &happy()),
    ));
    cases.push((
        "reused code",
        StatusCode::CONFLICT,
        "code_used",
        good(1, &codes[0].to_lowercase().replace('-', " ")),
    ));
    let mut outdated = good(1, &codes[1]);
    outdated["questionnaire_version"] = json!(2);
    cases.push((
        "outdated questionnaire",
        StatusCode::CONFLICT,
        "questionnaire_outdated",
        outdated,
    ));
    for bad_id in [
        json!("short"),
        json!("has spaces in it!!!!"),
        json!(42),
        Value::Null,
    ] {
        let mut b = good(1, &codes[1]);
        b["client_id"] = bad_id;
        cases.push((
            "bad client id",
            StatusCode::BAD_REQUEST,
            "invalid_client_id",
            b,
        ));
    }
    let mut no_round = good(1, &codes[1]);
    no_round.as_object_mut().unwrap().remove("round");
    cases.push((
        "no round",
        StatusCode::BAD_REQUEST,
        "invalid_json",
        no_round,
    ));
    cases.push((
        "not an object",
        StatusCode::BAD_REQUEST,
        "invalid_json",
        json!([1, 2]),
    ));
    let mut other_round = good(1, &codes[1]);
    other_round["round"] = json!(round + 100);
    cases.push((
        "unknown round",
        StatusCode::NOT_FOUND,
        "unknown_round",
        other_round,
    ));

    for (what, status, code, b) in cases {
        let (got, e) = s.submit(&b).await;
        assert_eq!(
            (got, e["error"].as_str()),
            (status, Some(code)),
            "{what}: {e}"
        );
        assert!(has_chinese(e["message"].as_str().unwrap()), "{what}: {e}");
        assert!(!e["message_en"].as_str().unwrap().is_empty(), "{what}");
    }
    let (_, e) = s.submit(&answer("variety", json!(6))).await;
    assert_eq!(e["question"], "variety");
    let (_, e) = s.submit(&good(1, "ABCD-EFGH")).await;
    assert_eq!(e["message"], "调查码不正确，请核对后重新输入");
    let (_, e) = s.submit(&good(1, &codes[0])).await;
    assert_eq!(e["message"], "这个调查码已经用过了，每个调查码只能提交一次");

    // What the body parser refuses.
    let valid = good(1, &codes[1]).to_string();
    let (status, e) = s
        .post_raw(
            &path,
            Some("application/json"),
            b"{\"client_id\": ".to_vec(),
        )
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_json"))
    );
    assert!(has_chinese(e["message"].as_str().unwrap()));
    let (status, e) = s
        .post_raw(&path, Some("text/plain"), valid.clone().into_bytes())
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, &json!("not_json"))
    );
    assert!(has_chinese(e["message"].as_str().unwrap()));
    let (status, e) = s.post_raw(&path, None, valid.into_bytes()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{e}");
    let mut big = good(1, &codes[1]);
    big["answers"]["suggestion"] = json!("x".repeat(17 * 1024));
    let (status, e) = s.submit(&big).await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::PAYLOAD_TOO_LARGE, &json!("too_large"))
    );
    assert!(has_chinese(e["message"].as_str().unwrap()));

    // A closed round takes nothing more.
    staff.close_round(round).await;
    let (status, e) = s.submit(&good(2, &codes[2])).await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::CONFLICT, &json!("round_closed"))
    );
    assert_eq!(e["message"], "本轮调查已经结束");

    // Nothing of all that was stored: the counts, the rows and the codes are as before.
    let after = s.indicators(Some(round)).await;
    assert_eq!(after["indicators"], before["indicators"]);
    assert_eq!(after["round"]["responses"], 1);
    let rows = staff.responses_csv(round).await;
    assert_eq!(
        rows.len(),
        2,
        "the header and the one good answer: {rows:?}"
    );
    let (_, counts) = staff.get(&format!("/api/staff/rounds/{round}/codes")).await;
    assert_eq!(counts, json!({ "issued": 3, "used": 1 }));
}

#[tokio::test]
async fn a_resend_is_counted_once() {
    let (_ws, s, staff) = staff_server().await;
    let round = staff.open_round(1000, false).await;
    let codes = staff.issue_codes(round, 2).await;
    let first = with(
        body(round, &client_id("resend", 1), &happy()),
        "code",
        &codes[0],
    );
    let (status, r) = s.submit(&first).await;
    assert_eq!(
        (status, r),
        (
            StatusCode::CREATED,
            json!({ "status": "recorded", "responses": 1 })
        )
    );
    // The phone did not get the answer and sends it again: its code is not "used".
    let (status, r) = s.submit(&first).await;
    assert_eq!(
        (status, r),
        (
            StatusCode::OK,
            json!({ "status": "already_recorded", "responses": 1 })
        )
    );
    // Another answer with that code is a reuse.
    let reuse = with(
        body(round, &client_id("resend", 2), &happy()),
        "code",
        &codes[0],
    );
    let (status, e) = s.submit(&reuse).await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::CONFLICT, &json!("code_used"))
    );
    // Still recognised once the round is closed.
    staff.close_round(round).await;
    let (status, r) = s.submit(&first).await;
    assert_eq!(
        (status, &r["status"]),
        (StatusCode::OK, &json!("already_recorded"))
    );

    let ind = s.indicators(Some(round)).await;
    assert_eq!(ind["indicators"]["responses"], 1);
    assert_eq!(ind["indicators"]["questions"][0]["answered"], 1);
    assert_eq!(staff.responses_csv(round).await.len(), 2);
    let (_, counts) = staff.get(&format!("/api/staff/rounds/{round}/codes")).await;
    assert_eq!(counts, json!({ "issued": 2, "used": 1 }));
}

#[tokio::test]
async fn open_mode_takes_one_answer_per_device_and_limits_the_rate() {
    let (_ws, s, staff) = staff_server().await;
    let round = staff.open_round(90_000, true).await;
    let answer = |n: usize, device: &str| {
        with(
            body(round, &client_id("open", n), &happy()),
            "device",
            device,
        )
    };
    let (status, _) = s.submit(&answer(0, "phone-one-token-0001")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, e) = s.submit(&answer(1, "phone-one-token-0001")).await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::CONFLICT, &json!("device_used"))
    );
    assert_eq!(e["message"], "这台手机已经提交过本轮调查");
    let (status, e) = s
        .submit(&body(round, &client_id("open", 2), &happy()))
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_json"))
    );
    // A code in open mode is checked too.
    let (status, e) = s
        .submit(&with(
            answer(3, "phone-two-token-0002"),
            "code",
            "ABCD-EFGH",
        ))
        .await;
    assert_eq!(
        (status, &e["error"]),
        (StatusCode::FORBIDDEN, &json!("code_invalid"))
    );

    // 30 answers per address in 10 minutes (counting the four above that reached the limit).
    let mut accepted = 1;
    let mut n = 10;
    let limited = loop {
        n += 1;
        assert!(n < 60, "no rate limit");
        let r = reqwest::Client::new()
            .post(s.url(&format!("/api/circles/{CIRCLE}/responses")))
            .json(&answer(n, &format!("phone-token-{n:08}")))
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            break r;
        }
        assert_eq!(r.status(), StatusCode::CREATED);
        accepted += 1;
    };
    assert_eq!(
        accepted, 28,
        "30 counted: 1 + device_used + code_invalid + 27 more"
    );
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    let e: Value = limited.json().await.unwrap();
    assert_eq!(e["error"], "rate_limited");
    assert!(has_chinese(e["message"].as_str().unwrap()));
    assert_eq!(
        s.indicators(Some(round)).await["indicators"]["responses"],
        accepted
    );
}

#[tokio::test]
async fn answers_are_stored_anonymously() {
    let (ws, s, staff) = staff_server().await;
    const AGENT: &str = "AnonymityProbe/1.0 (Linux; Android 14; phone-model-x)";
    let client = reqwest::Client::builder()
        .user_agent(AGENT)
        .build()
        .unwrap();
    let coded = staff.open_round(1000, false).await;
    let codes = staff.issue_codes(coded, 2).await;
    let mut answer = happy();
    answer["suggestion"] = json!("菜场早上开早一点");
    answer["years_here"] = json!("over_10");
    let submissions = [
        with(
            body(coded, &client_id("anon", 1), &answer),
            "code",
            &codes[0],
        ),
        with(
            body(coded, &client_id("anon", 2), &happy()),
            "code",
            &codes[1],
        ),
    ];
    for b in &submissions {
        let r = client
            .post(s.url(&format!("/api/circles/{CIRCLE}/responses")))
            .json(b)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    staff.close_round(coded).await;
    let open = staff.open_round(1000, true).await;
    const DEVICE: &str = "device-secret-token-abcdef123456";
    let r = client
        .post(s.url(&format!("/api/circles/{CIRCLE}/responses")))
        .json(&with(
            body(open, &client_id("anon", 3), &happy()),
            "device",
            DEVICE,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    let db = open_db(&ws).await;
    let columns = |table: &'static str| {
        let db = db.clone();
        async move { columns_of(&db, table).await }
    };
    assert_eq!(
        columns("survey_responses").await,
        [
            "id",
            "round",
            "client_id",
            "day",
            "questionnaire_version",
            "answers"
        ]
    );
    assert_eq!(
        columns("survey_codes").await,
        ["round", "code_hash", "used"]
    );
    assert_eq!(columns("survey_devices").await, ["round", "device_hash"]);
    assert_eq!(
        columns("survey_counters").await,
        ["round", "question", "option", "band", "n"]
    );
    // The day only.
    let days: Vec<String> = sqlx::query_scalar("SELECT day FROM survey_responses")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(days.len(), 3);
    for d in &days {
        assert!(
            d.len() == 10 && chrono_like_day(d),
            "a day, nothing finer: {d}"
        );
    }
    let stored: Vec<String> = sqlx::query_scalar("SELECT answers FROM survey_responses")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(stored[0].contains("菜场早上开早一点"));
    for a in &stored {
        let keys: Vec<String> = serde_json::from_str::<serde_json::Map<String, Value>>(a)
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert!(keys
            .iter()
            .all(|k| !k.contains("ip") && !k.contains("agent")));
    }

    // Nowhere in the whole database: the address, the user agent, a code or the device token.
    let tables: Vec<String> = sqlx::query_scalar(match server::db::backend(&db) {
        server::db::Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        server::db::Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = 'public'"
        }
    })
    .fetch_all(&db)
    .await
    .unwrap();
    assert!(tables.iter().any(|t| t == "survey_responses"), "{tables:?}");
    let needles = [
        "127.0.0.1".to_string(),
        "AnonymityProbe".to_string(),
        "phone-model-x".to_string(),
        DEVICE.to_string(),
        codes[0].replace('-', ""),
        codes[0].clone(),
        codes[1].replace('-', ""),
    ];
    for table in &tables {
        for column in columns_of(&db, table).await {
            for needle in &needles {
                let hits: i64 = sqlx::query_scalar(&format!(
                    "SELECT COUNT(*) FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE '%' || $1 || '%'"
                ))
                .bind(needle)
                .fetch_one(&db)
                .await
                .unwrap();
                assert_eq!(hits, 0, "{needle} in {table}.{column}");
            }
        }
    }
    // A code's row says only that it was used: no order or time to match it with an answer.
    let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_codes WHERE used")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(used, 2);
    db.close().await;
}

fn chrono_like_day(d: &str) -> bool {
    d.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    })
}

async fn columns_of(db: &server::db::Db, table: &str) -> Vec<String> {
    let sql = match server::db::backend(db) {
        server::db::Backend::Sqlite => "SELECT name FROM pragma_table_info($1)",
        server::db::Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    sqlx::query_scalar(sql)
        .bind(table)
        .fetch_all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_csv_export_keeps_a_hostile_suggestion_safe() {
    let (_ws, s, staff) = staff_server().await;
    let round = staff.open_round(1000, false).await;
    let codes = staff.issue_codes(round, 2).await;
    let hostile = "=HYPERLINK(\"http://x\",\"点我\"), 第二句\n第三行 \"引号\"";
    let mut a = answers(
        [5, 4, 3],
        [2, 1, 5, 4],
        Some("35_59"),
        &["repair", "breakfast"],
    );
    a["suggestion"] = json!(hostile);
    a["most_used"] = json!(["convenience"]);
    let (status, _) = s
        .submit(&with(
            body(round, &client_id("csv", 1), &a),
            "code",
            &codes[0],
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let mut plain = happy();
    plain["suggestion"] = json!("-1 也不好");
    let (status, _) = s
        .submit(&with(
            body(round, &client_id("csv", 2), &plain),
            "code",
            &codes[1],
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, headers, _) = staff
        .get_text(&format!(
            "/api/staff/circles/{CIRCLE}/responses.csv?round={round}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"survey-{CIRCLE}-round{round}-responses.csv\"").as_str()
    );
    let rows = staff.responses_csv(round).await;
    assert_eq!(rows.len(), 3);
    let header = &rows[0];
    assert_eq!(header[..3], ["no", "day", "questionnaire_version"]);
    let col = |id: &str| header.iter().position(|h| h == id).unwrap();
    let first = &rows[1];
    assert_eq!(first[0], "1");
    assert!(chrono_like_day(&first[1]));
    assert_eq!(first[2], "1");
    assert_eq!(first[col("suggestion")], format!("'{hostile}"));
    assert_eq!(first[col("missing")], "repair;breakfast");
    assert_eq!(first[col("most_used")], "convenience");
    assert_eq!(first[col("daily_shopping")], "5");
    assert_eq!(first[col("fair_prices")], "5");
    assert_eq!(first[col("age_band")], "35_59");
    assert_eq!(first[col("years_here")], "");
    assert_eq!(rows[2][col("suggestion")], "'-1 也不好");
    assert!(rows.iter().all(|r| r.len() == header.len()));
}

#[tokio::test]
async fn survey_pages_answer_the_survey_bundle() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    // Without the survey bundle (as in these tests' one-line client): the main index.html.
    let r = reqwest::get(s.url("/survey?circle=changshoulu"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(r.text().await.unwrap().contains("<title>client</title>"));

    ws.dist_file("s/index.html", "<!doctype html><title>survey</title>");
    ws.dist_file("s/survey-0123456789abcdef.js", "export {};");
    ws.dist_file("m/index.html", "<!doctype html><title>desk</title>");
    for path in [
        "/merchant",
        "/merchant/manage",
        "/staff/registrations",
        "/staff/circles",
        "/staff/circles/new",
    ] {
        let r = reqwest::get(s.url(path)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(
            r.text().await.unwrap().contains("<title>desk</title>"),
            "{path}"
        );
    }
    for path in [
        "/survey",
        "/survey/",
        "/survey?circle=changshoulu&code=ABCD-EFGH",
        "/indicators?circle=changshoulu&round=2",
        "/staff",
        "/staff/",
        "/staff/rounds/3/codes",
    ] {
        let r = reqwest::get(s.url(path)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{path}");
        assert!(
            r.text().await.unwrap().contains("<title>survey</title>"),
            "{path}"
        );
    }
    for path in ["/surveys", "/repair", "/staffroom"] {
        let text = reqwest::get(s.url(path))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.contains("<title>client</title>"), "{path}");
    }
    let r = reqwest::get(s.url("/s/survey-0123456789abcdef.js"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn behind_a_proxy_each_forwarded_address_has_its_own_limit() {
    let ws = Workspace::new();
    assert!(staff_add(&ws, "wang", STAFF_PASSWORD).0);
    let mut cmd = ws.command("shanghai");
    cmd.args(["--trust-proxy", "--open-mode-limit", "2"]);
    let s = ws.start_with(cmd);
    let staff = s.login("wang", STAFF_PASSWORD).await;
    let round = staff.open_round(1000, true).await;
    let mut n = 0;
    let mut send = |forwarded: &'static str| {
        n += 1;
        let b = with(
            body(round, &client_id("proxy", n), &happy()),
            "device",
            &format!("proxied-phone-{n:08}"),
        );
        let request = reqwest::Client::new()
            .post(s.url(&format!("/api/circles/{CIRCLE}/responses")))
            .header("x-forwarded-for", forwarded)
            .json(&b);
        async move { request.send().await.unwrap().status() }
    };
    // The proxy appends the address it saw: the last entry counts, not what the client wrote.
    assert_eq!(send("198.51.100.7, 203.0.113.1").await, StatusCode::CREATED);
    assert_eq!(send("203.0.113.1").await, StatusCode::CREATED);
    assert_eq!(
        send("198.51.100.8, 203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(send("203.0.113.2").await, StatusCode::CREATED);
    assert_eq!(
        s.indicators(Some(round)).await["indicators"]["responses"],
        3
    );
}
