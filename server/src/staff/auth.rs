//! Accounts, passwords and sessions. Passwords are Argon2id with the crate's default parameters;
//! a session's cookie token is 32 random bytes of which the database keeps only the SHA-256.

use super::audit::{self, Actor};
use super::{Staff, SESSION_S};
use crate::db::Db;
use crate::error::ApiError;
use crate::rate_limit::now_s;
use crate::tokens;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::StatusCode;
use std::sync::OnceLock;

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longer than any password manager's; keeps hashing cheap for a hostile request.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Usernames: 2–32 letters (any script), digits, `_`, `.` or `-`.
pub fn check_username(username: &str) -> Result<(), ApiError> {
    let n = username.chars().count();
    let ok = (2..=32).contains(&n)
        && username
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "invalid_username",
            "用户名须为 2–32 个字母、数字或 _ . -",
            "a username is 2 to 32 letters, digits, '_', '.' or '-'",
        ))
    }
}

pub fn check_password(password: &str) -> Result<(), ApiError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(ApiError::bad_request(
            "password_too_short",
            format!("密码至少 {MIN_PASSWORD_CHARS} 个字符"),
            format!("a password has at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(ApiError::bad_request(
            "password_too_long",
            format!("密码最多 {MAX_PASSWORD_CHARS} 个字符"),
            format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// The PHC string of `password` (tens of milliseconds: call off the async workers).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&tokens::random_bytes::<16>()).expect("16 bytes fit a salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("default Argon2 parameters hash any password")
        .to_string()
}

/// Whether `password` matches the stored PHC string (as slow as hashing it).
pub fn verify_password(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Spends the time of a verification when there is no such account, so the answer's timing
/// does not tell which usernames exist.
pub fn verify_nobody(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash_password("no account has this password"));
    let _ = verify_password(stored, password);
}

pub struct Account {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
}

/// The account of `username` (case-insensitively).
/// How many staff accounts exist (none: the server says how to add the first).
pub async fn account_count(db: &Db) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_accounts")
        .fetch_one(db)
        .await?;
    Ok(n.max(0) as u64)
}

pub async fn find_account(db: &Db, username: &str) -> Result<Option<Account>, sqlx::Error> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, username, password_hash FROM staff_accounts WHERE lower(username) = lower($1)",
    )
    .bind(username)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id, username, password_hash)| Account {
        id,
        username,
        password_hash,
    }))
}

/// Adds an account and records it in the audit log; `None` when the username is taken.
pub async fn add_account(
    db: &Db,
    username: &str,
    password_hash: &str,
    by: &Actor,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO staff_accounts (username, password_hash, created_by) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(username)
    .bind(password_hash)
    .bind(by.staff)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        return Ok(None);
    };
    audit::record(
        &mut tx,
        by,
        "account_added",
        &format!("staff:{username}"),
        serde_json::json!({ "id": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Sets a new password for an existing account and ends its sessions; `false` when there is no
/// such account.
pub async fn reset_password(
    db: &Db,
    username: &str,
    password_hash: &str,
    by: &Actor,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE staff_accounts SET password_hash = $1 WHERE lower(username) = lower($2) RETURNING id",
    )
    .bind(password_hash)
    .bind(username)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM staff_sessions WHERE staff = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        by,
        "password_reset",
        &format!("staff:{username}"),
        serde_json::json!({ "id": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Starts a session: returns the cookie token and the CSRF token.
pub async fn create_session(db: &Db, staff: i64) -> Result<(String, String), sqlx::Error> {
    let (token, csrf) = (tokens::random_token(), tokens::random_token());
    let now = now_s();
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO staff_sessions (token_hash, staff, csrf, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(staff)
    .bind(&csrf)
    .bind(now + SESSION_S)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((token, csrf))
}

pub fn token_hash(token: &str) -> Vec<u8> {
    tokens::digest(&[b"staff-session", token.as_bytes()])
}

/// The live session of a cookie token.
pub async fn session(db: &Db, token: &str) -> Result<Option<Staff>, sqlx::Error> {
    let hash = token_hash(token);
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT a.id, a.username, s.csrf FROM staff_sessions s
         JOIN staff_accounts a ON a.id = s.staff
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(&hash)
    .bind(now_s())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id, username, csrf)| Staff {
        id,
        username,
        csrf,
        token_hash: hash,
    }))
}

pub async fn end_session(db: &Db, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

pub fn login_failed() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "login_failed",
        "用户名或密码不正确",
        "wrong username or password",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse battery "));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn usernames_and_passwords_are_checked() {
        for ok in ["li", "wang.fang", "staff_01", "张伟", "a-b"] {
            assert!(check_username(ok).is_ok(), "{ok}");
        }
        for bad in ["a", "has space", "x@y", &"a".repeat(33), ""] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_password("123456789").unwrap_err().code,
            "password_too_short"
        );
        assert!(check_password("一二三四五六七八九十").is_ok());
    }
}
