//! The JSON/GeoJSON API under `/api/`, and the built client for every other path.

use crate::dataset::Dataset;
use crate::db::{self, Db, OutletFilter};
use crate::error::ApiError;
use app::domain::{BBox, ClientConfig, OutletCollection, Rules};
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::path::Path;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub rules: Arc<Rules>,
    pub dataset: Arc<Dataset>,
    pub client_config: Arc<ClientConfig>,
}

pub fn router(state: AppState, dist: &Path) -> Router {
    let index = dist.join("index.html");
    // Unknown paths get the client's index.html (status 200) so its own routes (/repair) load.
    let client = ServeDir::new(dist).fallback(ServeFile::new(index));
    Router::new()
        .route("/api/health", get(health))
        .route("/api/rules", get(rules))
        .route("/api/config", get(config))
        .route("/api/circles", get(circles))
        .route("/api/basemap", get(basemap))
        .route("/api/outlets", get(outlets))
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", get(api_not_found))
        .fallback_service(client)
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn api_not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(uri.path())
}

async fn health(State(s): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let outlets = db::count_outlets(&s.db, &s.dataset.name)
        .await
        .map_err(ApiError::storage)?;
    Ok(Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "dataset": s.dataset.name,
        "outlets": outlets,
    })))
}

async fn rules(State(s): State<AppState>) -> Json<Rules> {
    Json((*s.rules).clone())
}

async fn config(State(s): State<AppState>) -> Json<ClientConfig> {
    Json((*s.client_config).clone())
}

async fn circles(State(s): State<AppState>) -> Json<Vec<app::domain::Circle>> {
    Json(s.dataset.circles.clone())
}

async fn basemap(State(s): State<AppState>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/geo+json")],
        s.dataset.basemap.clone(),
    )
        .into_response()
}

/// Adds the comma-separated codes of one query value to `out`, refusing any not in `known`.
fn push_codes(
    value: &str,
    known: &[&str],
    out: &mut Vec<String>,
    unknown: impl Fn(&str) -> ApiError,
) -> Result<(), ApiError> {
    for code in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        if !known.contains(&code) {
            return Err(unknown(code));
        }
        out.push(code.to_string());
    }
    Ok(())
}

/// `category=` (repeatable or comma-separated), `repair_kind=` (likewise), `bbox=w,s,e,n`.
fn parse_outlet_query(query: Option<&str>, rules: &Rules) -> Result<OutletFilter, ApiError> {
    let mut filter = OutletFilter::default();
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "category" => {
                let known: Vec<&str> = rules.categories.iter().map(|c| c.code.as_str()).collect();
                let unknown = |code: &str| {
                    ApiError::bad_request(
                        "unknown_category",
                        format!("没有这个业态类别：“{code}”"),
                        format!("unknown category '{code}'; known: {}", known.join(", ")),
                    )
                };
                push_codes(&value, &known, &mut filter.categories, unknown)?;
            }
            "repair_kind" => {
                let known: Vec<&str> = rules.repair_kinds.iter().map(|k| k.code.as_str()).collect();
                let unknown = |code: &str| {
                    ApiError::bad_request(
                        "unknown_repair_kind",
                        format!("没有这个维修项目：“{code}”"),
                        format!("unknown repair kind '{code}'; known: {}", known.join(", ")),
                    )
                };
                push_codes(&value, &known, &mut filter.repair_kinds, unknown)?;
            }
            "bbox" => {
                let bbox = BBox::parse(&value).map_err(|e| {
                    ApiError::bad_request(
                        "bad_bbox",
                        "地图范围参数 bbox 格式不对，应为“西,南,东,北”四个经纬度数字",
                        e,
                    )
                })?;
                filter.bbox = Some(bbox);
            }
            other => {
                return Err(ApiError::bad_request(
                    "unknown_parameter",
                    format!("不认识的查询参数：“{other}”"),
                    format!("unknown query parameter '{other}'; use category, repair_kind or bbox"),
                ))
            }
        }
    }
    Ok(filter)
}

async fn outlets(
    State(s): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let filter = parse_outlet_query(query.as_deref(), &s.rules)?;
    let list = db::list_outlets(&s.db, &s.dataset.name, &filter)
        .await
        .map_err(ApiError::storage)?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        Json(OutletCollection::new(list)),
    )
        .into_response())
}
