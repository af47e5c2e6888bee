//! Fixtures for the grade's tests: the bundled rules, and a circle built up fact by fact. Every
//! expected score is computed by hand in the test's comments.

mod facilities;
mod outlet_parts;
mod points;
mod rules_file;
mod service;
mod staff;
mod verdict;

use super::*;
use crate::domain::outlet::{Outlet, OutletSource, PriceItem};
use crate::domain::rules::{Rules, DEFAULT_RULES_TOML};
use std::collections::BTreeMap;

pub(super) fn setup() -> (Rules, GradeRules) {
    let rules = Rules::bundled();
    let grade = GradeRules::bundled(&rules);
    (rules, grade)
}

/// The facts of one circle, owned; `facts()` lends them as `CircleFacts`.
pub(super) struct Circle {
    pub city_tier: u8,
    pub coverage: BTreeMap<String, Coverage>,
    pub outlets: Vec<Outlet>,
    pub survey: Option<SurveyFacts>,
    pub staff: BTreeMap<String, StaffEntry>,
    pub census: Option<u32>,
}

impl Circle {
    pub fn empty() -> Circle {
        Circle {
            city_tier: 1,
            coverage: BTreeMap::new(),
            outlets: Vec::new(),
            survey: None,
            staff: BTreeMap::new(),
            census: None,
        }
    }

    pub fn facts(&self) -> CircleFacts<'_> {
        CircleFacts {
            city_tier: self.city_tier,
            coverage: &self.coverage,
            outlets: &self.outlets,
            survey: self.survey,
            staff: &self.staff,
            census_outlets: self.census,
        }
    }

    /// Marks categories as reached from `reached` of `origins` street nodes.
    pub fn cover(&mut self, codes: &[&str], reached: u32, origins: u32) {
        for code in codes {
            self.coverage
                .insert(code.to_string(), Coverage { reached, origins });
        }
    }

    /// A staff entry of `tenths` for the part `key`.
    pub fn enter(&mut self, key: &str, tenths: u32) {
        self.staff
            .insert(key.to_string(), entry(tenths, "现场核查"));
    }

    /// Every part entered at full marks, a valid survey at 90%, and outlets that earn full marks
    /// on items 4, 5's repair kinds, 7 and 9: 好不好 = 100.
    pub fn model(grade: &GradeRules) -> Circle {
        let mut c = Circle::empty();
        for item in &grade.items {
            for part in item.parts.iter().filter(|p| p.source.is_staff()) {
                c.enter(&format!("{}.{}", item.code, part.code), part.max.tenths());
            }
        }
        // 81 / 90 = 90.0% and 90 / 100 = 90.0%: 16 each.
        c.survey = Some(SurveyFacts {
            business: (81, 90),
            service: (90, 100),
            sample_valid: true,
            responses: 150,
            sample_target: 150,
        });
        // Two branded 24-hour stores carrying 7 distinct services between them (print_copy
        // twice), one delivering: store services 4, retail delivery 1.
        let mut a = outlet("convenience");
        a.services = codes(&[
            "print_copy",
            "bill_payment",
            "parcel",
            "housekeeping_booking",
        ]);
        a.open_24h = true;
        a.brand = Some("全家".into());
        a.delivers = Some(true);
        let mut b = outlet("supermarket");
        b.services = codes(&["laundry_booking", "breakfast", "fresh_food", "print_copy"]);
        b.open_24h = true;
        b.brand = Some("联华".into());
        // A breakfast shop with 8 kinds that delivers: 4 + 1.
        let mut breakfast = outlet("breakfast");
        breakfast.prices = prices(&[
            "油条",
            "豆浆",
            "包子",
            "馒头",
            "粢饭团",
            "咸豆花",
            "馄饨",
            "粥",
        ]);
        breakfast.delivers = Some(true);
        // A repair stall with all 8 kinds of the full count: 5.
        let mut repair = outlet("repair");
        repair.repair_kinds = codes(&[
            "shoe",
            "key",
            "locksmith",
            "watch",
            "phone",
            "appliance",
            "tailoring",
            "bicycle",
        ]);
        // Chain: 2 of 4 = 50% ≥ 30% (tier 1): 6. On the map: 4 of a census of 4: 2.
        c.outlets = vec![a, b, breakfast, repair];
        c.census = Some(4);
        c
    }
}

pub(super) fn entry(tenths: u32, note: &str) -> StaffEntry {
    StaffEntry {
        points: Points(tenths),
        note: note.to_string(),
        evidence: None,
    }
}

pub(super) fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub(super) fn prices(items: &[&str]) -> Vec<PriceItem> {
    items
        .iter()
        .map(|item| PriceItem {
            item: item.to_string(),
            price_fen: 300,
        })
        .collect()
}

pub(super) fn outlet(category: &str) -> Outlet {
    Outlet {
        name: None,
        name_en: None,
        category: category.to_string(),
        repair_kinds: vec![],
        services: vec![],
        prices: vec![],
        opening_hours: None,
        phone: None,
        address: None,
        brand: None,
        delivers: None,
        open_24h: false,
        source: OutletSource::Merchant,
        osm_ref: None,
        lon: 121.44,
        lat: 31.24,
    }
}

/// The codes of the required basic categories (15) and the graded quality ones (8).
pub(super) fn required_and_graded(rules: &Rules) -> (Vec<&str>, Vec<&str>) {
    let of = |keep: fn(&crate::domain::rules::Category) -> bool| {
        rules
            .categories
            .iter()
            .filter(|c| keep(c))
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>()
    };
    (of(|c| c.required), of(|c| c.graded))
}

pub(super) fn part<'a>(g: &'a Grade, key: &str) -> &'a PartScore {
    g.service
        .items
        .iter()
        .flat_map(|i| &i.parts)
        .find(|p| p.key == key)
        .unwrap_or_else(|| panic!("no part {key}"))
}

/// The bundled file with one edit (the text must be there).
pub(super) fn edited(from: &str, to: &str) -> String {
    assert!(
        DEFAULT_RULES_TOML.contains(from),
        "fixture text {from:?} not in rules.toml"
    );
    DEFAULT_RULES_TOML.replacen(from, to, 1)
}

pub(super) fn line_containing(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not found"))
}
