//! The staff's survey API: circles with their open round, opening and closing rounds, code
//! sheets, and the CSV exports. Every handler takes `Staff`, so none runs without a session
//! (and, for POSTs, the CSRF token).

use super::store::{self, NewRound};
use super::{chosen_round, codes, csv, find_circle, round_closed, round_id, round_info};
use super::{unknown_round, CircleRef, RoundInfo};
use crate::api::AppState;
use crate::circles::{self, checks::Figures};
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::params::Params;
use crate::staff::Staff;
use app::domain::survey::Indicators;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A circle in the staff's list: the survey dashboard reads the first fields, the circle
/// editor the rest (its figures and who changed it last).
#[derive(Serialize)]
pub struct StaffCircle {
    id: String,
    name_zh: String,
    name_en: String,
    service_population: Option<u64>,
    open_round: Option<RoundInfo>,
    population_note: Option<String>,
    /// Street nodes inside (representative origins), area in km², vertices.
    figures: Figures,
    version: i64,
    updated_by: String,
    updated_at: String,
}

pub async fn circles(
    State(s): State<AppState>,
    _staff: Staff,
) -> Result<Json<Vec<StaffCircle>>, ApiError> {
    let mut out = Vec::new();
    for stored in circles::store::list(&s.db, &s.dataset.name).await? {
        let c = &stored.circle;
        let open_round = match store::open_round_of(&s.db, &s.dataset.name, &c.id).await? {
            Some(r) => Some(round_info(&s, &r).await?),
            None => None,
        };
        out.push(StaffCircle {
            id: c.id.clone(),
            name_zh: c.name_zh.clone(),
            name_en: c.name_en.clone(),
            service_population: c.service_population,
            open_round,
            population_note: c.population_note.clone(),
            figures: circles::handlers::figures_of(&s, c),
            version: stored.version,
            updated_by: stored.updated_by,
            updated_at: stored.updated_at,
        });
    }
    Ok(Json(out))
}

#[derive(Deserialize)]
pub struct OpenRound {
    population: Option<u64>,
    open_mode: bool,
}

pub async fn open_round(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<OpenRound>,
) -> Result<Response, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let population = body
        .population
        .or(circle.service_population)
        .filter(|&p| p > 0)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_population",
                "请填写这个生活圈的服务人口（大于 0）",
                "population: the circle's service population, more than 0",
            )
        })?;
    // SQLite integers are signed 64-bit.
    if population > i64::MAX as u64 {
        return Err(ApiError::bad_request(
            "invalid_population",
            "服务人口数字太大",
            "population is too large",
        ));
    }
    let today = super::today(circle);
    let new = NewRound {
        dataset: &s.dataset.name,
        circle: &circle.id,
        population,
        open_mode: body.open_mode,
        questionnaire_version: s.questionnaire.version,
        today: &today,
    };
    let round = store::open_round(&s.db, &new, &staff.actor())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "round_open",
                "这个生活圈已有一轮调查正在进行，请先结束它",
                "this circle already has an open round; close it first",
            )
        })?;
    Ok((StatusCode::CREATED, Json(round_info(&s, &round).await?)).into_response())
}

/// A round of this dataset by its path segment.
async fn staff_round(s: &AppState, segment: &str) -> Result<store::Round, ApiError> {
    store::round(&s.db, &s.dataset.name, round_id(segment)?)
        .await?
        .ok_or_else(unknown_round)
}

pub async fn close_round(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<RoundInfo>, ApiError> {
    let round = staff_round(&s, &id).await?;
    let circle = &find_circle(&s, &round.circle).await?;
    let today = super::today(circle);
    let closed = store::close_round(&s.db, &s.dataset.name, round.id, &today, &staff.actor())
        .await?
        .ok_or_else(round_closed)?;
    Ok(Json(round_info(&s, &closed).await?))
}

#[derive(Deserialize)]
pub struct IssueCodes {
    count: u64,
    base_url: String,
}

/// `http(s)://host[:port][/path]`, without query or fragment; the trailing slash dropped.
fn base_url(text: &str) -> Result<&str, ApiError> {
    let text = text.trim().trim_end_matches('/');
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        !r.is_empty()
            && text.len() <= 200
            && r.chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, '?' | '#' | '"' | '<' | '>'))
    });
    if ok {
        Ok(text)
    } else {
        Err(ApiError::bad_request(
            "invalid_base_url",
            "网址格式不正确，应为 http://主机:端口",
            "base_url must be http(s)://host[:port][/path] without query or fragment",
        ))
    }
}

