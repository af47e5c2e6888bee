//! Merchant photos against the real server: a registration's shop front and licence arrive as
//! multipart parts, are stored as clean JPEGs (no EXIF) with thumbnails under their content
//! hash, the shop front is public and the licence is for staff only; a PHP file named .jpg, an
//! SVG with a script, a truncated JPEG and oversized uploads are refused with nothing left on
//! disk or in the database; the owner replaces the shop-front photo.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Cursor;

fn registration() -> Value {
    let span = json!([{ "open": [8, 0], "close": [18, 0] }]);
    let days: Vec<Value> = (0..7)
        .map(|d| if d < 6 { span.clone() } else { json!([]) })
        .collect();
    json!({
        "name": "老李配钥匙",
        "category": "repair",
        "repair_kinds": ["key"],
        "prices": [{ "item": "配普通钥匙", "price_fen": 500 }],
        "services": [],
        "lon": 121.4437,
        "lat": 31.2475,
        "address": "普陀区昌化路 123 号门口",
        "phone": "138 0013 8000",
        "hours": { "open_24h": false, "days": days },
        "brand": null,
        "delivers": false,
        "credit_code": "92310107MA1K00012L"
    })
}

fn picture(format: ImageFormat, w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, seed])
    }));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

const SECRET: &[u8] = b"GPS 31.2475N 121.4437E home-of-the-owner";

/// A phone-like JPEG: an EXIF segment (a TIFF header and a "GPS" text) right after SOI.
fn jpeg_with_exif() -> Vec<u8> {
    let plain = picture(ImageFormat::Jpeg, 800, 600, 40);
    let mut payload = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
    payload.extend_from_slice(SECRET);
    let len = (payload.len() + 2) as u16;
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

/// (what, registration, photo parts, expected status, expected error code).
type Case<'a> = (&'a str, Value, Vec<Photo<'a>>, StatusCode, &'a str);
/// (part name, file name, declared type, bytes).
type Photo<'a> = (&'a str, &'a str, &'a str, Vec<u8>);

fn form(registration: &Value, photos: Vec<Photo>) -> Form {
    let mut f = Form::new().part(
        "registration",
        Part::text(registration.to_string())
            .mime_str("application/json")
            .unwrap(),
    );
    for (name, file, mime, bytes) in photos {
        f = f.part(
            name.to_string(),
            Part::bytes(bytes)
                .file_name(file.to_string())
                .mime_str(mime)
                .unwrap(),
        );
    }
    f
}

