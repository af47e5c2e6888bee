//! 生活圈 (issue 8, item 1): the circles of the dataset, stored in the database (seeded from
//! the dataset's circles.json once) so staff can create them and edit their boundary on the
//! map. Every request that needs a circle reads it here, not from the dataset in memory.

pub mod checks;
pub mod handlers;
pub mod store;

use crate::api::AppState;
use crate::error::ApiError;
use app::domain::Circle;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;

/// The circles' routes (merged into the API router). `GET /api/staff/circles` is the survey
/// dashboard's list, extended with the figures the circle editor shows.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/circles", get(handlers::public_list))
        .route(
            "/api/staff/circles",
            get(crate::survey::admin::circles).post(handlers::create),
        )
        .route("/api/staff/circles/{id}", post(handlers::edit))
        .route("/api/staff/circle-rules", get(handlers::rules))
}

pub fn unknown_circle(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_circle",
        format!("没有这个生活圈：{id}"),
        format!("no circle '{id}' in this dataset"),
    )
}

/// A circle by id, as stored now.
pub async fn find(s: &AppState, id: &str) -> Result<Circle, ApiError> {
    store::get(&s.db, &s.dataset.name, id)
        .await?
        .map(|c| c.circle)
        .ok_or_else(|| unknown_circle(id))
}

/// Every circle of the dataset, in order.
pub async fn all(s: &AppState) -> Result<Vec<Circle>, ApiError> {
    Ok(store::list(&s.db, &s.dataset.name)
        .await?
        .into_iter()
        .map(|c| c.circle)
        .collect())
}

/// The first circle: the deployment's time zone and day are its.
pub async fn first(s: &AppState) -> Result<Circle, ApiError> {
    store::first(&s.db, &s.dataset.name)
        .await?
        .map(|c| c.circle)
        .ok_or_else(|| ApiError::internal("dataset without a circle".into()))
}
