//! Cache headers and compression of the built client and the API, on a small fake `dist/` with
//! Trunk-style hashed names.

mod common;

use common::*;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::io::Read;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const WASM: &str = "/app-0123456789abcdef_bg.wasm";

/// Something compressible that looks a bit like Wasm.
fn fake_wasm() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    for i in 0..40_000u32 {
        bytes.extend_from_slice(&(i % 251).to_le_bytes());
        bytes.extend_from_slice(b"bianmin");
    }
    bytes
}

async fn fetch(s: &Server, path: &str, accept: Option<&str>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = reqwest::Client::new().get(s.url(path));
    if let Some(a) = accept {
        request = request.header("accept-encoding", a);
    }
    let r = request.send().await.unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.bytes().await.unwrap().to_vec())
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).map_or("", |v| v.to_str().unwrap())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
    out
}

#[tokio::test]
async fn hashed_files_are_immutable_and_precompressed_the_rest_revalidates() {
    let ws = Workspace::new();
    let wasm = fake_wasm();
    let js = "export function start() { console.log('一刻钟'); }\n".repeat(300);
    ws.dist_file(&WASM[1..], &wasm);
    ws.dist_file("app-0123456789abcdef.js", &js);
    ws.dist_file(
        "main-fedcba987654321.css",
        "body { margin: 0 }\n".repeat(100),
    );
    ws.dist_file("leaflet/leaflet.js", "/* leaflet */\n".repeat(200));
    ws.dist_file("sw.js", "self.addEventListener('fetch', () => {});");
    ws.dist_file("manifest.webmanifest", "{\"name\": \"便民\"}");
    let mut s = ws.start("shanghai");
    let line = s
        .wait_for_log("precompressed", 60)
        .expect("the server compresses the client once");
    assert!(line.contains("precompressed 4 client files"), "{line}");

    // Brotli, from the precompressed copy: its length is known up front.
    let (status, h, body) = fetch(&s, WASM, Some("gzip, deflate, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "cache-control"), IMMUTABLE);
    assert_eq!(header(&h, "content-type"), "application/wasm");
    assert_eq!(header(&h, "content-encoding"), "br");
    assert!(header(&h, "vary").contains("accept-encoding"), "{h:?}");
    assert_eq!(header(&h, "content-length"), body.len().to_string());
    assert!(
        body.len() * 4 < wasm.len(),
        "{} of {}",
        body.len(),
        wasm.len()
    );
    assert_eq!(unbrotli(&body), wasm);

    // A phone that only takes gzip.
    let (status, h, body) = fetch(&s, WASM, Some("gzip")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "cache-control"), IMMUTABLE);
    assert_eq!(header(&h, "content-encoding"), "gzip");
    assert_eq!(gunzip(&body), wasm);

    // And one that takes nothing.
    let (_, h, body) = fetch(&s, WASM, None).await;
    assert_eq!(header(&h, "content-encoding"), "");
    assert_eq!(header(&h, "cache-control"), IMMUTABLE);
    assert_eq!(body, wasm);

    let (_, h, body) = fetch(&s, "/app-0123456789abcdef.js", Some("br")).await;
    assert_eq!(header(&h, "cache-control"), IMMUTABLE);
    assert_eq!(unbrotli(&body), js.as_bytes());
    let (_, h, _) = fetch(&s, "/main-fedcba987654321.css", Some("br")).await;
    assert_eq!(header(&h, "cache-control"), IMMUTABLE);

    // Fixed names are revalidated; the client's routes get index.html, revalidated too.
    for path in [
        "/",
        "/index.html",
        "/repair",
        "/sw.js",
        "/manifest.webmanifest",
    ] {
        let (status, h, _) = fetch(&s, path, Some("br")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(header(&h, "cache-control"), "no-cache", "{path}");
    }
    // A hashed name that is gone (an old build) is index.html: never cached for a year.
    let (status, h, body) = fetch(&s, "/app-00000000000000aa.js", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("<title>client</title>"));
    assert_eq!(header(&h, "cache-control"), "no-cache");

    let (_, h, body) = fetch(&s, "/leaflet/leaflet.js", Some("gzip")).await;
    assert_eq!(header(&h, "cache-control"), "public, max-age=86400");
    assert_eq!(gunzip(&body), "/* leaflet */\n".repeat(200).as_bytes());

    // API answers: revalidated, compressed on the fly.
    for (path, status) in [
        ("/api/rules", StatusCode::OK),
        ("/api/hours?date=2026-11-21", StatusCode::OK),
        ("/api/search-terms", StatusCode::OK),
        ("/api/outlets?bbox=x", StatusCode::BAD_REQUEST),
        ("/api/nothing", StatusCode::NOT_FOUND),
    ] {
        let (got, h, body) = fetch(&s, path, Some("gzip")).await;
        assert_eq!(got, status, "{path}");
        assert_eq!(header(&h, "cache-control"), "no-cache", "{path}");
        if status == StatusCode::OK {
            assert_eq!(header(&h, "content-encoding"), "gzip", "{path}");
            serde_json::from_slice::<serde_json::Value>(&gunzip(&body)).unwrap();
        }
    }
    let (_, h, body) = fetch(&s, "/api/rules", Some("br")).await;
    assert_eq!(header(&h, "content-encoding"), "br");
    serde_json::from_slice::<serde_json::Value>(&unbrotli(&body)).unwrap();
}

#[tokio::test]
async fn a_rebuilt_file_is_never_served_from_a_stale_copy() {
    let ws = Workspace::new();
    ws.dist_file("leaflet/leaflet.js", "/* leaflet 1 */\n".repeat(200));
    let mut s = ws.start("shanghai");
    s.wait_for_log("precompressed", 60).unwrap();
    let (_, h, body) = fetch(&s, "/leaflet/leaflet.js", Some("br")).await;
    assert_eq!(header(&h, "content-encoding"), "br");
    assert_eq!(unbrotli(&body), "/* leaflet 1 */\n".repeat(200).as_bytes());

    let v2 = "/* leaflet 2.0 */\n".repeat(200);
    ws.dist_file("leaflet/leaflet.js", &v2);
    let (_, h, body) = fetch(&s, "/leaflet/leaflet.js", Some("br")).await;
    assert_eq!(
        header(&h, "content-encoding"),
        "br",
        "compressed on the fly now"
    );
    assert_eq!(unbrotli(&body), v2.as_bytes());
}
