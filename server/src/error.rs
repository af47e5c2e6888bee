//! API errors: JSON `{ "error": code, "message": 中文, "message_en": English }`, plus `question`
//! for an answer at fault and a `Retry-After` header for rate limits.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub message_en: String,
    /// The survey question an answer error is about.
    pub question: Option<String>,
    /// Seconds until a rate-limited client may try again.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            message_en: message_en.into(),
            question: None,
            retry_after: None,
        }
    }

    pub fn bad_request(
        code: &'static str,
        message: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message, message_en)
    }

    pub fn not_found(path: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("没有这个接口：{path}"),
            format!("no such API endpoint: {path}"),
        )
    }

    pub fn with_question(mut self, question: Option<String>) -> Self {
        self.question = question;
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// A failure of ours (a panicked worker): logged, answered without internals.
    pub fn internal(detail: String) -> Self {
        tracing::error!(%detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器出错了，请稍后再试",
            "internal server error",
        )
    }

    /// Storage failures: logged in full, answered without internals.
    pub fn storage(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "storage error");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            "服务器暂时无法读取数据，请稍后再试",
            "the server cannot read its data right now; try again shortly",
        )
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::storage(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "error": self.code,
            "message": self.message,
            "message_en": self.message_en,
        });
        if let Some(q) = self.question {
            body["question"] = q.into();
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(s) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}
