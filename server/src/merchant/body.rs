//! The registration as posted, read with refusals a merchant can act on: a field the server
//! does not know, a missing one or one of the wrong type is named in Chinese (serde's English
//! goes to `message_en`), and the domain's checks report every field problem at once.

use crate::error::ApiError;
use app::domain::merchant::{CheckedRegistration, FieldError, Registration};
use app::domain::Rules;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// A refusal of a merchant request: an ordinary API error, or the field problems of a
/// registration (`fields: [{field, zh, en}]`).
#[derive(Debug)]
pub enum Refusal {
    Api(ApiError),
    Fields(Vec<FieldError>),
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Refusal::Api(e)
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Refusal::Api(ApiError::storage(e))
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Api(e) => e.into_response(),
            Refusal::Fields(fields) => {
                let zh: Vec<&str> = fields.iter().map(|f| f.zh.as_str()).collect();
                let en: Vec<&str> = fields.iter().map(|f| f.en.as_str()).collect();
                let body = json!({
                    "error": "invalid_registration",
                    "message": format!("登记信息有 {} 处需要修改：{}", fields.len(), zh.join("；")),
                    "message_en": format!("{} field(s) to correct: {}", fields.len(), en.join("; ")),
                    "fields": fields,
                });
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
        }
    }
}

/// Reads the JSON value as a `Registration` and checks it against the rules.
pub fn check(value: Value, rules: &Rules) -> Result<CheckedRegistration, Refusal> {
    let registration: Registration =
        serde_json::from_value(value).map_err(|e| Refusal::Api(shape_error(&e.to_string())))?;
    registration.check(rules).map_err(Refusal::Fields)
}

/// serde's message ("unknown field `x`, expected one of …", "missing field `x`", "invalid
/// type: string \"a\", expected f64") with a Chinese one in front.
fn shape_error(detail: &str) -> ApiError {
    let quoted = detail.split('`').nth(1).unwrap_or("");
    let zh = if detail.starts_with("unknown field") {
        format!("提交的内容有无法识别的字段“{quoted}”，请删除后重新提交")
    } else if detail.starts_with("missing field") {
        format!("提交的内容缺少字段“{quoted}”")
    } else if detail.starts_with("invalid type") || detail.starts_with("invalid value") {
        "提交的内容中有字段的类型不对（例如数字写成了文字），请检查后重新提交".to_string()
    } else {
        "提交的内容格式不正确".to_string()
    };
    ApiError::bad_request("invalid_json", zh, detail.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_errors_name_the_field_in_chinese() {
        let rules = Rules::bundled();
        let Err(Refusal::Api(e)) = check(json!({ "hacker": 1 }), &rules) else {
            panic!("refused")
        };
        assert!(
            e.message.contains("无法识别的字段“hacker”"),
            "{}",
            e.message
        );
        let Err(Refusal::Api(e)) = check(json!({ "name": 5 }), &rules) else {
            panic!("refused")
        };
        assert!(e.message.contains("类型不对"), "{}", e.message);
    }
}
