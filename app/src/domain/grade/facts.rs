//! What the grade is computed from. The server gathers it (coverage with the walking engine,
//! outlets and staff entries from storage, the survey's counters); the domain only scores it.

use super::points::Points;
use crate::domain::outlet::Outlet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One circle's facts on the evaluation date.
#[derive(Debug, Clone, Copy)]
pub struct CircleFacts<'a> {
    /// 1, 2 or 3 (3 = every other city): picks item 7's chain-share threshold.
    pub city_tier: u8,
    /// Category code → how many of the circle's representative origins reach an outlet of it
    /// within the category's ring. A category missing here is not present.
    pub coverage: &'a BTreeMap<String, Coverage>,
    /// The circle's outlets on the map (items 4, 5, 7 and 9 count them).
    pub outlets: &'a [Outlet],
    /// `None`: no survey round yet (items 2 and 3 score 0).
    pub survey: Option<SurveyFacts>,
    /// Staff entries by part key "item.part", e.g. "harmony.harmony".
    pub staff: &'a BTreeMap<String, StaffEntry>,
    /// 网点总数 entered by staff (item 9's "outlets on the map" share); `None` until entered.
    pub census_outlets: Option<u32>,
}

/// Origins (street nodes inside the circle) from which a category is within its ring.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub reached: u32,
    pub origins: u32,
}

/// The survey round's counts behind items 2 and 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyFacts {
    /// 业态满意: (satisfied, answered).
    pub business: (u64, u64),
    /// 服务满意: (satisfied, answered).
    pub service: (u64, u64),
    pub sample_valid: bool,
    pub responses: u64,
    pub sample_target: u64,
}

/// A file attached to a staff entry (佐证材料), as the grade report lists it: a PDF or a photo,
/// for staff only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Hex SHA-256 of the stored file.
    pub hash: String,
    /// "pdf" or "image".
    pub kind: String,
    /// The file name as uploaded (shown as text only).
    pub name: String,
    pub bytes: u64,
    /// Where staff open it, and its thumbnail (photos).
    pub url: String,
    pub thumb_url: Option<String>,
    /// Who attached it, and when (UTC).
    pub by: String,
    pub at: String,
}

/// A staff-entered part: the points, why (note), and a reference to an attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEntry {
    /// In tenths, like every grade score.
    pub points: Points,
    pub note: String,
    #[serde(default)]
    pub evidence: Option<String>,
}
