//! The survey API (same origin, see /work/survey-contract.md): public reads, the answer POST
//! and the staff calls. Every failure becomes an [`ApiError`] with the server's own Chinese
//! message when it sent one, else a sentence written for people.

use crate::domain::rules::{Category, Group, SurveyRules};
use crate::domain::survey::{Indicators, Questionnaire};
use crate::ui::i18n::{is_en, tr, trf};
use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status; 0 when no answer came (offline, refused, timed out).
    pub status: u16,
    /// The server's error code (`code_used`, `login_failed`…), empty without one.
    pub code: String,
    /// The server's message in the page's language, when it sent one.
    pub message: Option<String>,
    /// The question an answer error is about.
    pub question: Option<String>,
}

impl ApiError {
    fn network() -> ApiError {
        ApiError {
            status: 0,
            code: String::new(),
            message: None,
            question: None,
        }
    }

    /// No answer, or one that says "try again later" (the answer was not taken).
    pub fn is_transient(&self) -> bool {
        matches!(self.status, 0 | 408 | 429) || self.status >= 500
    }

    /// What to show: the server's words, else a plain sentence.
    pub fn text(&self) -> String {
        if let Some(m) = &self.message {
            return m.clone();
        }
        let status = self.status;
        match status {
            0 => tr(
                "连不上服务器，请检查网络后重试",
                "Cannot reach the server; check the network and try again",
            )
            .into(),
            s if s >= 500 => tr(
                "服务器暂时出了问题，请稍后再试",
                "The server has a problem; please try again later",
            )
            .into(),
            _ => trf!(
                "出错了（{status}），请稍后再试",
                "Something went wrong ({status})"
            ),
        }
    }
}

/// The error body: `{ "error": code, "message": "中文", "message_en": "English" }`.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: String,
    message: Option<String>,
    message_en: Option<String>,
    question: Option<String>,
}

/// The error of a non-2xx answer, from its body when the server explained.
fn error_from(status: u16, body: &str) -> ApiError {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(b) => ApiError {
            status,
            code: b.error,
            message: if is_en() {
                b.message_en.or(b.message)
            } else {
                b.message
            },
            question: b.question,
        },
        Err(_) => ApiError {
            status,
            code: String::new(),
            message: None,
            question: None,
        },
    }
}

fn unreadable() -> ApiError {
    ApiError {
        status: 200,
        code: "unreadable".into(),
        message: Some(
            tr(
                "服务器返回的数据无法识别",
                "The server's answer could not be read",
            )
            .into(),
        ),
        question: None,
    }
}

/// Aborts the request after `timeout`: on a weak network a hanging request must not hold the
/// resident's answer (or the page) forever.
fn with_timeout(b: RequestBuilder, timeout: Duration) -> RequestBuilder {
    let Ok(controller) = web_sys::AbortController::new() else {
        return b;
    };
    let b = b.abort_signal(Some(&controller.signal()));
    leptos::prelude::set_timeout(move || controller.abort(), timeout);
    b
}

pub const READ_TIMEOUT: Duration = Duration::from_secs(20);

/// What a request carries besides its URL.
pub enum Body {
    None,
    /// JSON text.
    Json(String),
    /// A multipart form (photos, attachments): the browser writes its boundary.
    Form(web_sys::FormData),
}

/// Who the request speaks for.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    /// The staff session's CSRF token (the session itself is the HttpOnly cookie).
    Csrf(&'a str),
    /// A merchant's private management token (`Authorization: Bearer`).
    Bearer(&'a str),
}

/// One request: the body of a 2xx answer, or why there is none. Not generic, so the bundle
/// holds it once. A body that does not arrive whole counts as no answer (the request may have
/// reached the server: the answer POST is safe to repeat).
pub async fn send(
    post: bool,
    url: &str,
    body: Body,
    auth: Auth<'_>,
    timeout: Duration,
) -> Result<String, ApiError> {
    let mut b = if post {
        Request::post(url)
    } else {
        Request::get(url)
    };
    match auth {
        Auth::None => {}
        Auth::Csrf(token) => b = b.header("X-CSRF-Token", token),
        Auth::Bearer(token) => b = b.header("Authorization", &format!("Bearer {token}")),
    }
    let b = with_timeout(b, timeout);
    let req = match body {
        Body::Json(json) => b.header("Content-Type", "application/json").body(json),
        Body::Form(form) => b.body(form),
        Body::None => b.build(),
    }
    .map_err(|_| ApiError::network())?;
    let resp = req.send().await.map_err(|_| ApiError::network())?;
    let status = resp.status();
    let text = resp.text().await.map_err(|_| ApiError::network())?;
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(error_from(status, &text))
    }
}

