//! Step 2, 好不好: the 10 items, each part scored from staff entries, the survey or the outlets,
//! with the rule and the data behind it so an inspector can check every point.

use super::facts::{CircleFacts, SurveyFacts};
use super::points::Points;
use super::rules::{GradeBand, GradeRules, Item, Part, Source, SurveyRate};
use super::text::percent;
use super::{outlet_parts, staff};
use crate::domain::rules::Rules;
use crate::domain::survey::SurveyRules;
use serde::{Deserialize, Serialize};

/// The 好不好 table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub items: Vec<ItemScore>,
    pub total: Points,
    pub max: Points,
    pub band: BandRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandRef {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub min_points: Points,
}

impl From<&GradeBand> for BandRef {
    fn from(b: &GradeBand) -> Self {
        BandRef {
            code: b.code.clone(),
            name_zh: b.name_zh.clone(),
            name_en: b.name_en.clone(),
            min_points: b.min_points,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    pub no: u8,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub max: Points,
    pub points: Points,
    pub parts: Vec<PartScore>,
}

/// Who supplies a part's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartKind {
    Staff,
    Computed,
    Survey,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartScore {
    /// "item.part": the key staff entries use.
    pub key: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub source: PartKind,
    pub max: Points,
    pub points: Points,
    /// The rule, written from the rules' numbers.
    pub rule_zh: String,
    pub rule_en: String,
    /// The data behind the points (counts and names, or the staff note).
    pub evidence_zh: String,
    pub evidence_en: String,
    /// Staff parts: whether staff have entered it (until then it scores 0). Others: false.
    pub entered: bool,
    /// Staff parts: the attachment's reference, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<String>,
}

/// A part's points with its rule and evidence, before the names are added.
pub(super) struct Scored {
    pub points: Points,
    pub rule: (String, String),
    pub evidence: (String, String),
}

pub fn service(rules: &Rules, grade: &GradeRules, facts: &CircleFacts) -> Service {
    let items: Vec<ItemScore> = grade
        .items
        .iter()
        .map(|item| item_score(rules, grade, item, facts))
        .collect();
    let total = items.iter().map(|i| i.points).sum();
    Service {
        max: items.iter().map(|i| i.max).sum(),
        band: grade.band_for(total).into(),
        total,
        items,
    }
}

fn item_score(rules: &Rules, grade: &GradeRules, item: &Item, facts: &CircleFacts) -> ItemScore {
    let parts: Vec<PartScore> = item
        .parts
        .iter()
        .map(|part| part_score(rules, grade, item, part, facts))
        .collect();
    ItemScore {
        no: item.no,
        code: item.code.clone(),
        name_zh: item.name_zh.clone(),
        name_en: item.name_en.clone(),
        max: item.max,
        points: parts.iter().map(|p| p.points).sum(),
        parts,
    }
}

fn part_score(
    rules: &Rules,
    grade: &GradeRules,
    item: &Item,
    part: &Part,
    facts: &CircleFacts,
) -> PartScore {
    let key = format!("{}.{}", item.code, part.code);
    let entry = facts.staff.get(&key).filter(|_| part.source.is_staff());
    let (kind, scored) = match &part.source {
        Source::Staff { .. } => (PartKind::Staff, staff::score(part, entry)),
        Source::Survey(rate) => (
            PartKind::Survey,
            survey_part(&rules.survey, *rate, facts.survey.as_ref()),
        ),
        _ => (
            PartKind::Computed,
            outlet_parts::score(rules, grade, part, facts),
        ),
    };
    PartScore {
        key,
        code: part.code.clone(),
        name_zh: part.name_zh.clone(),
        name_en: part.name_en.clone(),
        source: kind,
        max: part.max,
        // A rules change may lower a maximum below an old entry; never score above it.
        points: scored.points.min(part.max),
        rule_zh: scored.rule.0,
        rule_en: scored.rule.1,
        evidence_zh: scored.evidence.0,
        evidence_en: scored.evidence.1,
        entered: entry.is_some(),
        attachment: entry.and_then(|e| e.evidence.clone()),
    }
}

/// Items 2 and 3: the survey's points for the rate (`SurveyRules::points_for`).
fn survey_part(sr: &SurveyRules, rate: SurveyRate, survey: Option<&SurveyFacts>) -> Scored {
    let bands_zh: Vec<String> = sr
        .points
        .iter()
        .map(|b| format!("≥{}% 得 {} 分", b.min_percent, b.points))
        .collect();
    let bands_en: Vec<String> = sr
        .points
        .iter()
        .map(|b| format!("≥{}%: {}", b.min_percent, b.points))
        .collect();
    let rule = (
        format!(
            "满意率{}，否则 0 分；样本须达服务人口的 {}%",
            bands_zh.join("，"),
            sr.sample_percent
        ),
        format!(
            "satisfaction {}; else 0; the sample must reach {}% of the population",
            bands_en.join("; "),
            sr.sample_percent
        ),
    );
    let Some(s) = survey else {
        return Scored {
            points: Points::ZERO,
            rule,
            evidence: ("尚无满意度调查".into(), "no survey round yet".into()),
        };
    };
    let (satisfied, answered) = match rate {
        SurveyRate::Business => s.business,
        SurveyRate::Service => s.service,
    };
    let sample = (
        format!("样本 {} / {} 份", s.responses, s.sample_target),
        format!("sample {} of {} responses", s.responses, s.sample_target),
    );
    let evidence = if !s.sample_valid {
        (
            format!("{}，样本不足，不计分", sample.0),
            format!("{}: too small, no points", sample.1),
        )
    } else if answered == 0 {
        (
            format!("尚无作答（{}）", sample.0),
            format!("no answers yet ({})", sample.1),
        )
    } else {
        let pct = percent(satisfied, answered);
        (
            format!("满意 {satisfied} / {answered} = {pct}（{}）", sample.0),
            format!("satisfied {satisfied} of {answered} = {pct} ({})", sample.1),
        )
    };
    Scored {
        points: Points::whole(sr.points_for(satisfied, answered, s.sample_valid)),
        rule,
        evidence,
    }
}
