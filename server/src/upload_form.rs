//! POST bodies that carry files: JSON (held to the usual 16 KB), or `multipart/form-data` with
//! one JSON part and file parts. The route raises the body limit for the files; this keeps a
//! JSON body small, refuses a declared length over the request's limit before reading, caps
//! each part while it streams in (and then reads the rest, so the client gets the answer rather
//! than a connection closed mid-upload), and names every refusal in Chinese.

use crate::api::AppState;
use crate::error::ApiError;
use crate::json_body::{JsonBody, BODY_LIMIT};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

/// What a form may hold.
pub struct FormSpec<'a> {
    /// The JSON part's name and what it is called ("registration", "登记信息").
    pub json_part: &'static str,
    pub json_zh: &'static str,
    /// The file parts allowed, each at most once: (name, what it is called).
    pub files: &'a [(&'static str, &'static str)],
    pub file_limit: usize,
    pub request_limit: usize,
    /// The advice after "too large" ("请压缩或换一张照片后重新提交").
    pub too_large_hint: &'static str,
}

/// A file part as uploaded (an empty one — a file input left empty — is left out).
pub struct Upload {
    pub part: &'static str,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

fn size_text(limit: usize) -> String {
    if limit >= 1024 * 1024 {
        format!("{} MB", limit / (1024 * 1024))
    } else {
        format!("{} KB", limit / 1024)
    }
}

pub fn too_large(what_zh: &str, limit: usize, hint: &str) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("{what_zh}太大了（上限 {}），{hint}", size_text(limit)),
        format!("{what_zh}: over the limit of {limit} bytes"),
    )
}

fn bad_form(detail: String) -> ApiError {
    ApiError::bad_request("invalid_form", "提交的表单格式不正确", detail)
}

/// Reads the body as `spec` says: the JSON as `T`, and the files.
pub async fn read<T: DeserializeOwned>(
    s: &AppState,
    req: Request,
    spec: &FormSpec<'_>,
) -> Result<(T, Vec<Upload>), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let declared: Option<usize> = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let hint = spec.too_large_hint;
    if !content_type.starts_with("multipart/form-data") {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, BODY_LIMIT)
            .await
            .map_err(|_| too_large("提交的内容", BODY_LIMIT, hint))?;
        let req = Request::from_parts(parts, Body::from(bytes));
        let JsonBody(value) = JsonBody::<T>::from_request(req, s).await?;
        return Ok((value, vec![]));
    }
    if declared.is_some_and(|n| n > spec.request_limit) {
        return Err(too_large("上传的内容", spec.request_limit, hint));
    }
    let mut form = Multipart::from_request(req, s)
        .await
        .map_err(|e| bad_form(e.body_text()))?;
    let form_error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large("上传的内容", spec.request_limit, hint)
        } else {
            bad_form(e.body_text())
        }
    };
    let (mut json, mut uploads): (Option<T>, Vec<Upload>) = (None, vec![]);
    while let Some(mut field) = form.next_field().await.map_err(form_error)? {
        let name = field.name().unwrap_or("").to_string();
        // (part name, what it is called, its limit); `None`: the JSON part.
        let file = if name == spec.json_part {
            None
        } else {
            match spec.files.iter().find(|(p, _)| *p == name) {
                Some(&(part, zh)) => Some((part, zh)),
                None => {
                    return Err(ApiError::bad_request(
                        "unknown_part",
                        format!("表单中有无法识别的部分“{name}”"),
                        format!("unknown form part '{name}'"),
                    ))
                }
            }
        };
        let (limit, what) = match file {
            Some((_, zh)) => (spec.file_limit, zh),
            None => (BODY_LIMIT, spec.json_zh),
        };
        let file_name = field.file_name().map(str::to_string);
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(form_error)? {
            if data.len() + chunk.len() > limit {
                while let Ok(Some(_)) = field.chunk().await {}
                while let Ok(Some(mut rest)) = form.next_field().await {
                    while let Ok(Some(_)) = rest.chunk().await {}
                }
                return Err(too_large(what, limit, hint));
            }
            data.extend_from_slice(&chunk);
        }
        let duplicate = || {
            ApiError::bad_request(
                "duplicate_part",
                format!("表单中“{name}”出现了不止一次"),
                format!("form part '{name}' more than once"),
            )
        };
        match file {
            None => {
                if json.is_some() {
                    return Err(duplicate());
                }
                json = Some(serde_json::from_slice(&data).map_err(|e| {
                    ApiError::bad_request(
                        "invalid_json",
                        format!("{}的格式不正确，请检查后重新提交", spec.json_zh),
                        format!("{} part: {e}", spec.json_part),
                    )
                })?);
            }
            Some(_) if data.is_empty() => {}
            Some((part, _)) => {
                if uploads.iter().any(|u| u.part == part) {
                    return Err(duplicate());
                }
                uploads.push(Upload {
                    part,
                    file_name,
                    bytes: data,
                });
            }
        }
    }
    let json = json.ok_or_else(|| {
        ApiError::bad_request(
            "missing_json_part",
            format!("表单中缺少{}（{} 部分）", spec.json_zh, spec.json_part),
            format!("the form has no '{}' part", spec.json_part),
        )
    })?;
    Ok((json, uploads))
}