async fn call(
    post: bool,
    url: &str,
    body: Option<String>,
    csrf: Option<&str>,
    timeout: Duration,
) -> Result<String, ApiError> {
    let body = body.map_or(Body::None, Body::Json);
    let auth = csrf.map_or(Auth::None, Auth::Csrf);
    send(post, url, body, auth, timeout).await
}

/// Time for a request that uploads photos on a weak network.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// POSTs a multipart form (photos, attachments) and reads the JSON answer.
pub async fn post_form<T: DeserializeOwned>(
    url: &str,
    form: web_sys::FormData,
    auth: Auth<'_>,
) -> Result<T, ApiError> {
    parse(&send(true, url, Body::Form(form), auth, UPLOAD_TIMEOUT).await?)
}

pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| unreadable())
}

pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    parse(&call(false, url, None, None, READ_TIMEOUT).await?)
}

/// POSTs JSON (`csrf`: the staff session's token) and reads the JSON answer.
pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
    url: &str,
    body: &B,
    csrf: Option<&str>,
) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).unwrap_or_default();
    parse(&call(true, url, Some(json), csrf, READ_TIMEOUT).await?)
}

/// POSTs JSON; the answer's body does not matter.
async fn post_only<B: Serialize + ?Sized>(url: &str, body: &B, csrf: &str) -> Result<(), ApiError> {
    let json = serde_json::to_string(body).unwrap_or_default();
    call(true, url, Some(json), Some(csrf), READ_TIMEOUT)
        .await
        .map(|_| ())
}

// ---- Public reads ---------------------------------------------------------------------------

// The wire types the server writes (shared through the domain).
pub use crate::domain::survey::{CircleRef as CircleName, RoundInfo};

/// A circle's name in the page's language.
pub trait Named {
    fn name(&self) -> String;
}

impl Named for CircleName {
    fn name(&self) -> String {
        crate::ui::i18n::pick(&self.name_zh, &self.name_en).to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CircleSurvey {
    pub circle: CircleName,
    /// The open round; `None`: no survey running.
    pub round: Option<RoundInfo>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndicatorsAnswer {
    pub circle: CircleName,
    pub round: RoundInfo,
    pub indicators: Indicators,
}

#[derive(Deserialize)]
struct CircleId {
    id: String,
}

/// The circle of the page: `?circle=ID`, else the first one the server lists (one circle per
/// deployment today).
pub async fn circle_id() -> Result<String, ApiError> {
    if let Some(id) = crate::ui::route::query_param("circle").filter(|c| !c.is_empty()) {
        return Ok(id);
    }
    let circles: Vec<CircleId> = get("/api/circles").await?;
    circles
        .into_iter()
        .next()
        .map(|c| c.id)
        .ok_or_else(|| ApiError {
            status: 404,
            code: "unknown_circle".into(),
            message: Some(tr("没有找到生活圈", "No circle found").into()),
            question: None,
        })
}

/// Path segment of a circle id (ids are plain codes; anything else is escaped).
pub fn seg(id: &str) -> String {
    String::from(js_sys::encode_uri_component(id))
}

pub async fn questionnaire() -> Result<Questionnaire, ApiError> {
    get("/api/survey/questionnaire").await
}

/// The part of the rules file (`/api/rules`) the survey pages use: the category chips and
/// their groups, and the survey's thresholds. Reading only these keeps the bundle small.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RulesView {
    pub survey: SurveyRules,
    pub groups: BTreeMap<String, Group>,
    pub categories: Vec<Category>,
}

impl RulesView {
    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }
}

pub async fn rules() -> Result<RulesView, ApiError> {
    get("/api/rules").await
}

pub async fn circle_survey(circle: &str) -> Result<CircleSurvey, ApiError> {
    get(&format!("/api/circles/{}/survey", seg(circle))).await
}

pub async fn rounds(circle: &str) -> Result<Vec<RoundInfo>, ApiError> {
    get(&format!("/api/circles/{}/rounds", seg(circle))).await
}

pub async fn indicators(circle: &str, round: Option<i64>) -> Result<IndicatorsAnswer, ApiError> {
    let q = round.map(|r| format!("?round={r}")).unwrap_or_default();
    get(&format!("/api/circles/{}/indicators{q}", seg(circle))).await
}

// ---- The answer ---------------------------------------------------------------------------

/// The server's answer to a submission.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Recorded {
    /// `recorded` (201) or `already_recorded` (200: an earlier send of this answer arrived).
    pub status: String,
    pub responses: u64,
}

