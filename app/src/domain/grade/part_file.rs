//! A part as the rules file writes it: `source` says where its points come from, and only that
//! source's own keys (its thresholds) may stand beside it.

use super::points::{self, Points};
use super::rules::{KindsBand, Source, StoreBand, SurveyRate};
use super::rules_file::Fault;
use crate::domain::rules::Rules;
use serde::Deserialize;

/// A part as written: `source` picks which of the optional keys it uses (checked in
/// `part_source`), so that each source keeps its thresholds beside it in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PartFile {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(deserialize_with = "points::from_file")]
    pub max: Points,
    source: String,
    #[serde(default, deserialize_with = "points::optional_list_from_file")]
    choices: Option<Vec<Points>>,
    guide_zh: Option<String>,
    guide_en: Option<String>,
    store_categories: Option<Vec<String>>,
    breakfast_categories: Option<Vec<String>>,
    retail_categories: Option<Vec<String>>,
    bands: Option<Vec<BandFile>>,
    full_kinds: Option<u32>,
    min_kinds: Option<u32>,
    #[serde(default, deserialize_with = "optional_points")]
    deduction: Option<Points>,
    min_percent: Option<u32>,
}

/// A band of `store_services` (services + open_24h) or `breakfast_kinds` (kinds).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BandFile {
    services: Option<u32>,
    open_24h: Option<u32>,
    kinds: Option<u32>,
    #[serde(deserialize_with = "points::from_file")]
    points: Points,
}

fn optional_points<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Points>, D::Error> {
    points::from_file(d).map(Some)
}

const SOURCES: &str = "staff, survey_business, survey_service, store_services, breakfast_kinds, \
breakfast_delivery, retail_delivery, repair_kinds, chain_rate, on_map_share";

