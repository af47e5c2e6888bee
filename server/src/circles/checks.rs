//! A staff member's circle, checked before anything is stored: names, the boundary's shape
//! (`app::domain::circle_edit`), the street nodes inside it, the population. Each refusal says
//! what to fix, in Chinese (and English).

use super::store::CircleFields;
use crate::error::ApiError;
use crate::grade::facts;
use crate::walking::WalkNet;
use app::domain::circle_edit::{check_boundary, CircleRules, Shape};
use geo::{Centroid, Contains, Coord, InteriorPoint, LineString, Point, Polygon};
use serde::{Deserialize, Serialize};

/// `POST /api/staff/circles` and `POST /api/staff/circles/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircleBody {
    pub name_zh: String,
    pub name_en: String,
    pub boundary: BoundaryBody,
    pub service_population: u64,
    #[serde(default)]
    pub population_note: Option<String>,
    /// An edit: the version the page loaded (an edit of an older one is refused). Optional.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A GeoJSON Polygon geometry, outer ring only.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub coordinates: Vec<Vec<[f64; 2]>>,
}

/// What the server measures of a boundary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figures {
    /// Street nodes inside: the representative origins the grade's rings start from.
    pub origins: u32,
    pub area_km2: f64,
    /// Distinct vertices.
    pub vertices: usize,
}

/// A checked body: the fields to store, the boundary's centre and its figures.
#[derive(Debug, Clone)]
pub struct Checked {
    pub fields: CircleFields,
    pub centre: [f64; 2],
    pub figures: Figures,
}

fn refuse(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, zh, en)
}

fn name(text: &str, max: u32, zh_label: &str, en_label: &str) -> Result<String, ApiError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(refuse(
            "name_missing",
            format!("请填写{zh_label}"),
            format!("{en_label} is empty"),
        ));
    }
    if t.chars().count() > max as usize {
        return Err(refuse(
            "name_too_long",
            format!("{zh_label}最多 {max} 个字"),
            format!("{en_label}: at most {max} characters"),
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(refuse(
            "name_control_chars",
            format!("{zh_label}不能含有换行或控制字符"),
            format!("{en_label} must not contain line breaks or control characters"),
        ));
    }
    Ok(t.to_string())
}

pub fn polygon(ring: &[[f64; 2]]) -> Polygon<f64> {
    let coords: Vec<Coord<f64>> = ring.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    Polygon::new(LineString::new(coords), vec![])
}

/// The boundary's centre: its centroid, or for a shape that curls round it (an L, a C) a point
/// inside.
fn centre(area: &Polygon<f64>) -> [f64; 2] {
    let p = area
        .centroid()
        .filter(|c| area.contains(c))
        .or_else(|| area.interior_point())
        .unwrap_or_else(|| Point::new(0.0, 0.0));
    [p.x(), p.y()]
}

/// Street nodes inside a ring.
pub fn origins_inside(walk: &WalkNet, ring: &[[f64; 2]]) -> u32 {
    facts::origins(walk, &polygon(ring)).len() as u32
}

/// Checks everything but the street nodes (which need the network: see [`check`]).
pub fn check_fields(
    body: &CircleBody,
    rules: &CircleRules,
) -> Result<(CircleFields, Shape), ApiError> {
    let name_zh = name(&body.name_zh, rules.name_max_chars, "中文名称", "name_zh")?;
    let name_en = name(&body.name_en, rules.name_max_chars, "英文名称", "name_en")?;
    if body.boundary.kind != "Polygon" {
        return Err(refuse(
            "boundary_not_polygon",
            "边界须为多边形（GeoJSON Polygon）",
            format!("boundary: a GeoJSON Polygon, not {:?}", body.boundary.kind),
        ));
    }
    let [ring] = body.boundary.coordinates.as_slice() else {
        return Err(refuse(
            "boundary_rings",
            "边界须是一个外圈，不能带洞或缺失",
            "boundary: exactly one ring (the outer one; no holes)",
        ));
    };
    let shape = check_boundary(ring, rules)
        .map_err(|p| refuse(p.code(), p.message_zh(), p.message_en()))?;
    let (min, max) = (rules.min_population, rules.max_population);
    if !(min..=max).contains(&body.service_population) {
        return Err(refuse(
            "population_out_of_range",
            format!("服务人口须在 {min} 到 {max} 之间"),
            format!("service_population: from {min} to {max}"),
        ));
    }
    let population_note = match body.population_note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(note) if note.chars().count() > rules.note_max_chars as usize => {
            return Err(refuse(
                "note_too_long",
                format!("人口来源说明最多 {} 个字", rules.note_max_chars),
                format!(
                    "population_note: at most {} characters",
                    rules.note_max_chars
                ),
            ));
        }
        Some(note) if note.chars().any(|c| c.is_control() && c != '\n') => {
            return Err(refuse(
                "note_control_chars",
                "人口来源说明不能含有控制字符",
                "population_note must not contain control characters",
            ));
        }
        Some(note) => Some(note.to_string()),
    };
    let fields = CircleFields {
        name_zh,
        name_en,
        ring: shape.ring.clone(),
        service_population: body.service_population,
        population_note,
    };
    Ok((fields, shape))
}

