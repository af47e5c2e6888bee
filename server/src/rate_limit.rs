//! Rate limits kept in the database, so every server on one database file counts together and
//! a restart forgets nothing. What is limited (a client address, a username) is stored only as a
//! keyed hash; the counts sit in short buckets of a sliding window and are deleted once too old
//! to matter.

use crate::db::Db;
use crate::tokens;
use std::time::{SystemTime, UNIX_EPOCH};

/// At most `max` attempts within any `period_s` seconds (to a fifth of the period).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub period_s: i64,
}

impl Limit {
    fn bucket_s(&self) -> i64 {
        (self.period_s / 5).max(1)
    }
}

/// Wrong passwords for one username: 5 per 15 minutes.
pub const LOGIN_PER_USER: Limit = Limit {
    max: 5,
    period_s: 15 * 60,
};
/// Wrong passwords from one client address: 20 per 15 minutes.
pub const LOGIN_PER_CLIENT: Limit = Limit {
    max: 20,
    period_s: 15 * 60,
};
/// The window of open-mode submissions per client address (the count is a server option).
pub const SUBMISSION_PERIOD_S: i64 = 10 * 60;

/// What a limit is about, hashed with the server's key: the plain value is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(Vec<u8>);

impl Key {
    /// `scope` keeps limits on different things apart ("login-user", "submit-client").
    pub fn new(server_key: &[u8], scope: &str, value: &str) -> Key {
        Key(tokens::digest(&[
            server_key,
            scope.as_bytes(),
            value.as_bytes(),
        ]))
    }
}

pub fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Counts one attempt against every `(key, limit)`, or none if any is used up: then returns
/// the seconds until that one allows another attempt.
pub async fn hit(db: &Db, keys: &[(&Key, Limit)]) -> Result<Option<u64>, sqlx::Error> {
    let now = now_s();
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query("DELETE FROM rate_limits WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let mut wait = None;
    for (key, limit) in keys {
        let buckets: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT window_start, count FROM rate_limits
             WHERE key_hash = $1 AND window_start > $2 ORDER BY window_start",
        )
        .bind(&key.0)
        .bind(now - limit.period_s)
        .fetch_all(&mut *tx)
        .await?;
        if let Some(s) = retry_after(&buckets, *limit, now) {
            wait = Some(wait.map_or(s, |w: u64| w.max(s)));
        }
    }
    if wait.is_some() {
        tx.rollback().await?;
        return Ok(wait);
    }
    for (key, limit) in keys {
        let start = now - now.rem_euclid(limit.bucket_s());
        sqlx::query(
            "INSERT INTO rate_limits (key_hash, window_start, count, expires_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (key_hash, window_start) DO UPDATE SET count = rate_limits.count + 1",
        )
        .bind(&key.0)
        .bind(start)
        .bind(start + limit.period_s + limit.bucket_s())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(None)
}

/// Forgets every counted attempt of `key` (a username after its correct password).
pub async fn clear(db: &Db, key: &Key) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limits WHERE key_hash = $1")
        .bind(&key.0)
        .execute(db)
        .await?;
    Ok(())
}

/// Takes back the latest attempt counted for `key` (one that turned out to be legitimate).
pub async fn refund(db: &Db, key: &Key) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE rate_limits SET count = count - 1
         WHERE key_hash = $1 AND count > 0
           AND window_start = (SELECT MAX(window_start) FROM rate_limits WHERE key_hash = $1)",
    )
    .bind(&key.0)
    .execute(db)
    .await?;
    Ok(())
}

/// Seconds until the attempts within the window (oldest bucket first) fall below the limit, or
/// `None` when another attempt is allowed now.
fn retry_after(buckets: &[(i64, i64)], limit: Limit, now: i64) -> Option<u64> {
    let mut total: i64 = buckets.iter().map(|b| b.1).sum();
    if total < i64::from(limit.max) {
        return None;
    }
    for &(start, count) in buckets {
        total -= count;
        if total < i64::from(limit.max) {
            return Some((start + limit.period_s - now).max(1) as u64);
        }
    }
    Some(limit.period_s as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_the_oldest_bucket_that_frees_enough() {
        let limit = Limit {
            max: 5,
            period_s: 900,
        };
        assert_eq!(retry_after(&[(0, 4)], limit, 100), None);
        // 5 attempts: the bucket at 0 leaves the window at 900.
        assert_eq!(retry_after(&[(0, 2), (180, 3)], limit, 300), Some(600));
        // Dropping the first bucket still leaves 5: wait for the second.
        assert_eq!(retry_after(&[(0, 1), (180, 5)], limit, 300), Some(780));
    }

    #[test]
    fn keys_are_scoped_and_keyed() {
        let a = Key::new(b"k1", "login-user", "alice");
        assert_ne!(a, Key::new(b"k1", "submit-client", "alice"));
        assert_ne!(a, Key::new(b"k2", "login-user", "alice"));
        assert_eq!(a, Key::new(b"k1", "login-user", "alice"));
    }
}
