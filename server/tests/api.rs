//! API tests against the real server binary on a real SQLite file: each test starts
//! `bianmin-server` on a free loopback port with its own database in a temporary folder.

mod common;

use app::domain::{Circle, OutletCollection, Rules};
use common::*;
use reqwest::StatusCode;
use std::path::Path;

fn categories(c: &OutletCollection) -> std::collections::BTreeSet<String> {
    c.features
        .iter()
        .map(|f| f.properties.category.clone())
        .collect()
}

#[tokio::test]
async fn shanghai_demo_serves_sample_outlets_for_every_category() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let (status, health) = s.get("/api/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["status"], "ok");
    assert_eq!(health["dataset"], "shanghai");
    // The suite runs twice (see common): this says which engine this run is on.
    let engine = if ws.is_pg() { "postgresql" } else { "sqlite" };
    assert_eq!(health["database"], engine);

    let all = s.outlets("").await;
    assert_eq!(all.kind, "FeatureCollection");
    assert_eq!(health["outlets"], all.features.len());
    assert!(all.features.len() > 200);
    assert!(
        all.features.iter().all(|f| f.properties.sample),
        "every Shanghai outlet is sample data"
    );
    let rules = Rules::bundled();
    assert_eq!(
        categories(&all).len(),
        rules.categories.len(),
        "every category is covered"
    );
    let circle_bbox = [121.4242, 31.2315, 121.4558, 31.2585];
    for f in &all.features {
        let [lon, lat] = f.geometry.coordinates;
        assert!(
            lon > circle_bbox[0] - 0.001
                && lon < circle_bbox[2] + 0.001
                && lat > circle_bbox[1] - 0.001
                && lat < circle_bbox[3] + 0.001
        );
    }

    let (status, body) = s.get("/api/rules").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_value::<Rules>(body).unwrap(), rules);

    let (_, body) = s.get("/api/circles").await;
    assert_eq!(body[0]["boundary"]["type"], "Polygon");
    let circles: Vec<Circle> = serde_json::from_value(body).unwrap();
    assert_eq!(circles.len(), 1);
    assert_eq!(circles[0].id, "changshoulu");
    assert_eq!(circles[0].service_population, Some(90000));
    assert_eq!(circles[0].boundary.kind, "Polygon");
    assert!(circles[0].boundary.outer().len() >= 4);

    let (_, config) = s.get("/api/config").await;
    assert_eq!(config["dataset"], "shanghai");
    assert!(config["tile_url"].is_null());
}

#[tokio::test]
async fn outlet_filters_by_category_repair_kind_and_bbox() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let all = s.outlets("").await;

    let pharmacies = s.outlets("?category=pharmacy").await;
    assert!(!pharmacies.features.is_empty());
    assert_eq!(
        categories(&pharmacies).into_iter().collect::<Vec<_>>(),
        vec!["pharmacy"]
    );
    let expected = all
        .features
        .iter()
        .filter(|f| f.properties.category == "pharmacy")
        .count();
    assert_eq!(pharmacies.features.len(), expected);

    let two = s.outlets("?category=pharmacy&category=breakfast").await;
    assert_eq!(
        categories(&two).into_iter().collect::<Vec<_>>(),
        vec!["breakfast", "pharmacy"]
    );
    let comma = s.outlets("?category=pharmacy,breakfast").await;
    assert_eq!(two, comma);

    let shoes = s.outlets("?category=repair&repair_kind=shoe").await;
    assert!(!shoes.features.is_empty());
    assert!(shoes
        .features
        .iter()
        .all(|f| f.properties.repair_kinds.contains(&"shoe".to_string())));
    assert!(
        shoes
            .features
            .iter()
            .all(|f| !f.properties.prices.is_empty()),
        "明码标价"
    );

    let bbox = [121.43, 31.24, 121.44, 31.25];
    let inside = s
        .outlets(&format!(
            "?bbox={},{},{},{}",
            bbox[0], bbox[1], bbox[2], bbox[3]
        ))
        .await;
    assert!(!inside.features.is_empty() && inside.features.len() < all.features.len());
    for f in &inside.features {
        let [lon, lat] = f.geometry.coordinates;
        assert!(lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3]);
    }
    let expected = all
        .features
        .iter()
        .filter(|f| {
            let [lon, lat] = f.geometry.coordinates;
            lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3]
        })
        .count();
    assert_eq!(inside.features.len(), expected);
}

