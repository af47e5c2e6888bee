//! The street lines of a walk network, as needed to place sample outlets along real streets and
//! to outline a circle. (The routing graph is built elsewhere, from the same file.)

pub use app::walk::haversine_m;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Street {
    pub name: Option<String>,
    pub coords: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, Default)]
pub struct Streets {
    pub lines: Vec<Street>,
}

impl Streets {
    pub fn from_geojson(bytes: &[u8]) -> Result<Streets, String> {
        let doc: Value =
            serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
        let features = doc
            .get("features")
            .and_then(Value::as_array)
            .ok_or("not a GeoJSON FeatureCollection (no \"features\" array)")?;
        let mut lines = Vec::new();
        for (i, f) in features.iter().enumerate() {
            let geometry = f
                .get("geometry")
                .ok_or_else(|| format!("feature {i} has no geometry"))?;
            let name = f
                .pointer("/properties/name")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let parts: Vec<Value> = match geometry.get("type").and_then(Value::as_str) {
                Some("LineString") => vec![geometry["coordinates"].clone()],
                Some("MultiLineString") => geometry["coordinates"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
                other => {
                    return Err(format!(
                        "feature {i}: expected a LineString, found {other:?}"
                    ))
                }
            };
            for part in parts {
                let coords: Vec<[f64; 2]> = serde_json::from_value::<Vec<Vec<f64>>>(part)
                    .map_err(|e| format!("feature {i}: bad coordinates: {e}"))?
                    .into_iter()
                    .filter(|c| c.len() >= 2 && c[0].is_finite() && c[1].is_finite())
                    .map(|c| [c[0], c[1]])
                    .collect();
                if coords.len() >= 2 {
                    lines.push(Street {
                        name: name.clone(),
                        coords,
                    });
                }
            }
        }
        if lines.is_empty() {
            return Err("no street lines".into());
        }
        Ok(Streets { lines })
    }

    pub fn points(&self) -> impl Iterator<Item = [f64; 2]> + '_ {
        self.lines.iter().flat_map(|l| l.coords.iter().copied())
    }

    /// The named streets an address typed by hand mentions ("康定路 1000 弄口" → 康定路), or whose
    /// name starts with what was typed ("康定" → 康定路), longest name first (the most
    /// specific), at most `limit`. Each with a point on it: the middle of its longest line
    /// (no house numbers in the data: the merchant moves the pin along the street).
    pub fn lookup(&self, text: &str, limit: usize) -> Vec<StreetMatch> {
        let text: String = text.split_whitespace().collect();
        if text.chars().count() < 2 {
            return Vec::new();
        }
        let mut best: std::collections::BTreeMap<&str, &Street> = Default::default();
        for line in &self.lines {
            let Some(name) = line.name.as_deref() else {
                continue;
            };
            let compact: String = name.split_whitespace().collect();
            if compact.chars().count() < 2
                || !(text.contains(&compact) || compact.starts_with(&text))
            {
                continue;
            }
            let longer = best
                .get(name)
                .is_none_or(|b| length_m(&line.coords) > length_m(&b.coords));
            if longer {
                best.insert(name, line);
            }
        }
        let mut found: Vec<StreetMatch> = best
            .into_iter()
            .filter_map(|(name, line)| {
                Some(StreetMatch {
                    name: name.to_string(),
                    point: middle(&line.coords)?,
                })
            })
            .collect();
        found.sort_by(|a, b| {
            b.name
                .chars()
                .count()
                .cmp(&a.name.chars().count())
                .then_with(|| a.name.cmp(&b.name))
        });
        found.truncate(limit);
        found
    }
}

/// A street found for an address.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StreetMatch {
    pub name: String,
    /// [lon, lat]
    pub point: [f64; 2],
}

fn length_m(coords: &[[f64; 2]]) -> f64 {
    coords.windows(2).map(|w| haversine_m(w[0], w[1])).sum()
}

/// The point halfway along a line.
fn middle(coords: &[[f64; 2]]) -> Option<[f64; 2]> {
    let half = length_m(coords) / 2.0;
    let mut walked = 0.0;
    for w in coords.windows(2) {
        let d = haversine_m(w[0], w[1]);
        if walked + d >= half && d > 0.0 {
            let t = (half - walked) / d;
            return Some([
                w[0][0] + (w[1][0] - w[0][0]) * t,
                w[0][1] + (w[1][1] - w[0][1]) * t,
            ]);
        }
        walked += d;
    }
    coords.first().copied()
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    fn street(name: &str, coords: &[[f64; 2]]) -> Street {
        Street {
            name: Some(name.into()),
            coords: coords.to_vec(),
        }
    }

    #[test]
    fn an_address_finds_the_street_it_names() {
        let s = Streets {
            lines: vec![
                street("康定路", &[[121.440, 31.240], [121.442, 31.240]]),
                street("康定路", &[[121.430, 31.240], [121.440, 31.240]]),
                street("西康路", &[[121.450, 31.230], [121.450, 31.240]]),
                street("长寿路", &[[121.440, 31.245], [121.445, 31.245]]),
            ],
        };
        let found = s.lookup("普陀区 康定路 1000 弄口", 5);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "康定路");
        // The middle of the longer of its two lines.
        assert!((found[0].point[0] - 121.435).abs() < 1e-6, "{found:?}");
        assert!((found[0].point[1] - 31.240).abs() < 1e-9);
        // What was typed so far.
        let names: Vec<String> = s.lookup("康定", 5).into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["康定路"]);
        assert!(s.lookup("路", 5).is_empty(), "one character finds nothing");
        assert!(s.lookup("南京东路 1 号", 5).is_empty());
        assert!(s.lookup("", 5).is_empty());
    }
}
