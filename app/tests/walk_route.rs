//! The drawn walking route on the real networks: for random pairs of points near the streets,
//! the route's length is the engine's walking distance, and its polyline is that long.

use app::walk::{haversine_m, walk_route, Graph, Search, SnapIndex};
use std::collections::HashSet;
use std::path::Path;

/// A tiny deterministic generator (the app takes no rand crate).
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

/// A point up to 40 m to the side of a random spot on a random street.
fn random_point(g: &Graph, rng: &mut Lcg) -> [f64; 2] {
    let i = ((rng.next_f64() * g.edge_count() as f64) as u32).min(g.edge_count() as u32 - 1);
    let e = g.edge(i);
    let on = g.along(i, rng.next_f64() as f32 * e.len);
    let p = g.projection();
    let xy = p.to_xy(on);
    let (dx, dy) = (rng.next_f64() * 80.0 - 40.0, rng.next_f64() * 80.0 - 40.0);
    p.to_lonlat([xy[0] + dx, xy[1] + dy])
}

fn check(dataset: &str, seed: u64) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let network =
        std::fs::read(root.join(format!("../server/data/{dataset}/walk_network.geojson"))).unwrap();
    let g = Graph::from_geojson(&network).unwrap();
    let idx = SnapIndex::new(&g);
    let nodes: HashSet<[u64; 2]> = (0..g.node_count() as u32)
        .map(|n| g.lonlat(n).map(f64::to_bits))
        .collect();
    let mut rng = Lcg(seed);
    let mut route_search = Search::new(&g);
    let mut engine_search = Search::new(&g);
    let (mut routed, mut worst_len) = (0, 0.0f64);
    for i in 0..50 {
        let (from, to) = (random_point(&g, &mut rng), random_point(&g, &mut rng));
        let (o, d) = (
            idx.snap(&g, from, 300.0).unwrap(),
            idx.snap(&g, to, 300.0).unwrap(),
        );
        engine_search.run(&o.sources(&g), f32::INFINITY);
        let engine = d.walk_from(&engine_search, Some(&o));
        let Some(r) = walk_route(&mut route_search, from, &o, to, &d) else {
            assert!(
                engine.is_infinite(),
                "pair {i}: no route, engine {engine} m"
            );
            continue;
        };
        routed += 1;
        assert!(
            (r.metres - engine).abs() < 0.5,
            "pair {i}: route {} m, engine {engine} m",
            r.metres
        );
        let line: f64 = r.points.windows(2).map(|w| haversine_m(w[0], w[1])).sum();
        let rel = (line - r.metres as f64).abs() / (r.metres as f64).max(1.0);
        worst_len = worst_len.max(rel);
        assert!(
            rel < 0.01,
            "pair {i}: polyline {line:.2} m, route {} m",
            r.metres
        );
        assert_eq!(r.points.first(), Some(&from));
        assert_eq!(r.points.last(), Some(&to));
        // The polyline follows streets: every inner point after the origin's snap is a graph
        // node, up to the destination's snap.
        assert_eq!(r.points[1], o.point);
        assert_eq!(r.points[r.points.len() - 2], d.point);
        for p in &r.points[2..r.points.len() - 2] {
            assert!(
                nodes.contains(&p.map(f64::to_bits)),
                "pair {i}: {p:?} is no node"
            );
        }
    }
    eprintln!(
        "{dataset}: {routed} of 50 pairs routed, worst polyline/length difference {worst_len:.2e}"
    );
    assert!(routed >= 40, "{dataset}: only {routed} pairs routed");
}

#[test]
fn shanghai_routes_match_the_engine() {
    check("shanghai", 1);
}

#[test]
fn helsinki_routes_match_the_engine() {
    check("helsinki", 2);
}
