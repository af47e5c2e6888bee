//! Step 1, 有没有: which categories are present within their walking ring, the 60 + 40 points,
//! and the type they earn before step 2 confirms it.

use super::facts::Coverage;
use super::points::Points;
use super::rules::{GradeRules, GradeType};
use crate::domain::rules::{Category, Rules};
use crate::domain::survey::SurveyRules;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The 有没有 table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facilities {
    /// A category is present from this share of the circle's origins.
    pub min_origin_percent: u32,
    /// Every category of the basic and quality groups, in the rules' order.
    pub categories: Vec<CategoryPresence>,
    pub required_total: u32,
    pub required_present: u32,
    pub basic_points: Points,
    pub basic_max: Points,
    /// Graded quality categories present.
    pub quality_present: u32,
    pub quality_points: Points,
    pub quality_max: Points,
    pub total: Points,
    /// The type the points earn, before 好不好 confirms it; `None`: below every type.
    pub initial_type: Option<TypeRef>,
}

impl Facilities {
    /// The gap to show first (and to print): a required type that is missing, else any missing
    /// type, else the one with the largest unserved share — ties to the required, then to the
    /// rules' order. `None` when every category reaches every origin.
    pub fn worst_gap(&self) -> Option<&CategoryPresence> {
        let mut best: Option<(&CategoryPresence, (bool, bool, u64))> = None;
        for c in self.categories.iter().filter(|c| c.reached < c.origins) {
            // Unserved share in millionths, so shares compare exactly.
            let share = u64::from(c.origins - c.reached) * 1_000_000 / u64::from(c.origins);
            let rank = (!c.present && c.required, !c.present, share);
            if best.as_ref().is_none_or(|(_, r)| rank > *r) {
                best = Some((c, rank));
            }
        }
        best.map(|(c, _)| c)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryPresence {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub group: String,
    /// One of the city's required basic types: counts toward the basic points.
    pub required: bool,
    /// One of the quality types: counts toward the quality points.
    pub graded: bool,
    pub ring_minutes: u32,
    pub reached: u32,
    pub origins: u32,
    /// reached ÷ origins in percent, for display; `None` with no origins.
    pub percent: Option<f64>,
    pub present: bool,
}

/// A circle type as a result carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeRef {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub stars: u8,
}

impl From<&GradeType> for TypeRef {
    fn from(t: &GradeType) -> Self {
        TypeRef {
            code: t.code.clone(),
            name_zh: t.name_zh.clone(),
            name_en: t.name_en.clone(),
            stars: t.stars,
        }
    }
}

/// Present when the category is within its ring of at least the set share of the origins; a
/// circle with no origins has nothing present.
pub fn is_present(coverage: Coverage, min_origin_percent: u32) -> bool {
    SurveyRules::reaches(
        coverage.reached.into(),
        coverage.origins.into(),
        min_origin_percent,
    )
}

pub fn facilities(
    rules: &Rules,
    grade: &GradeRules,
    coverage: &BTreeMap<String, Coverage>,
) -> Facilities {
    let f = &grade.facilities;
    let min_percent = grade.presence.min_origin_percent;
    let groups = [&f.basic_group, &f.quality_group];
    let categories: Vec<CategoryPresence> = rules
        .categories
        .iter()
        .filter(|c| groups.contains(&&c.group))
        .map(|c| presence(rules, c, coverage, min_percent))
        .collect();

    let counts = |group: &str, counted: fn(&CategoryPresence) -> bool| {
        let of_group = categories.iter().filter(|c| c.group == group && counted(c));
        let total = of_group.clone().count() as u32;
        (total, of_group.filter(|c| c.present).count() as u32)
    };
    let (required_total, required_present) = counts(&f.basic_group, |c| c.required);
    let (_, quality_present) = counts(&f.quality_group, |c| c.graded);

    let missing = required_total - required_present;
    let basic_points = f.basic_points.saturating_sub(f.basic_deduction * missing);
    let quality_points = (f.quality_points_per_type * quality_present).min(f.quality_max);
    let total = basic_points + quality_points;
    Facilities {
        min_origin_percent: min_percent,
        categories,
        required_total,
        required_present,
        basic_points,
        basic_max: f.basic_points,
        quality_present,
        quality_points,
        quality_max: f.quality_max,
        total,
        initial_type: grade.type_for(total).map(TypeRef::from),
    }
}

fn presence(
    rules: &Rules,
    c: &Category,
    coverage: &BTreeMap<String, Coverage>,
    min_percent: u32,
) -> CategoryPresence {
    let cov = coverage.get(&c.code).copied().unwrap_or_default();
    CategoryPresence {
        code: c.code.clone(),
        name_zh: c.name_zh.clone(),
        name_en: c.name_en.clone(),
        group: c.group.clone(),
        required: c.required,
        graded: c.graded,
        ring_minutes: rules.ring_minutes(&c.code),
        reached: cov.reached,
        origins: cov.origins,
        percent: (cov.origins > 0).then(|| f64::from(cov.reached) * 100.0 / f64::from(cov.origins)),
        present: is_present(cov, min_percent),
    }
}
