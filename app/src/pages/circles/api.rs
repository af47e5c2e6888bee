//! The circle editor's calls: the staff's list with figures, the boundaries, the `[circles]`
//! bounds, saving a circle, and the city tier (kept in the grade's settings).

use super::super::api::{self, ApiError};
use crate::domain::circle_edit::CircleRules;
use crate::domain::{Circle, GeoPolygon};
use serde::{Deserialize, Serialize};

/// What the server measures of a boundary.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Figures {
    /// Street nodes inside: the representative origins.
    pub origins: u32,
    pub area_km2: f64,
    pub vertices: usize,
}

/// A circle in `GET /api/staff/circles`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Row {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub service_population: Option<u64>,
    #[serde(default)]
    pub population_note: Option<String>,
    pub figures: Figures,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: String,
}

/// A save's answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Saved {
    pub circle: Circle,
    pub version: i64,
    pub figures: Figures,
}

/// `POST /api/staff/circles[/{id}]`.
#[derive(Debug, Clone, Serialize)]
pub struct CircleBody {
    pub name_zh: String,
    pub name_en: String,
    pub boundary: GeoPolygon,
    pub service_population: u64,
    pub population_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// The grade's settings of a circle: the city tier is edited here, the census kept as it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradeSettings {
    pub city_tier: u8,
    pub census_outlets: Option<u32>,
}

impl Default for GradeSettings {
    /// The server's default until staff set them.
    fn default() -> Self {
        GradeSettings {
            city_tier: 3,
            census_outlets: None,
        }
    }
}

#[derive(Deserialize)]
struct SettingsOnly {
    settings: GradeSettings,
}

pub async fn rows() -> Result<Vec<Row>, ApiError> {
    api::get("/api/staff/circles").await
}

pub async fn boundaries() -> Result<Vec<Circle>, ApiError> {
    api::get("/api/circles").await
}

pub async fn rules() -> Result<CircleRules, ApiError> {
    api::get("/api/staff/circle-rules").await
}

pub async fn save(id: Option<&str>, body: &CircleBody, csrf: &str) -> Result<Saved, ApiError> {
    let url = match id {
        Some(id) => format!("/api/staff/circles/{}", api::seg(id)),
        None => "/api/staff/circles".to_string(),
    };
    api::post(&url, body, Some(csrf)).await
}

/// The circle's grade settings (read from its grade report).
pub async fn settings(id: &str) -> Result<GradeSettings, ApiError> {
    let r: SettingsOnly = api::get(&format!("/api/circles/{}/grade", api::seg(id))).await?;
    Ok(r.settings)
}

pub async fn save_settings(id: &str, s: GradeSettings, csrf: &str) -> Result<(), ApiError> {
    let url = format!("/api/staff/circles/{}/grade/settings", api::seg(id));
    let _: serde::de::IgnoredAny = api::post(&url, &s, Some(csrf)).await?;
    Ok(())
}
