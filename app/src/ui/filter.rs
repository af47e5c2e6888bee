//! What each map shows: which outlets pass the current view and chip, how their markers look,
//! the chip order and the legend rows. Plain functions over the domain types, so they are
//! tested on the host.

use super::i18n::pick;
use super::route::{Route, View};
use crate::domain::{Outlet, Rules};

/// The look of a category or repair kind: a glyph in a circle of its colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Badge {
    pub code: String,
    pub name: String,
    /// Background for a white glyph, darkened where needed so the glyph meets WCAG AA.
    pub color: String,
    pub glyph: String,
}

impl Badge {
    fn new(code: &str, name: &str, color: &str, glyph: &str) -> Badge {
        Badge {
            code: code.to_string(),
            name: name.to_string(),
            color: readable_on_white_text(color),
            glyph: glyph.to_string(),
        }
    }

    fn unknown(code: &str) -> Badge {
        Badge::new(code, code, "#495057", "?")
    }
}

pub fn category_badge(rules: &Rules, code: &str) -> Badge {
    rules.category(code).map_or_else(
        || Badge::unknown(code),
        |c| Badge::new(&c.code, pick(&c.name_zh, &c.name_en), &c.color, &c.glyph),
    )
}

pub fn kind_badge(rules: &Rules, code: &str) -> Badge {
    rules.repair_kind(code).map_or_else(
        || Badge::unknown(code),
        |k| Badge::new(&k.code, pick(&k.name_zh, &k.name_en), &k.color, &k.glyph),
    )
}

/// The chips after "全部": for the circle map the 六个一 shortcuts first, then the other basic
/// categories, then the rest; for the repair map every repair kind.
pub fn chips(rules: &Rules, view: View) -> Vec<Badge> {
    match view {
        View::Circle => {
            let shortcuts = &rules.shortcuts.categories;
            let mut rest: Vec<_> = rules
                .categories
                .iter()
                .filter(|c| !shortcuts.contains(&c.code))
                .collect();
            // Stable: keeps the rules' order inside each group.
            rest.sort_by_key(|c| c.group != "basic");
            shortcuts
                .iter()
                .map(|code| category_badge(rules, code))
                .chain(rest.iter().map(|c| category_badge(rules, &c.code)))
                .collect()
        }
        View::Repair => rules
            .repair_kinds
            .iter()
            .map(|k| kind_badge(rules, &k.code))
            .collect(),
    }
}

/// What a search looks through for one outlet: its names and brand, and the names (Chinese
/// and English) of its category, repair kinds and services.
pub fn search_texts(rules: &Rules, outlet: &Outlet) -> Vec<String> {
    let mut texts: Vec<String> = [&outlet.name, &outlet.name_en, &outlet.brand]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    if let Some(c) = rules.category(&outlet.category) {
        texts.extend([c.name_zh.clone(), c.name_en.clone()]);
    }
    for k in outlet
        .repair_kinds
        .iter()
        .filter_map(|k| rules.repair_kind(k))
    {
        texts.extend([k.name_zh.clone(), k.name_en.clone()]);
    }
    for s in outlet.services.iter().filter_map(|s| rules.service(s)) {
        texts.extend([s.name_zh.clone(), s.name_en.clone()]);
    }
    texts
}

/// The route's filter if the rules know it for that view; an unknown code means "all".
pub fn effective_filter<'a>(rules: &Rules, route: &'a Route) -> Option<&'a str> {
    let code = route.filter.as_deref()?;
    let known = match route.view {
        View::Circle => rules.category(code).is_some(),
        View::Repair => rules.repair_kind(code).is_some(),
    };
    known.then_some(code)
}

pub fn shows(rules: &Rules, route: &Route, outlet: &Outlet) -> bool {
    let filter = effective_filter(rules, route);
    match route.view {
        View::Circle => filter.is_none_or(|code| outlet.category == code),
        View::Repair => {
            outlet.category == rules.repair_map.category
                && filter.is_none_or(|kind| outlet.repair_kinds.iter().any(|k| k == kind))
        }
    }
}

/// The marker of an outlet: its category on the circle map; on the repair map the chosen
/// repair kind, or else the outlet's first one.
pub fn marker_badge(rules: &Rules, route: &Route, outlet: &Outlet) -> Badge {
    if route.view == View::Repair {
        let kind =
            effective_filter(rules, route).or(outlet.repair_kinds.first().map(String::as_str));
        if let Some(kind) = kind {
            return kind_badge(rules, kind);
        }
    }
    category_badge(rules, &outlet.category)
}

/// One legend row per marker look on the map, with how many markers have it, in chip order.
pub fn legend<'a>(
    rules: &Rules,
    route: &Route,
    shown: impl IntoIterator<Item = &'a Outlet>,
) -> Vec<(Badge, usize)> {
    let mut rows: Vec<(Badge, usize)> = chips(rules, route.view)
        .into_iter()
        .map(|b| (b, 0))
        .collect();
    for outlet in shown {
        let badge = marker_badge(rules, route, outlet);
        match rows.iter_mut().find(|(b, _)| b.code == badge.code) {
            Some((_, n)) => *n += 1,
            None => rows.push((badge, 1)),
        }
    }
    rows.retain(|(_, n)| *n > 0);
    rows
}

