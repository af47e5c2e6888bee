//! The `[circles]` table: bounds for a circle staff create or edit. Kept apart from `Rules`
//! (which goes to the phone map as JSON) like the grade's rules are.

use crate::domain::rules::{key_line, line_of, RulesError, DEFAULT_RULES_TOML};
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The validated `[circles]` table (also sent to the circle editor, which checks the shape as
/// it is drawn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircleRules {
    /// A boundary must hold at least this many street nodes: they are the circle's
    /// representative origins, and a grade over a handful of them says nothing.
    pub min_street_nodes: u32,
    /// Area bounds in km² (a 15-minute circle is about 3 km²; a 街道 rarely over 20).
    pub min_area_km2: f64,
    pub max_area_km2: f64,
    /// Distinct vertices at most (the request body stays small).
    pub max_vertices: u32,
    /// Longest name, in characters (Chinese and English alike).
    pub name_max_chars: u32,
    /// Longest population note, in characters.
    pub note_max_chars: u32,
    /// 服务人口 bounds.
    pub min_population: u64,
    pub max_population: u64,
}

#[derive(Deserialize)]
struct File {
    circles: Spanned<CircleRules>,
}

impl CircleRules {
    /// The bundled rules' `[circles]`, checked by a unit test.
    pub fn bundled() -> CircleRules {
        CircleRules::from_toml(DEFAULT_RULES_TOML).expect("bundled [circles] is valid")
    }

    /// Reads `[circles]` from a whole rules file; errors name their line.
    pub fn from_toml(source: &str) -> Result<CircleRules, RulesError> {
        let file: File = toml::from_str(source).map_err(|e| RulesError {
            line: e.span().map(|s| line_of(source, s.start)),
            message: e.message().trim().to_string(),
        })?;
        let span = file.circles.span();
        let r = file.circles.into_inner();
        let fault = |key: &str, message: String| RulesError {
            line: Some(key_line(source, span.clone(), key)),
            message,
        };
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !positive(r.min_area_km2) {
            return Err(fault(
                "min_area_km2",
                format!(
                    "circles.min_area_km2 must be above 0, not {}",
                    r.min_area_km2
                ),
            ));
        }
        if !positive(r.max_area_km2) || r.max_area_km2 <= r.min_area_km2 {
            return Err(fault(
                "max_area_km2",
                format!(
                    "circles.max_area_km2 must be above min_area_km2 ({}), not {}",
                    r.min_area_km2, r.max_area_km2
                ),
            ));
        }
        if r.min_street_nodes == 0 {
            return Err(fault(
                "min_street_nodes",
                "circles.min_street_nodes must be at least 1".into(),
            ));
        }
        if r.max_vertices < 3 {
            return Err(fault(
                "max_vertices",
                format!(
                    "circles.max_vertices must be at least 3, not {}",
                    r.max_vertices
                ),
            ));
        }
        for (key, value) in [
            ("name_max_chars", r.name_max_chars),
            ("note_max_chars", r.note_max_chars),
        ] {
            if value == 0 {
                return Err(fault(key, format!("circles.{key} must be at least 1")));
            }
        }
        if r.min_population == 0 || r.max_population < r.min_population {
            let key = if r.min_population == 0 {
                "min_population"
            } else {
                "max_population"
            };
            return Err(fault(
                key,
                format!(
                    "circles.min_population must be at least 1 and max_population not below it ({}–{})",
                    r.min_population, r.max_population
                ),
            ));
        }
        Ok(r)
    }
}
