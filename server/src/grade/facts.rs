//! The facts a circle's grade is computed from, gathered from the live data.

use crate::walking::WalkNet;
use app::domain::grade::Coverage;
use app::domain::{Circle, Rules, StoredOutlet};
use app::walk::{limit_m, Search, Snap};
use geo::{Contains, LineString, Point, Polygon};
use std::collections::BTreeMap;

/// The circle's boundary as a polygon (outer ring only).
pub fn boundary(circle: &Circle) -> Polygon<f64> {
    let ring: Vec<(f64, f64)> = circle
        .boundary
        .outer()
        .iter()
        .map(|p| (p[0], p[1]))
        .collect();
    Polygon::new(LineString::from(ring), vec![])
}

/// The circle's representative origins: the street nodes inside its boundary (where its
/// residents start walking from).
pub fn origins(walk: &WalkNet, area: &Polygon<f64>) -> Vec<u32> {
    (0..walk.graph.node_count() as u32)
        .filter(|&n| {
            let [lon, lat] = walk.graph.lonlat(n);
            area.contains(&Point::new(lon, lat))
        })
        .collect()
}

/// Outlets inside the circle (those the grade's outlet items count).
pub fn inside(outlets: &[StoredOutlet], area: &Polygon<f64>) -> Vec<StoredOutlet> {
    outlets
        .iter()
        .filter(|o| area.contains(&Point::new(o.outlet.lon, o.outlet.lat)))
        .cloned()
        .collect()
}

/// For every category of the basic and quality groups: from how many origins an outlet of it
/// (anywhere in the dataset: a shop across the circle's edge still serves it) is within the
/// category's ring, one multi-source search per category. `speed_mps`: the rules' walking
/// speed (not the elderly one: the official rings are at the ordinary pace).
pub fn coverage(
    walk: &WalkNet,
    rules: &Rules,
    outlets: &[StoredOutlet],
    origins: &[u32],
) -> BTreeMap<String, Coverage> {
    let speed = rules.walking_speed_mps(false) as f32;
    let mut search = Search::new(&walk.graph);
    let mut out = BTreeMap::new();
    for c in &rules.categories {
        let snaps: Vec<Snap> = outlets
            .iter()
            .filter(|o| o.outlet.category == c.code)
            .filter_map(|o| {
                walk.snap([o.outlet.lon, o.outlet.lat], rules.walking.max_snap_m)
                    .ok()
            })
            .collect();
        let mut cov = Coverage {
            reached: 0,
            origins: origins.len() as u32,
        };
        if !snaps.is_empty() {
            let limit = limit_m(rules.ring_minutes(&c.code), speed);
            let sources: Vec<(u32, f32)> =
                snaps.iter().flat_map(|s| s.sources(&walk.graph)).collect();
            search.run(&sources, limit);
            cov.reached = origins
                .iter()
                .filter(|&&n| search.dist(n).is_some_and(|d| d <= limit))
                .count() as u32;
        }
        out.insert(c.code.clone(), cov);
    }
    out
}
