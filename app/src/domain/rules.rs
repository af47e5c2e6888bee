//! The rules file: categories (业态), repair kinds (小修小补), stacked services (一店多能), the
//! walking rings and speeds. Loaded from TOML by the server, served as JSON to the client.
//!
//! Errors name the line of the file, both for TOML syntax and for content that parses but makes
//! no sense (an unknown group, a duplicate code, a colour that is not `#rrggbb`…).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use toml::Spanned;

/// The rules that ship with the app (`app/rules.toml`).
pub const DEFAULT_RULES_TOML: &str = include_str!("../../rules.toml");

/// The validated rules, as served by `GET /api/rules`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub version: u32,
    pub walking: Walking,
    pub rings: Rings,
    pub hours: HoursRules,
    pub survey: SurveyRules,
    pub groups: BTreeMap<String, Group>,
    pub shortcuts: Shortcuts,
    pub repair_map: RepairMap,
    pub categories: Vec<Category>,
    pub repair_kinds: Vec<Kind>,
    pub services: Vec<Kind>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Walking {
    pub speed_kmh: f64,
    pub elderly_speed_kmh: f64,
    pub minute_choices: Vec<u32>,
    /// Farther than this from any street, a point is outside the network's area (metres).
    pub max_snap_m: f64,
    /// Isochrone rings: reached streets widened by this much on each side (metres).
    pub ring_buffer_m: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rings {
    pub doorstep_minutes: u32,
    pub around_home_minutes: u32,
}

/// Opening hours as the client shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursRules {
    /// An open outlet closing within this many minutes is shown as closing soon: a resident
    /// about to walk there should know (1 to 240).
    pub closes_soon_minutes: u32,
}

impl HoursRules {
    /// The closing-soon margin in seconds, as `open_state` takes it.
    pub fn closes_soon_s(&self) -> i64 {
        i64::from(self.closes_soon_minutes) * 60
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name_zh: String,
    pub name_en: String,
    /// Which ring the group's outlets belong in: `doorstep` or `around_home`.
    pub ring: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shortcuts {
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepairMap {
    /// The category whose outlets the 小修小补 map shows.
    pub category: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub code: String,
    pub group: String,
    /// One of the city's required basic types (必备业态).
    #[serde(default)]
    pub required: bool,
    /// One of the quality types counted by the 有没有 score.
    #[serde(default)]
    pub graded: bool,
    pub name_zh: String,
    pub name_en: String,
    pub color: String,
    pub glyph: String,
}

/// A repair kind or a stacked service: same shape, different lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub color: String,
    pub glyph: String,
}

/// The satisfaction survey's yardsticks (好不好 items 2 and 3). Percentages are whole numbers so
/// a threshold compares exactly (satisfied × 100 ≥ percent × answered), with no float edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyRules {
    /// A round's sample is valid from this share of the service population (3%).
    pub sample_percent: u32,
    /// The satisfaction goal (综合满意度 ≥ 90%).
    pub target_percent: u32,
    /// Points for a rate, highest band first; below every band, 0.
    pub points: Vec<PointsBand>,
    /// The points an item can earn at most (16).
    pub max_points: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsBand {
    pub min_percent: u32,
    pub points: u32,
}

impl SurveyRules {
    /// Responses needed for a valid sample: 3% of the population, rounded up.
    pub fn sample_target(&self, population: u64) -> u64 {
        (population * self.sample_percent as u64).div_ceil(100)
    }

    /// Whether `satisfied` of `answered` reaches `percent` (exact integer comparison).
    pub fn reaches(satisfied: u64, answered: u64, percent: u32) -> bool {
        answered > 0 && satisfied * 100 >= percent as u64 * answered
    }

    /// Points for a rate; 0 when the sample is invalid or nothing was answered.
    pub fn points_for(&self, satisfied: u64, answered: u64, sample_valid: bool) -> u32 {
        if !sample_valid {
            return 0;
        }
        self.points
            .iter()
            .find(|b| Self::reaches(satisfied, answered, b.min_percent))
            .map_or(0, |b| b.points)
    }

    /// (key at fault, message)
    fn check(&self) -> Result<(), (&'static str, String)> {
        if self.sample_percent == 0 || self.sample_percent > 100 {
            return Err((
                "sample_percent",
                format!(
                    "survey.sample_percent must be between 1 and 100, not {}",
                    self.sample_percent
                ),
            ));
        }
        if self.target_percent == 0 || self.target_percent > 100 {
            return Err((
                "target_percent",
                format!(
                    "survey.target_percent must be between 1 and 100, not {}",
                    self.target_percent
                ),
            ));
        }
        let ordered = self
            .points
            .windows(2)
            .all(|w| w[0].min_percent > w[1].min_percent && w[0].points > w[1].points);
        let in_range = self
            .points
            .iter()
            .all(|b| b.min_percent <= 100 && b.points <= self.max_points);
        if self.points.is_empty() || !ordered || !in_range {
            return Err((
                "points",
                "survey.points must list bands from the highest min_percent down, each with fewer points than the one before, percentages at most 100 and points at most max_points".to_string(),
            ));
        }
        Ok(())
    }
}

/// A rules file that cannot be used, with the line (1-based) where the problem is.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesError {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "rules file, line {line}: {}", self.message),
            None => write!(f, "rules file: {}", self.message),
        }
    }
}

