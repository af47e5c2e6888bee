//! Evidence attached to a staff entry of the grade (佐证材料): the form an entry arrives in (JSON,
//! or multipart with an `entry` JSON part and an `attachment` file), the file's checks, its
//! staging on disk and the staff-only endpoint that serves it.
//!
//! A file is a PDF (kept as uploaded: an inspector needs the document itself) or a photo
//! (decoded and re-encoded like a merchant's, so no EXIF or GPS position is kept). Its type
//! comes from its content, never its name. Files are written under a temporary name and renamed
//! to `{hash}.pdf` / `{hash}.jpg` only after the database has committed; a refusal or a failed
//! commit leaves nothing behind.

use crate::api::AppState;
use crate::error::ApiError;
use crate::json_body::{JsonBody, BODY_LIMIT};
use crate::merchant::photos::{self, PhotoError};
use crate::staff::Staff;
use crate::tokens;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path as FsPath, PathBuf};

/// One attachment: a scanned inspection record or a phone photo of a notice board.
pub const FILE_LIMIT: usize = 10 * 1024 * 1024;
/// The entry's JSON and one attachment.
pub const REQUEST_LIMIT: usize = FILE_LIMIT + 64 * 1024;
/// The longest file name kept (for display only).
const NAME_CHARS: usize = 100;

/// What an attachment is, as stored (`grade_attachments.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Pdf,
    Image,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Image => "image",
        }
    }
    pub fn from_db(s: &str) -> Kind {
        if s == "pdf" {
            Kind::Pdf
        } else {
            Kind::Image
        }
    }
}

/// A file as uploaded.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A checked file, ready to stage: its stored files by name.
pub struct Prepared {
    pub kind: Kind,
    pub hash: String,
    pub name: String,
    pub bytes: usize,
    files: Vec<(String, Vec<u8>)>,
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "佐证材料太大了（上限 {} MB），请压缩或分成几份后重新上传",
            limit / (1024 * 1024)
        ),
        format!("attachment over the limit of {limit} bytes"),
    )
}

fn bad_form(detail: String) -> ApiError {
    ApiError::bad_request("invalid_form", "提交的表单格式不正确", detail)
}

/// The file name as shown: no folders, no control characters, at most `NAME_CHARS`.
pub fn display_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_CHARS)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "佐证材料".to_string()
    } else {
        clean.to_string()
    }
}

/// Reads an entry's `POST` body: JSON (16 KB like every other body), or `multipart/form-data`
/// with an `entry` JSON part and at most one `attachment` file part.
pub async fn read_entry<T: DeserializeOwned>(
    s: &AppState,
    req: Request,
) -> Result<(T, Option<Upload>), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !content_type.starts_with("multipart/form-data") {
        // The route allows attachment-sized bodies; a JSON one keeps the usual small limit.
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "提交的内容太大了",
                "body over the limit",
            )
        })?;
        let req = Request::from_parts(parts, Body::from(bytes));
        let JsonBody(value) = JsonBody::<T>::from_request(req, s).await?;
        return Ok((value, None));
    }
    let declared: Option<usize> = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    if declared.is_some_and(|n| n > REQUEST_LIMIT) {
        return Err(too_large(FILE_LIMIT));
    }
    let mut form = Multipart::from_request(req, s)
        .await
        .map_err(|e| bad_form(e.body_text()))?;
    let form_error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(FILE_LIMIT)
        } else {
            bad_form(e.body_text())
        }
    };
    let (mut entry, mut upload) = (None, None);
    while let Some(mut field) = form.next_field().await.map_err(form_error)? {
        let part = field.name().unwrap_or("").to_string();
        let limit = match part.as_str() {
            "entry" => BODY_LIMIT,
            "attachment" => FILE_LIMIT,
            other => {
                return Err(ApiError::bad_request(
                    "unknown_part",
                    format!("表单中有无法识别的部分“{other}”"),
                    format!("unknown form part '{other}'"),
                ))
            }
        };
        let file_name = field.file_name().map(display_name);
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(form_error)? {
            if data.len() + chunk.len() > limit {
                // Read to the end (the body is capped), so the client gets this answer rather
                // than a connection closed mid-upload.
                while let Ok(Some(_)) = field.chunk().await {}
                while let Ok(Some(mut rest)) = form.next_field().await {
                    while let Ok(Some(_)) = rest.chunk().await {}
                }
                return Err(if part == "entry" {
                    ApiError::bad_request("too_large", "录入内容太长", "entry part too large")
                } else {
                    too_large(limit)
                });
            }
            data.extend_from_slice(&chunk);
        }
        let duplicate = || {
            ApiError::bad_request(
                "duplicate_part",
                format!("表单中“{part}”出现了不止一次"),
                format!("form part '{part}' more than once"),
            )
        };
        if part == "entry" {
            if entry.is_some() {
                return Err(duplicate());
            }
            entry = Some(serde_json::from_slice::<T>(&data).map_err(|e| {
                ApiError::bad_request(
                    "invalid_json",
                    "提交的内容格式不正确",
                    format!("entry part: {e}"),
                )
            })?);
        } else if !data.is_empty() {
            // (A file input left empty still sends its part.)
            if upload.is_some() {
                return Err(duplicate());
            }
            upload = Some(Upload {
                name: file_name.unwrap_or_else(|| display_name("")),
                bytes: data,
            });
        }
    }
    let entry = entry.ok_or_else(|| {
        ApiError::bad_request(
            "missing_entry",
            "表单中缺少录入内容（entry 部分）",
            "the form has no 'entry' part",
        )
    })?;
    Ok((entry, upload))
}

