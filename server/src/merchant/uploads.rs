//! Photo uploads: the multipart form a registration (or an owner's edit) arrives in, the
//! staged files (written under a temporary name, renamed to `{hash}.jpg` only once the database
//! has committed, removed on any refusal), and the photo endpoints.

use super::photos::{self, Kind, PhotoError, Processed};
use super::store;
use crate::api::AppState;
use crate::error::ApiError;
use crate::json_body::{JsonBody, BODY_LIMIT};
use crate::staff::Staff;
use crate::tokens;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::path::PathBuf;

/// A registration as posted: its JSON and the photos that came with it (as uploaded).
pub struct Posted {
    pub registration: Value,
    pub photos: Vec<(Kind, Vec<u8>)>,
}

fn too_large(what_zh: &str, limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "{what_zh}太大了（上限 {}），请压缩或换一张照片后重新提交",
            if limit >= 1024 * 1024 {
                format!("{} MB", limit / (1024 * 1024))
            } else {
                format!("{} KB", limit / 1024)
            }
        ),
        format!("{what_zh}: over the limit of {limit} bytes"),
    )
}

/// Reads `POST` bodies of the registration endpoints: JSON (`application/json`, 16 KB like
/// every other body) or `multipart/form-data` with a `registration` JSON part and the photo
/// parts `allowed`.
pub async fn read(s: &AppState, req: Request, allowed: &[Kind]) -> Result<Posted, ApiError> {
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
    if !content_type.starts_with("multipart/form-data") {
        // The route allows photo-sized bodies; a JSON one keeps the usual small limit.
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, BODY_LIMIT)
            .await
            .map_err(|_| too_large("提交的内容", BODY_LIMIT))?;
        let req = Request::from_parts(parts, Body::from(bytes));
        let JsonBody(registration) = JsonBody::<Value>::from_request(req, s).await?;
        return Ok(Posted {
            registration,
            photos: vec![],
        });
    }
    if declared.is_some_and(|n| n > photos::REQUEST_LIMIT) {
        return Err(too_large("上传的内容", photos::REQUEST_LIMIT));
    }
    let mut form = Multipart::from_request(req, s).await.map_err(|e| {
        ApiError::bad_request("invalid_form", "提交的表单格式不正确", e.body_text())
    })?;
    let form_error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large("上传的内容", photos::REQUEST_LIMIT)
        } else {
            ApiError::bad_request("invalid_form", "提交的表单格式不正确", e.body_text())
        }
    };
    let mut registration = None;
    let mut photos: Vec<(Kind, Vec<u8>)> = vec![];
    while let Some(mut field) = form.next_field().await.map_err(form_error)? {
        let name = field.name().unwrap_or("").to_string();
        let kind = match name.as_str() {
            "registration" => None,
            other => match Kind::from_part(other).filter(|k| allowed.contains(k)) {
                Some(k) => Some(k),
                None => {
                    return Err(ApiError::bad_request(
                        "unknown_part",
                        format!("表单中有无法识别的部分“{other}”"),
                        format!("unknown form part '{other}'"),
                    ))
                }
            },
        };
        let limit = if kind.is_some() {
            photos::FILE_LIMIT
        } else {
            BODY_LIMIT
        };
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(form_error)? {
            if data.len() + chunk.len() > limit {
                // Read to the end (the body is capped at REQUEST_LIMIT), so the client gets
                // this answer rather than a connection closed mid-upload.
                while let Ok(Some(_)) = field.chunk().await {}
                while let Ok(Some(mut rest)) = form.next_field().await {
                    while let Ok(Some(_)) = rest.chunk().await {}
                }
                return Err(match kind {
                    Some(k) => too_large(k.zh(), limit),
                    None => too_large("登记信息", limit),
                });
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
        match kind {
            None => {
                if registration.is_some() {
                    return Err(duplicate());
                }
                let value: Value = serde_json::from_slice(&data).map_err(|e| {
                    ApiError::bad_request(
                        "invalid_json",
                        "登记信息不是有效的 JSON",
                        format!("registration part: {e}"),
                    )
                })?;
                registration = Some(value);
            }
            // A form's file input left empty still sends its part.
            Some(_) if data.is_empty() => {}
            Some(k) => {
                if photos.iter().any(|(p, _)| *p == k) {
                    return Err(duplicate());
                }
                photos.push((k, data));
            }
        }
    }
    let registration = registration.ok_or_else(|| {
        ApiError::bad_request(
            "missing_registration",
            "表单中缺少登记信息（registration 部分）",
            "the form has no 'registration' part",
        )
    })?;
    Ok(Posted {
        registration,
        photos,
    })
}

/// Decodes and re-encodes the uploaded photos (off the async threads).
pub async fn process(uploaded: Vec<(Kind, Vec<u8>)>) -> Result<Vec<(Kind, Processed)>, ApiError> {
    tokio::task::spawn_blocking(move || {
        uploaded
            .into_iter()
            .map(|(kind, bytes)| match photos::process(&bytes) {
                Ok(p) => Ok((kind, p)),
                Err(PhotoError::NotAnImage) => Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "not_an_image",
                    format!("{}不是照片：请上传 JPEG、PNG 或 WebP 格式的图片", kind.zh()),
                    format!("{}: not a JPEG, PNG or WebP image", kind.as_str()),
                )),
                Err(PhotoError::Broken(detail)) => Err(ApiError::bad_request(
                    "broken_image",
                    format!(
                        "{}无法读取（文件不完整或已损坏），请重新拍摄或选择后再提交",
                        kind.zh()
                    ),
                    format!("{}: {detail}", kind.as_str()),
                )),
            })
            .collect()
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

/// A photo as the database records it.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub kind: Kind,
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
}

/// Files written under temporary names. `publish` renames them after the database commit;
/// dropped unpublished (a refusal, an error, a failed commit), they are removed.
pub struct Staged {
    pending: Vec<(PathBuf, PathBuf)>,
    pub photos: Vec<NewPhoto>,
}

impl Staged {
    pub async fn write(
        dir: &std::path::Path,
        processed: Vec<(Kind, Processed)>,
    ) -> Result<Staged, ApiError> {
        let mut staged = Staged {
            pending: vec![],
            photos: vec![],
        };
        for (kind, p) in processed {
            for (suffix, bytes) in [("jpg", &p.jpeg), ("thumb.jpg", &p.thumb)] {
                let tmp = dir.join(format!(
                    ".tmp-{}.part",
                    tokens::hex(&tokens::random_bytes::<12>())
                ));
                // Registered first, so a failed write is cleaned up too.
                staged
                    .pending
                    .push((tmp.clone(), dir.join(format!("{}.{suffix}", p.hash))));
                write_synced(&tmp, bytes)
                    .await
                    .map_err(|e| ApiError::internal(format!("{}: {e}", tmp.display())))?;
            }
            staged.photos.push(NewPhoto {
                kind,
                hash: p.hash,
                width: p.width,
                height: p.height,
                bytes: p.jpeg.len(),
            });
        }
        Ok(staged)
    }

    /// Moves the files to their names (content-addressed: an existing one is the same bytes).
    pub async fn publish(mut self) {
        for (tmp, dest) in std::mem::take(&mut self.pending) {
            if let Err(e) = tokio::fs::rename(&tmp, &dest).await {
                tracing::error!("photo {} → {}: {e}", tmp.display(), dest.display());
                let _ = tokio::fs::remove_file(&tmp).await;
            }
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (tmp, _) in &self.pending {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

async fn write_synced(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut f = tokio::fs::File::create(path).await?;
    f.write_all(bytes).await?;
    // On disk before the database says the photo exists.
    f.sync_all().await
}

fn no_photo() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_photo",
        "没有这张照片",
        "no such photo",
    )
}

async fn serve(
    s: &AppState,
    name: &str,
    kinds: &[&str],
    cache: &'static str,
) -> Result<Response, ApiError> {
    let (hash, _thumb) = photos::parse_file_name(name).ok_or_else(no_photo)?;
    if !store::photo_exists(&s.db, hash, kinds).await? {
        return Err(no_photo());
    }
    let bytes = tokio::fs::read(s.uploads.join(name))
        .await
        .map_err(|_| no_photo())?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/photos/{hash}.jpg` (and `{hash}.thumb.jpg`): shop-front photos, public; the name
/// is the content's hash, so the answer never changes.
pub async fn public_photo(
    State(s): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    serve(&s, &name, &["shopfront"], crate::cache_headers::IMMUTABLE).await
}

/// `GET /api/staff/photos/{hash}.jpg` (and `.thumb.jpg`): any merchant photo, licences
/// included, for staff only (kept out of shared caches).
pub async fn staff_photo(
    State(s): State<AppState>,
    _staff: Staff,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    serve(
        &s,
        &name,
        &["shopfront", "licence"],
        "private, max-age=31536000, immutable",
    )
    .await
}
