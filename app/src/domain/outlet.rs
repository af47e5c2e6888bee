//! An outlet (网点) on the map and its GeoJSON form, shared by server and client so both sides
//! agree on the wire format of `GET /api/outlets`.

use super::rules::Rules;
use serde::{Deserialize, Serialize};

/// Where a listing came from. Sample outlets are generated for demos and always labelled
/// 示例数据 in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutletSource {
    Osm,
    Sample,
    Merchant,
}

impl OutletSource {
    pub fn as_str(self) -> &'static str {
        match self {
            OutletSource::Osm => "osm",
            OutletSource::Sample => "sample",
            OutletSource::Merchant => "merchant",
        }
    }

    pub fn parse(s: &str) -> Option<OutletSource> {
        match s {
            "osm" => Some(OutletSource::Osm),
            "sample" => Some(OutletSource::Sample),
            "merchant" => Some(OutletSource::Merchant),
            _ => None,
        }
    }
}

/// One line of a repair point's price list (明码标价). Money in 分 (fen) to stay exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceItem {
    pub item: String,
    pub price_fen: u32,
}

impl PriceItem {
    /// "15元", "2.5元".
    pub fn price_text(&self) -> String {
        let yuan = self.price_fen / 100;
        match self.price_fen % 100 {
            0 => format!("{yuan}元"),
            f if f % 10 == 0 => format!("{yuan}.{}元", f / 10),
            f => format!("{yuan}.{f:02}元"),
        }
    }
}

/// An outlet's content, without its storage id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outlet {
    /// Absent for unnamed OSM features (a recycling point, an ATM): the UI shows the category.
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub category: String,
    #[serde(default)]
    pub repair_kinds: Vec<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub prices: Vec<PriceItem>,
    /// OSM `opening_hours` syntax.
    pub opening_hours: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// Chain brand; `None` means independent (or not known).
    pub brand: Option<String>,
    /// Delivers to homes; `None` when not known.
    pub delivers: Option<bool>,
    #[serde(default)]
    pub open_24h: bool,
    pub source: OutletSource,
    /// "node/123", "way/456" for OpenStreetMap features.
    pub osm_ref: Option<String>,
    pub lon: f64,
    pub lat: f64,
}

impl Outlet {
    pub fn is_sample(&self) -> bool {
        self.source == OutletSource::Sample
    }

    /// Checks the outlet against the rules; the message says what is wrong, in Chinese first.
    pub fn validate(&self, rules: &Rules) -> Result<(), String> {
        let Some(category) = rules.category(&self.category) else {
            return Err(format!(
                "未知的业态类别 / unknown category '{}'",
                self.category
            ));
        };
        // NaN and infinities fail the range checks too.
        if !((-180.0..=180.0).contains(&self.lon) && (-90.0..=90.0).contains(&self.lat)) {
            return Err(format!(
                "坐标无效 / invalid position {},{}",
                self.lon, self.lat
            ));
        }
        if !self.repair_kinds.is_empty() && category.code != rules.repair_map.category {
            return Err(format!(
                "只有{}类网点可以填写维修项目 / only '{}' outlets have repair kinds",
                rules
                    .category(&rules.repair_map.category)
                    .map_or("", |c| c.name_zh.as_str()),
                rules.repair_map.category
            ));
        }
        if let Some(kind) = self
            .repair_kinds
            .iter()
            .find(|k| rules.repair_kind(k).is_none())
        {
            return Err(format!("未知的维修项目 / unknown repair kind '{kind}'"));
        }
        if let Some(s) = self.services.iter().find(|s| rules.service(s).is_none()) {
            return Err(format!("未知的服务项目 / unknown service '{s}'"));
        }
        if let Some(p) = self.prices.iter().find(|p| p.item.trim().is_empty()) {
            return Err(format!(
                "价目表有空的项目名 / a price-list line has no item ({})",
                p.price_text()
            ));
        }
        Ok(())
    }
}

/// An outlet as stored, with its id.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOutlet {
    pub id: i64,
    pub outlet: Outlet,
}

/// `GET /api/outlets`: a GeoJSON FeatureCollection of points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletCollection {
    #[serde(rename = "type")]
    pub kind: String,
    pub features: Vec<OutletFeature>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletFeature {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
    pub geometry: PointGeometry,
    pub properties: OutletProperties,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointGeometry {
    #[serde(rename = "type")]
    pub kind: String,
    pub coordinates: [f64; 2],
}

/// The feature's properties: every outlet field except the position (it is the geometry), plus
/// the id and an explicit `sample` flag for clients that do not know our source codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletProperties {
    pub id: i64,
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub category: String,
    pub repair_kinds: Vec<String>,
    pub services: Vec<String>,
    pub prices: Vec<PriceItem>,
    pub opening_hours: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub brand: Option<String>,
    pub delivers: Option<bool>,
    pub open_24h: bool,
    pub source: OutletSource,
    pub osm_ref: Option<String>,
    pub sample: bool,
}

