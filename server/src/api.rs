//! The JSON/GeoJSON API under `/api/`, and the built client for every other path.

use crate::cache_headers::{self, NO_CACHE};
use crate::dataset::Dataset;
use crate::db::{self, Db, OutletFilter};
use crate::error::ApiError;
use crate::hours::{self, HoursCache};
use crate::params::Params;
use crate::search_terms;
use crate::static_files::{self, Precompressed};
use crate::walk_api;
use crate::walking::WalkNet;
use app::domain::{ClientConfig, OutletCollection, Rules};
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use std::path::Path;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeFile;
use tower_http::set_header::SetResponseHeader;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub rules: Arc<Rules>,
    pub dataset: Arc<Dataset>,
    pub client_config: Arc<ClientConfig>,
    pub walk: Arc<WalkNet>,
    /// Parsed opening hours, shared by all requests.
    pub hours: Arc<HoursCache>,
    /// The client's files compressed once (filled in the background after start).
    pub precompressed: Precompressed,
}

pub fn router(state: AppState, dist: &Path) -> Router {
    let index = dist.join("index.html");
    // Unknown paths get the client's index.html (status 200) so its own routes (/repair) load;
    // it is revalidated each time, whatever name it was asked for by.
    let fallback = SetResponseHeader::overriding(
        ServeFile::new(index),
        header::CACHE_CONTROL,
        HeaderValue::from_static(NO_CACHE),
    );
    let client = static_files::serve_dir(dist, state.precompressed.clone(), fallback);
    Router::new()
        .route("/api/health", get(health))
        .route("/api/rules", get(rules))
        .route("/api/config", get(config))
        .route("/api/circles", get(circles))
        .route("/api/basemap", get(basemap))
        .route("/api/outlets", get(outlets))
        .route("/api/graph", get(walk_api::graph))
        .route("/api/reach", get(walk_api::reach))
        .route("/api/isochrone", get(walk_api::isochrone))
        .route("/api/coverage", get(walk_api::coverage))
        .route("/api/hours", get(hours::hours))
        .route("/api/search-terms", get(search_terms::search_terms))
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", get(api_not_found))
        .fallback_service(client)
        // Responses already compressed (the client's precompressed files) pass through as they
        // are; API answers are compressed here.
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(cache_headers::cache_control))
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

async fn outlets(
    State(s): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(query.as_deref(), &["category", "repair_kind", "bbox"])?;
    let filter = OutletFilter {
        categories: p.categories(&s.rules)?,
        repair_kinds: p.repair_kinds(&s.rules)?,
        bbox: p.bbox()?,
    };
    let list = db::list_outlets(&s.db, &s.dataset.name, &filter)
        .await
        .map_err(ApiError::storage)?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        Json(OutletCollection::new(list)),
    )
        .into_response())
}
