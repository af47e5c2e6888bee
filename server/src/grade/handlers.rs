//! The grade API: `GET /api/circles/{id}/grade` (the grade computed now, with every item's rule
//! and evidence), `GET /api/circles/{id}/grade/history`, and the staff's writes under
//! `/api/staff/circles/{id}/grade/…` (an item's entry, the circle's settings, recording today's
//! grade).

use super::{evidence, facts, store};
use crate::api::AppState;
use crate::db::{self, OutletFilter};
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::staff::Staff;
use crate::survey::{self, find_circle, round_info, CircleRef};
use app::domain::grade::{
    self, validate_staff_entry, CircleFacts, Grade, Points, StaffEntry, SurveyFacts,
};
use app::domain::survey::Indicators;
use app::domain::{Circle, Outlet, OutletSource};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A circle's grade as computed now, with what it was computed from.
#[derive(Debug, Serialize)]
pub struct Report {
    pub circle: CircleRef,
    /// The circle's own day the grade is for.
    pub evaluated_on: String,
    pub settings: store::Settings,
    /// Street nodes inside the circle: the origins 有没有 counts from.
    pub origins: u32,
    /// Outlets inside the circle (items 4, 5, 7 and 9).
    pub outlets_counted: usize,
    /// Some outlets are generated sample data: the grade is a demonstration, not a finding.
    pub sample_data: bool,
    /// The survey round items 2 and 3 come from (the newest), if any.
    pub survey_round: Option<survey::RoundInfo>,
    pub grade: Grade,
    /// Files attached to staff entries (佐证材料), by part key, newest first.
    pub attachments: BTreeMap<String, Vec<app::domain::grade::Attachment>>,
}

/// Gathers the facts and scores them.
pub async fn report(s: &AppState, circle: &Circle) -> Result<Report, ApiError> {
    let settings = store::settings(&s.db, &s.dataset.name, &circle.id).await?;
    let staff = store::entries(&s.db, &s.dataset.name, &circle.id).await?;
    let attachments = store::attachments(&s.db, &s.dataset.name, &circle.id).await?;
    let outlets = db::list_outlets(&s.db, &s.dataset.name, &OutletFilter::default())
        .await
        .map_err(ApiError::storage)?;
    let (survey_facts, survey_round) = latest_survey(s, circle).await?;

    let (walk, rules, grade_rules, circle_owned) = (
        s.walk.clone(),
        s.rules.clone(),
        s.grade_rules.clone(),
        circle.clone(),
    );
    // A search per category over the whole network: CPU work, off the async workers.
    let (grade, origins, counted, sample_data) = tokio::task::spawn_blocking(move || {
        let area = facts::boundary(&circle_owned);
        let origins = facts::origins(&walk, &area);
        let coverage = facts::coverage(&walk, &rules, &outlets, &origins);
        let inside: Vec<Outlet> = facts::inside(&outlets, &area)
            .into_iter()
            .map(|o| o.outlet)
            .collect();
        let sample_data = inside.iter().any(|o| o.source == OutletSource::Sample);
        let facts = CircleFacts {
            city_tier: settings.city_tier,
            coverage: &coverage,
            outlets: &inside,
            survey: survey_facts,
            staff: &staff,
            census_outlets: settings.census_outlets,
        };
        let grade = grade::grade(&rules, &grade_rules, &facts);
        (grade, origins.len() as u32, inside.len(), sample_data)
    })
    .await
    .map_err(|e| ApiError::internal(format!("grading: {e}")))?;

    Ok(Report {
        circle: CircleRef::from(circle),
        evaluated_on: survey::today(circle),
        settings,
        origins,
        outlets_counted: counted,
        sample_data,
        survey_round,
        grade,
        attachments,
    })
}

/// Items 2 and 3 from the circle's newest round (open or closed).
async fn latest_survey(
    s: &AppState,
    circle: &Circle,
) -> Result<(Option<SurveyFacts>, Option<survey::RoundInfo>), ApiError> {
    let Some(round) = survey::store::rounds_of(&s.db, &s.dataset.name, &circle.id)
        .await?
        .into_iter()
        .next()
    else {
        return Ok((None, None));
    };
    let tally = survey::store::tally(&s.db, round.id).await?;
    let ind = Indicators::compute(&s.questionnaire, &s.rules, round.population, &tally);
    let facts = SurveyFacts {
        business: (ind.business.rate.satisfied, ind.business.rate.answered),
        service: (ind.service.rate.satisfied, ind.service.rate.answered),
        sample_valid: ind.sample_valid,
        responses: ind.responses,
        sample_target: ind.sample_target,
    };
    Ok((Some(facts), Some(round_info(s, &round).await?)))
}

