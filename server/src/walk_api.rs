//! Walking queries over HTTP: the prebuilt graph for the browser, outlets within N minutes,
//! isochrone polygons and coverage gaps. Same engine as the client (`app::walk`).

use crate::api::AppState;
use crate::db::{self, OutletFilter};
use crate::error::ApiError;
use crate::params::Params;
use crate::walking::{multipolygon_geometry, round6};
use app::domain::{OutletFeature, Rules};
use app::walk::{limit_m, walk_seconds, Snap, SnapError};
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// `GET /api/graph`: the compact walk graph (see `app::walk::Graph::to_bytes`).
pub async fn graph(State(s): State<AppState>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/octet-stream")],
        s.walk.bytes.clone(),
    )
        .into_response()
}

/// A GeoJSON answer.
fn geojson(body: Value) -> Response {
    ([(header::CONTENT_TYPE, "application/geo+json")], Json(body)).into_response()
}

fn speed_mps(rules: &Rules, elderly: bool) -> f32 {
    rules.walking_speed_mps(elderly) as f32
}

fn snap_origin(s: &AppState, origin: [f64; 2]) -> Result<Snap, ApiError> {
    let max = s.rules.walking.max_snap_m;
    s.walk.snap(origin, max).map_err(|e| match e {
        SnapError::TooFar { meters, .. } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "origin_off_network",
            format!(
                "这个位置离最近的街道约 {meters:.0} 米，超出了本生活圈步行路网的范围（{max:.0} 米内）"
            ),
            e.to_string(),
        ),
        SnapError::NoStreets => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_network",
            "本生活圈没有步行路网数据",
            e.to_string(),
        ),
    })
}

fn origin_member(requested: [f64; 2], snap: &Snap) -> Value {
    json!({
        "requested": requested,
        "snapped": [round6(snap.point[0]), round6(snap.point[1])],
        "off_network_m": (snap.off_m as f64 * 10.0).round() / 10.0,
    })
}

/// `GET /api/reach?lon=&lat=&minutes=&category=&elderly=`: outlets within the walk, nearest
/// first, each with `walk_seconds` and `walk_meters`.
pub async fn reach(State(s): State<AppState>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(
        q.as_deref(),
        &["lon", "lat", "minutes", "category", "elderly"],
    )?;
    let origin = p.origin()?;
    let minutes = p.minutes(&[s.rules.rings.around_home_minutes])?;
    if minutes.len() != 1 {
        return Err(ApiError::bad_request(
            "bad_minutes",
            "这里只能给一个步行时间",
            "reach takes a single minutes value",
        ));
    }
    let filter = OutletFilter {
        categories: p.categories(&s.rules)?,
        ..Default::default()
    };
    let speed = speed_mps(&s.rules, p.elderly()?);
    let snap = snap_origin(&s, origin)?;
    let outlets = db::list_outlets(&s.db, &s.dataset.name, &filter)
        .await
        .map_err(ApiError::storage)?;
    let limit = limit_m(minutes[0], speed);
    let found = s
        .walk
        .reach(&snap, outlets, limit, s.rules.walking.max_snap_m);
    let features: Vec<Value> = found
        .into_iter()
        .map(|(o, m)| {
            let mut f = serde_json::to_value(OutletFeature::from(o)).expect("plain data");
            f["properties"]["walk_meters"] = json!(m.round() as u32);
            f["properties"]["walk_seconds"] = json!(walk_seconds(m, speed));
            f
        })
        .collect();
    Ok(geojson(json!({
        "type": "FeatureCollection",
        "origin": origin_member(origin, &snap),
        "minutes": minutes[0],
        "speed_kmh": speed as f64 * 3.6,
        "features": features,
    })))
}

/// `GET /api/isochrone?lon=&lat=&minutes=5,10,15&elderly=`: one polygon per limit, largest
/// first (so drawing in order keeps the small rings on top).
pub async fn isochrone(
    State(s): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref(), &["lon", "lat", "minutes", "elderly"])?;
    let origin = p.origin()?;
    let minutes = p.minutes(&s.rules.walking.minute_choices)?;
    let speed = speed_mps(&s.rules, p.elderly()?);
    let snap = snap_origin(&s, origin)?;
    let limits: Vec<f32> = minutes.iter().map(|&m| limit_m(m, speed)).collect();
    let walk = s.walk.clone();
    let buffer = s.rules.walking.ring_buffer_m;
    // Building the rings is CPU work: off the async threads.
    let polygons = tokio::task::spawn_blocking(move || walk.isochrones(&snap, &limits, buffer))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let mut features: Vec<Value> = minutes
        .iter()
        .zip(&polygons)
        .map(|(&m, poly)| {
            json!({
                "type": "Feature",
                "properties": { "minutes": m, "meters": limit_m(m, speed).round() as u32 },
                "geometry": multipolygon_geometry(poly),
            })
        })
        .collect();
    features.reverse();
    Ok(geojson(json!({
        "type": "FeatureCollection",
        "origin": origin_member(origin, &snap),
        "speed_kmh": speed as f64 * 3.6,
        "features": features,
    })))
}

/// `GET /api/coverage?category=…&elderly=`: the streets farther than the category's ring
/// (basic 10 min, quality 15 min) from its nearest outlet, as LineStrings, with totals.
pub async fn coverage(
    State(s): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref(), &["category", "elderly"])?;
    let categories = p.categories(&s.rules)?;
    let [code] = categories.as_slice() else {
        return Err(ApiError::bad_request(
            "missing_category",
            "请指定一个业态类别（category）",
            "coverage takes exactly one category",
        ));
    };
    let minutes = s.rules.ring_minutes(code);
    let speed = speed_mps(&s.rules, p.elderly()?);
    let filter = OutletFilter {
        categories: vec![code.clone()],
        ..Default::default()
    };
    let outlets = db::list_outlets(&s.db, &s.dataset.name, &filter)
        .await
        .map_err(ApiError::storage)?;
    let limit = limit_m(minutes, speed);
    let gaps = s.walk.gaps(&outlets, limit, s.rules.walking.max_snap_m);
    let features: Vec<Value> = gaps
        .stretches
        .iter()
        .map(|st| {
            json!({
                "type": "Feature",
                "properties": { "gap": true, "length_m": ((st.to_m - st.from_m) * 10.0).round() / 10.0 },
                "geometry": s.walk.stretch_geometry(st),
            })
        })
        .collect();
    Ok(geojson(json!({
        "type": "FeatureCollection",
        "category": code,
        "minutes": minutes,
        "speed_kmh": speed as f64 * 3.6,
        "outlets": outlets.len(),
        "street_m": gaps.street_m.round(),
        "gap_m": gaps.gap_m.round(),
        "gap_share": if gaps.street_m > 0.0 { (gaps.gap_m / gaps.street_m * 1000.0).round() / 1000.0 } else { 0.0 },
        "features": features,
    })))
}
