//! Secrets and their hashes: random bytes from the operating system, SHA-256 digests for what
//! the database keeps instead of a token (session cookies, survey codes, device tokens), and a
//! database-held key for hashing what must not be stored plainly at all (client addresses).

use sha2::{Digest, Sha256};

/// `N` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).expect("the operating system provides random bytes");
    buf
}

/// 32 random bytes as 64 lowercase hex digits (session tokens, CSRF tokens).
pub fn random_token() -> String {
    hex(&random_bytes::<32>())
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// SHA-256 over the parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ.
pub fn digest(parts: &[&[u8]]) -> Vec<u8> {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().to_vec()
}

/// The server-wide key, made once and kept in the database so that every replica and every
/// restart hashes a client address the same way (a per-process salt would let each replica
/// count its own limit).
pub async fn server_key(db: &crate::db::Db) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query(
        "INSERT INTO server_secrets (name, value) VALUES ('hash_key', $1) ON CONFLICT DO NOTHING",
    )
    .bind(random_bytes::<32>().to_vec())
    .execute(db)
    .await?;
    sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = 'hash_key'")
        .fetch_one(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hex_and_differ() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }

    #[test]
    fn parts_are_delimited() {
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
        assert_eq!(digest(&[b"x"]).len(), 32);
    }
}