pub async fn grade(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Report>, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    Ok(Json(report(&s, circle).await?))
}

pub async fn history(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let rows = store::evaluations(&s.db, &s.dataset.name, &circle.id).await?;
    Ok(Json(
        json!({ "circle": CircleRef::from(circle), "evaluations": rows }),
    ))
}

/// A staff entry as posted: points as a number with at most one decimal (4.4).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryBody {
    points: f64,
    note: String,
    #[serde(default)]
    evidence: Option<String>,
}

fn invalid_points() -> ApiError {
    ApiError::bad_request(
        "invalid_points",
        "分数须为不小于 0 的数字，最多一位小数",
        "points: a number from 0, with at most one decimal",
    )
}

/// 4.4 → 44 tenths; refuses negatives, NaN and a second decimal.
fn to_tenths(points: f64) -> Result<Points, ApiError> {
    let tenths = (points * 10.0).round();
    if !points.is_finite()
        || points < 0.0
        || tenths > 10_000.0
        || (points * 10.0 - tenths).abs() > 1e-6
    {
        return Err(invalid_points());
    }
    Ok(Points(tenths as u32))
}

/// `POST /api/staff/circles/{id}/grade/entries/{part}` (part "item.part", e.g.
/// "harmony.harmony"): stores the entry — JSON, or multipart with an `entry` JSON part and an
/// `attachment` file (`evidence`) — and answers with the grade as it now is.
pub async fn put_entry(
    State(s): State<AppState>,
    staff: Staff,
    Path((id, part)): Path<(String, String)>,
    req: Request,
) -> Result<Json<Report>, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let (body, upload) = evidence::read_entry::<EntryBody>(&s, req).await?;
    let entry = StaffEntry {
        points: to_tenths(body.points)?,
        note: body.note.trim().to_string(),
        evidence: body
            .evidence
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty()),
    };
    validate_staff_entry(&s.grade_rules, &part, &entry).map_err(|message| {
        // The domain's message is "中文 / English".
        let (zh, en) = message.split_once(" / ").unwrap_or((&message, &message));
        ApiError::bad_request("invalid_entry", zh.to_string(), en.to_string())
    })?;
    // The file is checked only once the entry is valid, and staged on disk until the commit.
    let mut prepared = match upload {
        Some(u) => Some(
            tokio::task::spawn_blocking(move || evidence::prepare(u))
                .await
                .map_err(|e| ApiError::internal(e.to_string()))??,
        ),
        None => None,
    };
    let staged = match prepared.as_mut() {
        Some(p) => Some(evidence::stage(&s.uploads, p).await?),
        None => None,
    };
    store::put_entry(
        &s.db,
        &s.dataset.name,
        &circle.id,
        &part,
        &entry,
        prepared.as_ref(),
        &staff.actor(),
    )
    .await?;
    if let Some(staged) = staged {
        staged.publish().await;
    }
    Ok(Json(report(&s, circle).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    city_tier: u8,
    #[serde(default)]
    census_outlets: Option<u32>,
}

/// `POST /api/staff/circles/{id}/grade/settings`: the city tier (1–3) and the outlet census.
pub async fn put_settings(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SettingsBody>,
) -> Result<Json<Report>, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    if !(1..=3).contains(&body.city_tier) {
        return Err(ApiError::bad_request(
            "invalid_city_tier",
            "城市等级须为 1（一线）、2（二线）或 3（其他城市）",
            "city_tier: 1 (tier-1 city), 2 (tier-2) or 3 (every other city)",
        ));
    }
    if body
        .census_outlets
        .is_some_and(|c| !(1..=1_000_000).contains(&c))
    {
        return Err(ApiError::bad_request(
            "invalid_census",
            "网点总数须在 1 到 1000000 之间",
            "census_outlets: from 1 to 1,000,000",
        ));
    }
    let settings = store::Settings {
        city_tier: body.city_tier,
        census_outlets: body.census_outlets,
    };
    store::set_settings(&s.db, &s.dataset.name, &circle.id, settings, &staff.actor()).await?;
    Ok(Json(report(&s, circle).await?))
}

/// `POST /api/staff/circles/{id}/grade/evaluations`: records today's grade in the history (a
/// second record on the same day replaces the first).
pub async fn record(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let r = report(&s, circle).await?;
    let id = store::record_evaluation(
        &s.db,
        &s.dataset.name,
        &circle.id,
        &r.evaluated_on,
        &r.grade,
        &staff.actor(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "evaluated_on": r.evaluated_on, "report": r })),
    )
        .into_response())
}
