//! A 便民生活圈 (circle): the area an evaluation and a survey are about.

use serde::{Deserialize, Serialize};

/// `GET /api/circles` returns a list of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Circle {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// [lon, lat], WGS-84.
    pub centre: [f64; 2],
    /// A GeoJSON Polygon geometry.
    pub boundary: GeoPolygon,
    /// [west, south, east, north] of the boundary.
    pub bbox: [f64; 4],
    /// 服务人口; `None` when the dataset does not say.
    pub service_population: Option<u64>,
    /// Where the population figure comes from (or that it is a demo value).
    pub population_note: Option<String>,
    /// IANA time zone of the circle ("Asia/Shanghai", "Europe/Helsinki"): opening hours are
    /// local times there. Absent in older data, which was all Chinese.
    #[serde(default = "default_timezone")]
    pub timezone: String,
}

/// The zone a circle is in when its data does not say.
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";

fn default_timezone() -> String {
    DEFAULT_TIMEZONE.to_string()
}

/// A GeoJSON Polygon geometry, typed (a generic JSON value would cost the browser bundle a
/// JSON tree implementation just for this).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoPolygon {
    /// Always "Polygon".
    #[serde(rename = "type")]
    pub kind: String,
    /// The outer ring first, [lon, lat] pairs, closed.
    pub coordinates: Vec<Vec<[f64; 2]>>,
}

impl GeoPolygon {
    pub fn new(outer: Vec<[f64; 2]>) -> GeoPolygon {
        GeoPolygon {
            kind: "Polygon".to_string(),
            coordinates: vec![outer],
        }
    }

    pub fn outer(&self) -> &[[f64; 2]] {
        self.coordinates.first().map_or(&[], Vec::as_slice)
    }
}

/// `GET /api/config`: what the client needs to know about this deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientConfig {
    /// Dataset name, e.g. "shanghai".
    pub dataset: String,
    /// A raster tile URL template (`https://…/{z}/{x}/{y}.png`) for deployments that have a
    /// tile server; `None` means draw the bundled GeoJSON basemap.
    pub tile_url: Option<String>,
    /// Attribution HTML for the tiles, when `tile_url` is set.
    pub tile_attribution: Option<String>,
}