impl std::error::Error for RulesError {}

/// The file as written, with spans kept so that content errors can name their line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    version: Spanned<u32>,
    walking: Spanned<Walking>,
    rings: Spanned<Rings>,
    hours: Spanned<HoursRules>,
    survey: Spanned<SurveyRules>,
    groups: BTreeMap<String, Spanned<Group>>,
    shortcuts: Spanned<Shortcuts>,
    repair_map: Spanned<RepairMap>,
    categories: Vec<Spanned<Category>>,
    repair_kinds: Vec<Spanned<Kind>>,
    services: Vec<Spanned<Kind>>,
    /// The circle grade's rules live in the same file but are read by `grade::GradeRules`:
    /// `Rules` goes to the phone map as JSON and must not carry them.
    #[serde(default, rename = "grade")]
    _grade: Option<serde::de::IgnoredAny>,
    /// Likewise the bounds for circles staff draw (`circle_edit::CircleRules`).
    #[serde(default, rename = "circles")]
    _circles: Option<serde::de::IgnoredAny>,
}

pub(crate) fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

/// The line of `key = …` in the table whose header `span` covers (toml gives a table's span as
/// its header only), or the header's line when the key is not written there (a default).
pub(crate) fn key_line(source: &str, span: std::ops::Range<usize>, key: &str) -> usize {
    let start = span.end.min(source.len());
    let mut offset = start;
    for line in source[start..].split_inclusive('\n') {
        let rest = line.trim_start();
        if rest.starts_with('[') {
            break;
        }
        if rest
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with('='))
        {
            return line_of(source, offset);
        }
        offset += line.len();
    }
    line_of(source, span.start)
}

impl Rules {
    /// The rules bundled with the app. They are checked by a unit test, so this cannot fail in
    /// a build that passed its tests.
    pub fn bundled() -> Rules {
        Rules::from_toml(DEFAULT_RULES_TOML).expect("bundled rules.toml is valid")
    }

