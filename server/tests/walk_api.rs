//! The walking endpoints against the real server on a real SQLite file: reach, isochrone,
//! coverage and the prebuilt graph.

mod common;

use app::walk::{haversine_m, Graph};
use common::*;
use geo::{Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use reqwest::StatusCode;
use serde_json::Value;

const CENTRE: &str = "lon=121.44&lat=31.245";

fn multipolygon(geometry: &Value) -> MultiPolygon<f64> {
    assert_eq!(geometry["type"], "MultiPolygon");
    let polys: Vec<Vec<Vec<[f64; 2]>>> =
        serde_json::from_value(geometry["coordinates"].clone()).unwrap();
    MultiPolygon::new(
        polys
            .into_iter()
            .map(|rings| {
                let mut rings = rings.into_iter().map(|r| {
                    LineString::new(r.into_iter().map(|c| Coord { x: c[0], y: c[1] }).collect())
                });
                let exterior = rings.next().unwrap();
                Polygon::new(exterior, rings.collect())
            })
            .collect(),
    )
}

fn point(f: &Value) -> [f64; 2] {
    serde_json::from_value(f["geometry"]["coordinates"].clone()).unwrap()
}

#[tokio::test]
async fn reach_lists_outlets_by_walking_time_never_shorter_than_the_crow_flies() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let (status, r15) = s.get(&format!("/api/reach?{CENTRE}&minutes=15")).await;
    assert_eq!(status, StatusCode::OK, "{r15}");
    assert_eq!(r15["minutes"], 15);
    let origin: [f64; 2] = serde_json::from_value(r15["origin"]["requested"].clone()).unwrap();
    let features = r15["features"].as_array().unwrap();
    assert!(
        features.len() > 20,
        "a dense neighbourhood has many outlets within 15 min"
    );
    let mut last = 0;
    for f in features {
        let p = &f["properties"];
        let (secs, metres) = (
            p["walk_seconds"].as_u64().unwrap(),
            p["walk_meters"].as_u64().unwrap(),
        );
        assert!(secs <= 900 && secs >= last, "sorted, within 15 minutes");
        last = secs;
        // 4.5 km/h = 1.25 m/s.
        assert!((metres as f64 / 1.25 - secs as f64).abs() <= 1.0);
        let crow = haversine_m(origin, point(f));
        assert!(
            metres as f64 + 1.0 >= crow,
            "{metres} m walked < {crow:.0} m straight"
        );
    }
    // Shorter walks are subsets of longer ones; the elderly walk less far in the same time.
    let ids = |v: &Value| -> Vec<i64> {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect()
    };
    let (_, r5) = s.get(&format!("/api/reach?{CENTRE}&minutes=5")).await;
    assert!(ids(&r5).iter().all(|id| ids(&r15).contains(id)));
    assert!(ids(&r5).len() < ids(&r15).len());
    let (_, slow) = s
        .get(&format!("/api/reach?{CENTRE}&minutes=15&elderly=true"))
        .await;
    assert!(ids(&slow).len() < ids(&r15).len());
    assert!((slow["speed_kmh"].as_f64().unwrap() - 3.6).abs() < 1e-4);

    let (_, only) = s
        .get(&format!("/api/reach?{CENTRE}&minutes=15&category=pharmacy"))
        .await;
    let feats = only["features"].as_array().unwrap();
    assert!(!feats.is_empty());
    assert!(feats
        .iter()
        .all(|f| f["properties"]["category"] == "pharmacy"));
}

#[tokio::test]
async fn isochrone_rings_nest_and_hold_the_reached_outlets() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let (status, iso) = s
        .get(&format!("/api/isochrone?{CENTRE}&minutes=5,10,15"))
        .await;
    assert_eq!(status, StatusCode::OK, "{iso}");
    let features = iso["features"].as_array().unwrap();
    let minutes: Vec<u64> = features
        .iter()
        .map(|f| f["properties"]["minutes"].as_u64().unwrap())
        .collect();
    assert_eq!(minutes, vec![15, 10, 5], "largest first");
    let rings: Vec<MultiPolygon<f64>> = features
        .iter()
        .map(|f| multipolygon(&f["geometry"]))
        .collect();
    let snapped: [f64; 2] = serde_json::from_value(iso["origin"]["snapped"].clone()).unwrap();
    for ring in &rings {
        assert!(ring.contains(&Point::new(snapped[0], snapped[1])));
    }
    // Every outlet within 5 minutes stands inside the 5-minute ring, and inside the 15.
    let (_, r5) = s.get(&format!("/api/reach?{CENTRE}&minutes=5")).await;
    for f in r5["features"].as_array().unwrap() {
        let p = point(f);
        assert!(
            rings[2].contains(&Point::new(p[0], p[1])),
            "{} outside its ring",
            f["properties"]["name"]
        );
        assert!(rings[0].contains(&Point::new(p[0], p[1])));
    }
    // And an outlet more than 15 minutes away is outside the 15-minute ring.
    let (_, all) = s.get("/api/outlets").await;
    let (_, r15) = s.get(&format!("/api/reach?{CENTRE}&minutes=15")).await;
    let near: Vec<i64> = r15["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_i64().unwrap())
        .collect();
    let far = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !near.contains(&f["id"].as_i64().unwrap()))
        .filter(|f| haversine_m(snapped, point(f)) > 1500.0)
        .take(20)
        .collect::<Vec<_>>();
    assert!(!far.is_empty());
    for f in far {
        let p = point(f);
        assert!(!rings[0].contains(&Point::new(p[0], p[1])));
    }
}

