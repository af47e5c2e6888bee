//! The parts computed from the circle's outlets on the map (items 4, 5's repair kinds, 7 and 9's
//! "on the map" share). Each returns its points with the rule and the data behind them.

use super::facts::CircleFacts;
use super::points::Points;
use super::rules::{GradeRules, KindsBand, Part, Source, StoreBand};
use super::service::Scored;
use super::text::{self, category_names, list_after, percent};
use crate::domain::outlet::Outlet;
use crate::domain::rules::{Kind, Rules};
use crate::domain::survey::SurveyRules;

pub(super) fn score(rules: &Rules, grade: &GradeRules, part: &Part, facts: &CircleFacts) -> Scored {
    let outlets = facts.outlets;
    match &part.source {
        Source::StoreServices { categories, bands } => {
            store_services(rules, categories, bands, outlets)
        }
        Source::BreakfastKinds { categories, bands } => {
            breakfast_kinds(rules, categories, bands, outlets)
        }
        Source::Delivery { categories } => delivery(rules, categories, part.max, outlets),
        Source::RepairKinds {
            full_kinds,
            min_kinds,
            deduction,
        } => repair_kinds(
            rules,
            (*full_kinds, *min_kinds, *deduction),
            part.max,
            outlets,
        ),
        Source::ChainRate => chain_rate(grade, facts.city_tier, part.max, outlets),
        Source::OnMapShare { min_percent } => {
            on_map_share(*min_percent, part.max, outlets, facts.census_outlets)
        }
        Source::Staff { .. } | Source::Survey(_) => unreachable!("scored elsewhere"),
    }
}

fn of_categories<'a>(outlets: &'a [Outlet], categories: &'a [String]) -> Vec<&'a Outlet> {
    outlets
        .iter()
        .filter(|o| categories.contains(&o.category))
        .collect()
}

/// Distinct codes in the order of the rules' list, unknown codes after it: names for display.
fn kind_names<'a>(
    kinds: &[Kind],
    codes: impl Iterator<Item = &'a String>,
) -> (Vec<String>, Vec<String>) {
    let mut distinct: Vec<&String> = Vec::new();
    for code in codes {
        if !distinct.contains(&code) {
            distinct.push(code);
        }
    }
    let position = |c: &String| {
        kinds
            .iter()
            .position(|k| &k.code == c)
            .unwrap_or(usize::MAX)
    };
    distinct.sort_by_key(|c| position(c));
    distinct
        .into_iter()
        .map(|c| match kinds.iter().find(|k| &k.code == c) {
            Some(k) => (k.name_zh.clone(), k.name_en.clone()),
            None => (c.clone(), c.clone()),
        })
        .unzip()
}

/// Item 4, 一店: the stores' distinct services together (S) and stores open 24 h (H).
fn store_services(
    rules: &Rules,
    categories: &[String],
    bands: &[StoreBand],
    outlets: &[Outlet],
) -> Scored {
    let stores = of_categories(outlets, categories);
    let (zh, en) = kind_names(&rules.services, stores.iter().flat_map(|o| &o.services));
    let services = zh.len() as u32;
    let open_24h = stores.iter().filter(|o| o.open_24h).count() as u32;
    let points = bands
        .iter()
        .find(|b| services >= b.services && open_24h >= b.open_24h)
        .map_or(Points::ZERO, |b| b.points);
    let (cats_zh, cats_en) = category_names(rules, categories);
    // The first band spelt out, the easier ones after it in short.
    let (bands_zh, bands_en): (Vec<String>, Vec<String>) = bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (s, h, p) = (b.services, b.open_24h, b.points);
            if i == 0 {
                (
                    format!("服务合计 ≥{s} 项且 24 小时营业 ≥{h} 家得 {p} 分"),
                    format!("≥{s} services together and ≥{h} open 24 h: {p}"),
                )
            } else {
                (
                    format!("≥{s} 项且 ≥{h} 家得 {p} 分"),
                    format!("≥{s} and ≥{h}: {p}"),
                )
            }
        })
        .unzip();
    let (list_zh, list_en) = list_after(&zh, &en);
    Scored {
        points,
        rule: (
            format!("门店（{cats_zh}）{}；否则 0 分", bands_zh.join("；")),
            format!("stores ({cats_en}) with {}; else 0", bands_en.join("; ")),
        ),
        evidence: (
            format!(
                "门店 {} 家，服务 {services} 项{list_zh}；24 小时营业 {open_24h} 家",
                stores.len()
            ),
            format!(
                "{} stores, {services} services{list_en}; {open_24h} open 24 h",
                stores.len()
            ),
        ),
    }
}

/// Item 4, 一早: distinct price-list items (trimmed) of the breakfast outlets.
fn breakfast_kinds(
    rules: &Rules,
    categories: &[String],
    bands: &[KindsBand],
    outlets: &[Outlet],
) -> Scored {
    let mut kinds: Vec<String> = Vec::new();
    for item in of_categories(outlets, categories)
        .into_iter()
        .flat_map(|o| &o.prices)
    {
        let name = item.item.trim();
        if !name.is_empty() && !kinds.iter().any(|k| k == name) {
            kinds.push(name.to_string());
        }
    }
    let count = kinds.len() as u32;
    let points = bands
        .iter()
        .find(|b| count >= b.kinds)
        .map_or(Points::ZERO, |b| b.points);
    let (cats_zh, cats_en) = category_names(rules, categories);
    let bands_zh: Vec<String> = bands
        .iter()
        .map(|b| format!("≥{} 种得 {} 分", b.kinds, b.points))
        .collect();
    let bands_en: Vec<String> = bands
        .iter()
        .map(|b| format!("≥{}: {}", b.kinds, b.points))
        .collect();
    // Price-list items are the merchants' own words: one language for both.
    let (list_zh, list_en) = list_after(&kinds, &kinds);
    Scored {
        points,
        rule: (
            format!(
                "早餐品种（{cats_zh}价目表）{}，否则 0 分",
                bands_zh.join("，")
            ),
            format!(
                "breakfast kinds (price lists of {cats_en}) {}; else 0",
                bands_en.join("; ")
            ),
        ),
        evidence: (
            format!("{count} 种{list_zh}"),
            format!("{count} kinds{list_en}"),
        ),
    }
}