pub async fn issue_codes(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<IssueCodes>,
) -> Result<Response, ApiError> {
    let round = staff_round(&s, &id).await?;
    if !(1..=500).contains(&body.count) {
        return Err(ApiError::bad_request(
            "invalid_count",
            "一次可生成 1 到 500 个调查码",
            "count must be 1 to 500",
        ));
    }
    let base = base_url(&body.base_url)?.to_string();
    if !round.is_open() {
        return Err(round_closed());
    }
    let plain = store::issue_codes(&s.db, round.id, body.count as u32, &staff.actor()).await?;
    let circle = round.circle.clone();
    // Hundreds of QR codes: off the async workers.
    let sheet = tokio::task::spawn_blocking(move || {
        plain
            .iter()
            .map(|c| {
                let url = codes::survey_url(&base, &circle, c);
                json!({ "code": codes::display(c), "qr_svg": codes::qr_svg(&url), "url": url })
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?;
    let (issued, used) = store::code_counts(&s.db, round.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "codes": sheet, "issued": issued, "used": used })),
    )
        .into_response())
}

pub async fn code_counts(
    State(s): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let round = staff_round(&s, &id).await?;
    let (issued, used) = store::code_counts(&s.db, round.id).await?;
    Ok(Json(json!({ "issued": issued, "used": used })))
}

fn csv_response(body: Body, circle: &str, round: i64, what: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(csv::CONTENT_TYPE),
            ),
            (
                header::CONTENT_DISPOSITION,
                csv::attachment(circle, round, what),
            ),
        ],
        body,
    )
        .into_response()
}

/// Responses per page of the export: memory stays small at a million answers.
const EXPORT_PAGE: u32 = 2000;

/// The raw anonymous answers, one row each, streamed a page at a time.
pub async fn responses_csv(
    State(s): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let wanted = Params::parse(query.as_deref(), &["round"])?.round()?;
    let round = chosen_round(&s, circle, wanted).await?;
    let (db, q, round_id) = (s.db.clone(), s.questionnaire.clone(), round.id);
    // State: (last response id written, rows written, header written).
    let pages = futures_util::stream::unfold(Some((0i64, 0u64, false)), move |state| {
        let (db, q) = (db.clone(), q.clone());
        async move {
            let (after, written, started) = state?;
            let page = match store::responses_page(&db, round_id, after, EXPORT_PAGE).await {
                Ok(p) => p,
                Err(e) => return Some((Err(e), None)),
            };
            let mut out = if started {
                String::new()
            } else {
                csv::responses_header(&q)
            };
            let mut n = written;
            for r in &page {
                n += 1;
                csv::push_response(&mut out, n, r, &q);
            }
            let next = match page.last() {
                Some(last) if page.len() == EXPORT_PAGE as usize => Some((last.id, n, true)),
                _ => None,
            };
            Some((Ok(out), next))
        }
    })
    // The compression layer polls once more after the end; `unfold` must not be polled then.
    .fuse();
    Ok(csv_response(
        Body::from_stream(pages),
        &circle.id,
        round.id,
        "responses",
    ))
}

pub async fn indicators_csv(
    State(s): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let wanted = Params::parse(query.as_deref(), &["round"])?.round()?;
    let round = chosen_round(&s, circle, wanted).await?;
    let info = round_info(&s, &round).await?;
    let tally = store::tally(&s.db, round.id).await?;
    let ind = Indicators::compute(&s.questionnaire, &s.rules, round.population, &tally);
    let text = csv::indicators(&CircleRef::from(circle), &info, &ind);
    Ok(csv_response(
        Body::from(text),
        &circle.id,
        round.id,
        "indicators",
    ))
}
