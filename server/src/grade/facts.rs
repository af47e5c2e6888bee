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
    let mut search = Search::new(&walk.graph);
    let mut out = BTreeMap::new();
    for c in &rules.categories {
        let snaps = snaps(
            walk,
            rules,
            outlets.iter().filter(|o| o.outlet.category == c.code),
        );
        let limit = ring_limit_m(rules, &c.code);
        let reached = served(walk, &mut search, &snaps, origins, limit)
            .iter()
            .filter(|&&s| s)
            .count() as u32;
        let cov = Coverage {
            reached,
            origins: origins.len() as u32,
        };
        out.insert(c.code.clone(), cov);
    }
    out
}

/// A category's ring in metres, at the ordinary pace (the official rings are not the
/// elderly one).
pub fn ring_limit_m(rules: &Rules, category: &str) -> f32 {
    limit_m(
        rules.ring_minutes(category),
        rules.walking_speed_mps(false) as f32,
    )
}

/// Where these outlets meet the streets (those too far from any are left out).
pub fn snaps<'a>(
    walk: &WalkNet,
    rules: &Rules,
    outlets: impl Iterator<Item = &'a StoredOutlet>,
) -> Vec<Snap> {
    outlets
        .filter_map(|o| {
            walk.snap([o.outlet.lon, o.outlet.lat], rules.walking.max_snap_m)
                .ok()
        })
        .collect()
}

/// For each origin, whether one of the snapped outlets is within `limit` metres' walk: one
/// multi-source search.
pub fn served(
    walk: &WalkNet,
    search: &mut Search,
    snaps: &[Snap],
    origins: &[u32],
    limit: f32,
) -> Vec<bool> {
    let sources: Vec<(u32, f32)> = snaps.iter().flat_map(|s| s.sources(&walk.graph)).collect();
    search.run(&sources, limit);
    origins
        .iter()
        .map(|&n| search.dist(n).is_some_and(|d| d <= limit))
        .collect()
}
