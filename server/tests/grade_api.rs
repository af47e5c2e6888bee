//! The circle grade against the real server on a real SQLite file: computed from the live data
//! (coverage, outlets, survey), staff entries that change it, settings, the recorded history,
//! and refusals that store nothing.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn grade_path() -> String {
    format!("/api/circles/{CIRCLE}/grade")
}

fn entry_path(part: &str) -> String {
    format!("/api/staff/circles/{CIRCLE}/grade/entries/{part}")
}

fn item<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["grade"]["service"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("no item {code}"))
}

fn part<'a>(report: &'a Value, item_code: &str, part_code: &str) -> &'a Value {
    item(report, item_code)["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == part_code)
        .unwrap_or_else(|| panic!("no part {item_code}.{part_code}"))
}

fn tenths(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not tenths: {v}"))
}

#[tokio::test]
async fn the_grade_is_computed_from_the_live_data_and_shows_its_evidence() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let (status, r) = s.get(&grade_path()).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(
        r["origins"].as_u64().unwrap() > 100,
        "street nodes inside the circle: {r}"
    );
    assert!(r["outlets_counted"].as_u64().unwrap() > 0);
    // The Shanghai outlets are generated: the grade says it is a demonstration.
    assert_eq!(r["sample_data"], true);

    let f = &r["grade"]["facilities"];
    let cats = f["categories"].as_array().unwrap();
    let min = f["min_origin_percent"].as_u64().unwrap();
    for c in cats {
        let (reached, origins) = (
            c["reached"].as_u64().unwrap(),
            c["origins"].as_u64().unwrap(),
        );
        assert_eq!(origins, r["origins"].as_u64().unwrap());
        assert!(reached <= origins);
        // Present exactly from the rules' share, compared in integers.
        assert_eq!(
            c["present"],
            reached * 100 >= min * origins && origins > 0,
            "{c}"
        );
    }
    // 60 − 4 per missing required basic category.
    let missing = cats
        .iter()
        .filter(|c| c["required"] == true && c["present"] == false)
        .count() as i64;
    assert_eq!(tenths(&f["basic_points"]), (60 - 4 * missing).max(0) * 10);
    assert_eq!(
        tenths(&f["total"]),
        tenths(&f["basic_points"]) + tenths(&f["quality_points"])
    );
    // Every part says its rule and the data behind it, in Chinese.
    for it in r["grade"]["service"]["items"].as_array().unwrap() {
        for p in it["parts"].as_array().unwrap() {
            assert!(has_chinese(p["rule_zh"].as_str().unwrap()), "{p}");
            assert!(!p["evidence_zh"].as_str().unwrap().is_empty(), "{p}");
        }
    }
    // No survey yet: items 2 and 3 score 0.
    assert_eq!(tenths(&item(&r, "business_satisfaction")["points"]), 0);
    assert!(r["survey_round"].is_null());
    // Unknown circle.
    let (status, body) = s.get("/api/circles/nowhere/grade").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn a_staff_entry_changes_the_grade_and_is_audited() {
    let (ws, s, staff) = staff_server().await;
    let (_, before) = s.get(&grade_path()).await;
    let (status, after) = staff
        .post(
            &entry_path("harmony.harmony"),
            &json!({ "points": 8, "note": "居民议事会记录：无投诉", "evidence": "2026年第3季度议事会纪要" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(
        tenths(&after["grade"]["service"]["total"]),
        tenths(&before["grade"]["service"]["total"]) + 80
    );
    let p = part(&after, "harmony", "harmony");
    assert_eq!(p["entered"], true);
    assert!(
        p["evidence_zh"]
            .as_str()
            .unwrap()
            .contains("居民议事会记录"),
        "{p}"
    );
    // The public grade shows it too.
    let (_, public) = s.get(&grade_path()).await;
    assert_eq!(public["grade"], after["grade"]);

    // Changed again: the audit log keeps both values.
    let (status, _) = staff
        .post(
            &entry_path("harmony.harmony"),
            &json!({ "points": 4, "note": "有两起噪音投诉，已调解" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let db = open_db(&ws).await;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, detail FROM audit_log WHERE action = 'grade_entry_set' ORDER BY id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, "wang");
    let last: Value = serde_json::from_str(&rows[1].1).unwrap();
    assert_eq!(last["points_tenths"], 40);
    assert_eq!(last["before"]["points_tenths"], 80);
}

#[tokio::test]
async fn bad_entries_are_refused_with_clear_messages_and_store_nothing() {
    let (ws, s, staff) = staff_server().await;
    let (_, before) = s.get(&grade_path()).await;
    let cases: Vec<(&str, Value)> = vec![
        ("nothing.here", json!({ "points": 1, "note": "x" })),
        // Computed from the outlets: not the staff's to enter.
        ("chain_rate.chain_rate", json!({ "points": 6, "note": "x" })),
        // Only 0, 4 or 8.
        ("harmony.harmony", json!({ "points": 5, "note": "x" })),
        ("harmony.harmony", json!({ "points": 9, "note": "x" })),
        (
            "market_repair.market",
            json!({ "points": 4.45, "note": "x" }),
        ),
        ("market_repair.market", json!({ "points": -1, "note": "x" })),
        ("harmony.harmony", json!({ "points": 8, "note": "   " })),
        (
            "harmony.harmony",
            json!({ "points": 8, "note": "x".repeat(501) }),
        ),
        (
            "harmony.harmony",
            json!({ "points": 8, "note": "x", "extra": true }),
        ),
        ("harmony.harmony", json!({ "points": "8", "note": "x" })),
        ("harmony.harmony", json!({ "note": "x" })),
    ];
    for (key, body) in cases {
        let (status, answer) = staff.post(&entry_path(key), &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{key} {body}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(has_chinese(message), "{key} {body}: {answer}");
    }
    // SQL-like text is only text.
    let sneaky = "'); DROP TABLE grade_entries; --";
    let (status, r) = staff
        .post(
            &entry_path("events.events"),
            &json!({ "points": 2, "note": sneaky }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(part(&r, "events", "events")["evidence_zh"]
        .as_str()
        .unwrap()
        .contains(sneaky));
    let db = open_db(&ws).await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM grade_entries")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(n, 1, "only the valid entry is stored");
    let (_, after) = s.get(&grade_path()).await;
    assert_eq!(
        tenths(&after["grade"]["service"]["total"]),
        tenths(&before["grade"]["service"]["total"]) + 20
    );
}

#[tokio::test]
async fn staff_writes_need_a_session_and_the_csrf_token() {
    let (_ws, s, staff) = staff_server().await;
    let writes = [
        (
            entry_path("harmony.harmony"),
            json!({ "points": 8, "note": "x" }),
        ),
        (
            format!("/api/staff/circles/{CIRCLE}/grade/settings"),
            json!({ "city_tier": 1 }),
        ),
        (
            format!("/api/staff/circles/{CIRCLE}/grade/evaluations"),
            json!({}),
        ),
    ];
    for (path, body) in &writes {
        let (status, answer) = s.post_json(path, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {answer}");
        let (status, answer) = staff.post_with(path, body, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
    }
    let (_, r) = s.get(&grade_path()).await;
    assert_eq!(r["settings"]["city_tier"], 3, "nothing was changed");
    let (_, h) = s.get(&format!("/api/circles/{CIRCLE}/grade/history")).await;
    assert_eq!(h["evaluations"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn settings_pick_the_chain_threshold_and_the_census_share() {
    let (_ws, s, staff) = staff_server().await;
    let path = format!("/api/staff/circles/{CIRCLE}/grade/settings");
    let (_, r) = s.get(&grade_path()).await;
    assert_eq!(
        tenths(&part(&r, "digital", "on_map")["points"]),
        0,
        "no census yet"
    );
    let counted = r["outlets_counted"].as_u64().unwrap();

    // Census equal to the outlets on the map: 100% ≥ 80% → 2 points.
    let (status, r1) = staff
        .post(&path, &json!({ "city_tier": 1, "census_outlets": counted }))
        .await;
    assert_eq!(status, StatusCode::OK, "{r1}");
    assert_eq!(r1["settings"]["city_tier"], 1);
    assert_eq!(tenths(&part(&r1, "digital", "on_map")["points"]), 20);
    assert!(part(&r1, "chain_rate", "chain_rate")["rule_zh"]
        .as_str()
        .unwrap()
        .contains("30"));
    // Twice the census: 50% < 80% → 0.
    let (_, r2) = staff
        .post(
            &path,
            &json!({ "city_tier": 3, "census_outlets": counted * 2 }),
        )
        .await;
    assert_eq!(tenths(&part(&r2, "digital", "on_map")["points"]), 0);
    assert!(part(&r2, "chain_rate", "chain_rate")["rule_zh"]
        .as_str()
        .unwrap()
        .contains("20"));

    for bad in [
        json!({ "city_tier": 4 }),
        json!({ "city_tier": 0 }),
        json!({ "city_tier": 1, "census_outlets": 0 }),
        json!({ "city_tier": "one" }),
        json!({ "city_tier": 1, "population": 5 }),
    ] {
        let (status, answer) = staff.post(&path, &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {answer}");
        assert!(
            has_chinese(answer["message"].as_str().unwrap_or_default()),
            "{answer}"
        );
    }
    let (_, r3) = s.get(&grade_path()).await;
    assert_eq!(
        r3["settings"]["city_tier"], 3,
        "the refusals changed nothing"
    );
}

#[tokio::test]
async fn the_survey_scores_items_2_and_3_only_with_a_valid_sample() {
    let (_ws, s, staff) = staff_server().await;
    // 3% of 100 = 3 answers make a valid sample.
    let round = staff.open_round(100, false).await;
    let codes = staff.issue_codes(round, 3).await;
    for (i, code) in codes.iter().take(2).enumerate() {
        let (status, b) = s
            .submit(&with(
                body(round, &client_id("grade", i), &happy()),
                "code",
                code,
            ))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
    }
    let (_, r) = s.get(&grade_path()).await;
    assert_eq!(r["survey_round"]["id"], round);
    assert_eq!(
        tenths(&item(&r, "business_satisfaction")["points"]),
        0,
        "2 of 3: sample not valid"
    );
    let (status, b) = s
        .submit(&with(
            body(round, &client_id("grade", 2), &happy()),
            "code",
            &codes[2],
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let (_, r) = s.get(&grade_path()).await;
    assert_eq!(tenths(&item(&r, "business_satisfaction")["points"]), 160);
    assert_eq!(tenths(&item(&r, "service_satisfaction")["points"]), 160);
}

#[tokio::test]
async fn recording_keeps_one_grade_per_day_in_the_history() {
    let (ws, s, staff) = staff_server().await;
    let path = format!("/api/staff/circles/{CIRCLE}/grade/evaluations");
    let (status, first) = staff.post(&path, &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    staff
        .post(
            &entry_path("harmony.harmony"),
            &json!({ "points": 8, "note": "无投诉" }),
        )
        .await;
    let (status, second) = staff.post(&path, &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(first["evaluated_on"], second["evaluated_on"]);

    let (_, h) = s.get(&format!("/api/circles/{CIRCLE}/grade/history")).await;
    let rows = h["evaluations"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "the same day's record is replaced: {h}");
    assert_eq!(
        rows[0]["service"],
        second["report"]["grade"]["service"]["total"]
    );
    assert_eq!(
        rows[0]["facilities"],
        second["report"]["grade"]["facilities"]["total"]
    );
    assert_eq!(rows[0]["recorded_by"], "wang");
    let db = open_db(&ws).await;
    let (stored,): (String,) = sqlx::query_as("SELECT grade FROM grade_evaluations")
        .fetch_one(&db)
        .await
        .unwrap();
    let stored: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored, second["report"]["grade"]);
}

#[tokio::test]
async fn the_gap_map_agrees_with_the_grade_and_suggests_where_to_add() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let (_, r) = s.get(&grade_path()).await;
    let cats = r["grade"]["facilities"]["categories"].as_array().unwrap();
    // A basic category that part of the circle lacks.
    let lacking = cats
        .iter()
        .find(|c| c["group"] == "basic" && c["reached"].as_u64() < c["origins"].as_u64())
        .expect("a basic category with gaps");
    let code = lacking["code"].as_str().unwrap();
    let (status, g) = s
        .get(&format!("/api/circles/{CIRCLE}/gaps?category={code}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{g}");
    assert_eq!(g["minutes"], lacking["ring_minutes"]);
    // The same origins and the same served count as the grade's own computation.
    let origins = lacking["origins"].as_u64().unwrap();
    assert_eq!(g["origins"].as_u64().unwrap(), origins);
    let unserved = origins - lacking["reached"].as_u64().unwrap();
    assert_eq!(g["unserved_origins"].as_u64().unwrap(), unserved);
    assert!(!g["gap_streets"]["features"].as_array().unwrap().is_empty());
    // The population share follows the node share.
    if let Some(pop) = g["population_affected"].as_u64() {
        assert!(pop > 0);
    }
    // Suggestions: ranked, each gaining something, together never more than the gap.
    let sug = g["suggestions"].as_array().unwrap();
    assert!(!sug.is_empty(), "{g}");
    let gained: Vec<u64> = sug
        .iter()
        .map(|x| x["gained_origins"].as_u64().unwrap())
        .collect();
    assert!(
        gained.windows(2).all(|w| w[0] >= w[1]),
        "greedy gains never grow: {gained:?}"
    );
    assert!(gained.iter().sum::<u64>() <= unserved);
    assert!(sug[0]["text_zh"].as_str().unwrap().contains("可多覆盖"));

    for bad in [
        "",
        "?category=nowhere",
        "?category=breakfast&category=repair",
    ] {
        let (status, body) = s.get(&format!("/api/circles/{CIRCLE}/gaps{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

async fn download(s: &Server, path: &str) -> (String, String, String) {
    let r = reqwest::get(s.url(path)).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let h = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (ct, cd) = (h("content-type"), h("content-disposition"));
    (ct, cd, r.text().await.unwrap())
}

/// CSV records (the writer quotes cells with commas, quotes or line breaks).
fn records(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

#[tokio::test]
async fn the_grade_outlets_and_gaps_download_as_csv_and_geojson() {
    let (_ws, s, staff) = staff_server().await;
    // A note with quotes and commas survives the CSV quoting (the evidence cell starts with
    // "社区录入：", so no spreadsheet runs it).
    let (status, _) = staff
        .post(
            &entry_path("events.events"),
            &json!({ "points": 3, "note": "=HYPERLINK(\"http://x\",\"点我\")" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, r) = s.get(&grade_path()).await;
    let cats = r["grade"]["facilities"]["categories"].as_array().unwrap();
    let parts: usize = r["grade"]["service"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["parts"].as_array().unwrap().len())
        .sum();

    let (ct, cd, text) = download(&s, &format!("/api/circles/{CIRCLE}/grade.csv")).await;
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(cd.contains("grade.csv"), "{cd}");
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    let rows = records(&text);
    // Header, verdict, 有没有 total, the categories, 好不好 total, the parts.
    assert_eq!(rows.len(), 3 + cats.len() + 1 + parts);
    let events = rows
        .iter()
        .find(|row| row[3] == "本年度促消费活动")
        .expect("the events row");
    assert_eq!(events[5], "3");
    assert!(
        events[8].ends_with("=HYPERLINK(\"http://x\",\"点我\")") && !events[8].starts_with('='),
        "{:?}",
        events[8]
    );

    let counted = r["outlets_counted"].as_u64().unwrap() as usize;
    let (_, _, text) = download(&s, &format!("/api/circles/{CIRCLE}/outlets.csv")).await;
    assert_eq!(records(&text).len(), 1 + counted);
    let (ct, _, text) = download(&s, &format!("/api/circles/{CIRCLE}/outlets.geojson")).await;
    assert!(ct.starts_with("application/geo+json"), "{ct}");
    let fc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), counted);

    let (_, _, text) = download(&s, &format!("/api/circles/{CIRCLE}/gaps.csv")).await;
    let rows = records(&text);
    assert_eq!(rows.len(), 1 + cats.len());
    for (row, c) in rows[1..].iter().zip(cats) {
        let beyond = c["origins"].as_u64().unwrap() - c["reached"].as_u64().unwrap();
        assert_eq!(row[4], beyond.to_string(), "{row:?}");
    }
}