/// A PDF as the format defines its start, and whole: its last `%%EOF` near the end (a file cut
/// off in transfer has none).
fn is_complete_pdf(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF")
}

/// Checks the file by its content: a whole PDF, or a photo (re-encoded). CPU-bound.
pub fn prepare(upload: Upload) -> Result<Prepared, ApiError> {
    if upload.bytes.starts_with(b"%PDF-") {
        if !is_complete_pdf(&upload.bytes) {
            return Err(ApiError::bad_request(
                "broken_pdf",
                "PDF 文件不完整或已损坏，请重新导出后上传",
                "truncated or broken PDF (no %%EOF at its end)",
            ));
        }
        let hash = tokens::hex(&Sha256::digest(&upload.bytes));
        return Ok(Prepared {
            kind: Kind::Pdf,
            bytes: upload.bytes.len(),
            files: vec![(format!("{hash}.pdf"), upload.bytes)],
            hash,
            name: upload.name,
        });
    }
    match photos::process(&upload.bytes) {
        Ok(p) => Ok(Prepared {
            kind: Kind::Image,
            bytes: p.jpeg.len(),
            files: vec![
                (format!("{}.jpg", p.hash), p.jpeg),
                (format!("{}.thumb.jpg", p.hash), p.thumb),
            ],
            hash: p.hash,
            name: upload.name,
        }),
        Err(PhotoError::NotAnImage) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_attachment",
            "佐证材料须为 PDF 文件或照片（JPEG、PNG、WebP）",
            "the attachment must be a PDF or a JPEG, PNG or WebP image",
        )),
        Err(PhotoError::Broken(detail)) => Err(ApiError::bad_request(
            "broken_image",
            "照片无法读取（文件不完整或已损坏），请重新拍摄或选择后再上传",
            detail,
        )),
    }
}

/// Files written under temporary names; `publish` renames them after the database commit.
/// Dropped unpublished (a refusal, an error, a failed commit), they are removed.
pub struct Staged {
    pending: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    pub async fn write(dir: &FsPath, prepared: &mut Prepared) -> Result<Staged, ApiError> {
        let mut staged = Staged { pending: vec![] };
        for (name, bytes) in std::mem::take(&mut prepared.files) {
            let tmp = dir.join(format!(
                ".tmp-{}.part",
                tokens::hex(&tokens::random_bytes::<12>())
            ));
            // Registered first, so a failed write is cleaned up too.
            staged.pending.push((tmp.clone(), dir.join(name)));
            write_synced(&tmp, &bytes)
                .await
                .map_err(|e| ApiError::internal(format!("{}: {e}", tmp.display())))?;
        }
        Ok(staged)
    }

