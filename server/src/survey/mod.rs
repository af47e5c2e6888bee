//! 满意度调查 over HTTP: rounds per circle, anonymous answers with single-use codes or (open
//! mode) one answer per device, the indicators from counters, and staff's code sheets and CSV
//! exports. The questionnaire, the answer checks and the indicators are the shared domain's
//! (`app::domain::survey`); storage is `store`.

pub mod admin;
pub mod codes;
pub mod csv;
pub mod handlers;
pub mod store;
pub mod writer;

use crate::api::AppState;
use crate::error::ApiError;
use app::domain::{Circle, Rules};
use axum::http::StatusCode;
use store::Round;

pub use app::domain::survey::{CircleRef, RoundInfo};

/// A stored round as the API shows it, with its response count.
pub fn round_info_of(round: &Round, responses: u64, rules: &Rules) -> RoundInfo {
    RoundInfo {
        id: round.id,
        circle: round.circle.clone(),
        population: round.population,
        open_mode: round.open_mode,
        opened_on: round.opened_on.clone(),
        closed_on: round.closed_on.clone(),
        questionnaire_version: round.questionnaire_version,
        responses,
        sample_target: rules.survey.sample_target(round.population),
    }
}

/// The round with its response count, read from the counters.
pub async fn round_info(s: &AppState, round: &Round) -> Result<RoundInfo, ApiError> {
    let n = store::response_count(&s.db, round.id).await?;
    Ok(round_info_of(round, n, &s.rules))
}

/// A circle by id as stored now (staff may have edited it): see `crate::circles`.
pub async fn find_circle(s: &AppState, id: &str) -> Result<Circle, ApiError> {
    crate::circles::find(s, id).await
}

pub fn unknown_round() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_round",
        "没有找到这一轮调查",
        "no such survey round for this circle",
    )
}

pub fn round_closed() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "round_closed",
        "本轮调查已经结束",
        "this survey round is closed",
    )
}

/// A round id from a path segment; anything else is no round.
pub fn round_id(segment: &str) -> Result<i64, ApiError> {
    segment
        .parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(unknown_round)
}

/// The round of `circle` asked for (`round` given) or its newest one.
pub async fn chosen_round(
    s: &AppState,
    circle: &Circle,
    round: Option<i64>,
) -> Result<Round, ApiError> {
    match round {
        Some(id) => store::round(&s.db, &s.dataset.name, id)
            .await?
            .filter(|r| r.circle == circle.id)
            .ok_or_else(unknown_round),
        None => store::rounds_of(&s.db, &s.dataset.name, &circle.id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "no_round",
                    "这个生活圈还没有开展满意度调查",
                    "this circle has had no survey round yet",
                )
            }),
    }
}

/// Today in the circle's time zone, as answers and rounds record days.
pub fn today(circle: &Circle) -> String {
    let tz: chrono_tz::Tz = circle.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    chrono::Utc::now()
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string()
}
