//! 生活圈评价 (issue 8): a circle's grade computed from the live data — coverage with the walking
//! engine, the outlets inside the circle, the survey's latest round — plus what staff enter
//! (items the data cannot tell, the city tier, the outlet census), and the grades recorded on
//! evaluation dates. The scoring itself is the domain's (`app::domain::grade`).

pub mod evidence;
pub mod export;
pub mod facts;
pub mod gaps;
pub mod handlers;
pub mod store;

use crate::api::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

/// The grade's routes (merged into the API router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/circles/{id}/grade", get(handlers::grade))
        .route("/api/circles/{id}/gaps", get(gaps::gaps))
        .route("/api/circles/{id}/grade.csv", get(export::grade_csv))
        .route("/api/circles/{id}/gaps.csv", get(export::gaps_csv))
        .route("/api/circles/{id}/outlets.csv", get(export::outlets_csv))
        .route(
            "/api/circles/{id}/outlets.geojson",
            get(export::outlets_geojson),
        )
        .route("/api/circles/{id}/grade/history", get(handlers::history))
        .route(
            "/api/staff/circles/{id}/grade/entries/{part}",
            // Attachment-sized bodies here only; `evidence::read_entry` keeps JSON ones small.
            post(handlers::put_entry).layer(DefaultBodyLimit::max(evidence::REQUEST_LIMIT)),
        )
        .route("/api/staff/evidence/{name}", get(evidence::serve))
        .route(
            "/api/staff/circles/{id}/grade/settings",
            post(handlers::put_settings),
        )
        .route(
            "/api/staff/circles/{id}/grade/evaluations",
            post(handlers::record),
        )
}