/// Darkens `#rrggbb` until white text on it has a WCAG contrast of at least 4.5:1.
pub fn readable_on_white_text(hex: &str) -> String {
    let Some(mut rgb) = parse_hex(hex) else {
        return "#495057".to_string();
    };
    while contrast_with_white(rgb) < 4.5 {
        rgb = rgb.map(|c| c * 0.92);
    }
    let [r, g, b] = rgb.map(|c| c.round() as u8);
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn parse_hex(hex: &str) -> Option<[f64; 3]> {
    let h = hex.strip_prefix('#').filter(|h| h.len() == 6)?;
    let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok().map(f64::from);
    Some([c(0)?, c(2)?, c(4)?])
}

fn contrast_with_white(rgb: [f64; 3]) -> f64 {
    let lin = |c: f64| {
        let c = c / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
    1.05 / (l + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OutletSource;

    fn outlet(category: &str, kinds: &[&str]) -> Outlet {
        Outlet {
            name: None,
            name_en: None,
            category: category.into(),
            repair_kinds: kinds.iter().map(|k| k.to_string()).collect(),
            services: vec![],
            prices: vec![],
            opening_hours: None,
            phone: None,
            address: None,
            brand: None,
            delivers: None,
            open_24h: false,
            source: OutletSource::Sample,
            osm_ref: None,
            lon: 0.0,
            lat: 0.0,
        }
    }

    #[test]
    fn circle_chips_start_with_the_shortcuts_then_basic() {
        let rules = Rules::bundled();
        let chips = chips(&rules, View::Circle);
        let codes: Vec<&str> = chips.iter().map(|b| b.code.as_str()).collect();
        assert_eq!(
            &codes[..6],
            &rules
                .shortcuts
                .categories
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()[..]
        );
        assert_eq!(codes.len(), rules.categories.len());
        let first_quality = codes[6..]
            .iter()
            .position(|c| rules.category(c).unwrap().group != "basic")
            .unwrap();
        assert!(codes[6 + first_quality..]
            .iter()
            .all(|c| rules.category(c).unwrap().group != "basic"));
    }

    #[test]
    fn filters_by_view_and_chip() {
        let rules = Rules::bundled();
        let shoe = outlet("repair", &["shoe", "key"]);
        let shop = outlet("breakfast", &[]);
        let all = Route::new(View::Circle, None);
        assert!(shows(&rules, &all, &shoe) && shows(&rules, &all, &shop));
        let breakfast = Route::new(View::Circle, Some("breakfast".into()));
        assert!(!shows(&rules, &breakfast, &shoe) && shows(&rules, &breakfast, &shop));
        let repair = Route::new(View::Repair, None);
        assert!(shows(&rules, &repair, &shoe) && !shows(&rules, &repair, &shop));
        let key = Route::new(View::Repair, Some("key".into()));
        assert!(shows(&rules, &key, &shoe));
        assert_eq!(marker_badge(&rules, &key, &shoe).glyph, "钥");
        assert_eq!(marker_badge(&rules, &repair, &shoe).glyph, "鞋");
        let watch = Route::new(View::Repair, Some("watch".into()));
        assert!(!shows(&rules, &watch, &shoe));
        let bogus = Route::new(View::Circle, Some("casino".into()));
        assert!(
            shows(&rules, &bogus, &shop),
            "an unknown code shows everything"
        );
    }

    #[test]
    fn search_looks_through_names_kinds_and_services() {
        let rules = Rules::bundled();
        let mut shoe = outlet("repair", &["shoe", "key"]);
        shoe.name = Some("老王修鞋".into());
        let texts = search_texts(&rules, &shoe);
        for want in ["老王修鞋", "修鞋", "配钥匙"] {
            assert!(texts.iter().any(|t| t == want), "{want} in {texts:?}");
        }
        let terms = crate::domain::SearchTerms::default();
        let q = crate::domain::Query::new("配钥匙");
        assert!(q.matches_any(texts.iter().map(String::as_str), &terms));
        let q = crate::domain::Query::new("shoe");
        assert!(q.matches_any(texts.iter().map(String::as_str), &terms));
    }

    #[test]
    fn legend_counts_what_is_shown() {
        let rules = Rules::bundled();
        let outlets = [
            outlet("repair", &["shoe"]),
            outlet("repair", &["key"]),
            outlet("repair", &["shoe"]),
        ];
        let rows = legend(&rules, &Route::new(View::Repair, None), &outlets);
        let rows: Vec<(&str, usize)> = rows.iter().map(|(b, n)| (b.code.as_str(), *n)).collect();
        assert_eq!(rows, [("shoe", 2), ("key", 1)]);
    }

    #[test]
    fn badge_colours_meet_aa_for_white_glyphs() {
        let rules = Rules::bundled();
        for c in &rules.categories {
            let fixed = readable_on_white_text(&c.color);
            assert!(
                contrast_with_white(parse_hex(&fixed).unwrap()) >= 4.5,
                "{}",
                c.code
            );
        }
        assert_eq!(
            readable_on_white_text("#1864ab"),
            "#1864ab",
            "dark colours stay as they are"
        );
    }
}
