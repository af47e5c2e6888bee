//! A drawn boundary's shape: closed, at least 3 distinct vertices, not crossing itself, an
//! area within the rules' bounds. Vertices repeated one after the other (a double tap) are
//! dropped rather than refused.

use super::CircleRules;
use geo::{ChamberlainDuquetteArea, Coord, LineString, Polygon, Validation};

/// A boundary that passed: its ring as stored (closed, no repeated vertex) and its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub ring: Vec<[f64; 2]>,
    /// Distinct vertices (the closing point not counted).
    pub vertices: usize,
    pub area_km2: f64,
}

/// Why a boundary is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum ShapeProblem {
    /// A coordinate is not a number, or not a longitude/latitude.
    BadCoordinate,
    /// The ring's last point is not its first.
    NotClosed,
    TooFewVertices {
        vertices: usize,
    },
    TooManyVertices {
        vertices: usize,
        max: u32,
    },
    /// Edges cross or touch (a figure eight, a spike back along itself).
    SelfIntersecting,
    TooSmall {
        area_km2: f64,
        min: f64,
    },
    TooLarge {
        area_km2: f64,
        max: f64,
    },
}

impl ShapeProblem {
    /// A short code for the API's `error` field.
    pub fn code(&self) -> &'static str {
        match self {
            ShapeProblem::BadCoordinate => "bad_coordinate",
            ShapeProblem::NotClosed => "boundary_not_closed",
            ShapeProblem::TooFewVertices { .. } => "too_few_vertices",
            ShapeProblem::TooManyVertices { .. } => "too_many_vertices",
            ShapeProblem::SelfIntersecting => "self_intersecting",
            ShapeProblem::TooSmall { .. } => "area_too_small",
            ShapeProblem::TooLarge { .. } => "area_too_large",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            ShapeProblem::BadCoordinate => {
                "边界含有无效的坐标（经度须在 ±180、纬度在 ±90 之内）".into()
            }
            ShapeProblem::NotClosed => "边界没有闭合：最后一个点须与第一个点相同".into(),
            ShapeProblem::TooFewVertices { vertices } => {
                format!("边界至少需要 3 个不同的顶点，现在只有 {vertices} 个")
            }
            ShapeProblem::TooManyVertices { vertices, max } => {
                format!("边界顶点太多（{vertices} 个），最多 {max} 个")
            }
            ShapeProblem::SelfIntersecting => "边界线自相交了：请移动顶点，让边界不交叉".into(),
            ShapeProblem::TooSmall { area_km2, min } => {
                format!("范围太小（{area_km2:.2} 平方公里），至少 {min} 平方公里")
            }
            ShapeProblem::TooLarge { area_km2, max } => {
                format!("范围太大（{area_km2:.1} 平方公里），最多 {max} 平方公里")
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            ShapeProblem::BadCoordinate => {
                "the boundary has an invalid coordinate (longitude within ±180, latitude ±90)"
                    .into()
            }
            ShapeProblem::NotClosed => {
                "the boundary is not closed: its last point must be its first".into()
            }
            ShapeProblem::TooFewVertices { vertices } => {
                format!("a boundary needs at least 3 distinct vertices, not {vertices}")
            }
            ShapeProblem::TooManyVertices { vertices, max } => {
                format!("too many vertices ({vertices}); at most {max}")
            }
            ShapeProblem::SelfIntersecting => {
                "the boundary crosses itself: move a vertex so that its edges do not cross".into()
            }
            ShapeProblem::TooSmall { area_km2, min } => {
                format!("the area is too small ({area_km2:.2} km²); at least {min} km²")
            }
            ShapeProblem::TooLarge { area_km2, max } => {
                format!("the area is too large ({area_km2:.1} km²); at most {max} km²")
            }
        }
    }
}

/// The area of a ring ([lon, lat] pairs, closed or not) in km², on the sphere.
pub fn area_km2(ring: &[[f64; 2]]) -> f64 {
    if ring.len() < 3 {
        return 0.0;
    }
    polygon(ring).chamberlain_duquette_unsigned_area() / 1e6
}

fn polygon(ring: &[[f64; 2]]) -> Polygon<f64> {
    let coords: Vec<Coord<f64>> = ring.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    // `Polygon::new` closes an open ring.
    Polygon::new(LineString::new(coords), vec![])
}

/// Checks a closed ring against the rules; on success the ring as it is to be stored.
pub fn check_boundary(ring: &[[f64; 2]], rules: &CircleRules) -> Result<Shape, ShapeProblem> {
    let valid = |p: &[f64; 2]| {
        p[0].is_finite() && p[1].is_finite() && p[0].abs() <= 180.0 && p[1].abs() <= 90.0
    };
    if !ring.iter().all(valid) {
        return Err(ShapeProblem::BadCoordinate);
    }
    if ring.len() < 2 || ring.first() != ring.last() {
        return Err(ShapeProblem::NotClosed);
    }
    let mut open: Vec<[f64; 2]> = Vec::with_capacity(ring.len());
    for p in &ring[..ring.len() - 1] {
        if open.last() != Some(p) {
            open.push(*p);
        }
    }
    // The last vertex equal to the first is the same double tap, across the closing point.
    while open.len() > 1 && open.last() == open.first() {
        open.pop();
    }
    let vertices = open.len();
    let distinct = {
        let mut seen: Vec<[f64; 2]> = Vec::new();
        for p in &open {
            if !seen.contains(p) {
                seen.push(*p);
            }
        }
        seen.len()
    };
    if distinct < 3 {
        return Err(ShapeProblem::TooFewVertices { vertices: distinct });
    }
    if vertices > rules.max_vertices as usize {
        return Err(ShapeProblem::TooManyVertices {
            vertices,
            max: rules.max_vertices,
        });
    }
    // A vertex visited twice makes the ring touch itself: the same refusal as a crossing.
    if distinct < vertices || !polygon(&open).is_valid() {
        return Err(ShapeProblem::SelfIntersecting);
    }
    let area = area_km2(&open);
    if area < rules.min_area_km2 {
        return Err(ShapeProblem::TooSmall {
            area_km2: area,
            min: rules.min_area_km2,
        });
    }
    if area > rules.max_area_km2 {
        return Err(ShapeProblem::TooLarge {
            area_km2: area,
            max: rules.max_area_km2,
        });
    }
    let mut closed = open;
    closed.push(closed[0]);
    Ok(Shape {
        ring: closed,
        vertices,
        area_km2: area,
    })
}
