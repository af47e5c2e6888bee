//! OpenStreetMap tags → our 业态 categories and 小修小补 repair kinds.
//!
//! The mapping follows the OSM wiki's meaning of each tag. A feature whose tags do not say
//! clearly what it is gets a [`Skip`] with the reason, never a guess: a bicycle shop is a repair
//! point only when it says it repairs, a drugstore (`shop=chemist`) is not a pharmacy.

use super::outlet::{Outlet, OutletSource};
use std::collections::BTreeMap;

/// Why a feature was not imported. `Display` gives the reason used in import summaries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// No shop/amenity/craft/… tag at all.
    NoKindTag,
    /// A kind tag we have no 业态 for, e.g. `shop=clothes`.
    Unmapped(String),
    /// A tag that looks close to one of ours but is not, with why.
    NotOurs(String, &'static str),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::NoKindTag => write!(f, "no shop/amenity/craft/leisure/office tag"),
            Skip::Unmapped(tag) => write!(f, "no category for {tag}"),
            Skip::NotOurs(tag, why) => write!(f, "{tag}: {why}"),
        }
    }
}

/// What a feature's tags say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub category: &'static str,
    pub repair_kinds: Vec<&'static str>,
}

/// Plain tag look-ups: the mapping table below is data, this is the engine that reads it.
pub struct Tags<'a>(pub &'a BTreeMap<String, String>);

impl Tags<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    fn is(&self, key: &str, value: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.split(';').any(|part| part.trim() == value))
    }

    fn yes(&self, key: &str) -> bool {
        matches!(self.get(key), Some("yes" | "only"))
    }
}

/// `(key, value, category)` for features that are what their tag says.
const CATEGORY_TAGS: &[(&str, &str, &str)] = &[
    ("shop", "convenience", "convenience"),
    ("shop", "kiosk", "convenience"),
    ("shop", "supermarket", "supermarket"),
    ("amenity", "marketplace", "wet_market"),
    ("shop", "greengrocer", "fresh_food"),
    ("shop", "butcher", "fresh_food"),
    ("shop", "seafood", "fresh_food"),
    ("shop", "dairy", "fresh_food"),
    ("shop", "farm", "fresh_food"),
    ("shop", "bakery", "breakfast"),
    ("amenity", "restaurant", "restaurant"),
    ("amenity", "fast_food", "restaurant"),
    ("amenity", "food_court", "restaurant"),
    ("shop", "hairdresser", "hairdresser"),
    ("shop", "beauty", "hairdresser"),
    ("shop", "laundry", "laundry"),
    ("shop", "dry_cleaning", "laundry"),
    ("amenity", "pharmacy", "pharmacy"),
    ("healthcare", "pharmacy", "pharmacy"),
    ("shop", "copyshop", "photo_print"),
    ("shop", "photo", "photo_print"),
    ("shop", "photo_studio", "photo_print"),
    ("craft", "photographer", "photo_print"),
    ("shop", "hardware", "hardware"),
    ("shop", "doityourself", "hardware"),
    ("shop", "houseware", "hardware"),
    ("shop", "variety_store", "hardware"),
    ("office", "property_management", "property_service"),
    ("amenity", "recycling", "recycling"),
    ("amenity", "parcel_locker", "parcel"),
    ("amenity", "post_office", "post"),
    ("amenity", "bank", "bank"),
    ("amenity", "atm", "bank"),
    ("amenity", "vending_machine", "vending"),
    ("amenity", "cafe", "specialty_dining"),
    ("amenity", "ice_cream", "specialty_dining"),
    ("shop", "pastry", "specialty_dining"),
    ("leisure", "fitness_centre", "fitness"),
    ("leisure", "sports_centre", "fitness"),
    ("leisure", "sports_hall", "fitness"),
    ("shop", "massage", "wellness"),
    ("amenity", "spa", "wellness"),
    ("leisure", "sauna", "wellness"),
    ("shop", "books", "bookshop"),
    ("amenity", "language_school", "education"),
    ("amenity", "music_school", "education"),
    ("amenity", "driving_school", "education"),
    ("amenity", "dancing_school", "education"),
    ("amenity", "training", "education"),
    ("amenity", "prep_school", "education"),
    ("amenity", "cinema", "leisure"),
    ("amenity", "nightclub", "leisure"),
    ("amenity", "bar", "leisure"),
    ("amenity", "pub", "leisure"),
    ("leisure", "bowling_alley", "leisure"),
    ("leisure", "amusement_arcade", "leisure"),
    ("leisure", "escape_game", "leisure"),
    ("amenity", "nursing_home", "elderly_care"),
    ("amenity", "kindergarten", "childcare"),
    ("amenity", "childcare", "childcare"),
    ("amenity", "community_centre", "culture"),
    ("amenity", "social_centre", "culture"),
    ("amenity", "library", "culture"),
    ("amenity", "arts_centre", "culture"),
    ("amenity", "theatre", "culture"),
    ("tourism", "museum", "culture"),
    ("tourism", "gallery", "culture"),
];