#[tokio::test]
async fn coverage_shows_the_streets_beyond_the_ring() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let (status, breakfast) = s.get("/api/coverage?category=breakfast").await;
    assert_eq!(status, StatusCode::OK, "{breakfast}");
    assert_eq!(breakfast["minutes"], 10, "basic: the doorstep ring");
    let share = breakfast["gap_share"].as_f64().unwrap();
    assert!(share > 0.0 && share < 1.0, "{share}");
    let gap_m = breakfast["gap_m"].as_f64().unwrap();
    let sum: f64 = breakfast["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["geometry"]["type"], "LineString");
            f["properties"]["length_m"].as_f64().unwrap()
        })
        .sum();
    assert!((sum - gap_m).abs() < 0.01 * gap_m + 5.0, "{sum} vs {gap_m}");
    let (_, fitness) = s.get("/api/coverage?category=fitness").await;
    assert_eq!(fitness["minutes"], 15, "quality: the around-home ring");
    // 24 convenience stores cover more of the streets than 3 elderly-care sites.
    let (_, conv) = s.get("/api/coverage?category=convenience").await;
    let (_, care) = s.get("/api/coverage?category=elderly_care").await;
    assert!(conv["gap_share"].as_f64().unwrap() < care["gap_share"].as_f64().unwrap());
    // Slower walking leaves more streets uncovered.
    let (_, slow) = s.get("/api/coverage?category=breakfast&elderly=true").await;
    assert!(slow["gap_share"].as_f64().unwrap() > share);
}

#[tokio::test]
async fn bad_walking_queries_are_clear_4xx() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    for (path, status, code) in [
        ("/api/reach?lon=121.6&lat=31.245", 422, "origin_off_network"),
        ("/api/isochrone?lon=0&lat=0", 422, "origin_off_network"),
        ("/api/reach?lat=31.245", 400, "missing_origin"),
        ("/api/reach?lon=east&lat=31.245", 400, "bad_origin"),
        ("/api/reach?lon=121.44&lat=95", 400, "bad_origin"),
        (
            "/api/reach?lon=121.44&lat=31.245&minutes=0",
            400,
            "bad_minutes",
        ),
        (
            "/api/reach?lon=121.44&lat=31.245&minutes=5,10",
            400,
            "bad_minutes",
        ),
        (
            "/api/isochrone?lon=121.44&lat=31.245&minutes=90",
            400,
            "bad_minutes",
        ),
        (
            "/api/reach?lon=121.44&lat=31.245&category=casino",
            400,
            "unknown_category",
        ),
        (
            "/api/reach?lon=121.44&lat=31.245&elderly=maybe",
            400,
            "bad_elderly",
        ),
        ("/api/coverage", 400, "missing_category"),
        (
            "/api/coverage?category=breakfast,pharmacy",
            400,
            "missing_category",
        ),
        (
            "/api/coverage?category=breakfast&bbox=1,2,3,4",
            400,
            "unknown_parameter",
        ),
    ] {
        let (got, body) = s.get(path).await;
        assert_eq!(got.as_u16(), status, "{path}: {body}");
        assert_eq!(body["error"], code, "{path}");
        let msg = body["message"].as_str().unwrap();
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{path}: {msg}"
        );
    }
}

#[tokio::test]
async fn the_prebuilt_graph_is_the_dataset_network_and_small() {
    let ws = Workspace::new();
    for dataset in ["shanghai", "helsinki"] {
        let s = ws.start(dataset);
        let r = reqwest::get(s.url("/api/graph")).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/octet-stream");
        let bytes = r.bytes().await.unwrap();
        let loaded = Graph::from_bytes(&bytes).unwrap();
        let network = std::fs::read(data_dir().join(dataset).join("walk_network.geojson")).unwrap();
        let built = Graph::from_geojson(&network).unwrap();
        assert_eq!(loaded.node_count(), built.node_count());
        assert_eq!(loaded.edges(), built.edges());
        assert!(bytes.len() < 200_000, "{dataset}: {} bytes", bytes.len());
        s.stop();
    }
}
