//! What the survey API says about circles and rounds: the server writes these, the survey pages
//! read them.

use crate::domain::Circle;
use serde::{Deserialize, Serialize};

/// A circle as the survey pages name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CircleRef {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
}

impl From<&Circle> for CircleRef {
    fn from(c: &Circle) -> Self {
        CircleRef {
            id: c.id.clone(),
            name_zh: c.name_zh.clone(),
            name_en: c.name_en.clone(),
        }
    }
}

/// One survey round of a circle, with its responses so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundInfo {
    pub id: i64,
    pub circle: String,
    /// The service population the 3% sample is counted against, fixed at opening.
    pub population: u64,
    /// No code needed (one answer per device); `false`: a single-use code is required.
    pub open_mode: bool,
    /// Days in the circle's time zone, `YYYY-MM-DD`.
    pub opened_on: String,
    pub closed_on: Option<String>,
    pub questionnaire_version: u32,
    pub responses: u64,
    /// Responses needed for a valid sample.
    pub sample_target: u64,
}
