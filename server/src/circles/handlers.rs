//! `GET /api/circles` (public: every circle with its boundary, the map's wire format), and the
//! staff's `POST /api/staff/circles` (create) and `POST /api/staff/circles/{id}` (edit). Both
//! writes answer with the stored circle and the server's figures for it.

use super::checks::{self, Checked, CircleBody, Figures};
use super::store::{self, EditRefused, StoredCircle};
use super::unknown_circle;
use crate::api::AppState;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::staff::Staff;
use crate::tokens;
use app::domain::circle_edit::{area_km2, CircleRules};
use app::domain::Circle;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

pub async fn public_list(State(s): State<AppState>) -> Result<Json<Vec<Circle>>, ApiError> {
    Ok(Json(super::all(&s).await?))
}

/// `GET /api/staff/circle-rules`: the `[circles]` bounds, for the editor's live checks.
pub async fn rules(State(s): State<AppState>, _staff: Staff) -> Json<CircleRules> {
    Json((*s.circle_rules).clone())
}

/// A write's answer.
#[derive(Debug, Serialize)]
pub struct Saved {
    pub circle: Circle,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: String,
    pub figures: Figures,
}

fn saved(c: StoredCircle, figures: Figures) -> Saved {
    Saved {
        circle: c.circle,
        version: c.version,
        updated_by: c.updated_by,
        updated_at: c.updated_at,
        figures,
    }
}

/// The figures of a stored circle (for lists): its street nodes, area and vertices.
pub fn figures_of(s: &AppState, circle: &Circle) -> Figures {
    let ring = circle.boundary.outer();
    Figures {
        origins: checks::origins_inside(&s.walk, ring),
        area_km2: area_km2(ring),
        vertices: ring.len().saturating_sub(1),
    }
}

/// The checks, off the async workers (counting street nodes walks the whole network).
async fn checked(s: &AppState, body: CircleBody) -> Result<Checked, ApiError> {
    let (rules, walk) = (s.circle_rules.clone(), s.walk.clone());
    tokio::task::spawn_blocking(move || checks::check(&body, &rules, &walk))
        .await
        .map_err(|e| ApiError::internal(format!("checking a circle: {e}")))?
}

/// `POST /api/staff/circles`: 201 with the new circle (its id a slug of the English name).
pub async fn create(
    State(s): State<AppState>,
    staff: Staff,
    JsonBody(body): JsonBody<CircleBody>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    if body.version.is_some() {
        return Err(ApiError::bad_request(
            "version_on_create",
            "新建生活圈时不能指定版本号",
            "version is for edits only",
        ));
    }
    let c = checked(&s, body).await?;
    let base = checks::slug(&c.fields.name_en)
        .unwrap_or_else(|| format!("c-{}", tokens::hex(&tokens::random_bytes::<4>())));
    let timezone = super::first(&s).await?.timezone;
    let stored = store::create(
        &s.db,
        &s.dataset.name,
        &base,
        &c.fields,
        c.centre,
        &timezone,
        &staff.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(saved(stored, c.figures))))
}

/// `POST /api/staff/circles/{id}`: replaces the names, boundary and population. With
/// `version`, refused (409) when someone saved the circle since.
pub async fn edit(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CircleBody>,
) -> Result<Json<Saved>, ApiError> {
    // An unknown circle is 404 before its body's checks.
    super::find(&s, &id).await?;
    let expected = body.version;
    let c = checked(&s, body).await?;
    let stored = store::update(
        &s.db,
        &s.dataset.name,
        &id,
        &c.fields,
        c.centre,
        expected,
        &staff.actor(),
    )
    .await
    .map_err(|e| match e {
        EditRefused::Unknown => unknown_circle(&id),
        EditRefused::Stale { current } => ApiError::new(
            StatusCode::CONFLICT,
            "circle_changed",
            format!("这个生活圈刚被其他人修改过（现在是第 {current} 版）：请刷新后再改"),
            format!("someone saved this circle meanwhile (now version {current}): reload and edit again"),
        ),
        EditRefused::Storage(e) => ApiError::from(e),
    })?;
    Ok(Json(saved(stored, c.figures)))
}
