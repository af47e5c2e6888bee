//! API errors: JSON `{ "error": code, "message": 中文, "message_en": English }`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub message_en: String,
}

impl ApiError {
    pub fn bad_request(
        code: &'static str,
        message: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            message_en: message_en.into(),
        }
    }

    pub fn not_found(path: &str) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: format!("没有这个接口：{path}"),
            message_en: format!("no such API endpoint: {path}"),
        }
    }

    /// A failure of ours (a panicked worker): logged, answered without internals.
    pub fn internal(detail: String) -> Self {
        tracing::error!(%detail, "internal error");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "服务器出错了，请稍后再试".into(),
            message_en: "internal server error".into(),
        }
    }

    /// Storage failures: logged in full, answered without internals.
    pub fn storage(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "storage error");
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "storage_unavailable",
            message: "服务器暂时无法读取数据，请稍后再试".into(),
            message_en: "the server cannot read its data right now; try again shortly".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.code,
            "message": self.message,
            "message_en": self.message_en,
        });
        (self.status, Json(body)).into_response()
    }
}
