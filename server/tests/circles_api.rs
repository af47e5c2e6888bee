//! Circles created and edited by staff, against the real server on a real SQLite file: the
//! session and CSRF token, a new circle listed and graded from its own street nodes, an edited
//! boundary that changes the figures and outlives a restart, and refusals that store nothing.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A closed polygon from open vertices.
fn polygon(vertices: &[[f64; 2]]) -> Value {
    let mut ring = vertices.to_vec();
    ring.push(vertices[0]);
    json!({ "type": "Polygon", "coordinates": [ring] })
}

/// A pentagon over the middle of the Shanghai streets (inside the network, about 1.5 km²).
fn pentagon() -> Value {
    polygon(&[
        [121.435, 31.240],
        [121.450, 31.240],
        [121.452, 31.247],
        [121.443, 31.253],
        [121.433, 31.247],
    ])
}

fn body(name_en: &str, boundary: Value) -> Value {
    json!({
        "name_zh": "曹家渡北生活圈",
        "name_en": name_en,
        "boundary": boundary,
        "service_population": 42000,
        "population_note": "2025 年街道统计",
    })
}

async fn circles(s: &Server) -> Vec<Value> {
    let (status, list) = s.get("/api/circles").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

async fn counts(ws: &Workspace) -> (i64, i64) {
    let db = open_db(ws).await;
    let c = sqlx::query_scalar("SELECT COUNT(*) FROM circles")
        .fetch_one(&db)
        .await
        .unwrap();
    let a = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'circle_%'")
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    (c, a)
}

#[tokio::test]
async fn writes_need_a_session_and_the_csrf_token() {
    let (ws, s, staff) = staff_server().await;
    let writes = [
        ("/api/staff/circles".to_string(), body("North", pentagon())),
        (
            format!("/api/staff/circles/{CIRCLE}"),
            body("North", pentagon()),
        ),
    ];
    for (path, b) in &writes {
        let (status, answer) = s.post_json(path, b).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {answer}");
        assert!(has_chinese(answer["message"].as_str().unwrap()));
        let (status, answer) = staff.post_with(path, b, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
        let (status, answer) = staff.post_with(path, b, Some("not-the-token")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
    }
    let (status, _) = s.get("/api/staff/circles").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s.get("/api/staff/circle-rules").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, rules) = staff.get("/api/staff/circle-rules").await;
    assert_eq!(status, StatusCode::OK, "{rules}");
    assert_eq!(rules["min_street_nodes"], 10);
    assert_eq!(counts(&ws).await, (1, 0), "nothing stored");
    let list = circles(&s).await;
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0]["name_en"], "Changshou Road subdistrict convenience circle (demo)",
        "{}",
        list[0]
    );
}