/// The part's source with its own keys, and only those.
pub(super) fn part_source(p: &PartFile, rules: &Rules) -> Result<Source, Fault> {
    let written = [
        ("choices", p.choices.is_some()),
        ("guide_zh", p.guide_zh.is_some()),
        ("guide_en", p.guide_en.is_some()),
        ("store_categories", p.store_categories.is_some()),
        ("breakfast_categories", p.breakfast_categories.is_some()),
        ("retail_categories", p.retail_categories.is_some()),
        ("bands", p.bands.is_some()),
        ("full_kinds", p.full_kinds.is_some()),
        ("min_kinds", p.min_kinds.is_some()),
        ("deduction", p.deduction.is_some()),
        ("min_percent", p.min_percent.is_some()),
    ];
    let own: &[&str] = match p.source.as_str() {
        "staff" => &["choices", "guide_zh", "guide_en"],
        "survey_business" | "survey_service" | "chain_rate" => &[],
        "store_services" => &["store_categories", "bands"],
        "breakfast_kinds" => &["breakfast_categories", "bands"],
        "breakfast_delivery" => &["breakfast_categories"],
        "retail_delivery" => &["retail_categories"],
        "repair_kinds" => &["full_kinds", "min_kinds", "deduction"],
        "on_map_share" => &["min_percent"],
        other => {
            return Err((
                "source",
                format!("unknown source \"{other}\" (known: {SOURCES})"),
            ))
        }
    };
    if let Some((key, _)) = written.iter().find(|(k, set)| *set && !own.contains(k)) {
        return Err((
            key,
            format!("`{key}` is not used by source \"{}\"", p.source),
        ));
    }
    let needs = |key: &'static str| (key, format!("source \"{}\" needs `{key}`", p.source));
    let categories =
        |key: &'static str, list: &Option<Vec<String>>| -> Result<Vec<String>, Fault> {
            let list = list.clone().ok_or_else(|| needs(key))?;
            if list.is_empty() {
                return Err((key, format!("`{key}` must name at least one category")));
            }
            match list.iter().find(|c| rules.category(c).is_none()) {
                Some(c) => Err((key, format!("unknown category '{c}'"))),
                None => Ok(list),
            }
        };
    let max = p.max;
    Ok(match p.source.as_str() {
        "staff" => {
            if let Some(choices) = &p.choices {
                let ascending = choices.windows(2).all(|w| w[0] < w[1]);
                if choices.last() != Some(&max) || !ascending {
                    return Err((
                        "choices",
                        format!("choices must rise to max ({max}), each above the one before"),
                    ));
                }
            }
            Source::Staff {
                choices: p.choices.clone(),
                guide_zh: p.guide_zh.clone(),
                guide_en: p.guide_en.clone(),
            }
        }
        "survey_business" | "survey_service" => {
            // The survey's bands give the points; the part cannot promise more or less.
            if max != Points::whole(rules.survey.max_points) {
                return Err((
                    "max",
                    format!(
                        "max must equal survey.max_points ({})",
                        rules.survey.max_points
                    ),
                ));
            }
            Source::Survey(if p.source == "survey_business" {
                SurveyRate::Business
            } else {
                SurveyRate::Service
            })
        }
        "store_services" => {
            let categories = categories("store_categories", &p.store_categories)?;
            let bands = p.bands.as_ref().ok_or_else(|| needs("bands"))?;
            let bands: Vec<StoreBand> = bands
                .iter()
                .map(|b| match (b.services, b.open_24h, b.kinds) {
                    (Some(services), Some(open_24h), None) => Ok(StoreBand {
                        services,
                        open_24h,
                        points: b.points,
                    }),
                    _ => Err((
                        "bands",
                        "each band needs `services`, `open_24h` and `points`".to_string(),
                    )),
                })
                .collect::<Result<_, _>>()?;
            let stricter = bands.windows(2).all(|w| {
                w[0].services >= w[1].services
                    && w[0].open_24h >= w[1].open_24h
                    && (w[0].services, w[0].open_24h) != (w[1].services, w[1].open_24h)
            });
            check_bands(bands.iter().map(|b| b.points), stricter, max)?;
            Source::StoreServices { categories, bands }
        }
        "breakfast_kinds" => {
            let categories = categories("breakfast_categories", &p.breakfast_categories)?;
            let bands = p.bands.as_ref().ok_or_else(|| needs("bands"))?;
            let bands: Vec<KindsBand> = bands
                .iter()
                .map(|b| match (b.services, b.open_24h, b.kinds) {
                    (None, None, Some(kinds)) => Ok(KindsBand {
                        kinds,
                        points: b.points,
                    }),
                    _ => Err(("bands", "each band needs `kinds` and `points`".to_string())),
                })
                .collect::<Result<_, _>>()?;
            let stricter = bands.windows(2).all(|w| w[0].kinds > w[1].kinds);
            check_bands(bands.iter().map(|b| b.points), stricter, max)?;
            Source::BreakfastKinds { categories, bands }
        }
        "breakfast_delivery" => Source::Delivery {
            categories: categories("breakfast_categories", &p.breakfast_categories)?,
        },
        "retail_delivery" => Source::Delivery {
            categories: categories("retail_categories", &p.retail_categories)?,
        },
        "repair_kinds" => {
            let full_kinds = p.full_kinds.ok_or_else(|| needs("full_kinds"))?;
            let min_kinds = p.min_kinds.ok_or_else(|| needs("min_kinds"))?;
            let deduction = p.deduction.ok_or_else(|| needs("deduction"))?;
            if full_kinds == 0 || min_kinds > full_kinds {
                return Err((
                    "full_kinds",
                    "full_kinds must be above 0 and at least min_kinds".into(),
                ));
            }
            if deduction == Points::ZERO || deduction > max {
                return Err((
                    "deduction",
                    "deduction must be above 0 and at most max".into(),
                ));
            }
            Source::RepairKinds {
                full_kinds,
                min_kinds,
                deduction,
            }
        }
        "chain_rate" => Source::ChainRate,
        "on_map_share" => {
            let min_percent = p.min_percent.ok_or_else(|| needs("min_percent"))?;
            if !(1..=100).contains(&min_percent) {
                return Err((
                    "min_percent",
                    "min_percent must be between 1 and 100".into(),
                ));
            }
            Source::OnMapShare { min_percent }
        }
        _ => unreachable!("unknown sources returned above"),
    })
}

/// Bands: at least one, stricter first with fewer points each, the first worth the part's max.
fn check_bands(
    points: impl Iterator<Item = Points>,
    stricter_first: bool,
    max: Points,
) -> Result<(), Fault> {
    let list: Vec<Points> = points.collect();
    let falling = list.windows(2).all(|w| w[0] > w[1]);
    if list.first() != Some(&max) || !falling || !stricter_first {
        return Err((
            "bands",
            format!(
                "bands must go from the strictest (worth max, {max}) down, each easier and worth fewer points"
            ),
        ));
    }
    Ok(())
}