/// The whole check: fields, shape, and at least the rules' number of street nodes inside.
pub fn check(body: &CircleBody, rules: &CircleRules, walk: &WalkNet) -> Result<Checked, ApiError> {
    let (fields, shape) = check_fields(body, rules)?;
    let origins = origins_inside(walk, &fields.ring);
    if origins < rules.min_street_nodes {
        return Err(refuse(
            "too_few_street_nodes",
            format!(
                "范围内只有 {origins} 个道路节点，至少需要 {} 个：请把边界画在本地图的步行道路上",
                rules.min_street_nodes
            ),
            format!(
                "only {origins} street nodes inside; at least {} are needed: draw the boundary over this map's walkable streets",
                rules.min_street_nodes
            ),
        ));
    }
    Ok(Checked {
        centre: centre(&polygon(&fields.ring)),
        figures: Figures {
            origins,
            area_km2: shape.area_km2,
            vertices: shape.vertices,
        },
        fields,
    })
}

/// A URL-safe id from the English name ("Changshou Road North" → "changshou-road-north"); `None`
/// when the name has no ASCII letters or digits (the caller then uses a random one).
pub fn slug(name_en: &str) -> Option<String> {
    let mut out = String::new();
    for c in name_en.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(ring: Vec<[f64; 2]>) -> CircleBody {
        CircleBody {
            name_zh: " 长寿路北 ".into(),
            name_en: "Changshou Road North".into(),
            boundary: BoundaryBody {
                kind: "Polygon".into(),
                coordinates: vec![ring],
            },
            service_population: 30_000,
            population_note: Some("  ".into()),
            version: None,
        }
    }

    fn square() -> Vec<[f64; 2]> {
        let (x, y) = (121.44, 31.24);
        vec![
            [x, y],
            [x + 0.01, y],
            [x + 0.01, y + 0.01],
            [x, y + 0.01],
            [x, y],
        ]
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(
            slug("Changshou Road (North) 2").as_deref(),
            Some("changshou-road-north-2")
        );
        assert_eq!(slug("  --Ünïcode--  ").as_deref(), Some("n-code"));
        assert_eq!(slug("长寿路"), None);
        assert_eq!(
            slug("x'; DROP TABLE circles;--").as_deref(),
            Some("x-drop-table-circles")
        );
        assert!(slug(&"a".repeat(100)).unwrap().len() <= 40);
    }

    #[test]
    fn fields_are_trimmed_and_an_empty_note_is_none() {
        let rules = CircleRules::bundled();
        let (f, shape) = check_fields(&body(square()), &rules).unwrap();
        assert_eq!(f.name_zh, "长寿路北");
        assert_eq!(f.population_note, None);
        assert_eq!(shape.vertices, 4);
    }

    #[test]
    fn refusals_name_what_to_fix() {
        let rules = CircleRules::bundled();
        let mut b = body(square());
        b.name_zh = "   ".into();
        assert_eq!(check_fields(&b, &rules).unwrap_err().code, "name_missing");
        let mut b = body(square());
        b.name_en = "a".repeat(rules.name_max_chars as usize + 1);
        assert_eq!(check_fields(&b, &rules).unwrap_err().code, "name_too_long");
        let mut b = body(square());
        b.name_en = "a\u{0}b".into();
        assert_eq!(
            check_fields(&b, &rules).unwrap_err().code,
            "name_control_chars"
        );
        let mut b = body(square());
        b.boundary.kind = "LineString".into();
        assert_eq!(
            check_fields(&b, &rules).unwrap_err().code,
            "boundary_not_polygon"
        );
        let mut b = body(square());
        b.boundary.coordinates.push(square());
        assert_eq!(check_fields(&b, &rules).unwrap_err().code, "boundary_rings");
        let mut b = body(square());
        b.service_population = rules.max_population + 1;
        assert_eq!(
            check_fields(&b, &rules).unwrap_err().code,
            "population_out_of_range"
        );
        b.service_population = rules.min_population - 1;
        assert_eq!(
            check_fields(&b, &rules).unwrap_err().code,
            "population_out_of_range"
        );
        let mut b = body(square());
        b.population_note = Some("字".repeat(rules.note_max_chars as usize + 1));
        assert_eq!(check_fields(&b, &rules).unwrap_err().code, "note_too_long");
        let mut ring = square();
        ring.swap(1, 2);
        assert_eq!(
            check_fields(&body(ring), &rules).unwrap_err().code,
            "self_intersecting"
        );
    }

    #[test]
    fn the_centre_of_an_l_is_inside_it() {
        let (x, y) = (0.0, 0.0);
        let l = polygon(&[
            [x, y],
            [x + 3.0, y],
            [x + 3.0, y + 0.2],
            [x + 0.2, y + 0.2],
            [x + 0.2, y + 3.0],
            [x, y + 3.0],
            [x, y],
        ]);
        let c = centre(&l);
        assert!(l.contains(&Point::new(c[0], c[1])), "{c:?}");
    }
}