    pub fn from_toml(source: &str) -> Result<Rules, RulesError> {
        let file: RulesFile = toml::from_str(source).map_err(|e| RulesError {
            line: e.span().map(|s| line_of(source, s.start)),
            message: e.message().trim().to_string(),
        })?;
        // `key`: the field at fault, so the error names its own line.
        let err = |span: std::ops::Range<usize>, key: &str, message: String| RulesError {
            line: Some(key_line(source, span, key)),
            message,
        };

        if *file.version.get_ref() != 1 {
            return Err(err(
                file.version.span(),
                "version",
                format!(
                    "unsupported version {} (this build reads version 1)",
                    file.version.get_ref()
                ),
            ));
        }

        let w = file.walking.get_ref();
        if !(w.speed_kmh > 0.5 && w.speed_kmh < 10.0) {
            return Err(err(
                file.walking.span(),
                "speed_kmh",
                format!(
                    "walking.speed_kmh must be between 0.5 and 10 km/h, not {}",
                    w.speed_kmh
                ),
            ));
        }
        if !(w.elderly_speed_kmh > 0.5 && w.elderly_speed_kmh <= w.speed_kmh) {
            return Err(err(
                file.walking.span(),
                "elderly_speed_kmh",
                format!(
                    "walking.elderly_speed_kmh must be above 0.5 km/h and not faster than speed_kmh ({}), not {}",
                    w.speed_kmh, w.elderly_speed_kmh
                ),
            ));
        }
        if w.minute_choices.is_empty() || w.minute_choices.iter().any(|&m| m == 0 || m > 60) {
            return Err(err(
                file.walking.span(),
                "minute_choices",
                "walking.minute_choices must list minutes between 1 and 60".to_string(),
            ));
        }

        if !(w.max_snap_m > 0.0 && w.max_snap_m <= 5000.0) {
            return Err(err(
                file.walking.span(),
                "max_snap_m",
                format!(
                    "walking.max_snap_m must be between 0 and 5000 m, not {}",
                    w.max_snap_m
                ),
            ));
        }
        if !(w.ring_buffer_m > 0.0 && w.ring_buffer_m <= 500.0) {
            return Err(err(
                file.walking.span(),
                "ring_buffer_m",
                format!(
                    "walking.ring_buffer_m must be between 0 and 500 m, not {}",
                    w.ring_buffer_m
                ),
            ));
        }

        let r = file.rings.get_ref();
        if r.doorstep_minutes == 0 || r.doorstep_minutes >= r.around_home_minutes {
            return Err(err(
                file.rings.span(),
                "doorstep_minutes",
                format!(
                    "rings.doorstep_minutes ({}) must be above 0 and below rings.around_home_minutes ({})",
                    r.doorstep_minutes, r.around_home_minutes
                ),
            ));
        }

        let h = file.hours.get_ref();
        if h.closes_soon_minutes == 0 || h.closes_soon_minutes > 240 {
            return Err(err(
                file.hours.span(),
                "closes_soon_minutes",
                format!(
                    "hours.closes_soon_minutes must be between 1 and 240, not {}",
                    h.closes_soon_minutes
                ),
            ));
        }

        file.survey
            .get_ref()
            .check()
            .map_err(|(key, message)| err(file.survey.span(), key, message))?;

        for (code, group) in &file.groups {
            let ring = &group.get_ref().ring;
            if ring != "doorstep" && ring != "around_home" {
                return Err(err(
                    group.span(),
                    "ring",
                    format!("group '{code}': ring must be \"doorstep\" or \"around_home\", not \"{ring}\""),
                ));
            }
        }

        check_entries("categories", &file.categories, source, |c| {
            (&c.code, &c.name_zh, &c.name_en, &c.color, &c.glyph)
        })?;
        check_entries("repair_kinds", &file.repair_kinds, source, kind_fields)?;
        check_entries("services", &file.services, source, kind_fields)?;

        for c in &file.categories {
            let cat = c.get_ref();
            if !file.groups.contains_key(&cat.group) {
                let known: Vec<&str> = file.groups.keys().map(String::as_str).collect();
                return Err(err(
                    c.span(),
                    "group",
                    format!(
                        "category '{}': unknown group '{}' (known groups: {})",
                        cat.code,
                        cat.group,
                        known.join(", ")
                    ),
                ));
            }
        }

        let category_codes: HashSet<&str> = file
            .categories
            .iter()
            .map(|c| c.get_ref().code.as_str())
            .collect();
        for code in &file.shortcuts.get_ref().categories {
            if !category_codes.contains(code.as_str()) {
                return Err(err(
                    file.shortcuts.span(),
                    "categories",
                    format!("shortcuts: unknown category '{code}'"),
                ));
            }
        }
        let repair = &file.repair_map.get_ref().category;
        if !category_codes.contains(repair.as_str()) {
            return Err(err(
                file.repair_map.span(),
                "category",
                format!("repair_map.category: unknown category '{repair}'"),
            ));
        }

        Ok(Rules {
            version: file.version.into_inner(),
            walking: file.walking.into_inner(),
            rings: file.rings.into_inner(),
            hours: file.hours.into_inner(),
            survey: file.survey.into_inner(),
            groups: file
                .groups
                .into_iter()
                .map(|(k, v)| (k, v.into_inner()))
                .collect(),
            shortcuts: file.shortcuts.into_inner(),
            repair_map: file.repair_map.into_inner(),
            categories: file
                .categories
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            repair_kinds: file
                .repair_kinds
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            services: file.services.into_iter().map(Spanned::into_inner).collect(),
        })
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    pub fn repair_kind(&self, code: &str) -> Option<&Kind> {
        self.repair_kinds.iter().find(|k| k.code == code)
    }

    pub fn service(&self, code: &str) -> Option<&Kind> {
        self.services.iter().find(|k| k.code == code)
    }

    /// The walk within which a category belongs: its group's ring (basic: doorstep, 10 min;
    /// quality: around home, 15 min). Unknown categories get the wider ring.
    pub fn ring_minutes(&self, category: &str) -> u32 {
        let ring = self
            .category(category)
            .and_then(|c| self.groups.get(&c.group))
            .map(|g| g.ring.as_str());
        match ring {
            Some("doorstep") => self.rings.doorstep_minutes,
            _ => self.rings.around_home_minutes,
        }
    }

    /// Walking speed in metres per second.
    pub fn walking_speed_mps(&self, elderly: bool) -> f64 {
        let kmh = if elderly {
            self.walking.elderly_speed_kmh
        } else {
            self.walking.speed_kmh
        };
        kmh / 3.6
    }
}

type EntryFields<'a> = (&'a String, &'a String, &'a String, &'a String, &'a String);

