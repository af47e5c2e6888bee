//! Reading the `[grade]` table: serde for the shapes, then the checks serde cannot make (order,
//! sums, codes known to the rest of the rules). Every error names its line, as `Rules` does.

use super::part_file::{part_source, PartFile};
use super::points::{self, Points};
use super::rules::{
    ChainRules, FacilityRules, GradeBand, GradeRules, GradeType, Item, Part, PresenceRules,
    StaffEntryRules, SuggestionRules,
};
use crate::domain::rules::{key_line, line_of, Rules, RulesError};
use serde::Deserialize;
use std::collections::HashSet;
use std::ops::Range;
use toml::Spanned;

/// The whole file as the grade sees it: only `grade`; the other tables are `Rules`' business.
#[derive(Deserialize)]
struct File {
    grade: Spanned<GradeFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GradeFile {
    pass_band: String,
    presence: Spanned<PresenceRules>,
    suggestions: Spanned<SuggestionRules>,
    facilities: Spanned<FacilityRules>,
    types: Vec<Spanned<GradeType>>,
    bands: Vec<Spanned<GradeBand>>,
    chain: Spanned<ChainRules>,
    staff_entry: Spanned<StaffEntryRules>,
    items: Vec<Spanned<ItemFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemFile {
    no: u8,
    code: String,
    name_zh: String,
    name_en: String,
    #[serde(deserialize_with = "points::from_file")]
    max: Points,
    parts: Vec<Spanned<PartFile>>,
}
/// (key at fault, message): the caller knows the table's span and turns it into a line.
pub(super) type Fault = (&'static str, String);
pub(super) fn parse(source: &str, rules: &Rules) -> Result<GradeRules, RulesError> {
    let file: File = toml::from_str(source).map_err(|e| RulesError {
        line: e.span().map(|s| line_of(source, s.start)),
        message: e.message().trim().to_string(),
    })?;
    let err = |span: Range<usize>, (key, message): Fault| RulesError {
        line: Some(key_line(source, span, key)),
        message,
    };
    let grade_span = file.grade.span();
    let g = file.grade.into_inner();

    let presence = &g.presence;
    if !(1..=100).contains(&presence.get_ref().min_origin_percent) {
        return Err(err(
            presence.span(),
            (
                "min_origin_percent",
                format!(
                    "grade.presence.min_origin_percent must be between 1 and 100, not {}",
                    presence.get_ref().min_origin_percent
                ),
            ),
        ));
    }
    let sg = g.suggestions.get_ref();
    if !(1..=10).contains(&sg.picks) || !(5.0..=500.0).contains(&sg.candidate_cell_m) {
        return Err(err(
            g.suggestions.span(),
            (
                "suggestions",
                format!(
                    "grade.suggestions: picks must be 1–10 and candidate_cell_m 5–500 m, not {} and {}",
                    sg.picks, sg.candidate_cell_m
                ),
            ),
        ));
    }
    check_facilities(g.facilities.get_ref(), rules).map_err(|f| err(g.facilities.span(), f))?;
    for (list, empty) in [("types", g.types.is_empty()), ("bands", g.bands.is_empty())] {
        if empty {
            return Err(err(
                grade_span.clone(),
                (
                    list,
                    format!("[[grade.{list}]] is empty; at least one is needed"),
                ),
            ));
        }
    }
    check_steps("types", &g.types, |t| {
        (&t.code, &t.name_zh, &t.name_en, t.min_points)
    })
    .map_err(|(span, f)| err(span, f))?;
    for pair in g.types.windows(2) {
        let (a, b) = (pair[0].get_ref(), pair[1].get_ref());
        if a.stars <= b.stars {
            return Err(err(
                pair[1].span(),
                (
                    "stars",
                    format!(
                        "grade.types '{}': stars must be fewer than '{}' above it",
                        b.code, a.code
                    ),
                ),
            ));
        }
    }
    if let Some(t) = g
        .types
        .iter()
        .find(|t| !(1..=5).contains(&t.get_ref().stars))
    {
        return Err(err(
            t.span(),
            (
                "stars",
                format!("grade.types '{}': stars must be 1 to 5", t.get_ref().code),
            ),
        ));
    }
    check_steps("bands", &g.bands, |b| {
        (&b.code, &b.name_zh, &b.name_en, b.min_points)
    })
    .map_err(|(span, f)| err(span, f))?;
    let last_band = g.bands.last().expect("checked: not empty");
    if last_band.get_ref().min_points != Points::ZERO {
        return Err(err(
            last_band.span(),
            (
                "min_points",
                "grade.bands: the last band (不合格) must start at 0 so every score has a band"
                    .to_string(),
            ),
        ));
    }
    if !g.bands.iter().any(|b| b.get_ref().code == g.pass_band) {
        return Err(err(
            grade_span,
            (
                "pass_band",
                format!(
                    "grade.pass_band: no band '{}' in [[grade.bands]]",
                    g.pass_band
                ),
            ),
        ));
    }
    check_chain(g.chain.get_ref()).map_err(|f| err(g.chain.span(), f))?;
    let staff = g.staff_entry.get_ref();
    if staff.note_max_chars == 0 || staff.evidence_max_chars == 0 {
        return Err(err(
            g.staff_entry.span(),
            (
                "note_max_chars",
                "grade.staff_entry: note_max_chars and evidence_max_chars must be above 0"
                    .to_string(),
            ),
        ));
    }

    let items = items(&g.items, rules, &err)?;
    let total: Points = items.iter().map(|i| i.max).sum();
    if total != Points::whole(100) {
        // No one item is at fault: name the first item's header.
        let first = g.items.first().map_or(grade_span, |i| i.span());
        return Err(RulesError {
            line: Some(line_of(source, first.start)),
            message: format!("grade.items: the items' maxima add up to {total}, not 100"),
        });
    }

    Ok(GradeRules {
        presence: g.presence.into_inner(),
        suggestions: g.suggestions.into_inner(),
        facilities: g.facilities.into_inner(),
        types: g.types.into_iter().map(Spanned::into_inner).collect(),
        bands: g.bands.into_iter().map(Spanned::into_inner).collect(),
        pass_band: g.pass_band,
        chain: g.chain.into_inner(),
        staff_entry: g.staff_entry.into_inner(),
        items,
    })
}

fn check_facilities(f: &FacilityRules, rules: &Rules) -> Result<(), Fault> {
    for (key, group) in [
        ("basic_group", &f.basic_group),
        ("quality_group", &f.quality_group),
    ] {
        if !rules.groups.contains_key(group) {
            return Err((
                key,
                format!("grade.facilities.{key}: unknown group '{group}'"),
            ));
        }
    }
    if !rules
        .categories
        .iter()
        .any(|c| c.required && c.group == f.basic_group)
    {
        return Err((
            "basic_group",
            format!(
                "grade.facilities: no category of group '{}' is marked required",
                f.basic_group
            ),
        ));
    }
    if f.basic_points + f.quality_max != Points::whole(100) {
        return Err((
            "basic_points",
            format!(
                "grade.facilities: basic_points ({}) and quality_max ({}) must add up to 100",
                f.basic_points, f.quality_max
            ),
        ));
    }
    if f.basic_deduction == Points::ZERO || f.basic_deduction > f.basic_points {
        return Err((
            "basic_deduction",
            "grade.facilities.basic_deduction must be above 0 and at most basic_points".into(),
        ));
    }
    if f.quality_points_per_type == Points::ZERO || f.quality_points_per_type > f.quality_max {
        return Err((
            "quality_points_per_type",
            "grade.facilities.quality_points_per_type must be above 0 and at most quality_max"
                .into(),
        ));
    }
    Ok(())
}

/// Types and bands: named, unique codes, thresholds at most 100 and strictly falling.
fn check_steps<T>(
    list: &str,
    steps: &[Spanned<T>],
    fields: impl Fn(&T) -> (&String, &String, &String, Points),
) -> Result<(), (Range<usize>, Fault)> {
    let mut seen = HashSet::new();
    let mut above: Option<Points> = None;
    for step in steps {
        let (code, name_zh, name_en, min) = fields(step.get_ref());
        let fault = |key: &'static str, message: String| {
            Err((
                step.span(),
                (key, format!("grade.{list} '{code}': {message}")),
            ))
        };
        if !code_ok(code) || !seen.insert(code) {
            return fault(
                "code",
                "code must be unique lower-case ASCII, digits and '_'".into(),
            );
        }
        if name_zh.trim().is_empty() || name_en.trim().is_empty() {
            return fault("name_zh", "name_zh and name_en must not be empty".into());
        }
        if min > Points::whole(100) || above.is_some_and(|a| min >= a) {
            return fault(
                "min_points",
                "min_points must be at most 100 and below the one before (highest first)".into(),
            );
        }
        above = Some(min);
    }
    Ok(())
}

fn check_chain(c: &ChainRules) -> Result<(), Fault> {
    let ascending = c.tiers.windows(2).all(|w| w[0].tier < w[1].tier);
    let in_range = c.tiers.iter().all(|t| (1..=100).contains(&t.min_percent));
    if c.tiers.is_empty() || !ascending || !in_range {
        return Err((
            "tiers",
            "grade.chain.tiers must list city tiers in ascending order, each with a min_percent from 1 to 100".into(),
        ));
    }
    Ok(())
}

fn items(
    files: &[Spanned<ItemFile>],
    rules: &Rules,
    err: &impl Fn(Range<usize>, Fault) -> RulesError,
) -> Result<Vec<Item>, RulesError> {
    let mut items = Vec::new();
    let mut codes = HashSet::new();
    for (i, spanned) in files.iter().enumerate() {
        let f = spanned.get_ref();
        let fail = |key: &'static str, message: String| {
            err(
                spanned.span(),
                (key, format!("grade.items '{}': {message}", f.code)),
            )
        };
        if usize::from(f.no) != i + 1 {
            return Err(fail("no", format!("no must be {} (items in order)", i + 1)));
        }
        if !code_ok(&f.code) || !codes.insert(&f.code) {
            return Err(fail(
                "code",
                "code must be unique lower-case ASCII, digits and '_'".into(),
            ));
        }
        if f.name_zh.trim().is_empty() || f.name_en.trim().is_empty() {
            return Err(fail(
                "name_zh",
                "name_zh and name_en must not be empty".into(),
            ));
        }
        if f.parts.is_empty() {
            return Err(fail(
                "max",
                "an item needs at least one [[grade.items.parts]]".into(),
            ));
        }
        let mut parts = Vec::new();
        let mut part_codes = HashSet::new();
        for p in &f.parts {
            let part = p.get_ref();
            let in_part = |(key, message): Fault| {
                err(
                    p.span(),
                    (
                        key,
                        format!("grade.items '{}', part '{}': {message}", f.code, part.code),
                    ),
                )
            };
            if !code_ok(&part.code) || !part_codes.insert(&part.code) {
                return Err(in_part((
                    "code",
                    "code must be unique in the item, lower-case ASCII, digits and '_'".into(),
                )));
            }
            if part.name_zh.trim().is_empty() || part.name_en.trim().is_empty() {
                return Err(in_part((
                    "name_zh",
                    "name_zh and name_en must not be empty".into(),
                )));
            }
            if part.max == Points::ZERO {
                return Err(in_part(("max", "max must be above 0".into())));
            }
            parts.push(Part {
                code: part.code.clone(),
                name_zh: part.name_zh.clone(),
                name_en: part.name_en.clone(),
                max: part.max,
                source: part_source(part, rules).map_err(in_part)?,
            });
        }
        let sum: Points = parts.iter().map(|p| p.max).sum();
        if sum != f.max {
            return Err(fail(
                "max",
                format!("max is {} but its parts' maxima add up to {sum}", f.max),
            ));
        }
        items.push(Item {
            no: f.no,
            code: f.code.clone(),
            name_zh: f.name_zh.clone(),
            name_en: f.name_en.clone(),
            max: f.max,
            parts,
        });
    }
    Ok(items)
}
fn code_ok(code: &str) -> bool {
    code.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