impl From<StoredOutlet> for OutletFeature {
    fn from(s: StoredOutlet) -> Self {
        let o = s.outlet;
        OutletFeature {
            kind: "Feature".into(),
            id: s.id,
            geometry: PointGeometry {
                kind: "Point".into(),
                coordinates: [o.lon, o.lat],
            },
            properties: OutletProperties {
                id: s.id,
                sample: o.is_sample(),
                name: o.name,
                name_en: o.name_en,
                category: o.category,
                repair_kinds: o.repair_kinds,
                services: o.services,
                prices: o.prices,
                opening_hours: o.opening_hours,
                phone: o.phone,
                address: o.address,
                brand: o.brand,
                delivers: o.delivers,
                open_24h: o.open_24h,
                source: o.source,
                osm_ref: o.osm_ref,
            },
        }
    }
}

impl From<OutletFeature> for StoredOutlet {
    fn from(f: OutletFeature) -> Self {
        let p = f.properties;
        StoredOutlet {
            id: f.id,
            outlet: Outlet {
                name: p.name,
                name_en: p.name_en,
                category: p.category,
                repair_kinds: p.repair_kinds,
                services: p.services,
                prices: p.prices,
                opening_hours: p.opening_hours,
                phone: p.phone,
                address: p.address,
                brand: p.brand,
                delivers: p.delivers,
                open_24h: p.open_24h,
                source: p.source,
                osm_ref: p.osm_ref,
                lon: f.geometry.coordinates[0],
                lat: f.geometry.coordinates[1],
            },
        }
    }
}

impl OutletCollection {
    pub fn new(outlets: Vec<StoredOutlet>) -> Self {
        OutletCollection {
            kind: "FeatureCollection".into(),
            features: outlets.into_iter().map(OutletFeature::from).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn shoe_stall() -> Outlet {
        Outlet {
            name: Some("老王修鞋".into()),
            name_en: None,
            category: "repair".into(),
            repair_kinds: vec!["shoe".into(), "key".into()],
            services: vec![],
            prices: vec![PriceItem {
                item: "钉鞋掌".into(),
                price_fen: 1500,
            }],
            opening_hours: Some("Mo-Sa 08:00-18:00".into()),
            phone: None,
            address: Some("昌化路".into()),
            brand: None,
            delivers: Some(false),
            open_24h: false,
            source: OutletSource::Sample,
            osm_ref: None,
            lon: 121.44,
            lat: 31.245,
        }
    }

    #[test]
    fn geojson_round_trip_keeps_every_field() {
        let stored = StoredOutlet {
            id: 7,
            outlet: shoe_stall(),
        };
        let json = serde_json::to_value(OutletCollection::new(vec![stored.clone()])).unwrap();
        assert_eq!(json["type"], "FeatureCollection");
        assert_eq!(json["features"][0]["geometry"]["coordinates"][0], 121.44);
        assert_eq!(json["features"][0]["properties"]["sample"], true);
        assert_eq!(json["features"][0]["properties"]["source"], "sample");
        let back: OutletCollection = serde_json::from_value(json).unwrap();
        assert_eq!(StoredOutlet::from(back.features[0].clone()), stored);
    }

    #[test]
    fn price_text_is_exact() {
        let p = |fen| {
            PriceItem {
                item: "x".into(),
                price_fen: fen,
            }
            .price_text()
        };
        assert_eq!(p(1500), "15元");
        assert_eq!(p(250), "2.5元");
        assert_eq!(p(1205), "12.05元");
    }

    #[test]
    fn validation_rejects_what_the_rules_do_not_know() {
        let rules = Rules::bundled();
        assert!(shoe_stall().validate(&rules).is_ok());
        let mut o = shoe_stall();
        o.category = "casino".into();
        assert!(o.validate(&rules).unwrap_err().contains("casino"));
        let mut o = shoe_stall();
        o.repair_kinds.push("spaceship".into());
        assert!(o.validate(&rules).unwrap_err().contains("spaceship"));
        let mut o = shoe_stall();
        o.category = "pharmacy".into();
        assert!(
            o.validate(&rules).is_err(),
            "a pharmacy cannot carry repair kinds"
        );
        let mut o = shoe_stall();
        o.lat = f64::NAN;
        assert!(o.validate(&rules).is_err());
    }
}
