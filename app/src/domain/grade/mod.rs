//! The circle grade (五十问 Q49): step 1 有没有 (which categories are within their walking ring,
//! 60 + 40 points → 基础型/提升型/品质型), step 2 好不好 (10 items from staff entries, the survey
//! and the outlets), and the verdict (the type stands only if 好不好 is 合格 or better).
//!
//! Pure domain: the server gathers the facts (coverage from the walking engine, outlets, staff
//! entries, survey counts) and returns the `Grade` as JSON. Every number comes from the rules
//! file's `[grade]` table; every score is in tenths (`Points`), so thresholds compare exactly.
//! Not for the map client: nothing under `ui/` or `pages/` uses it.

pub mod facilities;
pub mod facts;
mod outlet_parts;
mod part_file;
pub mod points;
pub mod result;
pub mod rules;
mod rules_file;
pub mod service;
pub mod staff;
mod text;

pub use facilities::{facilities, is_present, CategoryPresence, Facilities, TypeRef};
pub use facts::{Attachment, CircleFacts, Coverage, StaffEntry, SurveyFacts};
pub use points::Points;
pub use result::{grade, Grade, Verdict};
pub use rules::{GradeRules, Item, Part, Source, SurveyRate};
pub use service::{service, BandRef, ItemScore, PartKind, PartScore, Service};
pub use staff::validate_staff_entry;

#[cfg(test)]
mod tests;
