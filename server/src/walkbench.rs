//! Timings of the walking engine on a dataset, for `bianmin-server bench-walk` (which
//! bench/compare.py runs beside networkx, scipy and pandana on the same origins and outlets)
//! and for the criterion benchmarks.

use crate::dataset::Dataset;
use crate::seed::initial_outlets;
use crate::walking::WalkNet;
use app::domain::{Outlet, Rules};
use app::walk::{coverage, isochrone, Search, Snap};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Instant;

pub struct Setup {
    pub rules: Rules,
    pub walk: WalkNet,
    pub outlets: Vec<Outlet>,
    pub centre: [f64; 2],
}

impl Setup {
    pub fn load(dataset: &str, data_dir: &Path) -> Result<Setup, String> {
        let rules = Rules::bundled();
        let ds = Dataset::open(dataset, data_dir)?;
        let walk = WalkNet::new(&ds.network)?;
        let (_, outlets, _) = initial_outlets(&ds, &rules, true)?;
        let centre = ds.circles[0].centre;
        Ok(Setup {
            rules,
            walk,
            outlets,
            centre,
        })
    }

    /// Metres walked in `minutes` at the default speed.
    pub fn limit_m(&self, minutes: u32) -> f32 {
        app::walk::limit_m(minutes, self.rules.walking_speed_mps(false) as f32)
    }

    /// `n` origins drawn (deterministically) from the largest connected component.
    pub fn origins(&self, n: usize) -> Vec<u32> {
        let comp = self.walk.graph.components();
        let mut sizes = std::collections::HashMap::<u32, usize>::new();
        comp.iter().for_each(|&c| *sizes.entry(c).or_default() += 1);
        let largest = sizes
            .into_iter()
            .max_by_key(|&(c, n)| (n, std::cmp::Reverse(c)))
            .unwrap()
            .0;
        let nodes: Vec<u32> = (0..comp.len() as u32)
            .filter(|&v| comp[v as usize] == largest)
            .collect();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                nodes[(x % nodes.len() as u64) as usize]
            })
            .collect()
    }

    pub fn centre_snap(&self) -> Snap {
        self.walk
            .snap(self.centre, self.rules.walking.max_snap_m)
            .expect("the circle centre is on the network")
    }

    /// Outlet snaps per category, in rules order, categories without outlets left out.
    pub fn snaps_by_category(&self) -> Vec<(String, Vec<Snap>)> {
        self.rules
            .categories
            .iter()
            .map(|c| {
                let snaps: Vec<Snap> = self
                    .outlets
                    .iter()
                    .filter(|o| o.category == c.code)
                    .filter_map(|o| {
                        self.walk
                            .snap([o.lon, o.lat], self.rules.walking.max_snap_m)
                            .ok()
                    })
                    .collect();
                (c.code.clone(), snaps)
            })
            .filter(|(_, s)| !s.is_empty())
            .collect()
    }

    /// Coverage gaps for every category (each at its own ring).
    pub fn coverage_all(&self, search: &mut Search, by_category: &[(String, Vec<Snap>)]) -> f64 {
        by_category
            .iter()
            .map(|(code, snaps)| {
                coverage::gaps(search, snaps, self.limit_m(self.rules.ring_minutes(code))).gap_m
            })
            .sum()
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs the measurements and returns them with the origins and outlets used, as JSON.
pub fn run(setup: &Setup, origins: usize, rounds: usize) -> Value {
    let g = &setup.walk.graph;
    let nodes = setup.origins(origins);
    let limit = setup.limit_m(15);
    let mut search = Search::new(g);

    // One bounded 15-minute search per origin node (what networkx/scipy do with a cutoff).
    let mut per_search_us = Vec::new();
    let mut reached = 0usize;
    for _ in 0..rounds {
        let t = Instant::now();
        for &n in &nodes {
            search.run(&[(n, 0.0)], limit);
            reached += search.reached().len();
        }
        per_search_us.push(t.elapsed().as_secs_f64() * 1e6 / nodes.len() as f64);
    }

    // A whole 15-minute isochrone from the circle centre: search, reached streets, polygon.
    let origin = setup.centre_snap();
    let buffer = setup.rules.walking.ring_buffer_m;
    let mut iso_us = Vec::new();
    let mut iso_search_us = Vec::new();
    for _ in 0..rounds.max(20) {
        let t = Instant::now();
        search.run(&origin.sources(g), limit);
        iso_search_us.push(t.elapsed().as_secs_f64() * 1e6);
        let lines = isochrone::reached_lines(&search, Some(&origin), limit);
        let poly = isochrone::polygon(g, &lines, buffer);
        iso_us.push(t.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(poly);
    }

    // Coverage for every category: snap outlets, multi-source search, gap stretches.
    let mut cov_ms = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let by_category = setup.snaps_by_category();
        std::hint::black_box(setup.coverage_all(&mut search, &by_category));
        cov_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let by_category = setup.snaps_by_category();

    json!({
        "nodes": g.node_count(),
        "edges": g.edge_count(),
        "limit_m": limit,
        "origins_osm": nodes.iter().map(|&n| g.osm_id(n)).collect::<Vec<_>>(),
        "outlets": setup.outlets.iter().map(|o| json!({"lon": o.lon, "lat": o.lat, "category": o.category})).collect::<Vec<_>>(),
        "ring_m": by_category.iter().map(|(c, _)| (c.clone(), json!(setup.limit_m(setup.rules.ring_minutes(c))))).collect::<serde_json::Map<_, _>>(),
        "ours": {
            "search_15min_us": median(per_search_us),
            "mean_reached_nodes": reached as f64 / (rounds * nodes.len()) as f64,
            "isochrone_15min_search_us": median(iso_search_us),
            "isochrone_15min_polygon_us": median(iso_us),
            "coverage_all_categories_ms": median(cov_ms),
            "categories": by_category.len(),
            "graph_bytes": setup.walk.bytes.len(),
        }
    })
}

/// Growth on square grids (100 m spacing) of about 10k, 100k and 1M nodes: build time, memory
/// per node, a search over the whole graph and a 15-minute one.
pub fn growth() -> Value {
    let grids: Vec<Value> = [100u32, 317, 1000]
        .iter()
        .map(|&side| {
            let t = Instant::now();
            let g = app::walk::Graph::grid(side, side, 100.0);
            let build_ms = t.elapsed().as_secs_f64() * 1e3;
            let centre = (side / 2) * side + side / 2;
            let mut search = Search::new(&g);
            let full_ms = median(
                (0..3)
                    .map(|_| {
                        let t = Instant::now();
                        search.run(&[(centre, 0.0)], f32::INFINITY);
                        t.elapsed().as_secs_f64() * 1e3
                    })
                    .collect(),
            );
            let short_us = median(
                (0..20)
                    .map(|_| {
                        let t = Instant::now();
                        search.run(&[(centre, 0.0)], 1125.0);
                        t.elapsed().as_secs_f64() * 1e6
                    })
                    .collect(),
            );
            json!({
                "nodes": g.node_count(),
                "edges": g.edge_count(),
                "build_ms": build_ms,
                "heap_bytes": g.heap_bytes(),
                "full_search_ms": full_ms,
                "search_15min_us": short_us,
            })
        })
        .collect();
    json!({ "grids": grids })
}