#[tokio::test]
async fn bad_queries_are_clear_400s_in_json() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    for (query, code) in [
        ("?category=casino", "unknown_category"),
        ("?category=pharmacy&category=", "ok"),
        ("?repair_kind=teleporter", "unknown_repair_kind"),
        ("?bbox=1,2,3", "bad_bbox"),
        ("?bbox=a,b,c,d", "bad_bbox"),
        ("?bbox=121.5,31.2,121.4,31.3", "bad_bbox"),
        ("?bbox=", "bad_bbox"),
        ("?catgory=pharmacy", "unknown_parameter"),
    ] {
        let (status, body) = s.get(&format!("/api/outlets{query}")).await;
        if code == "ok" {
            assert_eq!(status, StatusCode::OK, "{query}");
            continue;
        }
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"], code, "{query}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "Chinese message: {message}"
        );
        assert!(!body["message_en"].as_str().unwrap().is_empty());
    }
    let (status, body) = s.get("/api/casino").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
    // The stored data is untouched by any of it.
    let (_, health) = s.get("/api/health").await;
    assert_eq!(health["outlets"], s.outlets("").await.features.len());
}

#[tokio::test]
async fn serves_the_client_with_a_fallback_for_its_routes_and_compresses() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    for path in ["/", "/repair", "/repair?kind=shoe"] {
        let (status, body) = s.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            body.as_str().unwrap().contains("<title>client</title>"),
            "{path}"
        );
    }
    let r = reqwest::Client::new()
        .get(s.url("/api/basemap"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    assert_eq!(r.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn a_restart_keeps_the_data_and_does_not_load_it_twice() {
    let ws = Workspace::new();
    let first = ws.start("shanghai");
    let before = first.outlets("").await;
    first.stop();
    let second = ws.start("shanghai");
    let after = second.outlets("").await;
    assert_eq!(before, after, "same outlets, same ids");
    let log = second.stop().join("\n");
    assert!(log.contains("already loaded"), "{log}");

    if !ws.is_pg() {
        // SQLite keeps a write-ahead log, so readers never wait for the writer.
        let pool = open_db(&ws).await;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
    }
}

#[tokio::test]
async fn helsinki_serves_real_osm_outlets() {
    let ws = Workspace::new();
    let s = ws.start("helsinki");
    let all = s.outlets("").await;
    assert_eq!(all.features.len(), 655);
    assert!(all
        .features
        .iter()
        .all(|f| !f.properties.sample && f.properties.osm_ref.is_some()));
    let pharmacies = s.outlets("?category=pharmacy").await;
    assert_eq!(pharmacies.features.len(), 6);
    let repair = s.outlets("?category=repair").await;
    let kinds: std::collections::BTreeSet<_> = repair
        .features
        .iter()
        .flat_map(|f| f.properties.repair_kinds.clone())
        .collect();
    assert!(
        kinds.contains("shoe") && kinds.contains("tailoring"),
        "{kinds:?}"
    );
    let (_, circles) = s.get("/api/circles").await;
    assert_eq!(circles[0]["id"], "helsinki-centre");
}

#[tokio::test]
async fn import_command_is_idempotent_and_a_broken_file_changes_nothing() {
    let ws = Workspace::new();
    let pois = data_dir().join("helsinki/pois.geojson");
    let pois = pois.to_str().unwrap();
    let (ok, out) = run(&ws, &["import", pois, "--dataset", "helsinki"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("655 outlets") && out.contains("655 new, 0 updated"),
        "{out}"
    );
    assert!(
        out.contains("药店") && out.contains("skipped, by reason"),
        "summary per category: {out}"
    );
    let (ok, out) = run(&ws, &["import", pois, "--dataset", "helsinki"]);
    assert!(ok && out.contains("0 new, 655 updated"), "{out}");
    assert_eq!(count(&ws, "helsinki").await, 655);

    // The pbf holds the same objects: importing it updates rather than duplicates.
    let pbf = data_dir().join("helsinki/helsinki.osm.pbf");
    let (ok, out) = run(
        &ws,
        &["import", pbf.to_str().unwrap(), "--dataset", "helsinki"],
    );
    assert!(ok, "{out}");
    let stored = out.lines().find(|l| l.starts_with("stored in")).unwrap();
    let numbers: Vec<i64> = stored
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let (new, updated) = (numbers[numbers.len() - 2], numbers[numbers.len() - 1]);
    assert!(
        updated >= 640,
        "the GeoJSON's objects are updated in place: {stored}"
    );
    let after_pbf = count(&ws, "helsinki").await;
    assert_eq!(after_pbf, 655 + new, "{stored}");

    let broken = ws.path("broken.geojson");
    std::fs::write(&broken, "{\"type\":\"FeatureCollection\",\"features\":[").unwrap();
    let (ok, out) = run(
        &ws,
        &["import", broken.to_str().unwrap(), "--dataset", "helsinki"],
    );
    assert!(!ok);
    assert!(out.contains("not valid JSON"), "{out}");
    assert_eq!(
        count(&ws, "helsinki").await,
        after_pbf,
        "nothing lost, nothing added"
    );

    let (ok, out) = run(&ws, &["import", pois, "--dataset", "helsinki", "--dry-run"]);
    assert!(ok && out.contains("nothing stored"), "{out}");
}

#[tokio::test]
async fn any_folder_is_a_dataset_and_a_broken_one_is_named() {
    let ws = Workspace::new();
    let folder = ws.path("my-area");
    std::fs::create_dir(&folder).unwrap();
    for f in ["walk_network.geojson", "basemap.geojson"] {
        std::fs::copy(data_dir().join("shanghai").join(f), folder.join(f)).unwrap();
    }
    let s = ws.start(folder.to_str().unwrap());
    let (_, circles) = s.get("/api/circles").await;
    assert_eq!(circles[0]["id"], "my-area");
    assert!(
        circles[0]["service_population"].is_null(),
        "unknown, and said so"
    );
    assert_eq!(circles[0]["boundary"]["type"], "Polygon");
    assert!(s
        .outlets("")
        .await
        .features
        .iter()
        .all(|f| f.properties.sample));
    s.stop();

    std::fs::remove_file(folder.join("basemap.geojson")).unwrap();
    let out = ws.command(folder.to_str().unwrap()).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("basemap.geojson"), "{err}");

    let out = ws.command("atlantis").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a bundled dataset"));
}

#[tokio::test]
async fn a_broken_rules_file_stops_the_server_with_its_line() {
    let ws = Workspace::new();
    let rules = ws.path("rules.toml");
    let text = app::domain::rules::DEFAULT_RULES_TOML.replacen(
        "color = \"#0b7285\"",
        "color = \"teal\"",
        1,
    );
    std::fs::write(&rules, &text).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let teal = lines.iter().position(|l| l.contains("\"teal\"")).unwrap() + 1;
    let out = ws
        .command("shanghai")
        .arg("--rules")
        .arg(&rules)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("rules file, line {teal}:")),
        "names the colour's line {teal}: {err}"
    );
    assert!(err.contains("pharmacy") && err.contains("#1a2b3c"), "{err}");
    assert!(!ws.db().exists(), "nothing was written");

    let (ok, out) = run(&ws, &["check-rules", rules.to_str().unwrap()]);
    assert!(!ok && out.contains("rules file, line"), "{out}");
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/rules.toml");
    let (ok, out) = run(&ws, &["check-rules", bundled.to_str().unwrap()]);
    assert!(ok && out.contains("15 required basic"), "{out}");
}

#[tokio::test]
async fn an_address_typed_by_hand_finds_its_street() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let (status, body) = s
        .get("/api/streets?q=%E9%95%BF%E5%AF%BF%E8%B7%AF%20100%20%E5%8F%B7")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let first = &body[0];
    assert_eq!(first["name"], "长寿路", "{body}");
    let (lon, lat) = (
        first["point"][0].as_f64().unwrap(),
        first["point"][1].as_f64().unwrap(),
    );
    // On the street, inside the demo's map area.
    let (_, circles) = s.get("/api/circles").await;
    let bbox = &circles[0]["bbox"];
    let near = |v: f64, lo: &serde_json::Value, hi: &serde_json::Value| {
        v > lo.as_f64().unwrap() - 0.02 && v < hi.as_f64().unwrap() + 0.02
    };
    assert!(
        near(lon, &bbox[0], &bbox[2]) && near(lat, &bbox[1], &bbox[3]),
        "{body}"
    );
    // A street that is not in the data: nothing, not an error.
    let (status, body) = s
        .get("/api/streets?q=%E5%8D%97%E4%BA%AC%E4%B8%9C%E8%B7%AF")
        .await;
    assert_eq!((status, body), (StatusCode::OK, serde_json::json!([])));
    let (status, body) = s.get(&format!("/api/streets?q={}", "x".repeat(101))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(has_chinese(body["message"].as_str().unwrap()));
}
