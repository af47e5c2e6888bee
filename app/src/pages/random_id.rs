//! Random ids made on the phone: an answer's `client_id` (so a resend never counts twice) and
//! the open-mode device token. From `crypto.getRandomValues`, written in base64url
//! (`[A-Za-z0-9_-]`, what the server accepts).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// `n` random bytes from the browser's cryptographic generator as base64url; `None` if the
/// browser has none (then no id is better than a guessable one).
pub fn random_id(n: usize) -> Option<String> {
    let mut bytes = vec![0u8; n];
    let crypto = web_sys::window()?.crypto().ok()?;
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(base64url(&bytes))
}

/// An answer's id: 16 bytes → 22 characters.
pub fn client_id() -> Option<String> {
    random_id(16)
}

const DEVICE_KEY: &str = "bianmin.survey.device";

/// The open-mode device token: made once, kept on this phone (24 bytes → 32 characters).
pub fn device_token() -> Option<String> {
    if let Some(t) = crate::ui::storage::get(DEVICE_KEY).filter(|t| valid(t, 16, 128)) {
        return Some(t);
    }
    let t = random_id(24)?;
    crate::ui::storage::set(DEVICE_KEY, &t);
    Some(t)
}

/// The server's rule for ids: `min..=max` characters of `[A-Za-z0-9_-]`.
pub fn valid(id: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc4648() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn sixteen_bytes_make_a_valid_client_id() {
        let id = base64url(&[0xff; 16]);
        assert_eq!(id.len(), 22);
        assert!(valid(&id, 16, 64));
        assert!(!valid("short", 16, 64));
        assert!(!valid("has space in it and more", 16, 64));
    }
}