    /// Moves the files to their names (content-addressed: an existing one is the same bytes).
    pub async fn publish(mut self) {
        for (tmp, dest) in std::mem::take(&mut self.pending) {
            if let Err(e) = tokio::fs::rename(&tmp, &dest).await {
                tracing::error!("attachment {} → {}: {e}", tmp.display(), dest.display());
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

async fn write_synced(path: &FsPath, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut f = tokio::fs::File::create(path).await?;
    f.write_all(bytes).await?;
    // On disk before the database says the file exists.
    f.sync_all().await
}

/// `{hash}.pdf`, `{hash}.jpg` or `{hash}.thumb.jpg` (lower-case hex SHA-256): the only names
/// served, with their content type.
pub fn parse_file_name(name: &str) -> Option<(&str, &'static str)> {
    let (hash, mime) = if let Some(h) = name.strip_suffix(".pdf") {
        (h, "application/pdf")
    } else if let Some(h) = name.strip_suffix(".thumb.jpg") {
        (h, "image/jpeg")
    } else {
        (name.strip_suffix(".jpg")?, "image/jpeg")
    };
    let hex = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    hex.then_some((hash, mime))
}

fn no_file() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_attachment",
        "没有这份佐证材料",
        "no such attachment",
    )
}

/// `GET /api/staff/evidence/{hash}.pdf|.jpg|.thumb.jpg`: staff only, never in a shared cache.
/// A PDF opens in the browser's viewer, sandboxed (no script of the file runs with this
/// site's rights).
pub async fn serve(
    State(s): State<AppState>,
    _staff: Staff,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let (hash, mime) = parse_file_name(&name).ok_or_else(no_file)?;
    if !super::store::attachment_exists(&s.db, hash).await? {
        return Err(no_file());
    }
    let bytes = tokio::fs::read(s.uploads.join(&name))
        .await
        .map_err(|_| no_file())?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=31536000, immutable"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox"),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(display_name("C:\\扫描\\检查记录.pdf"), "检查记录.pdf");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("a\u{0}b\nc.pdf"), "abc.pdf");
        assert_eq!(display_name("   "), "佐证材料");
        assert_eq!(display_name(&"长".repeat(300)).chars().count(), NAME_CHARS);
    }

    #[test]
    fn only_whole_pdfs_and_images_are_taken() {
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let p = prepare(Upload {
            name: "记录.pdf".into(),
            bytes: pdf.clone(),
        })
        .ok()
        .unwrap();
        assert_eq!(p.kind, Kind::Pdf);
        assert_eq!(p.files[0].0, format!("{}.pdf", p.hash));
        let cut = prepare(Upload {
            name: "x.pdf".into(),
            bytes: pdf[..20].to_vec(),
        });
        assert_eq!(cut.err().unwrap().code, "broken_pdf");
        let php = prepare(Upload {
            name: "x.pdf".into(),
            bytes: b"<?php system($_GET['c']); ?>".to_vec(),
        });
        assert_eq!(php.err().unwrap().code, "unsupported_attachment");
        let svg = prepare(Upload {
            name: "x.jpg".into(),
            bytes: b"<svg onload=alert(1)></svg>".to_vec(),
        });
        assert_eq!(svg.err().unwrap().code, "unsupported_attachment");
    }

    #[test]
    fn only_hash_names_are_served() {
        let h = "a".repeat(64);
        assert_eq!(
            parse_file_name(&format!("{h}.pdf")),
            Some((h.as_str(), "application/pdf"))
        );
        assert_eq!(
            parse_file_name(&format!("{h}.thumb.jpg")),
            Some((h.as_str(), "image/jpeg"))
        );
        assert_eq!(parse_file_name(&format!("{}.pdf", "A".repeat(64))), None);
        assert_eq!(parse_file_name("../secret.pdf"), None);
        assert_eq!(parse_file_name(&format!("{h}.svg")), None);
    }
}