/// `(key, value, repair kinds)`: trades that are repair points by definition.
const REPAIR_TRADES: &[(&str, &str, &[&str])] = &[
    ("craft", "shoemaker", &["shoe"]),
    ("shop", "shoe_repair", &["shoe"]),
    ("craft", "key_cutter", &["key"]),
    ("shop", "key_cutter", &["key"]),
    ("craft", "locksmith", &["locksmith"]),
    ("shop", "locksmith", &["locksmith"]),
    ("craft", "watchmaker", &["watch"]),
    ("shop", "watch_repair", &["watch"]),
    ("craft", "tailor", &["tailoring"]),
    ("craft", "dressmaker", &["tailoring"]),
    ("shop", "tailor", &["tailoring"]),
    ("shop", "mobile_phone_repair", &["phone"]),
    ("craft", "sharpener", &["knife"]),
    ("craft", "umbrella_maker", &["umbrella"]),
];

/// Values of `repair=*` (on `shop=repair`/`craft=repair`) and `electronics_repair=*`.
const REPAIR_VALUES: &[(&str, &str)] = &[
    ("shoes", "shoe"),
    ("shoe", "shoe"),
    ("keys", "key"),
    ("key", "key"),
    ("locks", "locksmith"),
    ("watch", "watch"),
    ("watches", "watch"),
    ("clock", "watch"),
    ("phone", "phone"),
    ("mobile_phone", "phone"),
    ("mobile_phones", "phone"),
    ("appliance", "appliance"),
    ("appliances", "appliance"),
    ("household_appliances", "appliance"),
    ("electronics", "appliance"),
    ("tv", "appliance"),
    ("clothes", "tailoring"),
    ("tailoring", "tailoring"),
    ("bicycle", "bicycle"),
    ("bicycles", "bicycle"),
    ("e-bike", "bicycle"),
    ("umbrella", "umbrella"),
    ("umbrellas", "umbrella"),
    ("knife", "knife"),
    ("knives", "knife"),
];

/// The tag keys that say what a feature is, in the order we report them when skipping. In an
/// extract, elements without any of them (roads, plain nodes, bare buildings) are not POIs.
pub const KIND_KEYS: &[&str] = &[
    "shop",
    "amenity",
    "craft",
    "leisure",
    "office",
    "healthcare",
    "tourism",
];

/// Whether an element of an OSM extract is a POI at all (and so mapped or counted as skipped).
pub fn is_poi(tags: &BTreeMap<String, String>) -> bool {
    KIND_KEYS.iter().any(|k| tags.contains_key(*k))
}

fn push_unique(kinds: &mut Vec<&'static str>, kind: &'static str) {
    if !kinds.contains(&kind) {
        kinds.push(kind);
    }
}

fn repair_values(tags: &Tags, key: &str, kinds: &mut Vec<&'static str>) {
    if let Some(value) = tags.get(key) {
        for part in value.split(';').map(str::trim) {
            if let Some((_, kind)) = REPAIR_VALUES.iter().find(|(v, _)| *v == part) {
                push_unique(kinds, kind);
            }
        }
    }
}

/// The repair kinds a feature offers, from every tag that can say so.
fn repair_kinds(tags: &Tags) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    for (key, value, trade_kinds) in REPAIR_TRADES {
        if tags.is(key, value) {
            trade_kinds.iter().for_each(|k| push_unique(&mut kinds, k));
        }
    }
    if tags.is("shop", "repair") || tags.is("craft", "repair") {
        repair_values(tags, "repair", &mut kinds);
    }
    if tags.is("craft", "electronics_repair") || tags.is("shop", "electronics_repair") {
        let before = kinds.len();
        repair_values(tags, "electronics_repair", &mut kinds);
        // An electronics repairer that does not say which electronics: household electronics,
        // which is what 修家电 means.
        if kinds.len() == before {
            push_unique(&mut kinds, "appliance");
        }
    }
    let repairs = |service: &str| tags.yes(&format!("service:{service}:repair"));
    if tags.is("shop", "bicycle") && repairs("bicycle") {
        push_unique(&mut kinds, "bicycle");
    }
    if tags.is("shop", "mobile_phone") && (repairs("mobile_phone") || tags.yes("repair")) {
        push_unique(&mut kinds, "phone");
    }
    if tags.is("shop", "shoes") && tags.yes("service:shoe_repair") {
        push_unique(&mut kinds, "shoe");
    }
    if tags.yes("service:key_cutting") || tags.yes("key_cutting") {
        push_unique(&mut kinds, "key");
    }
    kinds
}

