//! The grade's rules: the `[grade]` table of the rules file, checked against the rest of it.
//! Kept apart from `Rules` on purpose: `Rules` is sent to the phone map as JSON, and the map has
//! no use for them. Parsing and checks live in `rules_file` (parts: `part_file`).

use super::points::{self, Points};
use crate::domain::rules::{Rules, RulesError, DEFAULT_RULES_TOML};
use serde::Deserialize;

/// The validated `[grade]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRules {
    pub presence: PresenceRules,
    pub suggestions: SuggestionRules,
    pub facilities: FacilityRules,
    /// 品质型, 提升型, 基础型: highest first; below the last, not graded.
    pub types: Vec<GradeType>,
    /// 优秀, 良好, 合格, 不合格: highest first; the last starts at 0.
    pub bands: Vec<GradeBand>,
    /// The band 好不好 must reach for the 有没有 type to stand (合格).
    pub pass_band: String,
    pub chain: ChainRules,
    pub staff_entry: StaffEntryRules,
    /// The 10 好不好 items, in the official order.
    pub items: Vec<Item>,
}

/// When a category counts as present in a circle.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresenceRules {
    /// Present when an outlet of it is within its ring of at least this share of the circle's
    /// representative origins (its street nodes).
    pub min_origin_percent: u32,
}

/// The gap map's "add one here" suggestions (精准补建网点).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestionRules {
    /// How many places to suggest, best first.
    pub picks: usize,
    /// Candidate places: the circle's street nodes, one per square cell of this many metres.
    pub candidate_cell_m: f64,
}

/// 有没有: 60 for the required basic types, 40 for the quality types.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityRules {
    /// The rules' group whose `required` categories earn the basic points.
    pub basic_group: String,
    /// The rules' group whose `graded` categories earn the quality points.
    pub quality_group: String,
    #[serde(deserialize_with = "points::from_file")]
    pub basic_points: Points,
    /// Taken off `basic_points` per missing required category, down to 0.
    #[serde(deserialize_with = "points::from_file")]
    pub basic_deduction: Points,
    #[serde(deserialize_with = "points::from_file")]
    pub quality_points_per_type: Points,
    #[serde(deserialize_with = "points::from_file")]
    pub quality_max: Points,
}

/// A circle type (基础型/提升型/品质型 = 三星/四星/五星).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeType {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub stars: u8,
    /// 有没有 points from which a circle is of this type.
    #[serde(deserialize_with = "points::from_file")]
    pub min_points: Points,
}

/// A 好不好 band (优秀/良好/合格/不合格).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(deserialize_with = "points::from_file")]
    pub min_points: Points,
}

/// Item 7: the chain share a city must reach, by city tier.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainRules {
    /// Ascending tiers; a city of a tier not listed uses the last ("every other city").
    pub tiers: Vec<ChainTier>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainTier {
    pub tier: u8,
    pub min_percent: u32,
}

impl ChainRules {
    /// The tier a city's threshold comes from.
    pub fn tier_for(&self, city_tier: u8) -> &ChainTier {
        self.tiers
            .iter()
            .find(|t| t.tier == city_tier)
            .or(self.tiers.last())
            .expect("checked: at least one chain tier")
    }
}

/// Limits on what staff type in, so a record stays printable on the report.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffEntryRules {
    pub note_max_chars: usize,
    pub evidence_max_chars: usize,
}

/// One 好不好 item (问需, 业态满意, … 商居和谐).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub no: u8,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The sum of its parts' maxima.
    pub max: Points,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub max: Points,
    pub source: Source,
}

/// Where a part's points come from, with the numbers its rule needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Entered by staff with a note: any tenth from 0 to max, or only `choices`. The guide says
    /// what the points mean (达标 8, 基本达标 4…).
    Staff {
        choices: Option<Vec<Points>>,
        guide_zh: Option<String>,
        guide_en: Option<String>,
    },
    /// Points from the survey's rate by `[survey]` (items 2 and 3).
    Survey(SurveyRate),
    /// Stores (outlets of `categories`) with enough distinct services between them and enough
    /// open 24 h; the first band reached scores.
    StoreServices {
        categories: Vec<String>,
        bands: Vec<StoreBand>,
    },
    /// Distinct price-list items of the breakfast outlets; the first band reached scores.
    BreakfastKinds {
        categories: Vec<String>,
        bands: Vec<KindsBand>,
    },
    /// Full points when some outlet of `categories` delivers.
    Delivery { categories: Vec<String> },
    /// Distinct repair kinds of the repair category's outlets: full at `full_kinds`, less
    /// `deduction` per kind short; fewer than `min_kinds`, 0.
    RepairKinds {
        full_kinds: u32,
        min_kinds: u32,
        deduction: Points,
    },
    /// Branded outlets' share against the city tier's threshold (`[grade.chain]`).
    ChainRate,
    /// Outlets on the map against the staff-entered census.
    OnMapShare { min_percent: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyRate {
    /// 业态满意率.
    Business,
    /// 服务满意率.
    Service,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreBand {
    pub services: u32,
    pub open_24h: u32,
    #[serde(deserialize_with = "points::from_file")]
    pub points: Points,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindsBand {
    pub kinds: u32,
    #[serde(deserialize_with = "points::from_file")]
    pub points: Points,
}

impl Source {
    pub fn is_staff(&self) -> bool {
        matches!(self, Source::Staff { .. })
    }
}

impl GradeRules {
    /// The grade rules bundled with the app, checked against the bundled `Rules` by a unit test.
    pub fn bundled(rules: &Rules) -> GradeRules {
        GradeRules::from_toml(DEFAULT_RULES_TOML, rules).expect("bundled [grade] is valid")
    }

    /// The part a staff entry key ("item.part", e.g. "harmony.harmony") names.
    pub fn part(&self, key: &str) -> Option<(&Item, &Part)> {
        let (item, part) = key.split_once('.')?;
        let item = self.items.iter().find(|i| i.code == item)?;
        item.parts
            .iter()
            .find(|p| p.code == part)
            .map(|p| (item, p))
    }

    /// The type 有没有 points earn (`None`: below the last type).
    pub fn type_for(&self, points: Points) -> Option<&GradeType> {
        self.types.iter().find(|t| points >= t.min_points)
    }

    /// The band 好不好 points earn; the last band starts at 0, so there is always one.
    pub fn band_for(&self, points: Points) -> &GradeBand {
        self.bands
            .iter()
            .find(|b| points >= b.min_points)
            .or(self.bands.last())
            .expect("checked: at least one band")
    }

    /// The band 好不好 must reach.
    pub fn pass(&self) -> &GradeBand {
        self.bands
            .iter()
            .find(|b| b.code == self.pass_band)
            .expect("checked: pass_band names a band")
    }

    pub fn from_toml(source: &str, rules: &Rules) -> Result<GradeRules, RulesError> {
        super::rules_file::parse(source, rules)
    }
}