/// How long one try to submit may take before it counts as failed (and is tried again).
const SUBMIT_TIMEOUT: Duration = Duration::from_secs(15);

/// POSTs an answer's saved body (JSON text, exactly as queued).
pub async fn submit(circle: &str, body: &str) -> Result<Recorded, ApiError> {
    let url = format!("/api/circles/{}/responses", seg(circle));
    parse(&call(true, &url, Some(body.to_string()), None, SUBMIT_TIMEOUT).await?)
}

// ---- Staff ----------------------------------------------------------------------------------

/// A staff session: who, and the token every staff POST sends back.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Session {
    pub username: String,
    pub csrf: String,
}

/// `{}`: the body of a POST that needs none.
#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct Credentials<'a> {
    username: &'a str,
    password: &'a str,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StaffCircle {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default)]
    pub service_population: Option<u64>,
    pub open_round: Option<RoundInfo>,
}

impl StaffCircle {
    pub fn name(&self) -> String {
        crate::ui::i18n::pick(&self.name_zh, &self.name_en).to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IssuedCode {
    pub code: String,
    pub url: String,
    pub qr_svg: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IssuedCodes {
    pub codes: Vec<IssuedCode>,
    pub issued: u64,
    pub used: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct CodeCounts {
    pub issued: u64,
    pub used: u64,
}

pub async fn login(username: &str, password: &str) -> Result<Session, ApiError> {
    post(
        "/api/staff/login",
        &Credentials { username, password },
        None,
    )
    .await
}

pub async fn me() -> Result<Session, ApiError> {
    get("/api/staff/me").await
}

pub async fn logout(csrf: &str) -> Result<(), ApiError> {
    post_only("/api/staff/logout", &Empty {}, csrf).await
}

pub async fn add_staff(csrf: &str, username: &str, password: &str) -> Result<(), ApiError> {
    post_only(
        "/api/staff/accounts",
        &Credentials { username, password },
        csrf,
    )
    .await
}

pub async fn staff_circles() -> Result<Vec<StaffCircle>, ApiError> {
    get("/api/staff/circles").await
}

#[derive(Serialize)]
struct OpenRound {
    population: Option<u64>,
    open_mode: bool,
}

pub async fn open_round(
    csrf: &str,
    circle: &str,
    population: Option<u64>,
    open_mode: bool,
) -> Result<RoundInfo, ApiError> {
    post(
        &format!("/api/staff/circles/{}/rounds", seg(circle)),
        &OpenRound {
            population,
            open_mode,
        },
        Some(csrf),
    )
    .await
}

pub async fn close_round(csrf: &str, round: i64) -> Result<RoundInfo, ApiError> {
    post(
        &format!("/api/staff/rounds/{round}/close"),
        &Empty {},
        Some(csrf),
    )
    .await
}

#[derive(Serialize)]
struct IssueCodes<'a> {
    count: u32,
    base_url: &'a str,
}

pub async fn issue_codes(csrf: &str, round: i64, count: u32) -> Result<IssuedCodes, ApiError> {
    let base_url = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    post(
        &format!("/api/staff/rounds/{round}/codes"),
        &IssueCodes {
            count,
            base_url: &base_url,
        },
        Some(csrf),
    )
    .await
}

pub async fn code_counts(round: i64) -> Result<CodeCounts, ApiError> {
    get(&format!("/api/staff/rounds/{round}/codes")).await
}

/// Links of the two CSV exports of a round.
pub fn csv_url(circle: &str, which: &str, round: i64) -> String {
    format!(
        "/api/staff/circles/{}/{which}.csv?round={round}",
        seg(circle)
    )
}

// ---- Circle grade (生活圈评价) ----------------------------------------------------------------

pub use crate::domain::grade::{
    Attachment, CategoryPresence, Grade, ItemScore, PartKind, PartScore, Points,
};
use crate::domain::GeoPolygon;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GradeSettings {
    pub city_tier: u8,
    pub census_outlets: Option<u32>,
}

/// `GET /api/circles/{id}/grade`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GradeReport {
    pub circle: CircleName,
    pub evaluated_on: String,
    pub settings: GradeSettings,
    pub origins: u32,
    pub outlets_counted: usize,
    pub sample_data: bool,
    pub grade: Grade,
    /// Files attached to staff entries, by part key, newest first.
    #[serde(default)]
    pub attachments: BTreeMap<String, Vec<Attachment>>,
}

pub async fn grade(circle: &str) -> Result<GradeReport, ApiError> {
    get(&format!("/api/circles/{}/grade", seg(circle))).await
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Evaluation {
    pub evaluated_on: String,
    pub facilities: Points,
    pub service: Points,
    pub type_code: Option<String>,
    pub stars: u8,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct History {
    evaluations: Vec<Evaluation>,
}

pub async fn grade_history(circle: &str) -> Result<Vec<Evaluation>, ApiError> {
    let h: History = get(&format!("/api/circles/{}/grade/history", seg(circle))).await?;
    Ok(h.evaluations)
}

/// A circle's outline (from `GET /api/circles`) for the gap map.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CircleShape {
    pub id: String,
    pub boundary: GeoPolygon,
}

pub async fn circle_shape(circle: &str) -> Result<Option<CircleShape>, ApiError> {
    let all: Vec<CircleShape> = get("/api/circles").await?;
    Ok(all.into_iter().find(|c| c.id == circle))
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GapLine {
    pub coordinates: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GapFeature {
    pub geometry: GapLine,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GapStreets {
    pub features: Vec<GapFeature>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Suggestion {
    pub rank: u32,
    pub lon: f64,
    pub lat: f64,
    pub gained_percent: f64,
    pub text_zh: String,
    pub text_en: String,
}

/// `GET /api/circles/{id}/gaps?category=`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Gaps {
    pub category: String,
    pub minutes: u32,
    pub origins: u32,
    pub unserved_origins: u32,
    pub unserved_percent: Option<f64>,
    pub population_affected: Option<u64>,
    pub suggestions: Vec<Suggestion>,
    pub gap_streets: GapStreets,
}

pub async fn gaps(circle: &str, category: &str) -> Result<Gaps, ApiError> {
    get(&format!(
        "/api/circles/{}/gaps?category={}",
        seg(circle),
        seg(category)
    ))
    .await
}

#[derive(Serialize)]
struct Entry<'a> {
    points: f64,
    note: &'a str,
    evidence: Option<&'a str>,
}

/// Stores a staff entry ("item.part"), with a file as evidence if one is chosen; the answer is
/// the grade as it now is.
pub async fn save_entry(
    csrf: &str,
    circle: &str,
    key: &str,
    entry: (f64, &str, Option<&str>),
    file: Option<web_sys::File>,
) -> Result<GradeReport, ApiError> {
    let url = format!(
        "/api/staff/circles/{}/grade/entries/{}",
        seg(circle),
        seg(key)
    );
    let (points, note, evidence) = entry;
    let body = Entry {
        points,
        note,
        evidence,
    };
    let Some(file) = file else {
        return post(&url, &body, Some(csrf)).await;
    };
    let form = web_sys::FormData::new().map_err(|_| ApiError::network())?;
    let json = serde_json::to_string(&body).unwrap_or_default();
    form.append_with_str("entry", &json)
        .and_then(|_| form.append_with_blob_and_filename("attachment", &file, &file.name()))
        .map_err(|_| ApiError::network())?;
    post_form(&url, form, Auth::Csrf(csrf)).await
}

#[derive(Serialize)]
struct SettingsBody {
    city_tier: u8,
    census_outlets: Option<u32>,
}

pub async fn save_grade_settings(
    csrf: &str,
    circle: &str,
    city_tier: u8,
    census_outlets: Option<u32>,
) -> Result<GradeReport, ApiError> {
    post(
        &format!("/api/staff/circles/{}/grade/settings", seg(circle)),
        &SettingsBody {
            city_tier,
            census_outlets,
        },
        Some(csrf),
    )
    .await
}

/// Records today's grade in the history.
pub async fn record_grade(csrf: &str, circle: &str) -> Result<(), ApiError> {
    post_only(
        &format!("/api/staff/circles/{}/grade/evaluations", seg(circle)),
        &Empty {},
        csrf,
    )
    .await
}
