//! `/api/staff/login`, `/me`, `/logout` and `/accounts`.

use super::audit::Actor;
use super::{auth, Staff, COOKIE, SESSION_S};
use crate::api::AppState;
use crate::client_addr::ClientAddr;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::rate_limit::{self, Key, LOGIN_PER_CLIENT, LOGIN_PER_USER};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
}

fn session_cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
    .expect("hex token and fixed attributes")
}

/// Off the async workers: Argon2 takes tens of milliseconds.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))
}

pub async fn login(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, ApiError> {
    let key = &s.security.server_key;
    let user_key = Key::new(key, "login-user", &c.username.to_lowercase());
    let client_key = Key::new(key, "login-client", &addr);
    // Every attempt is counted before the password is checked (so parallel guesses cannot
    // outrun the count); a correct one is taken back.
    let limits = [(&user_key, LOGIN_PER_USER), (&client_key, LOGIN_PER_CLIENT)];
    if let Some(wait) = rate_limit::hit(&s.db, &limits).await? {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "login_rate_limited",
            format!("登录失败次数太多，请 {} 分钟后再试", wait.div_ceil(60)),
            format!("too many failed logins; try again in {wait} s"),
        )
        .with_retry_after(wait));
    }
    let account = auth::find_account(&s.db, &c.username).await?;
    let password = c.password;
    let (account, ok) = blocking(move || match account {
        Some(a) => {
            let ok = auth::verify_password(&a.password_hash, &password);
            (Some(a), ok)
        }
        None => {
            auth::verify_nobody(&password);
            (None, false)
        }
    })
    .await?;
    let account = match account {
        Some(a) if ok => a,
        _ => return Err(auth::login_failed()),
    };
    rate_limit::clear(&s.db, &user_key).await?;
    rate_limit::refund(&s.db, &client_key).await?;
    let (token, csrf) = auth::create_session(&s.db, account.id).await?;
    let mut response = Json(json!({ "username": account.username, "csrf": csrf })).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&token, SESSION_S, s.security.secure_cookies),
    );
    Ok(response)
}

pub async fn me(staff: Staff) -> Json<serde_json::Value> {
    Json(json!({ "username": staff.username, "csrf": staff.csrf }))
}

pub async fn logout(State(s): State<AppState>, staff: Staff) -> Result<Response, ApiError> {
    auth::end_session(&s.db, &staff.token_hash).await?;
    let mut response = Json(json!({ "status": "logged_out" })).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie("", 0, s.security.secure_cookies),
    );
    Ok(response)
}

pub async fn add_account(
    State(s): State<AppState>,
    staff: Staff,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, ApiError> {
    auth::check_username(&c.username)?;
    auth::check_password(&c.password)?;
    let password = c.password;
    let hash = blocking(move || auth::hash_password(&password)).await?;
    let actor: Actor = staff.actor();
    match auth::add_account(&s.db, &c.username, &hash, &actor).await? {
        Some(_) => {
            Ok((StatusCode::CREATED, Json(json!({ "username": c.username }))).into_response())
        }
        None => Err(ApiError::new(
            StatusCode::CONFLICT,
            "username_taken",
            format!("用户名“{}”已经有人用了", c.username),
            format!("the username '{}' is taken", c.username),
        )),
    }
}
