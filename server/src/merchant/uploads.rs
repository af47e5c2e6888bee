//! Photo uploads: the multipart form a registration (or an owner's edit) arrives in, the
//! staged files (written under a temporary name, renamed to `{hash}.jpg` only once the database
//! has committed, removed on any refusal), and the photo endpoints.

use super::photos::{self, Kind, PhotoError, Processed};
use super::store;
use crate::api::AppState;
use crate::error::ApiError;
use crate::staff::Staff;
use crate::staging;
use crate::upload_form::{self, FormSpec};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// A registration as posted: its JSON and the photos that came with it (as uploaded).
pub struct Posted {
    pub registration: Value,
    pub photos: Vec<(Kind, Vec<u8>)>,
}

/// Reads `POST` bodies of the registration endpoints: JSON (16 KB like every other body) or
/// `multipart/form-data` with a `registration` JSON part and the photo parts `allowed`.
pub async fn read(s: &AppState, req: Request, allowed: &[Kind]) -> Result<Posted, ApiError> {
    let files: Vec<(&'static str, &'static str)> =
        allowed.iter().map(|k| (k.as_str(), k.zh())).collect();
    let spec = FormSpec {
        json_part: "registration",
        json_zh: "登记信息",
        files: &files,
        file_limit: photos::FILE_LIMIT,
        request_limit: photos::REQUEST_LIMIT,
        too_large_hint: "请压缩或换一张照片后重新提交",
    };
    let (registration, uploads) = upload_form::read::<Value>(s, req, &spec).await?;
    let photos = uploads
        .into_iter()
        .filter_map(|u| Kind::from_part(u.part).map(|k| (k, u.bytes)))
        .collect();
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

/// The photos written under temporary names (`staging`), and what the database records of
/// them. `publish` after the commit; dropped unpublished, nothing stays on disk.
pub struct Staged {
    files: staging::Staged,
    pub photos: Vec<NewPhoto>,
}

impl Staged {
    pub async fn write(
        dir: &std::path::Path,
        processed: Vec<(Kind, Processed)>,
    ) -> Result<Staged, ApiError> {
        let mut staged = Staged {
            files: staging::Staged::default(),
            photos: vec![],
        };
        for (kind, p) in processed {
            for (suffix, bytes) in [("jpg", &p.jpeg), ("thumb.jpg", &p.thumb)] {
                let name = format!("{}.{suffix}", p.hash);
                staged.files.add(dir, &name, bytes).await?;
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

    pub async fn publish(self) {
        self.files.publish().await;
    }
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