#[tokio::test]
async fn a_new_circle_is_listed_and_graded_from_its_own_street_nodes() {
    let (ws, s, staff) = staff_server().await;
    let (status, saved) = staff
        .post("/api/staff/circles", &body("Caojiadu North", pentagon()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    let id = saved["circle"]["id"].as_str().unwrap().to_string();
    assert_eq!(id, "caojiadu-north");
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["updated_by"], "wang");
    let origins = saved["figures"]["origins"].as_u64().unwrap();
    assert!(origins >= 10, "{saved}");
    let area = saved["figures"]["area_km2"].as_f64().unwrap();
    assert!((1.0..3.0).contains(&area), "{saved}");
    assert_eq!(saved["figures"]["vertices"], 5);
    assert_eq!(saved["circle"]["population_note"], "2025 年街道统计");
    assert_eq!(saved["circle"]["timezone"], "Asia/Shanghai");
    let centre = &saved["circle"]["centre"];
    let (lon, lat) = (centre[0].as_f64().unwrap(), centre[1].as_f64().unwrap());
    assert!((121.433..121.452).contains(&lon) && (31.240..31.253).contains(&lat));

    // The public list (the map's wire format) has it after the dataset's own.
    let list = circles(&s).await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], CIRCLE);
    assert_eq!(list[1]["id"], id.as_str());
    assert_eq!(list[1]["boundary"], pentagon());
    assert_eq!(list[1]["service_population"], 42000);
    let bbox: Vec<f64> = serde_json::from_value(list[1]["bbox"].clone()).unwrap();
    assert_eq!(bbox, vec![121.433, 31.240, 121.452, 31.253]);

    // Its grade counts from exactly the street nodes the save reported.
    let (status, grade) = s.get(&format!("/api/circles/{id}/grade")).await;
    assert_eq!(status, StatusCode::OK, "{grade}");
    assert_eq!(grade["origins"].as_u64().unwrap(), origins);
    assert_eq!(grade["circle"]["name_zh"], "曹家渡北生活圈");
    let (_, whole) = s.get(&format!("/api/circles/{CIRCLE}/grade")).await;
    assert!(whole["origins"].as_u64().unwrap() > origins, "{whole}");

    // The staff's list carries the same figures, and the survey fields it always had.
    let (status, staff_list) = staff.get("/api/staff/circles").await;
    assert_eq!(status, StatusCode::OK, "{staff_list}");
    let mine = &staff_list.as_array().unwrap()[1];
    assert_eq!(mine["id"], id.as_str());
    assert_eq!(mine["figures"]["origins"].as_u64().unwrap(), origins);
    assert!(mine["open_round"].is_null());
    assert_eq!(mine["service_population"], 42000);

    // The same English name again: a free id beside it.
    let (status, again) = staff
        .post("/api/staff/circles", &body("Caojiadu North", pentagon()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["circle"]["id"], "caojiadu-north-2");
    // A name without Latin letters: a short random id.
    let (status, other) = staff
        .post("/api/staff/circles", &body("曹家渡", pentagon()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let other_id = other["circle"]["id"].as_str().unwrap();
    assert!(
        other_id.starts_with("c-") && other_id.len() == 10,
        "{other_id}"
    );

    let db = open_db(&ws).await;
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor, subject, detail FROM audit_log WHERE action = 'circle_created' ORDER BY id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].0, "wang");
    assert_eq!(rows[0].1, "circle:shanghai/caojiadu-north");
    let detail: Value = serde_json::from_str(&rows[0].2).unwrap();
    assert_eq!(detail["service_population"], 42000);
}

#[tokio::test]
async fn an_edited_boundary_changes_the_figures_and_survives_a_restart() {
    let (ws, s, staff) = staff_server().await;
    let (_, before) = s.get(&format!("/api/circles/{CIRCLE}/grade")).await;
    let origins_before = before["origins"].as_u64().unwrap();
    let (_, list) = staff.get("/api/staff/circles").await;
    let area_before = list[0]["figures"]["area_km2"].as_f64().unwrap();
    assert_eq!(list[0]["version"], 1);
    assert_eq!(list[0]["updated_by"], "dataset");

    let mut edit = body("Changshou Road (smaller)", pentagon());
    edit["version"] = json!(1);
    let path = format!("/api/staff/circles/{CIRCLE}");
    let (status, saved) = staff.post(&path, &edit).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["circle"]["id"], CIRCLE, "an edit keeps the id");
    assert_eq!(saved["version"], 2);
    let origins = saved["figures"]["origins"].as_u64().unwrap();
    assert!(origins < origins_before, "{origins} < {origins_before}");
    assert!(saved["figures"]["area_km2"].as_f64().unwrap() < area_before);
    let (_, after) = s.get(&format!("/api/circles/{CIRCLE}/grade")).await;
    assert_eq!(after["origins"].as_u64().unwrap(), origins);

    // An edit made on the old version is refused and changes nothing.
    let mut stale = body(
        "Someone else",
        polygon(&[[121.43, 31.235], [121.46, 31.235], [121.45, 31.26]]),
    );
    stale["version"] = json!(1);
    let (status, refused) = staff.post(&path, &stale).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(has_chinese(refused["message"].as_str().unwrap()));

    // Stopped and started on the same database: the edit is still there (the dataset's
    // circles.json does not overwrite it).
    s.stop();
    let s = ws.start("shanghai");
    let list = circles(&s).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name_en"], "Changshou Road (smaller)");
    assert_eq!(list[0]["boundary"], pentagon());
    let (_, graded) = s.get(&format!("/api/circles/{CIRCLE}/grade")).await;
    assert_eq!(graded["origins"].as_u64().unwrap(), origins);

    let db = open_db(&ws).await;
    let (actor, detail): (String, String) =
        sqlx::query_as("SELECT actor, detail FROM audit_log WHERE action = 'circle_edited'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(actor, "wang");
    let detail: Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(
        detail["before"]["name_en"],
        "Changshou Road subdistrict convenience circle (demo)"
    );
    assert_eq!(detail["after"]["name_en"], "Changshou Road (smaller)");
    assert_eq!(detail["version"], 2);
}

