//! Evidence files attached to the grade's staff entries (佐证材料), against the real server on a
//! real SQLite file: a PDF and a photo are stored by content hash and listed with the entry,
//! served to staff only; refusals (not a PDF or image, a truncated PDF, too large, a bad entry
//! with a good file) leave nothing in the database or on disk.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Cursor;

fn entry_path(part: &str) -> String {
    format!("/api/staff/circles/{CIRCLE}/grade/entries/{part}")
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n";

fn photo() -> Vec<u8> {
    let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    }));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn form(entry: &Value, file: Option<(&str, &str, Vec<u8>)>) -> Form {
    let mut f = Form::new().part(
        "entry",
        Part::text(entry.to_string())
            .mime_str("application/json")
            .unwrap(),
    );
    if let Some((name, mime, bytes)) = file {
        f = f.part(
            "attachment",
            Part::bytes(bytes)
                .file_name(name.to_string())
                .mime_str(mime)
                .unwrap(),
        );
    }
    f
}

async fn post_form(
    staff: &StaffSession,
    path: &str,
    f: Form,
    csrf: bool,
    cookie: bool,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().post(format!("{}{path}", staff.base));
    if cookie {
        req = req.header("cookie", &staff.cookie);
    }
    if csrf {
        req = req.header("x-csrf-token", &staff.csrf);
    }
    let r = req.multipart(f).send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn rows(ws: &Workspace, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&open_db(ws).await)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pdf_and_a_photo_are_kept_with_the_entry_for_staff_only() {
    let (ws, s, staff) = staff_server().await;
    let entry = json!({ "points": 8, "note": "居民议事会记录：无投诉" });
    let (status, r) = post_form(
        &staff,
        &entry_path("harmony.harmony"),
        form(
            &entry,
            Some(("C:\\扫描\\议事会纪要.pdf", "application/pdf", PDF.to_vec())),
        ),
        true,
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let list = r["attachments"]["harmony.harmony"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(list.len(), 1, "{r}");
    assert_eq!(list[0]["kind"], "pdf");
    assert_eq!(
        list[0]["name"], "议事会纪要.pdf",
        "folders are dropped from the name"
    );
    assert_eq!(list[0]["by"], "wang");
    let pdf_url = list[0]["url"].as_str().unwrap().to_string();

    // A photo for the same part, this time with the note changed: both files stay listed.
    let entry = json!({ "points": 4, "note": "有两起噪音投诉，已调解" });
    let (status, r) = post_form(
        &staff,
        &entry_path("harmony.harmony"),
        form(&entry, Some(("notice.png", "image/png", photo()))),
        true,
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let list = r["attachments"]["harmony.harmony"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(list.len(), 2, "{r}");
    let img = list.iter().find(|a| a["kind"] == "image").unwrap();
    let (img_url, thumb_url) = (
        img["url"].as_str().unwrap().to_string(),
        img["thumb_url"].as_str().unwrap().to_string(),
    );
    // The grade counts the new points.
    let harmony = r["grade"]["service"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "harmony")
        .unwrap()
        .clone();
    assert_eq!(harmony["points"], 40, "{harmony}");

    // Staff get the files: the PDF exactly as uploaded, the photo as a clean JPEG.
    let (status, headers, bytes) = get_bytes(s.url(&pdf_url), Some(&staff.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-security-policy"], "sandbox");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    for url in [&img_url, &thumb_url] {
        let (status, headers, bytes) = get_bytes(s.url(url), Some(&staff.cookie)).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(headers["content-type"], "image/jpeg");
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "{url}");
    }
    // Residents and the public grade page do not.
    for url in [&pdf_url, &img_url, &thumb_url] {
        let (status, _, _) = get_bytes(s.url(url), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{url}");
    }
    // Names that are not a stored attachment's are not served, even when the file exists.
    let bogus = format!("/api/staff/evidence/{}.pdf", "0".repeat(64));
    let (status, _, _) = get_bytes(s.url(&bogus), Some(&staff.cookie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get_bytes(
        s.url("/api/staff/evidence/..%2Fbianmin.db"),
        Some(&staff.cookie),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // One PDF, one photo and its thumbnail on disk, nothing temporary.
    let files = uploads(&ws);
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(files.iter().all(|f| !f.starts_with(".tmp-")), "{files:?}");
    assert_eq!(rows(&ws, "grade_attachments").await, 2);
    // The audit log names the files.
    let db = open_db(&ws).await;
    let details: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'grade_entry_set' ORDER BY id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(details.len(), 2);
    assert!(details[0].contains("\"pdf\""), "{}", details[0]);
}

#[tokio::test]
async fn refused_uploads_leave_nothing_behind() {
    let (ws, s, staff) = staff_server().await;
    let good = json!({ "points": 8, "note": "议事会纪要" });
    let mut truncated = PDF.to_vec();
    truncated.truncate(30);
    // One byte over the 10 MB per file (the whole request stays under its own limit, so the
    // server reads it all and answers rather than closing the connection mid-upload).
    let big = {
        let mut b = PDF.to_vec();
        b.resize(10 * 1024 * 1024 + 1 - 7, b' ');
        b.extend_from_slice(b"\n%%EOF\n");
        b
    };
    let cases: Vec<(&str, Form, StatusCode)> = vec![
        (
            "a PHP file named .pdf",
            form(
                &good,
                Some((
                    "x.pdf",
                    "application/pdf",
                    b"<?php system($_GET['c']); ?>".to_vec(),
                )),
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "an SVG with a script",
            form(
                &good,
                Some((
                    "x.jpg",
                    "image/jpeg",
                    b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec(),
                )),
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "a PDF cut off in transfer",
            form(&good, Some(("x.pdf", "application/pdf", truncated))),
            StatusCode::BAD_REQUEST,
        ),
        (
            "a file over 10 MB",
            form(&good, Some(("big.pdf", "application/pdf", big))),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "a good file with a bad entry",
            form(
                &json!({ "points": 5, "note": "x" }),
                Some(("ok.pdf", "application/pdf", PDF.to_vec())),
            ),
            StatusCode::BAD_REQUEST,
        ),
        (
            "an entry with an unknown field",
            form(
                &json!({ "points": 8, "note": "x", "extra": 1 }),
                Some(("ok.pdf", "application/pdf", PDF.to_vec())),
            ),
            StatusCode::BAD_REQUEST,
        ),
        (
            "an unknown form part",
            form(&good, None).part("licence", Part::bytes(PDF.to_vec()).file_name("x.pdf")),
            StatusCode::BAD_REQUEST,
        ),
        (
            "no entry part",
            Form::new().part("attachment", Part::bytes(PDF.to_vec()).file_name("x.pdf")),
            StatusCode::BAD_REQUEST,
        ),
        (
            "two files",
            form(&good, Some(("a.pdf", "application/pdf", PDF.to_vec())))
                .part("attachment", Part::bytes(photo()).file_name("b.png")),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (what, f, expected) in cases {
        let (status, answer) =
            post_form(&staff, &entry_path("harmony.harmony"), f, true, true).await;
        assert_eq!(status, expected, "{what}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(has_chinese(message), "{what}: {answer}");
    }
    // Without a session, or without the CSRF token: refused before anything is read.
    let (status, _) = post_form(
        &staff,
        &entry_path("harmony.harmony"),
        form(&good, Some(("ok.pdf", "application/pdf", PDF.to_vec()))),
        true,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post_form(
        &staff,
        &entry_path("harmony.harmony"),
        form(&good, Some(("ok.pdf", "application/pdf", PDF.to_vec()))),
        false,
        true,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    assert_eq!(rows(&ws, "grade_entries").await, 0);
    assert_eq!(rows(&ws, "grade_attachments").await, 0);
    assert_eq!(uploads(&ws), Vec::<String>::new(), "nothing on disk");
    let (_, r) = s.get(&format!("/api/circles/{CIRCLE}/grade")).await;
    assert_eq!(r["attachments"], json!({}));

    // A file name with markup and SQL is kept as text only.
    let sneaky = "<img src=x onerror=alert(1)>'); DROP TABLE grade_attachments; --.pdf";
    let (status, r) = post_form(
        &staff,
        &entry_path("harmony.harmony"),
        form(&good, Some((sneaky, "application/pdf", PDF.to_vec()))),
        true,
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["attachments"]["harmony.harmony"][0]["name"], sneaky);
    assert_eq!(rows(&ws, "grade_attachments").await, 1);
}