/// What the tags say the feature is, or why it is not one of ours.
pub fn classify(tags: &Tags) -> Result<Mapped, Skip> {
    let kinds = repair_kinds(tags);
    if !kinds.is_empty() {
        return Ok(Mapped {
            category: "repair",
            repair_kinds: kinds,
        });
    }
    if tags.is("shop", "repair") || tags.is("craft", "repair") {
        return Err(Skip::NotOurs(
            format!("shop=repair repair={}", tags.get("repair").unwrap_or("?")),
            "repair kind not one of ours",
        ));
    }
    // Breakfast places are fast-food or cafés that say so; before the generic table, which
    // would call them restaurants.
    if tags.is("cuisine", "breakfast") || tags.yes("breakfast") {
        return Ok(Mapped {
            category: "breakfast",
            repair_kinds: vec![],
        });
    }
    if tags.is("amenity", "social_facility") {
        // Any social facility for seniors, or a nursing home whoever it says it is for.
        if tags.is("social_facility:for", "senior") || tags.is("social_facility", "nursing_home") {
            return Ok(Mapped {
                category: "elderly_care",
                repair_kinds: vec![],
            });
        }
        if tags.is("social_facility:for", "child") && tags.is("social_facility", "day_care") {
            return Ok(Mapped {
                category: "childcare",
                repair_kinds: vec![],
            });
        }
    }
    for (key, value, category) in CATEGORY_TAGS {
        if tags.is(key, value) {
            return Ok(Mapped {
                category,
                repair_kinds: vec![],
            });
        }
    }
    if tags.is("shop", "chemist") {
        return Err(Skip::NotOurs(
            "shop=chemist".into(),
            "a drugstore, not a pharmacy",
        ));
    }
    if tags.is("shop", "bicycle") {
        return Err(Skip::NotOurs(
            "shop=bicycle".into(),
            "sells bicycles; does not say it repairs them",
        ));
    }
    for key in KIND_KEYS {
        if let Some(value) = tags.get(key) {
            return Err(Skip::Unmapped(format!("{key}={value}")));
        }
    }
    Err(Skip::NoKindTag)
}

fn non_empty(tags: &Tags, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| tags.get(k)).map(str::to_string)
}

/// A street address from `addr:*` tags, Chinese order when the street is Chinese.
fn address(tags: &Tags) -> Option<String> {
    if let Some(full) = tags.get("addr:full") {
        return Some(full.to_string());
    }
    let street = tags.get("addr:street")?;
    let number = tags.get("addr:housenumber");
    let chinese = street
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    Some(match (number, chinese) {
        (Some(n), true) => format!("{street}{n}号"),
        (Some(n), false) => format!("{street} {n}"),
        (None, _) => street.to_string(),
    })
}

