//! 商户入驻 (issue 6) on the server: merchants register (checked with the domain's
//! `Registration::check`), staff review the queue, and each owner edits their own listing with
//! the private token they got once. A listing is an outlet (source 'merchant') that residents
//! see only while it is approved.
//!
//! - `POST /api/registrations` → 201 `{id, listing_id, outlet_id, status, manage_url}`
//! - `GET /api/staff/registrations?status=pending`, `POST /api/staff/registrations/{id}/approve`,
//!   `POST /api/staff/registrations/{id}/reject` `{reason}` (staff session + CSRF)
//! - `GET`/`POST /api/merchant/listing` with `Authorization: Bearer TOKEN`
//! - Registration and the owner's edit also take `multipart/form-data`: a `registration` JSON
//!   part, and `shopfront` (both) and `licence` (registration only) photos.
//! - `GET /api/photos/{hash}.jpg|.thumb.jpg` (shop fronts, public),
//!   `GET /api/staff/photos/{hash}.jpg|.thumb.jpg` (licences too, staff only)

pub mod body;
pub mod changes;
pub mod checks;
pub mod handlers;
pub mod owner_token;
pub mod photos;
pub mod store;
pub mod uploads;

use crate::api::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

/// The merchant routes (merged into the API router).
pub fn routes() -> Router<AppState> {
    Router::new()
        // Photo-sized bodies here only; `uploads::read` keeps JSON ones small.
        .route(
            "/api/registrations",
            post(handlers::register).layer(DefaultBodyLimit::max(photos::REQUEST_LIMIT)),
        )
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
            get(handlers::own_listing).merge(
                post(handlers::edit_listing).layer(DefaultBodyLimit::max(photos::REQUEST_LIMIT)),
            ),
        )
        .route("/api/photos/{name}", get(uploads::public_photo))
        .route("/api/staff/photos/{name}", get(uploads::staff_photo))
}
