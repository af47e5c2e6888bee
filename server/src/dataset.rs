//! A dataset: a folder with `walk_network.geojson`, `basemap.geojson`, optionally `pois.geojson`
//! (OSM POIs) and `circles.json`. `shanghai` and `helsinki` name the bundled ones.

use crate::streets::Streets;
use app::domain::circle::DEFAULT_TIMEZONE;
use app::domain::{bbox, Circle, GeoPolygon};
use geo::{ConvexHull, MultiPoint, Point};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const BUNDLED: &[&str] = &["shanghai", "helsinki"];

/// Where the bundled datasets live: `--data-dir`, else `server/data` of this source tree.
pub fn default_data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

#[derive(Debug)]
pub struct Dataset {
    /// The name outlets are stored under: the bundled name, or the folder's name.
    pub name: String,
    pub dir: PathBuf,
    pub circles: Vec<Circle>,
    pub streets: Streets,
    /// The basemap file's bytes, served as-is.
    pub basemap: Vec<u8>,
    /// The walk network file's bytes, for the routing graph.
    pub network: Vec<u8>,
}

impl Dataset {
    pub fn pois_path(&self) -> Option<PathBuf> {
        let p = self.dir.join("pois.geojson");
        p.is_file().then_some(p)
    }

    /// Finds and loads a dataset by bundled name or folder path. Errors say what is missing.
    pub fn open(spec: &str, data_dir: &Path) -> Result<Dataset, String> {
        let (name, dir) = if BUNDLED.contains(&spec) {
            (spec.to_string(), data_dir.join(spec))
        } else {
            let dir = PathBuf::from(spec);
            if !dir.is_dir() {
                return Err(format!(
                    "dataset '{spec}' is neither a bundled dataset ({}) nor a folder",
                    BUNDLED.join(", ")
                ));
            }
            let name = dir
                .canonicalize()
                .ok()
                .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| spec.to_string());
            (name, dir)
        };
        let read = |file: &str| {
            let path = dir.join(file);
            std::fs::read(&path)
                .map_err(|e| format!("dataset '{name}': cannot read {}: {e}", path.display()))
        };
        let network = read("walk_network.geojson")?;
        let streets = Streets::from_geojson(&network)
            .map_err(|e| format!("dataset '{name}': walk_network.geojson: {e}"))?;
        let basemap = read("basemap.geojson")?;
        serde_json::from_slice::<serde_json::Value>(&basemap)
            .map_err(|e| format!("dataset '{name}': basemap.geojson is not valid JSON: {e}"))?;
        let circles_path = dir.join("circles.json");
        let circles = if circles_path.is_file() {
            let text = read("circles.json")?;
            parse_circles(&text).map_err(|e| format!("dataset '{name}': circles.json: {e}"))?
        } else {
            vec![derived_circle(&name, &streets)?]
        };
        Ok(Dataset {
            name,
            dir,
            circles,
            streets,
            basemap,
            network,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CirclesFile {
    circles: Vec<CircleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CircleEntry {
    id: String,
    name_zh: String,
    name_en: String,
    centre: [f64; 2],
    boundary: serde_json::Value,
    service_population: Option<u64>,
    population_note: Option<String>,
    /// IANA zone; Asia/Shanghai when absent.
    timezone: Option<String>,
}

fn parse_circles(text: &[u8]) -> Result<Vec<Circle>, String> {
    let file: CirclesFile = serde_json::from_slice(text).map_err(|e| e.to_string())?;
    if file.circles.is_empty() {
        return Err("no circle defined; a dataset needs at least one".into());
    }
    file.circles
        .into_iter()
        .map(|c| {
            let ring = polygon_ring(&c.boundary)
                .ok_or_else(|| format!("circle '{}': boundary must be a GeoJSON Polygon", c.id))?;
            let timezone = c.timezone.unwrap_or_else(|| DEFAULT_TIMEZONE.to_string());
            // Checked here so the hours endpoint never meets a zone it cannot use.
            timezone.parse::<chrono_tz::Tz>().map_err(|_| {
                format!(
                    "circle '{}': unknown time zone \"{timezone}\" (use an IANA name such as Asia/Shanghai)",
                    c.id
                )
            })?;
            Ok(Circle {
                bbox: bbox::around(ring.iter().copied()),
                id: c.id,
                name_zh: c.name_zh,
                name_en: c.name_en,
                centre: c.centre,
                boundary: GeoPolygon::new(ring),
                service_population: c.service_population,
                population_note: c.population_note,
                timezone,
            })
        })
        .collect()
}

fn polygon_ring(geometry: &serde_json::Value) -> Option<Vec<[f64; 2]>> {
    if geometry.get("type")?.as_str()? != "Polygon" {
        return None;
    }
    let ring: Vec<[f64; 2]> =
        serde_json::from_value(geometry.get("coordinates")?.get(0)?.clone()).ok()?;
    (ring.len() >= 4).then_some(ring)
}

/// A folder without `circles.json`: one circle over the street network's convex hull. Its
/// population is unknown, and says so; its time zone is the default (China).
fn derived_circle(name: &str, streets: &Streets) -> Result<Circle, String> {
    let points: MultiPoint<f64> = streets.points().map(|p| Point::new(p[0], p[1])).collect();
    if points.0.len() < 3 {
        return Err(format!(
            "dataset '{name}': the walk network has too few points to outline a circle"
        ));
    }
    let hull = points.convex_hull();
    let ring: Vec<[f64; 2]> = hull.exterior().coords().map(|c| [c.x, c.y]).collect();
    let bbox = bbox::around(ring.iter().copied());
    Ok(Circle {
        id: name.to_string(),
        name_zh: name.to_string(),
        name_en: name.to_string(),
        centre: [(bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0],
        boundary: GeoPolygon::new(ring),
        bbox,
        service_population: None,
        population_note: Some(
            "未知：数据集未提供 circles.json / unknown: the dataset has no circles.json".into(),
        ),
        timezone: DEFAULT_TIMEZONE.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circles(extra: &str) -> Result<Vec<Circle>, String> {
        let text = format!(
            r#"{{"circles": [{{"id": "c", "name_zh": "圈", "name_en": "c", "centre": [0.5, 0.5],
                "boundary": {{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
                "service_population": null, "population_note": null{extra}}}]}}"#
        );
        parse_circles(text.as_bytes())
    }

    #[test]
    fn a_circle_has_a_known_time_zone_china_by_default() {
        assert_eq!(circles("").unwrap()[0].timezone, "Asia/Shanghai");
        let c = circles(r#", "timezone": "Europe/Helsinki""#).unwrap();
        assert_eq!(c[0].timezone, "Europe/Helsinki");
        let err = circles(r#", "timezone": "Mars/Olympus""#).unwrap_err();
        assert!(err.contains("unknown time zone \"Mars/Olympus\""), "{err}");
    }
}
