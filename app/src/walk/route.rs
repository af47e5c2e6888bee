//! The walking route itself, drawn in the app when no map app takes over the navigation: the
//! street path from the resident to an outlet, including the steps from each point onto its
//! street and the partial edges at both ends.
//!
//! The search keeps no predecessors (an array written in the hot loop of every isochrone and
//! coverage query, for the one query in a hundred that draws a route). The path is read back
//! afterwards instead: from the destination's street end, step to the neighbour whose distance
//! plus the edge between them gives the current distance — the neighbour Dijkstra came from —
//! until an end of the origin's edge, where the walk began.

use super::{haversine_m, Graph, Search, Snap};

/// A walking route: its length (what `Snap::walk_from` gives for the same pair) and the
/// lon/lat polyline from the origin point to the destination point.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkRoute {
    pub metres: f32,
    pub points: Vec<[f64; 2]>,
}

impl WalkRoute {
    /// Length of the polyline (haversine), which agrees with `metres` to well under 1%.
    pub fn polyline_m(&self) -> f64 {
        self.points
            .windows(2)
            .map(|w| haversine_m(w[0], w[1]))
            .sum()
    }
}

/// The shortest walk from `origin` (a lon/lat point, snapped to `origin_snap`) to `dest`
/// (snapped to `dest_snap`), or `None` when no street path joins them (islands).
///
/// Runs its own search from the origin (reusing the workspace): first bounded by three times
/// the straight-line distance plus 2 km, which holds every plausible walk and keeps a short
/// route cheap on a large graph; when that does not prove the shortest walk, unbounded.
pub fn walk_route(
    search: &mut Search,
    origin: [f64; 2],
    origin_snap: &Snap,
    dest: [f64; 2],
    dest_snap: &Snap,
) -> Option<WalkRoute> {
    let limit = (haversine_m(origin, dest) * 3.0 + 2000.0) as f32;
    route_within(search, origin, origin_snap, dest, dest_snap, limit)
}

/// `walk_route` with the first search bounded by `limit` metres.
fn route_within(
    search: &mut Search,
    origin: [f64; 2],
    origin_snap: &Snap,
    dest: [f64; 2],
    dest_snap: &Snap,
    limit: f32,
) -> Option<WalkRoute> {
    let g = search.graph();
    let sources = origin_snap.sources(g);
    search.run(&sources, limit);
    let mut metres = dest_snap.walk_from(search, Some(origin_snap));
    // Within the limit the result is exact: every node on a walk of at most `limit` metres was
    // settled. Beyond it (a long detour around a river, a railway) the walk may have used the
    // near end of the destination's edge while the shorter way in, by its far end, was cut
    // off; search the whole graph. (Infinite, unreached, is beyond too.)
    if metres > limit {
        search.run(&sources, f32::INFINITY);
        metres = dest_snap.walk_from(search, Some(origin_snap));
    }
    if !metres.is_finite() {
        return None;
    }

    let de = g.edge(dest_snap.edge);
    let via_a = search.raw(de.a) + dest_snap.t * de.len;
    let via_b = search.raw(de.b) + (1.0 - dest_snap.t) * de.len;
    let mut points = vec![origin, origin_snap.point];
    if origin_snap.edge == dest_snap.edge
        && origin_snap.off_m + (origin_snap.t - dest_snap.t).abs() * de.len <= via_a.min(via_b)
    {
        // Straight along the shared street.
    } else {
        let last = if via_a <= via_b { de.a } else { de.b };
        let nodes = path_back(search, &sources, last)?;
        points.extend(nodes.iter().rev().map(|&n| g.lonlat(n)));
    }
    points.push(dest_snap.point);
    points.push(dest);
    points.dedup();
    Some(WalkRoute { metres, points })
}

