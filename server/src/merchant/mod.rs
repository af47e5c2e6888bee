//! 商户入驻 (issue 6) on the server: merchants register (checked with the domain's
//! `Registration::check`), staff review the queue, and each owner edits their own listing with
//! the private token they got once. A listing is an outlet (source 'merchant') that residents
//! see only while it is approved.
//!
//! - `POST /api/registrations` → 201 `{id, listing_id, outlet_id, status, manage_url}`
//! - `GET /api/staff/registrations?status=pending`, `POST /api/staff/registrations/{id}/approve`,
//!   `POST /api/staff/registrations/{id}/reject` `{reason}` (staff session + CSRF)
//! - `GET`/`POST /api/merchant/listing` with `Authorization: Bearer TOKEN`

pub mod body;
pub mod changes;
pub mod checks;
pub mod handlers;
pub mod owner_token;
pub mod store;

use crate::api::AppState;
use axum::routing::{get, post};
use axum::Router;

/// The merchant routes (merged into the API router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/registrations", post(handlers::register))
        .route("/api/staff/registrations", get(handlers::queue))
        .route(
            "/api/staff/registrations/{id}/approve",
            post(handlers::approve),
        )
        .route(
            "/api/staff/registrations/{id}/reject",
            post(handlers::reject),
        )
        .route(
            "/api/merchant/listing",
            get(handlers::own_listing).post(handlers::edit_listing),
        )
}