fn kind_fields(k: &Kind) -> EntryFields<'_> {
    (&k.code, &k.name_zh, &k.name_en, &k.color, &k.glyph)
}

/// Checks what categories, repair kinds and services share: codes unique and URL-safe, names
/// present, a `#rrggbb` colour, a one-character glyph.
fn check_entries<T>(
    list: &str,
    entries: &[Spanned<T>],
    source: &str,
    fields: impl Fn(&T) -> EntryFields<'_>,
) -> Result<(), RulesError> {
    if entries.is_empty() {
        return Err(RulesError {
            line: None,
            message: format!("[[{list}]] is empty; at least one entry is needed"),
        });
    }
    let mut seen = HashSet::new();
    for entry in entries {
        let (code, name_zh, name_en, color, glyph) = fields(entry.get_ref());
        let fail = |key: &str, message: String| RulesError {
            line: Some(key_line(source, entry.span(), key)),
            message: format!("{list} '{code}': {message}"),
        };
        let code_ok = code.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !code_ok {
            return Err(fail(
                "code",
                "code must be lower-case ASCII letters, digits and '_'".into(),
            ));
        }
        if !seen.insert(code.clone()) {
            return Err(fail("code", "duplicate code".into()));
        }
        if name_zh.trim().is_empty() || name_en.trim().is_empty() {
            return Err(fail(
                "name_zh",
                "name_zh and name_en must not be empty".into(),
            ));
        }
        let color_ok = color.len() == 7
            && color.starts_with('#')
            && color[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !color_ok {
            return Err(fail(
                "color",
                format!("color must look like #1a2b3c, not \"{color}\""),
            ));
        }
        if glyph.chars().count() != 1 {
            return Err(fail(
                "glyph",
                format!("glyph must be exactly one character, not \"{glyph}\""),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_load_with_the_domain_content() {
        let rules = Rules::from_toml(DEFAULT_RULES_TOML).unwrap();
        assert_eq!(rules.walking.speed_kmh, 4.5);
        assert_eq!(rules.walking.elderly_speed_kmh, 3.6);
        assert_eq!(rules.rings.doorstep_minutes, 10);
        assert_eq!(rules.rings.around_home_minutes, 15);
        assert_eq!(rules.hours.closes_soon_minutes, 30);
        assert_eq!(rules.hours.closes_soon_s(), 1800);
        let required = rules.categories.iter().filter(|c| c.required).count();
        assert_eq!(required, 15, "五十问 Q34 names 15 required basic types");
        let graded: Vec<_> = rules.categories.iter().filter(|c| c.graded).collect();
        assert_eq!(graded.len(), 8, "the 8 quality types of Q35");
        assert!(graded.iter().all(|c| c.group == "quality"));
        for kind in [
            "shoe",
            "key",
            "locksmith",
            "watch",
            "phone",
            "appliance",
            "tailoring",
            "bicycle",
        ] {
            assert!(rules.repair_kind(kind).is_some(), "repair kind {kind}");
        }
        assert_eq!(rules.services.len(), 7);
        assert_eq!(rules.shortcuts.categories.len(), 6, "六个一");
        assert_eq!(rules.category("pharmacy").unwrap().name_zh, "药店");
        assert!((rules.walking_speed_mps(false) - 1.25).abs() < 1e-9);
        assert_eq!(rules.walking.max_snap_m, 300.0);
        assert_eq!(rules.ring_minutes("breakfast"), 10);
        assert_eq!(rules.ring_minutes("fitness"), 15);
        assert!(broken("max_snap_m = 300", "max_snap_m = -1")
            .message
            .contains("max_snap_m"));
    }

    #[test]
    fn rules_round_trip_through_json_for_the_client() {
        let rules = Rules::bundled();
        let json = serde_json::to_string(&rules).unwrap();
        let back: Rules = serde_json::from_str(&json).unwrap();
        assert_eq!(rules, back);
    }

    fn broken(from: &str, to: &str) -> RulesError {
        assert!(
            DEFAULT_RULES_TOML.contains(from),
            "fixture text {from:?} not in rules.toml"
        );
        Rules::from_toml(&DEFAULT_RULES_TOML.replacen(from, to, 1)).unwrap_err()
    }

    fn line_containing(needle: &str) -> usize {
        DEFAULT_RULES_TOML
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    }

    #[test]
    fn syntax_error_names_its_line() {
        let e = broken("glyph = \"药\"", "glyph = \"药");
        assert_eq!(e.line, Some(line_containing("glyph = \"药\"")));
        assert!(e
            .to_string()
            .starts_with(&format!("rules file, line {}:", e.line.unwrap())));
    }

    #[test]
    fn misspelt_key_names_its_line() {
        let e = broken("name_en = \"Pharmacy\"", "name_eng = \"Pharmacy\"");
        assert_eq!(e.line, Some(line_containing("name_en = \"Pharmacy\"")));
        assert!(e.message.contains("name_eng"), "{e}");
    }

    #[test]
    fn unknown_group_names_the_category_and_its_line() {
        let e = broken(
            "code = \"laundry\"\ngroup = \"basic\"",
            "code = \"laundry\"\ngroup = \"basc\"",
        );
        assert!(
            e.message.contains("'laundry'") && e.message.contains("'basc'"),
            "{e}"
        );
        let line = e.line.unwrap();
        let header = line_containing("code = \"laundry\"") - 1;
        assert!(
            (header..header + 3).contains(&line),
            "line {line} is not the laundry entry"
        );
    }

    #[test]
    fn content_errors_name_the_line_of_the_field() {
        let e = broken("color = \"#0b7285\"", "color = \"teal\"");
        assert_eq!(e.line, Some(line_containing("color = \"#0b7285\"")));
        let e = broken("speed_kmh = 4.5", "speed_kmh = 45");
        assert_eq!(e.line, Some(line_containing("speed_kmh = 4.5")));
        let e = broken("doorstep_minutes = 10", "doorstep_minutes = 20");
        assert_eq!(e.line, Some(line_containing("doorstep_minutes = 10")));
    }

    #[test]
    fn closing_soon_minutes_must_be_sensible() {
        let line = line_containing("closes_soon_minutes = 30");
        for bad in ["0", "241", "1000"] {
            let e = broken(
                "closes_soon_minutes = 30",
                &format!("closes_soon_minutes = {bad}"),
            );
            assert_eq!(e.line, Some(line), "{e}");
            assert!(
                e.message.contains("hours.closes_soon_minutes") && e.message.contains(bad),
                "{e}"
            );
        }
        // Negative is not a u32: a TOML error, on the same line.
        let e = broken("closes_soon_minutes = 30", "closes_soon_minutes = -5");
        assert_eq!(e.line, Some(line), "{e}");
        for ok in ["1", "240"] {
            let text = DEFAULT_RULES_TOML.replacen(
                "closes_soon_minutes = 30",
                &format!("closes_soon_minutes = {ok}"),
                1,
            );
            let rules = Rules::from_toml(&text).unwrap();
            assert_eq!(rules.hours.closes_soon_minutes.to_string(), ok);
        }
        // The section is required, like the others.
        let text = DEFAULT_RULES_TOML.replacen("[hours]\n", "", 1).replacen(
            "closes_soon_minutes = 30\n",
            "",
            1,
        );
        let e = Rules::from_toml(&text).unwrap_err();
        assert!(e.message.contains("missing field `hours`"), "{e}");
    }

    #[test]
    fn content_errors_are_caught() {
        assert!(broken("color = \"#0b7285\"", "color = \"teal\"")
            .message
            .contains("#1a2b3c"));
        assert!(broken("glyph = \"药\"", "glyph = \"药店\"")
            .message
            .contains("one character"));
        assert!(broken("code = \"pharmacy\"", "code = \"laundry\"")
            .message
            .contains("duplicate"));
        assert!(broken("speed_kmh = 4.5", "speed_kmh = 45")
            .message
            .contains("speed_kmh"));
        assert!(broken("doorstep_minutes = 10", "doorstep_minutes = 20")
            .message
            .contains("doorstep_minutes"));
        assert!(broken(
            "\"elderly_care\", \"childcare\"]",
            "\"elderly_care\", \"nursery\"]"
        )
        .message
        .contains("'nursery'"));
        assert!(broken("version = 1", "version = 2")
            .message
            .contains("version 2"));
    }
}
