//! Evidence attached to a staff entry of the grade (佐证材料): the form an entry arrives in (JSON,
//! or multipart with an `entry` JSON part and an `attachment` file), the file's checks, its
//! staging on disk and the staff-only endpoint that serves it.
//!
//! A file is a PDF (kept as uploaded: an inspector needs the document itself) or a photo
//! (decoded and re-encoded like a merchant's, so no EXIF or GPS position is kept). Its type
//! comes from its content, never its name. Files are staged (`crate::staging`) and become
//! `{hash}.pdf` / `{hash}.jpg` only after the database has committed; a refusal or a failed
//! commit leaves nothing behind.

use crate::api::AppState;
use crate::error::ApiError;
use crate::merchant::photos::{self, PhotoError};
use crate::staff::Staff;
use crate::upload_form::{self, FormSpec};
use crate::{staging, tokens};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::path::Path as FsPath;

/// One attachment: a scanned inspection record or a phone photo of a notice board.
pub const FILE_LIMIT: usize = 10 * 1024 * 1024;
/// The entry's JSON and one attachment.
pub const REQUEST_LIMIT: usize = FILE_LIMIT + 64 * 1024;
/// The longest file name kept (for display only).
const NAME_CHARS: usize = 100;

/// What an attachment is, as stored (`grade_attachments.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
/// with an `entry` JSON part and at most one `attachment` file.
pub async fn read_entry<T: DeserializeOwned>(
    s: &AppState,
    req: Request,
) -> Result<(T, Option<Upload>), ApiError> {
    let spec = FormSpec {
        json_part: "entry",
        json_zh: "录入内容",
        files: &[("attachment", "佐证材料")],
        file_limit: FILE_LIMIT,
        request_limit: REQUEST_LIMIT,
        too_large_hint: "请压缩或分成几份后重新上传",
    };
    let (entry, uploads) = upload_form::read::<T>(s, req, &spec).await?;
    let upload = uploads.into_iter().next().map(|u| Upload {
        name: display_name(u.file_name.as_deref().unwrap_or("")),
        bytes: u.bytes,
    });
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

/// Writes the checked file(s) under temporary names (`staging`), to be published after the
/// database commit.
pub async fn stage(dir: &FsPath, prepared: &mut Prepared) -> Result<staging::Staged, ApiError> {
    let mut staged = staging::Staged::default();
    for (name, bytes) in std::mem::take(&mut prepared.files) {
        staged.add(dir, &name, &bytes).await?;
    }
    Ok(staged)
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