/// The nodes of the shortest path to `last`, from `last` back to the source node it began at.
fn path_back(search: &Search, sources: &[(u32, f32); 2], last: u32) -> Option<Vec<u32>> {
    let g: &Graph = search.graph();
    let mut path = vec![last];
    let mut u = last;
    // A path visits each node once; the bound only guards against a damaged search state.
    for _ in 0..g.node_count() {
        let d = search.raw(u);
        if !d.is_finite() {
            return None;
        }
        // f32 sums of a few thousand metres carry millimetres of rounding.
        let tol = 1e-3 + d * 1e-6;
        if sources.iter().any(|&(s, sd)| s == u && d >= sd - tol) {
            return Some(path);
        }
        // The neighbour the search came from gives `raw(w) + len == raw(u)` (the very sum
        // Dijkstra stored); take the best, preferring the nearer to the origin on ties (zero-
        // length edges between twin nodes), and never a node already on the path.
        let mut best: Option<(f32, f32, u32)> = None;
        for (w, len) in g.neighbours(u) {
            let dw = search.raw(w);
            let via = dw + len;
            if !via.is_finite() || via > d + tol || (dw >= d && path.contains(&w)) {
                continue;
            }
            if best.is_none_or(|(bv, bd, _)| (via, dw) < (bv, bd)) {
                best = Some((via, dw, w));
            }
        }
        let (_, _, w) = best?;
        path.push(w);
        u = w;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::{from_corner, Projection, SnapIndex};

    fn route(g: &Graph, from: [f64; 2], to: [f64; 2]) -> (Option<WalkRoute>, f32) {
        let idx = SnapIndex::new(g);
        let (o, d) = (
            idx.snap(g, from, 500.0).unwrap(),
            idx.snap(g, to, 500.0).unwrap(),
        );
        let mut s = Search::new(g);
        let r = walk_route(&mut s, from, &o, to, &d);
        // The engine's own distance for the pair, from an unbounded search.
        let mut s = Search::new(g);
        s.run(&o.sources(g), f32::INFINITY);
        (r, d.walk_from(&s, Some(&o)))
    }

    /// Grid coordinates (metres east/north of the corner) of a lon/lat point.
    fn xy(g: &Graph, p: [f64; 2]) -> [f64; 2] {
        let proj = g.projection();
        let c = proj.to_xy(g.lonlat(0));
        let q = proj.to_xy(p);
        [q[0] - c[0], q[1] - c[1]]
    }

    fn assert_xy(g: &Graph, got: &[[f64; 2]], want: &[[f64; 2]]) {
        let got: Vec<[f64; 2]> = got.iter().map(|&p| xy(g, p)).collect();
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (a, b) in got.iter().zip(want) {
            assert!(
                (a[0] - b[0]).abs() < 0.05 && (a[1] - b[1]).abs() < 0.05,
                "{got:?} vs {want:?}"
            );
        }
    }

    #[test]
    fn a_route_across_the_grid_turns_at_street_corners() {
        let g = Graph::grid(6, 6, 100.0);
        // From 10 m south of the bottom street at x = 30 to 20 m east of the street x = 300,
        // at y = 250: 10 + 270 along the bottom + 250 up + 20 = 550 m.
        let (from, to) = (from_corner(&g, 30.0, -10.0), from_corner(&g, 320.0, 250.0));
        let (r, engine) = route(&g, from, to);
        let r = r.unwrap();
        assert!((r.metres - 550.0).abs() < 0.5, "{}", r.metres);
        assert_eq!(r.metres, engine);
        // Manhattan paths tie; every shortest one starts east along the bottom street, ends
        // north up x = 300, and has the same length.
        let p = &r.points;
        assert_xy(&g, &p[..3], &[[30.0, -10.0], [30.0, 0.0], [100.0, 0.0]]);
        assert_xy(
            &g,
            &p[p.len() - 3..],
            &[[300.0, 200.0], [300.0, 250.0], [320.0, 250.0]],
        );
        assert!((r.polyline_m() - r.metres as f64).abs() < 0.01 * r.metres as f64);
        // Only grid corners in between, each a step of one block.
        for w in p[2..p.len() - 2].windows(2) {
            let (a, b) = (xy(&g, w[0]), xy(&g, w[1]));
            let step = (a[0] - b[0]).abs() + (a[1] - b[1]).abs();
            assert!((step - 100.0).abs() < 0.1, "{a:?} → {b:?}");
        }
    }

    #[test]
    fn on_one_street_edge_the_route_goes_straight_along_it() {
        let g = Graph::grid(5, 5, 100.0);
        let (from, to) = (from_corner(&g, 120.0, 5.0), from_corner(&g, 180.0, -5.0));
        let (r, engine) = route(&g, from, to);
        let r = r.unwrap();
        assert!((r.metres - 70.0).abs() < 0.1, "{}", r.metres);
        assert_eq!(r.metres, engine);
        assert_xy(
            &g,
            &r.points,
            &[[120.0, 5.0], [120.0, 0.0], [180.0, 0.0], [180.0, -5.0]],
        );
    }

    #[test]
    fn points_on_the_street_add_no_off_street_legs() {
        let g = Graph::grid(3, 3, 100.0);
        // From the corner node itself to the middle of the top street.
        let (from, to) = (from_corner(&g, 0.0, 0.0), from_corner(&g, 150.0, 200.0));
        let (r, engine) = route(&g, from, to);
        let r = r.unwrap();
        assert!((r.metres - 350.0).abs() < 0.5);
        assert_eq!(r.metres, engine);
        assert_eq!(r.points.first(), Some(&from));
        assert_eq!(r.points.last(), Some(&to));
        assert!(
            r.points.windows(2).all(|w| w[0] != w[1]),
            "no repeated points"
        );
        assert!((r.polyline_m() - r.metres as f64).abs() < 0.01 * r.metres as f64);
        // The same point: a route of its two off-street legs (here none), no street path.
        let (r, _) = route(&g, to, to);
        let r = r.unwrap();
        assert!(r.metres.abs() < 0.01);
        assert!(
            r.polyline_m() < 0.01 && r.points.len() <= 3,
            "{:?}",
            r.points
        );
    }

    /// A network of polylines given in metres east/north of a point in Shanghai.
    fn network(lines: &[&[(i64, [f64; 2])]]) -> Graph {
        let proj = Projection::new(121.44, 31.245);
        let features: Vec<serde_json::Value> = lines
            .iter()
            .map(|line| {
                let coords: Vec<[f64; 2]> = line.iter().map(|&(_, p)| proj.to_lonlat(p)).collect();
                let ids: Vec<i64> = line.iter().map(|&(id, _)| id).collect();
                serde_json::json!({
                    "type": "Feature",
                    "properties": {"node_ids": ids},
                    "geometry": {"type": "LineString", "coordinates": coords},
                })
            })
            .collect();
        let doc = serde_json::json!({"type": "FeatureCollection", "features": features});
        Graph::from_geojson(doc.to_string().as_bytes()).unwrap()
    }

    fn at(x: f64, y: f64) -> [f64; 2] {
        Projection::new(121.44, 31.245).to_lonlat([x, y])
    }

    #[test]
    fn separate_islands_have_no_route() {
        let g = network(&[
            &[(1, [0.0, 0.0]), (2, [100.0, 0.0])],
            &[(3, [0.0, 200.0]), (4, [100.0, 200.0])],
        ]);
        let (r, engine) = route(&g, at(50.0, 10.0), at(50.0, 190.0));
        assert_eq!(r, None);
        assert!(engine.is_infinite());
    }

    #[test]
    fn a_long_detour_beyond_the_first_bound_is_still_found() {
        // Two streets 50 m apart, joined only 5 km away: 50 m as the crow flies, 10 km on foot,
        // far beyond 3 × 50 m + 2 km.
        let g = network(&[&[
            (1, [0.0, 0.0]),
            (2, [2500.0, 0.0]),
            (3, [5000.0, 0.0]),
            (4, [5000.0, 50.0]),
            (5, [2500.0, 50.0]),
            (6, [0.0, 50.0]),
        ]]);
        let (from, to) = (at(10.0, -5.0), at(10.0, 55.0));
        let (r, engine) = route(&g, from, to);
        let r = r.unwrap();
        assert!((r.metres - 10_040.0).abs() < 1.0, "{}", r.metres);
        assert!((r.metres - engine).abs() < 0.5);
        // Origin, its snap, the four corners of the U, the destination's snap, destination.
        assert_eq!(r.points.len(), 8, "{:?}", r.points);
        for (i, osm) in [(2, 2), (3, 3), (4, 4), (5, 5)] {
            assert_eq!(r.points[i], g.lonlat(g.node_of_osm(osm).unwrap()));
        }
        assert!((r.polyline_m() - r.metres as f64).abs() < 0.01 * r.metres as f64);
    }

    #[test]
    fn a_result_beyond_the_first_bound_is_not_trusted() {
        // A 1 km square block. The origin is 450 m along its south side, so its NW corner is
        // 1450 m away (via SW) and its NE corner 1550 m (via SE). The destination is 700 m
        // along the north side from the NW corner: 1550 + 300 = 1850 m via NE, but a first
        // search bounded at 1500 m reaches only NW, which would give 1450 + 700 = 2150 m.
        let g = network(&[&[
            (1, [0.0, 0.0]),
            (2, [1000.0, 0.0]),
            (3, [1000.0, 1000.0]),
            (4, [0.0, 1000.0]),
            (1, [0.0, 0.0]),
        ]]);
        let idx = SnapIndex::new(&g);
        let (from, to) = (at(450.0, -10.0), at(700.0, 1010.0));
        let (o, d) = (
            idx.snap(&g, from, 50.0).unwrap(),
            idx.snap(&g, to, 50.0).unwrap(),
        );
        let mut s = Search::new(&g);
        s.run(&o.sources(&g), 1500.0);
        let bounded = d.walk_from(&s, Some(&o));
        assert!((bounded - 2170.0).abs() < 1.0, "{bounded}");
        let r = route_within(&mut s, from, &o, to, &d, 1500.0).unwrap();
        assert!((r.metres - 1870.0).abs() < 1.0, "{}", r.metres);
        assert_eq!(r.points[2], g.lonlat(g.node_of_osm(2).unwrap()));
        assert_eq!(r.points[3], g.lonlat(g.node_of_osm(3).unwrap()));
        assert_eq!(r.points.len(), 6);
    }

    #[test]
    fn any_first_bound_gives_the_engines_route() {
        // Random pairs with random, often too tight, first bounds.
        let g = Graph::grid(6, 6, 100.0);
        let idx = SnapIndex::new(&g);
        let mut rng = Lcg(11);
        let mut s = Search::new(&g);
        for i in 0..200 {
            let from = from_corner(&g, rng.next_f64() * 500.0, rng.next_f64() * 500.0);
            let to = from_corner(&g, rng.next_f64() * 500.0, rng.next_f64() * 500.0);
            let limit = (rng.next_f64() * 600.0) as f32;
            let (o, d) = (
                idx.snap(&g, from, 100.0).unwrap(),
                idx.snap(&g, to, 100.0).unwrap(),
            );
            s.run(&o.sources(&g), f32::INFINITY);
            let engine = d.walk_from(&s, Some(&o));
            let r = route_within(&mut s, from, &o, to, &d, limit).unwrap();
            assert!(
                (r.metres - engine).abs() < 0.5,
                "pair {i}: {} vs {engine}",
                r.metres
            );
            assert!((r.polyline_m() - r.metres as f64).abs() <= 0.01 * r.metres as f64 + 0.01);
        }
    }

    /// A tiny deterministic generator (no rand crate in the app).
    struct Lcg(u64);
    impl Lcg {
        fn next_f64(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn random_grid_routes_match_the_engine() {
        let g = Graph::grid(12, 9, 80.0);
        let mut rng = Lcg(7);
        let pt = |rng: &mut Lcg| {
            from_corner(
                &g,
                rng.next_f64() * 960.0 - 40.0,
                rng.next_f64() * 720.0 - 40.0,
            )
        };
        for i in 0..60 {
            let (from, to) = (pt(&mut rng), pt(&mut rng));
            let (r, engine) = route(&g, from, to);
            let r = r.unwrap_or_else(|| panic!("pair {i}"));
            assert!(
                (r.metres - engine).abs() < 0.5,
                "pair {i}: {} vs {engine}",
                r.metres
            );
            let line = r.polyline_m();
            assert!(
                (line - r.metres as f64).abs() <= 0.01 * r.metres as f64 + 0.01,
                "pair {i}: polyline {line} vs {}",
                r.metres
            );
            assert_eq!((r.points[0], *r.points.last().unwrap()), (from, to));
        }
    }
}
