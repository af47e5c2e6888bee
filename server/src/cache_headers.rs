//! `Cache-Control` for everything the server sends. Trunk names its build outputs with a content
//! hash (`app-d285db573304510d_bg.wasm`), so those never change and are cached for a year;
//! the names that stay put (`index.html` and the client routes it answers, `sw.js`,
//! `manifest.webmanifest`) must be revalidated each time or a phone keeps an old client; Leaflet's
//! files change only with its npm version. API answers are always revalidated: offline use is the
//! service worker's job, not the HTTP cache's.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const NO_CACHE: &str = "no-cache";
pub const ONE_DAY: &str = "public, max-age=86400";

/// Middleware: sets the policy for the request's path unless the response chose its own (the
/// client's index.html served for an unknown path says `no-cache` itself, so an old hashed
/// name that is gone is never cached for a year as HTML).
pub async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        let value = policy(&path, response.status());
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// The policy for a path and the status it was answered with.
pub fn policy(path: &str, status: StatusCode) -> &'static str {
    let found = status.is_success() || status == StatusCode::NOT_MODIFIED;
    if path == "/api" || path.starts_with("/api/") || !found {
        NO_CACHE
    } else if is_hashed(path.rsplit('/').next().unwrap_or(path)) {
        IMMUTABLE
    } else if path.starts_with("/leaflet/") {
        ONE_DAY
    } else {
        NO_CACHE
    }
}

/// A Trunk output name: `-` and the content hash in hex, then the extension or `_bg.wasm`
/// (`main-2b1bfb841bbacbb8.css`, `app-d285db573304510d_bg.wasm`). Trunk writes the 64-bit hash
/// without leading zeros, so it is 16 digits or a few fewer (`app-e98418997866b83.js`); at
/// least 12 keeps `icon-192.png` out (a hash that short, 1 build in 65 536, is merely
/// revalidated).
pub fn is_hashed(file_name: &str) -> bool {
    let b = file_name.as_bytes();
    (1..b.len()).any(|i| {
        if b[i] != b'-' {
            return false;
        }
        let digits = b[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        (12..=16).contains(&digits) && matches!(b.get(i + 1 + digits), Some(b'.' | b'_'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_names_are_hashed_others_are_not() {
        for name in [
            "app-d285db573304510d.js",
            "app-d285db573304510d_bg.wasm",
            "main-2b1bfb841bbacbb8.css",
            "snippets-0123456789ABCDEF.js",
            "app-e98418997866b83.js",
            "app-e98418997866b83_bg.wasm",
        ] {
            assert!(is_hashed(name), "{name}");
        }
        for name in [
            "index.html",
            "sw.js",
            "manifest.webmanifest",
            "leaflet.js",
            "app-d285db5733.js",
            "icon-192.png",
            "maskable-512.png",
            "app-d285db573304510dd.js",
            "app-d285db573304510g.js",
            "-d285db573304510d.js",
            "app-d285db573304510d",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
    }

    #[test]
    fn policies_by_path() {
        let ok = StatusCode::OK;
        assert_eq!(policy("/app-d285db573304510d_bg.wasm", ok), IMMUTABLE);
        assert_eq!(
            policy("/app-d285db573304510d.js", StatusCode::NOT_MODIFIED),
            IMMUTABLE
        );
        assert_eq!(
            policy("/app-d285db573304510d.js", StatusCode::NOT_FOUND),
            NO_CACHE
        );
        for path in [
            "/",
            "/index.html",
            "/repair",
            "/sw.js",
            "/manifest.webmanifest",
        ] {
            assert_eq!(policy(path, ok), NO_CACHE, "{path}");
        }
        assert_eq!(policy("/leaflet/leaflet.js", ok), ONE_DAY);
        assert_eq!(policy("/leaflet/images/marker-icon.png", ok), ONE_DAY);
        assert_eq!(policy("/api/rules", ok), NO_CACHE);
        assert_eq!(policy("/api/app-d285db573304510d.js", ok), NO_CACHE);
    }
}