async fn send(req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn post_form(s: &Server, path: &str, f: Form) -> (StatusCode, Value) {
    send(reqwest::Client::new().post(s.url(path)).multipart(f)).await
}

async fn counts(ws: &Workspace) -> Vec<i64> {
    let db = open_db(ws).await;
    let mut out = vec![];
    for t in [
        "outlets",
        "merchant_listings",
        "merchant_reviews",
        "merchant_photos",
    ] {
        out.push(
            sqlx::query_scalar(&format!("SELECT count(*) FROM {t}"))
                .fetch_one(&db)
                .await
                .unwrap(),
        );
    }
    out
}

/// Sends only the headers of a multipart POST of `len` bytes; returns the status and the body.
fn declare_upload(base: &str, path: &str, len: usize) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        tcp,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: {len}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = tcp.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn photos_are_clean_jpegs_shop_front_public_licence_staff_only() {
    let (ws, s, staff) = staff_server().await;
    let exif = jpeg_with_exif();
    assert!(contains(&exif, SECRET));
    let licence = picture(ImageFormat::Png, 1200, 900, 7);
    let (status, r) = post_form(
        &s,
        "/api/registrations",
        form(
            &registration(),
            vec![
                ("shopfront", "IMG_0001.JPG", "image/jpeg", exif),
                ("licence", "licence.png", "image/png", licence),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let url = r["photos"]["shopfront"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let thumb = r["photos"]["shopfront"]["thumb_url"].as_str().unwrap();
    assert_eq!(r["photos"]["licence"]["uploaded"], true);
    assert!(r["photos"]["licence"].get("url").is_none(), "{r}");

    // The shop front: public, immutable, a JPEG without the EXIF segment or its text.
    let (status, headers, bytes) = get_bytes(s.url(&url), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(!contains(&bytes, SECRET) && !contains(&bytes, b"Exif"));
    let img = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap();
    assert_eq!((img.width(), img.height()), (800, 600));
    // Named by the SHA-256 of what is served.
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(url, format!("/api/photos/{hash}.jpg"));
    let (status, _, t) = get_bytes(s.url(thumb), None).await;
    assert_eq!(status, StatusCode::OK);
    let t = image::load_from_memory(&t).unwrap();
    assert_eq!((t.width(), t.height()), (320, 240));

    // The licence: in the staff queue with staff-only addresses.
    let (status, q) = staff.get("/api/staff/registrations").await;
    assert_eq!(status, StatusCode::OK);
    let item = &q["registrations"][0];
    let licence_url = item["photos"]["licence"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(licence_url.starts_with("/api/staff/photos/"), "{item}");
    let (status, headers, bytes) = get_bytes(s.url(&licence_url), Some(&staff.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("private"));
    let img = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 900));
    let (status, _, _) = get_bytes(s.url(&licence_url), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Not by the public address either, nor anything that is not a photo's hash.
    let public_licence = licence_url.replace("/api/staff/photos/", "/api/photos/");
    let (status, _, _) = get_bytes(s.url(&public_licence), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for bad in [
        "/api/photos/..%2F..%2Fvar%2Ftest.db",
        "/api/photos/test.db",
        &format!("/api/photos/{}.jpg", "0".repeat(64)),
    ] {
        let (status, _, _) = get_bytes(s.url(bad), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }

    // Two photos, two files each; no temporary file left.
    let files = uploads(&ws);
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(files.iter().all(|f| !f.starts_with('.')), "{files:?}");
    assert_eq!(counts(&ws).await[3], 2);
}

#[tokio::test]
async fn refused_uploads_leave_nothing_on_disk_or_in_the_database() {
    let (ws, s, _staff) = staff_server().await;
    let before = counts(&ws).await;
    let good = picture(ImageFormat::Jpeg, 400, 300, 1);
    let mut truncated = picture(ImageFormat::Jpeg, 400, 300, 2);
    truncated.truncate(truncated.len() * 2 / 3);
    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"#
            .to_vec();
    let php = b"<?php system($_GET['c']); ?>".to_vec();
    // Over the 8 MB per-file limit: a real JPEG header, then padding.
    let mut nine_mb = good.clone();
    nine_mb.resize(9 * 1024 * 1024, 0);
    let mut bad_registration = registration();
    bad_registration["credit_code"] = json!("92310107MA1K00012M");
    let cases: Vec<Case> = vec![
        (
            "php named .jpg",
            registration(),
            vec![("shopfront", "shop.jpg", "image/jpeg", php)],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_an_image",
        ),
        (
            "svg with a script",
            registration(),
            vec![("licence", "licence.svg", "image/svg+xml", svg)],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_an_image",
        ),
        (
            "truncated jpeg",
            registration(),
            vec![("shopfront", "a.jpg", "image/jpeg", truncated)],
            StatusCode::BAD_REQUEST,
            "broken_image",
        ),
        (
            "9 MB photo",
            registration(),
            vec![("shopfront", "big.jpg", "image/jpeg", nine_mb)],
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
        (
            "good photo, bad broken second",
            registration(),
            vec![
                ("shopfront", "a.jpg", "image/jpeg", good.clone()),
                ("licence", "l.jpg", "image/jpeg", b"GIF89a....".to_vec()),
            ],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_an_image",
        ),
        (
            "good photo, bad registration",
            bad_registration,
            vec![("shopfront", "a.jpg", "image/jpeg", good.clone())],
            StatusCode::BAD_REQUEST,
            "invalid_registration",
        ),
        (
            "unknown part",
            registration(),
            vec![("passport", "p.jpg", "image/jpeg", good.clone())],
            StatusCode::BAD_REQUEST,
            "unknown_part",
        ),
    ];
    for (what, reg, photos, want, code) in cases {
        let (status, r) = post_form(&s, "/api/registrations", form(&reg, photos)).await;
        assert_eq!(status, want, "{what}: {r}");
        assert_eq!(r["error"], code, "{what}: {r}");
        assert!(has_chinese(r["message"].as_str().unwrap()), "{what}: {r}");
        assert_eq!(uploads(&ws), Vec::<String>::new(), "{what}");
        assert_eq!(counts(&ws).await, before, "{what}");
    }

    // 30 MB declared for one request: refused from its headers, before a byte of the body is
    // sent (the client asked `Expect: 100-continue`) or stored.
    let (status, body) = declare_upload(&s.url(""), "/api/registrations", 30 * 1024 * 1024);
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("too_large") && has_chinese(&body), "{body}");
    // A JSON body stays under the usual small limit on this route.
    let mut padded = registration();
    padded["address"] = json!("x".repeat(40_000));
    let (status, r) = s.post_json("/api/registrations", &padded).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{r}");
    assert!(r["message"].as_str().unwrap().contains("16 KB"), "{r}");
    assert_eq!(uploads(&ws), Vec::<String>::new());
    assert_eq!(counts(&ws).await, before);

    // And the plain JSON registration still works.
    let (status, r) = s.post_json("/api/registrations", &registration()).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["photos"], json!({}));
}

#[tokio::test]
async fn the_owner_replaces_the_shop_front_photo() {
    let (ws, s, _staff) = staff_server().await;
    let (status, r) = post_form(
        &s,
        "/api/registrations",
        form(
            &registration(),
            vec![(
                "shopfront",
                "a.jpg",
                "image/jpeg",
                picture(ImageFormat::Jpeg, 640, 480, 3),
            )],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let first = r["photos"]["shopfront"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let token = r["manage_url"]
        .as_str()
        .unwrap()
        .strip_prefix("/merchant/manage#token=")
        .unwrap()
        .to_string();
    let owner = |f: Form| {
        reqwest::Client::new()
            .post(s.url("/api/merchant/listing"))
            .header("authorization", format!("Bearer {token}"))
            .multipart(f)
    };

    let (status, r) = send(owner(form(
        &registration(),
        vec![(
            "shopfront",
            "b.webp",
            "image/webp",
            picture(ImageFormat::WebP, 480, 640, 9),
        )],
    )))
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let second = r["listing"]["shopfront_photo"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second);
    let (status, _, bytes) = get_bytes(s.url(&second), None).await;
    assert_eq!(status, StatusCode::OK);
    let img = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap();
    assert_eq!((img.width(), img.height()), (480, 640));
    assert_eq!(uploads(&ws).len(), 4);

    // The licence is given at registration only; another token reaches nothing.
    let before = counts(&ws).await;
    let (status, r) = send(owner(form(
        &registration(),
        vec![(
            "licence",
            "l.jpg",
            "image/jpeg",
            picture(ImageFormat::Jpeg, 64, 64, 1),
        )],
    )))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    let (status, _) = send(
        reqwest::Client::new()
            .post(s.url("/api/merchant/listing"))
            .header("authorization", "Bearer nope")
            .multipart(form(
                &registration(),
                vec![(
                    "shopfront",
                    "c.jpg",
                    "image/jpeg",
                    picture(ImageFormat::Jpeg, 64, 64, 5),
                )],
            )),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(uploads(&ws).len(), 4);
    assert_eq!(counts(&ws).await, before);
}