/// Item 4's delivery parts: full points when some outlet of the categories delivers.
fn delivery(rules: &Rules, categories: &[String], max: Points, outlets: &[Outlet]) -> Scored {
    let of = of_categories(outlets, categories);
    let delivering = of.iter().filter(|o| o.delivers == Some(true)).count();
    let (cats_zh, cats_en) = category_names(rules, categories);
    Scored {
        points: if delivering > 0 { max } else { Points::ZERO },
        rule: (
            format!("{cats_zh}中有网点外送得 {max} 分"),
            format!("an outlet among {cats_en} delivers: {max}"),
        ),
        evidence: (
            format!("{delivering} / {} 家外送", of.len()),
            format!("{delivering} of {} deliver", of.len()),
        ),
    }
}

/// Item 5, 一修: distinct repair kinds of the repair category's outlets. Full at `full`, less
/// `deduction` per kind short, floor 0; under `min` kinds (no repair service at all), 0.
fn repair_kinds(
    rules: &Rules,
    (full, min, deduction): (u32, u32, Points),
    max: Points,
    outlets: &[Outlet],
) -> Scored {
    let repair = std::slice::from_ref(&rules.repair_map.category);
    let (zh, en) = kind_names(
        &rules.repair_kinds,
        of_categories(outlets, repair)
            .into_iter()
            .flat_map(|o| &o.repair_kinds),
    );
    let count = zh.len() as u32;
    let points = if count < min {
        Points::ZERO
    } else {
        max.saturating_sub(deduction * full.saturating_sub(count))
    };
    let (min_zh, min_en) = if min > 0 {
        (
            format!("；不足 {min} 种得 0 分"),
            format!("; fewer than {min}: 0"),
        )
    } else {
        Default::default()
    };
    let (list_zh, list_en) = list_after(&zh, &en);
    Scored {
        points,
        rule: (
            format!("≥{full} 种维修项目得 {max} 分，每少一种扣 {deduction} 分{min_zh}"),
            format!("{full} or more repair kinds: {max}; −{deduction} per kind short{min_en}"),
        ),
        evidence: (
            format!("{count} 种{list_zh}"),
            format!("{count} kinds{list_en}"),
        ),
    }
}

/// Item 7: branded outlets (a non-blank brand) over all the circle's outlets, against the city
/// tier's threshold.
fn chain_rate(grade: &GradeRules, city_tier: u8, max: Points, outlets: &[Outlet]) -> Scored {
    let tier = grade.chain.tier_for(city_tier);
    let branded = outlets
        .iter()
        .filter(|o| o.brand.as_deref().is_some_and(|b| !b.trim().is_empty()))
        .count() as u64;
    let all = outlets.len() as u64;
    let passes = SurveyRules::reaches(branded, all, tier.min_percent);
    let tiers_zh: Vec<String> = grade
        .chain
        .tiers
        .iter()
        .map(|t| format!("{} 档 {}%", t.tier, t.min_percent))
        .collect();
    let tiers_en: Vec<String> = grade
        .chain
        .tiers
        .iter()
        .map(|t| format!("{}: {}%", t.tier, t.min_percent))
        .collect();
    let pct = percent(branded, all);
    Scored {
        points: if passes { max } else { Points::ZERO },
        rule: (
            format!(
                "品牌连锁网点占比 ≥{}% 得 {max} 分（本市按第 {} 档；各档城市：{}）",
                tier.min_percent,
                tier.tier,
                tiers_zh.join("、")
            ),
            format!(
                "chain outlets' share ≥{}%: {max} (this city: tier {}; tiers {})",
                tier.min_percent,
                tier.tier,
                tiers_en.join(", ")
            ),
        ),
        evidence: (
            format!("品牌连锁 {branded} / {all} = {pct}"),
            format!("chain outlets {branded} of {all} = {pct}"),
        ),
    }
}

/// Item 9's "on the map": outlets on the map over the staff's census of all outlets.
fn on_map_share(min_percent: u32, max: Points, outlets: &[Outlet], census: Option<u32>) -> Scored {
    let rule = (
        format!("地图上的网点占网点总数 ≥{min_percent}% 得 {max} 分"),
        format!("outlets on the map ≥{min_percent}% of the outlet census: {max}"),
    );
    let on_map = outlets.len() as u64;
    let Some(census) = census else {
        return Scored {
            points: Points::ZERO,
            rule,
            evidence: ("未录入网点总数".into(), "no outlet census entered".into()),
        };
    };
    let census = u64::from(census);
    let pct = text::percent(on_map, census);
    Scored {
        points: if SurveyRules::reaches(on_map, census, min_percent) {
            max
        } else {
            Points::ZERO
        },
        rule,
        evidence: (
            format!("地图上 {on_map} / 网点总数 {census} = {pct}"),
            format!("{on_map} on the map of {census} in the census = {pct}"),
        ),
    }
}