/// A feature with OSM tags at a position → an outlet, or why not.
pub fn outlet_from_tags(
    tags: &BTreeMap<String, String>,
    lon: f64,
    lat: f64,
    osm_ref: Option<String>,
) -> Result<Outlet, Skip> {
    let t = Tags(tags);
    let mapped = classify(&t)?;
    let opening_hours = non_empty(&t, &["opening_hours"]);
    let open_24h = opening_hours.as_deref() == Some("24/7");
    let delivers = match t.get("delivery") {
        Some("yes" | "only") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    Ok(Outlet {
        name: non_empty(&t, &["name:zh", "name"]),
        name_en: non_empty(&t, &["name:en"]),
        category: mapped.category.to_string(),
        repair_kinds: mapped.repair_kinds.iter().map(|k| k.to_string()).collect(),
        services: vec![],
        prices: vec![],
        opening_hours,
        phone: non_empty(&t, &["phone", "contact:phone"]),
        address: address(&t),
        brand: non_empty(&t, &["brand:zh", "brand"]),
        delivers,
        open_24h,
        source: OutletSource::Osm,
        osm_ref,
        lon,
        lat,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Rules;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn map(pairs: &[(&str, &str)]) -> Result<Mapped, Skip> {
        classify(&Tags(&tags(pairs)))
    }

    fn category(pairs: &[(&str, &str)]) -> &'static str {
        map(pairs).unwrap().category
    }

    #[test]
    fn the_issue_examples_map() {
        assert_eq!(category(&[("shop", "convenience")]), "convenience");
        assert_eq!(category(&[("amenity", "pharmacy")]), "pharmacy");
        assert_eq!(
            map(&[("craft", "shoemaker")]).unwrap().repair_kinds,
            vec!["shoe"]
        );
        assert_eq!(
            map(&[("craft", "key_cutter")]).unwrap().repair_kinds,
            vec!["key"]
        );
        assert_eq!(
            map(&[("shop", "repair"), ("repair", "shoes;keys")])
                .unwrap()
                .repair_kinds,
            vec!["shoe", "key"]
        );
    }

    #[test]
    fn repair_kinds_come_from_every_tag_that_says_so() {
        let kinds = |p: &[(&str, &str)]| map(p).unwrap().repair_kinds;
        assert_eq!(
            kinds(&[
                ("craft", "electronics_repair"),
                ("electronics_repair", "phone")
            ]),
            vec!["phone"]
        );
        assert_eq!(kinds(&[("craft", "electronics_repair")]), vec!["appliance"]);
        assert_eq!(kinds(&[("craft", "tailor")]), vec!["tailoring"]);
        assert_eq!(
            kinds(&[("shop", "bicycle"), ("service:bicycle:repair", "yes")]),
            vec!["bicycle"]
        );
        assert_eq!(
            kinds(&[("shop", "locksmith"), ("service:key_cutting", "yes")]),
            vec!["locksmith", "key"]
        );
        assert_eq!(
            kinds(&[
                ("shop", "mobile_phone"),
                ("service:mobile_phone:repair", "yes")
            ]),
            vec!["phone"]
        );
    }

    #[test]
    fn unclear_features_are_skipped_with_a_reason_not_guessed() {
        assert_eq!(
            map(&[("shop", "clothes")]),
            Err(Skip::Unmapped("shop=clothes".into()))
        );
        assert_eq!(map(&[("name", "x")]), Err(Skip::NoKindTag));
        assert!(matches!(
            map(&[("shop", "bicycle")]),
            Err(Skip::NotOurs(..))
        ));
        assert!(matches!(
            map(&[("shop", "chemist")]),
            Err(Skip::NotOurs(..))
        ));
        assert!(matches!(
            map(&[("shop", "repair"), ("repair", "organ")]),
            Err(Skip::NotOurs(..))
        ));
        assert_eq!(
            map(&[("tourism", "hotel")]),
            Err(Skip::Unmapped("tourism=hotel".into()))
        );
        assert_eq!(
            Skip::Unmapped("office=company".into()).to_string(),
            "no category for office=company"
        );
    }

    #[test]
    fn special_cases_before_the_table() {
        assert_eq!(
            category(&[("amenity", "fast_food"), ("cuisine", "breakfast;noodle")]),
            "breakfast"
        );
        assert_eq!(
            category(&[("amenity", "fast_food"), ("cuisine", "burger")]),
            "restaurant"
        );
        assert_eq!(
            category(&[
                ("amenity", "social_facility"),
                ("social_facility", "assisted_living"),
                ("social_facility:for", "senior")
            ]),
            "elderly_care"
        );
        assert_eq!(category(&[("amenity", "kindergarten")]), "childcare");
    }

    #[test]
    fn every_mapped_code_is_in_the_bundled_rules() {
        let rules = Rules::bundled();
        for (_, _, c) in CATEGORY_TAGS {
            assert!(rules.category(c).is_some(), "category {c}");
        }
        for (_, _, kinds) in REPAIR_TRADES {
            for k in *kinds {
                assert!(rules.repair_kind(k).is_some(), "repair kind {k}");
            }
        }
        for (_, k) in REPAIR_VALUES {
            assert!(rules.repair_kind(k).is_some(), "repair kind {k}");
        }
        assert_eq!(rules.repair_map.category, "repair");
    }

    #[test]
    fn outlet_keeps_name_hours_phone_and_osm_id() {
        let t = tags(&[
            ("shop", "convenience"),
            ("name", "R-kioski"),
            ("opening_hours", "24/7"),
            ("contact:phone", "+358 9 123"),
            ("addr:street", "Mannerheimintie"),
            ("addr:housenumber", "5"),
            ("brand", "R-kioski"),
            ("delivery", "no"),
        ]);
        let o = outlet_from_tags(&t, 24.94, 60.17, Some("node/42".into())).unwrap();
        assert_eq!(o.name.as_deref(), Some("R-kioski"));
        assert_eq!(o.phone.as_deref(), Some("+358 9 123"));
        assert_eq!(o.address.as_deref(), Some("Mannerheimintie 5"));
        assert_eq!(o.osm_ref.as_deref(), Some("node/42"));
        assert!(o.open_24h);
        assert_eq!(o.delivers, Some(false));
        assert_eq!(o.source, OutletSource::Osm);
        assert!(o.validate(&Rules::bundled()).is_ok());
        let zh = tags(&[
            ("shop", "bakery"),
            ("name", "Bakery"),
            ("name:zh", "早点铺"),
            ("addr:street", "昌化路"),
            ("addr:housenumber", "12"),
        ]);
        let o = outlet_from_tags(&zh, 121.44, 31.24, None).unwrap();
        assert_eq!(o.name.as_deref(), Some("早点铺"));
        assert_eq!(o.address.as_deref(), Some("昌化路12号"));
    }
}
