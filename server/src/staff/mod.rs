//! Staff (工作人员): accounts with Argon2id passwords, cookie sessions kept in the database with
//! a CSRF token each, and the audit log. Survey administration uses them; later staff features
//! (merchant review) will too.

pub mod audit;
pub mod auth;
pub mod handlers;

use crate::api::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use subtle::ConstantTimeEq;

/// The session cookie's name.
pub const COOKIE: &str = "bm_staff";
/// A session lasts this long from login.
pub const SESSION_S: i64 = 12 * 60 * 60;
/// The header every staff POST must carry, with the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The logged-in staff member of a request. Extracting it refuses the request without a live
/// session (401), and any request other than GET/HEAD without the session's CSRF token (403).
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: i64,
    pub username: String,
    pub csrf: String,
    pub token_hash: Vec<u8>,
}

impl Staff {
    pub fn actor(&self) -> audit::Actor {
        audit::Actor {
            staff: Some(self.id),
            name: self.username.clone(),
        }
    }
}

pub fn not_logged_in() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "not_logged_in",
        "请先登录",
        "log in first",
    )
}

/// The session token from the request's cookies.
pub fn session_cookie(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_string())
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = session_cookie(parts).ok_or_else(not_logged_in)?;
        let staff = auth::session(&state.db, &token)
            .await?
            .ok_or_else(not_logged_in)?;
        if parts.method != Method::GET && parts.method != Method::HEAD {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .map(|v| v.as_bytes())
                .unwrap_or_default();
            if !bool::from(given.ct_eq(staff.csrf.as_bytes())) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "页面已过期，请刷新后重试",
                    "missing or wrong X-CSRF-Token header",
                ));
            }
        }
        Ok(staff)
    }
}
