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
}