#[tokio::test]
async fn refusals_say_why_in_chinese_and_store_nothing() {
    let (ws, s, staff) = staff_server().await;
    let stored_before = counts(&ws).await;
    let with = |key: &str, value: Value| {
        let mut b = body("Refused", pentagon());
        b[key] = value;
        b
    };
    let mut unknown_field = body("Refused", pentagon());
    unknown_field["colour"] = json!("red");
    let mut no_name = body("Refused", pentagon());
    no_name.as_object_mut().unwrap().remove("name_zh");
    let mut open_ring = pentagon();
    open_ring["coordinates"][0].as_array_mut().unwrap().pop();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "self-intersecting",
            with(
                "boundary",
                polygon(&[
                    [121.435, 31.240],
                    [121.450, 31.252],
                    [121.450, 31.240],
                    [121.435, 31.252],
                ]),
            ),
            "self_intersecting",
        ),
        (
            "outside the network",
            with(
                "boundary",
                polygon(&[
                    [121.50, 31.30],
                    [121.51, 31.30],
                    [121.51, 31.31],
                    [121.50, 31.31],
                ]),
            ),
            "too_few_street_nodes",
        ),
        (
            "two vertices",
            with("boundary", polygon(&[[121.435, 31.240], [121.450, 31.240]])),
            "too_few_vertices",
        ),
        (
            "open ring",
            with("boundary", open_ring),
            "boundary_not_closed",
        ),
        (
            "a point",
            with(
                "boundary",
                json!({"type": "Point", "coordinates": [[[121.44, 31.24]]]}),
            ),
            "boundary_not_polygon",
        ),
        (
            "too small",
            with(
                "boundary",
                polygon(&[
                    [121.440, 31.245],
                    [121.441, 31.245],
                    [121.441, 31.246],
                    [121.440, 31.246],
                ]),
            ),
            "area_too_small",
        ),
        ("empty name", with("name_zh", json!("   ")), "name_missing"),
        (
            "empty English name",
            with("name_en", json!("")),
            "name_missing",
        ),
        (
            "long name",
            with("name_zh", json!("长".repeat(41))),
            "name_too_long",
        ),
        (
            "population zero",
            with("service_population", json!(0)),
            "population_out_of_range",
        ),
        (
            "population huge",
            with("service_population", json!(50_000_000)),
            "population_out_of_range",
        ),
        (
            "negative population",
            with("service_population", json!(-5)),
            "invalid_json",
        ),
        (
            "wrong type",
            with("service_population", json!("many")),
            "invalid_json",
        ),
        (
            "boundary as text",
            with("boundary", json!("POLYGON((0 0))")),
            "invalid_json",
        ),
        ("unknown field", unknown_field, "invalid_json"),
        ("missing field", no_name, "invalid_json"),
        (
            "version on create",
            with("version", json!(1)),
            "version_on_create",
        ),
    ];
    for (what, b, code) in &cases {
        let (status, answer) = staff.post("/api/staff/circles", b).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {answer}");
        assert_eq!(answer["error"], *code, "{what}: {answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(has_chinese(message), "{what}: {message}");
        assert!(!answer["message_en"].as_str().unwrap().is_empty());
        if *code == "version_on_create" {
            continue;
        }
        // The same refusal for an edit.
        let (status, answer) = staff.post(&format!("/api/staff/circles/{CIRCLE}"), b).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "edit, {what}: {answer}");
    }
    let (status, answer) = staff
        .post("/api/staff/circles/no-such-circle", &body("x", pentagon()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(counts(&ws).await, stored_before, "nothing stored");
    let list = circles(&s).await;
    assert_eq!(
        list[0]["name_en"],
        "Changshou Road subdistrict convenience circle (demo)"
    );
    assert_eq!(
        list[0]["version"],
        Value::Null,
        "the wire format is unchanged"
    );

    // A name that looks like SQL is only a name.
    let sql = "x'); DROP TABLE circles; --";
    let mut b = body(sql, pentagon());
    b["name_zh"] = json!(sql);
    let (status, saved) = staff.post("/api/staff/circles", &b).await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(saved["circle"]["id"], "x-drop-table-circles");
    let list = circles(&s).await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["name_zh"], sql);
    assert_eq!(list[1]["name_en"], sql);
}
