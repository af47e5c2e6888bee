//! The public survey API: the questionnaire, a circle's rounds, answers, and the indicators.

use super::store::{self, Refused, Stored, Submission};
use super::{chosen_round, codes, find_circle, round_closed, round_info, unknown_round};
use super::{CircleRef, RoundInfo};
use crate::api::AppState;
use crate::client_addr::ClientAddr;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::params::Params;
use crate::rate_limit::{self, Key, Limit, SUBMISSION_PERIOD_S};
use app::domain::survey::{check_answers, tally_keys, Indicators, Questionnaire};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

pub async fn questionnaire(State(s): State<AppState>) -> Json<Questionnaire> {
    Json((*s.questionnaire).clone())
}

/// The circle and its open round (`null` when none is open).
pub async fn circle_survey(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let round = match store::open_round_of(&s.db, &s.dataset.name, &circle.id).await? {
        Some(r) => Some(round_info(&s, &r).await?),
        None => None,
    };
    Ok(Json(
        json!({ "circle": CircleRef::from(circle), "round": round }),
    ))
}

/// Every round of the circle, newest first.
pub async fn circle_rounds(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<RoundInfo>>, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let mut out = Vec::new();
    for r in store::rounds_of(&s.db, &s.dataset.name, &circle.id).await? {
        out.push(round_info(&s, &r).await?);
    }
    Ok(Json(out))
}

pub async fn indicators(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let wanted = Params::parse(query.as_deref(), &["round"])?.round()?;
    let round = chosen_round(&s, circle, wanted).await?;
    let info = round_info(&s, &round).await?;
    let tally = store::tally(&s.db, round.id).await?;
    let ind = Indicators::compute(&s.questionnaire, &s.rules, round.population, &tally);
    Ok(Json(json!({
        "circle": CircleRef::from(circle),
        "round": info,
        "indicators": ind,
    })))
}

fn invalid_json(zh: &str, en: &str) -> ApiError {
    ApiError::bad_request("invalid_json", zh, en)
}

/// 16–64 characters of `[A-Za-z0-9_-]`, made by the phone for this one answer.
fn client_id(body: &Map<String, Value>) -> Result<&str, ApiError> {
    body.get("client_id")
        .and_then(Value::as_str)
        .filter(|id| {
            (16..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_client_id",
                "提交编号无效，请刷新页面后重新提交",
                "client_id must be 16 to 64 characters of A-Z, a-z, 0-9, '_' and '-'",
            )
        })
}

/// An optional string member (`null` counts as absent).
fn optional_text<'a>(body: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ()> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

fn code_invalid() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "code_invalid",
        "调查码不正确，请核对后重新输入",
        "this survey code is not valid for the round",
    )
}

/// `POST /api/circles/{id}/responses`: one resident's answers. See the survey contract for every
/// outcome; whatever is refused stores nothing.
pub async fn submit(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(addr): ClientAddr,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let Value::Object(body) = body else {
        return Err(invalid_json(
            "提交的内容格式不正确",
            "the body must be a JSON object",
        ));
    };
    let client_id = client_id(&body)?;
    let round_id = body
        .get("round")
        .and_then(Value::as_i64)
        .ok_or_else(|| invalid_json("缺少调查轮次（round）", "'round' must be a round id"))?;
    let version = body
        .get("questionnaire_version")
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| {
            invalid_json(
                "缺少问卷版本（questionnaire_version）",
                "'questionnaire_version' must be a whole number",
            )
        })?;
    let given = body
        .get("answers")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid_json("缺少回答（answers）", "'answers' must be an object"))?;
    let code = optional_text(&body, "code").map_err(|()| code_invalid())?;
    let device = optional_text(&body, "device")
        .map_err(|()| invalid_json("设备标识（device）格式不正确", "'device' must be a string"))?;

    let round = store::round(&s.db, &s.dataset.name, round_id)
        .await?
        .filter(|r| r.circle == circle.id)
        .ok_or_else(unknown_round)?;
    // A resend of a stored answer: say so, and check nothing else (its code is used by itself).
    if let Some(n) = store::already_recorded(&s.db, round.id, client_id).await? {
        return Ok(outcome(Stored::AlreadyRecorded(n)));
    }
    if !round.is_open() {
        return Err(round_closed());
    }
    if round.questionnaire_version != s.questionnaire.version {
        // The server's questionnaire changed under an open round: its answers cannot be
        // checked any more, and answers of two versions never pool.
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "questionnaire_outdated",
            "本轮调查的问卷已经更换，请联系社区工作人员",
            format!(
                "this round was opened with questionnaire version {} but the server now has \
                 version {}: staff must close it and open a new round",
                round.questionnaire_version, s.questionnaire.version
            ),
        ));
    }
    if version != round.questionnaire_version {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "questionnaire_outdated",
            "问卷已经更新，请刷新页面后重新填写",
            format!(
                "answers to questionnaire version {version}; this round takes version {}",
                round.questionnaire_version
            ),
        ));
    }
    let answers = check_answers(&s.questionnaire, &s.rules, given)
        .map_err(|e| ApiError::bad_request(e.code, e.zh, e.en).with_question(e.question))?;

    // A code is required in a code round and checked (and used up) whenever one is given.
    let code = match code {
        Some(text) => Some(codes::normalise(text).ok_or_else(code_invalid)?),
        None if !round.open_mode => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "code_required",
                "请输入调查码",
                "this round takes answers with a survey code only",
            ))
        }
        None => None,
    };
    let device = if round.open_mode {
        let token = device
            .filter(|d| (16..=128).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| {
                invalid_json(
                    "缺少设备标识（device），请刷新页面后重新提交",
                    "open-mode rounds take a 16-128 character 'device' token",
                )
            })?;
        let limit = Limit {
            max: s.security.open_mode_limit,
            period_s: SUBMISSION_PERIOD_S,
        };
        let key = Key::new(&s.security.server_key, "submit-client", &addr);
        if let Some(wait) = rate_limit::hit(&s.db, &[(&key, limit)]).await? {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("提交太频繁了，请 {} 分钟后再试", wait.div_ceil(60)),
                format!("too many answers from this network; try again in {wait} s"),
            )
            .with_retry_after(wait));
        }
        Some(token)
    } else {
        None
    };

    let answers_json = serde_json::to_string(&answers).expect("plain data serialises");
    let tally = tally_keys(&s.questionnaire, &answers);
    let day = super::today(circle);
    let submission = Submission {
        round: round.id,
        client_id: client_id.to_string(),
        day,
        questionnaire_version: version,
        answers: answers_json,
        tally,
        code,
        device: device.map(str::to_string),
    };
    match s.survey_writer.submit(submission).await? {
        Ok(stored) => Ok(outcome(stored)),
        Err(Refused::Closed) => Err(round_closed()),
        Err(Refused::CodeInvalid) => Err(code_invalid()),
        Err(Refused::CodeUsed) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "code_used",
            "这个调查码已经用过了，每个调查码只能提交一次",
            "this survey code has been used; each code answers once",
        )),
        Err(Refused::DeviceUsed) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "device_used",
            "这台手机已经提交过本轮调查",
            "this device has already answered this round",
        )),
    }
}

fn outcome(stored: Stored) -> Response {
    let (status, word, n) = match stored {
        Stored::Recorded(n) => (StatusCode::CREATED, "recorded", n),
        Stored::AlreadyRecorded(n) => (StatusCode::OK, "already_recorded", n),
    };
    (status, Json(json!({ "status": word, "responses": n }))).into_response()
}
