//! JSON request bodies whose refusals (not JSON, malformed, wrong shape, too large) are answered
//! like every other API error: our JSON with a Chinese message, not axum's plain text.

use crate::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;

/// Request bodies are small; the largest (a survey answer with its 500-character suggestion)
/// is a few KB.
pub const BODY_LIMIT: usize = 16 * 1024;

pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(refusal(&rejection)),
        }
    }
}

fn refusal(rejection: &JsonRejection) -> ApiError {
    let detail = rejection.body_text();
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_json",
            "请以 JSON 格式提交（Content-Type: application/json）",
            detail,
        ),
        JsonRejection::JsonDataError(_) | JsonRejection::JsonSyntaxError(_) => {
            ApiError::bad_request("invalid_json", "提交的内容格式不正确", detail)
        }
        _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "提交的内容太大了",
            format!("the request body is larger than {BODY_LIMIT} bytes"),
        ),
        _ => ApiError::bad_request("invalid_json", "提交的内容无法读取", detail),
    }
}
