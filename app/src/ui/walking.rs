//! Walking times in the browser: the prebuilt street graph from `/api/graph`, every outlet
//! snapped onto it once, and per origin one search that gives each outlet's walk and the
//! 5/10/15-minute rings. Same engine as the server (`crate::walk`), so the numbers agree.

use super::i18n::{tr, trf};
use crate::domain::StoredOutlet;
use crate::walk::coverage::{self, Gaps, Stretch};
use crate::walk::{
    isochrone, walk_route, Graph, GraphError, Search, Snap, SnapError, SnapIndex, WalkRoute,
};
pub use crate::walk::{limit_m, walk_seconds};
use geo::MultiPolygon;
use std::cell::RefCell;
use std::fmt::Write;

/// What loading the graph cost, for the benchmark hook.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LoadStats {
    /// The graph's size after decompression.
    pub graph_bytes: usize,
    /// Its size on the wire (the compressed body), when the browser reports it.
    pub wire_bytes: Option<f64>,
    /// Request start to the last byte received, in ms.
    pub fetch_ms: f64,
    /// Bytes received to graph, snapping index and outlet snaps ready, in ms.
    pub ready_ms: f64,
    /// Of which: decoding the graph, building the snapping index, snapping the outlets.
    pub decode_ms: f64,
    pub index_ms: f64,
    pub snaps_ms: f64,
}

pub struct WalkNet {
    pub graph: &'static Graph,
    index: SnapIndex,
    /// One search, reused for every query: it resets only what the last query touched.
    search: RefCell<Search<'static>>,
    /// Where each outlet of `Data::outlets` (same order) meets the streets; `None` when it is
    /// farther than the rules allow from any street.
    pub outlet_snaps: Vec<Option<Snap>>,
    /// The outlets' lon/lat, to time the load again in the benchmark.
    outlet_points: Vec<[f64; 2]>,
    max_snap_m: f64,
    pub stats: LoadStats,
}

/// The walks from one origin: metres per outlet (infinite when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Walks {
    pub meters: Vec<f32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    pub minutes: u32,
    /// A GeoJSON MultiPolygon geometry, lon/lat to 6 decimals.
    pub geojson: String,
    /// The ring's northernmost point, where its label goes.
    pub top: Option<[f64; 2]>,
}

impl WalkNet {
    /// Builds everything a query needs. The graph lives as long as the page (it is loaded once),
    /// which lets one `Search` borrow it for good.
    /// `now` is a millisecond clock (`performance.now()` in the browser) for the load stats.
    /// (The page runs the three steps in tasks of their own; this is them in one go.)
    #[cfg(test)]
    pub fn build(
        bytes: &[u8],
        outlets: &[StoredOutlet],
        max_snap_m: f64,
        now: impl Fn() -> f64,
    ) -> Result<WalkNet, GraphError> {
        let t0 = now();
        let graph = Self::decode(bytes)?;
        let t1 = now();
        let index = SnapIndex::new(graph);
        let t2 = now();
        let mut net = Self::assemble(graph, index, outlets, max_snap_m);
        let t3 = now();
        net.stats = LoadStats {
            graph_bytes: bytes.len(),
            ready_ms: t3 - t0,
            decode_ms: t1 - t0,
            index_ms: t2 - t1,
            snaps_ms: t3 - t2,
            ..LoadStats::default()
        };
        Ok(net)
    }

    /// Step one of three (the page runs each in a task of its own): the graph, kept for good.
    pub fn decode(bytes: &[u8]) -> Result<&'static Graph, GraphError> {
        Ok(Box::leak(Box::new(Graph::from_bytes(bytes)?)))
    }

    /// Step three, after `SnapIndex::new(graph)`: every outlet snapped, and the search.
    pub fn assemble(
        graph: &'static Graph,
        index: SnapIndex,
        outlets: &[StoredOutlet],
        max_snap_m: f64,
    ) -> WalkNet {
        let outlet_points: Vec<[f64; 2]> = outlets
            .iter()
            .map(|o| [o.outlet.lon, o.outlet.lat])
            .collect();
        let outlet_snaps = outlet_points
            .iter()
            .map(|&p| index.snap(graph, p, max_snap_m).ok())
            .collect();
        WalkNet {
            graph,
            index,
            search: RefCell::new(Search::new(graph)),
            outlet_snaps,
            outlet_points,
            max_snap_m,
            stats: LoadStats::default(),
        }
    }

    /// The walking route from `origin` (the point and its snap) to outlet `i` of the data.
    pub fn route(&self, origin: [f64; 2], snap: &Snap, i: usize) -> Option<WalkRoute> {
        let dest = self.outlet_snaps.get(i)?.as_ref()?;
        let mut search = self.search.borrow_mut();
        walk_route(&mut search, origin, snap, self.outlet_points[i], dest)
    }

    pub fn snap(&self, lonlat: [f64; 2], max_m: f64) -> Result<Snap, SnapError> {
        self.index.snap(self.graph, lonlat, max_m)
    }

    /// The walk from `origin` to every outlet (metres; infinite when unknown).
    pub fn meters(&self, origin: &Snap) -> Vec<f32> {
        let mut search = self.search.borrow_mut();
        // Unbounded: a few thousand nodes cost well under a millisecond, and every outlet gets a
        // time, not only those inside the largest ring.
        search.run(&origin.sources(self.graph), f32::INFINITY);
        self.outlet_snaps
            .iter()
            .map(|s| s.map_or(f32::INFINITY, |s| s.walk_from(&search, Some(origin))))
            .collect()
    }

    /// One walking ring: the streets within `limit` metres of `origin`, buffered. Its own
    /// search (bounded by the limit, well under a millisecond), so the page can draw each ring
    /// in a task of its own: the polygon is the costly part.
    pub fn ring_of(&self, origin: &Snap, minutes: u32, limit: f32, buffer_m: f64) -> Ring {
        let mut search = self.search.borrow_mut();
        search.run(&origin.sources(self.graph), limit);
        let poly = self.ring(&search, origin, limit, buffer_m);
        Ring {
            minutes,
            geojson: multipolygon_geojson(&poly),
            top: northernmost(&poly),
        }
    }

    /// The walk to every outlet and one ring per `(minutes, metres)` limit, in one go (the
    /// page runs these steps in tasks of their own).
    #[cfg(test)]
    pub fn query(&self, origin: &Snap, rings: &[(u32, f32)], buffer_m: f64) -> (Walks, Vec<Ring>) {
        let meters = self.meters(origin);
        let rings = rings
            .iter()
            .map(|&(minutes, limit)| self.ring_of(origin, minutes, limit, buffer_m))
            .collect();
        (Walks { meters }, rings)
    }

    /// The coverage gaps of one category: the streets farther than `limit` metres from every
    /// outlet whose index (in `Data::outlets`) is given. Outlets off the streets are left out,
    /// as on the server.
    pub fn gaps(&self, outlets: impl IntoIterator<Item = usize>, limit: f32) -> Gaps {
        let snaps: Vec<Snap> = outlets
            .into_iter()
            .filter_map(|i| self.outlet_snaps.get(i).copied().flatten())
            .collect();
        let mut search = self.search.borrow_mut();
        coverage::gaps(&mut search, &snaps, limit)
    }

    /// A gap stretch's two ends, lon/lat to 6 decimals (as the server's `stretch_geometry`).
    pub fn stretch_line(&self, s: &Stretch) -> [[f64; 2]; 2] {
        s.ends(self.graph)
    }

    /// The gaps as GeoJSON FeatureCollection text, one LineString per stretch.
    pub fn gaps_geojson(&self, gaps: &Gaps) -> String {
        let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[");
        for (i, s) in gaps.stretches.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let [p, q] = self.stretch_line(s);
            let _ = write!(
                out,
                "{{\"type\":\"Feature\",\"properties\":{{}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[[{:.6},{:.6}],[{:.6},{:.6}]]}}}}",
                p[0], p[1], q[0], q[1]
            );
        }
        out.push_str("]}");
        out
    }

    fn ring(&self, search: &Search, origin: &Snap, limit: f32, buffer_m: f64) -> MultiPolygon<f64> {
        let lines = isochrone::reached_lines(search, Some(origin), limit);
        isochrone::polygon(self.graph, &lines, buffer_m)
    }

    /// For the benchmark: the load again, now that its code has run once (the first load also
    /// pays for compiling the Wasm functions it calls). Returns ms to decode the graph, build
    /// the snapping index and snap the outlets.
    pub fn bench_load(&self, now: impl Fn() -> f64) -> [f64; 3] {
        let bytes = self.graph.to_bytes();
        let t0 = now();
        let Ok(graph) = Graph::from_bytes(&bytes) else {
            return [f64::NAN; 3];
        };
        let t1 = now();
        let index = SnapIndex::new(&graph);
        let t2 = now();
        let snapped = self
            .outlet_points
            .iter()
            .filter(|&&p| index.snap(&graph, p, self.max_snap_m).is_ok())
            .count();
        let t3 = now();
        debug_assert_eq!(snapped, self.outlet_snaps.iter().flatten().count());
        [t1 - t0, t2 - t1, t3 - t2]
    }

    /// For the benchmark: a search bounded by `limit`, alone.
    pub fn bench_search(&self, origin: &Snap, limit: f32) -> usize {
        let mut search = self.search.borrow_mut();
        search.run(&origin.sources(self.graph), limit);
        search.reached().len()
    }

    /// For the benchmark: one isochrone as the server makes it (search to the limit, reached
    /// streets, buffered polygon). Returns the polygon's vertex count.
    pub fn bench_isochrone(&self, origin: &Snap, limits: &[f32], buffer_m: f64) -> usize {
        let mut search = self.search.borrow_mut();
        let max = limits.iter().copied().fold(0.0, f32::max);
        search.run(&origin.sources(self.graph), max);
        limits
            .iter()
            .map(|&l| {
                use geo::CoordsIter;
                self.ring(&search, origin, l, buffer_m).coords_count()
            })
            .sum()
    }
}

/// Whole minutes shown to residents: rounded up, at least 1.
pub fn minutes_shown(seconds: u32) -> u32 {
    seconds.div_ceil(60).max(1)
}

/// "450 米" (to 10 m) or "1.2 公里".
pub fn distance_text(meters: f32) -> String {
    let tens = ((meters / 10.0).round() as u32).max(1) * 10;
    if tens < 1000 {
        trf!("{tens} 米", "{tens} m")
    } else {
        let km = format!("{:.1}", meters / 1000.0);
        let km = km.strip_suffix(".0").unwrap_or(&km);
        trf!("{km} 公里", "{km} km")
    }
}

/// "步行 6 分钟 · 450 米", or "步行距离未知".
pub fn walk_text(meters: f32, speed_mps: f32) -> String {
    match walk_seconds(meters, speed_mps) {
        Some(s) => {
            let (m, d) = (minutes_shown(s), distance_text(meters));
            trf!("步行 {m} 分钟 · {d}", "{m} min walk · {d}")
        }
        None => unknown().to_string(),
    }
}

pub fn unknown() -> &'static str {
    tr("步行距离未知", "Walking distance unknown")
}

fn push_coord(out: &mut String, c: geo::Coord<f64>) {
    let _ = write!(out, "[{:.6},{:.6}]", c.x, c.y);
}

/// A MultiPolygon's outlines as GeoJSON geometry text (cheaper than building JS objects one by
/// one: the browser's `JSON.parse` does that). Holes are left out: the blocks between reached
/// streets belong to the area a resident can walk to, and drawn holes read as a tangle.
pub fn multipolygon_geojson(mp: &MultiPolygon<f64>) -> String {
    let mut out = String::from("{\"type\":\"MultiPolygon\",\"coordinates\":[");
    for (i, p) in mp.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("[[");
        for (k, c) in p.exterior().coords().enumerate() {
            if k > 0 {
                out.push(',');
            }
            push_coord(&mut out, *c);
        }
        out.push_str("]]");
    }
    out.push_str("]}");
    out
}

fn northernmost(mp: &MultiPolygon<f64>) -> Option<[f64; 2]> {
    mp.0.iter()
        .flat_map(|p| p.exterior().coords())
        .max_by(|a, b| a.y.total_cmp(&b.y))
        .map(|c| [c.x, c.y])
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, LineString, MultiPolygon, Polygon};

    #[test]
    fn walking_words() {
        let speed = 4.5f32 / 3.6;
        assert_eq!(walk_text(450.0, speed), "步行 6 分钟 · 450 米");
        assert_eq!(walk_text(4.0, speed), "步行 1 分钟 · 10 米");
        assert_eq!(walk_text(1234.0, speed), "步行 17 分钟 · 1.2 公里");
        assert_eq!(walk_text(996.0, speed), "步行 14 分钟 · 1 公里");
        assert_eq!(walk_text(f32::INFINITY, speed), "步行距离未知");
        // Exactly 5 minutes is 5, a second more is 6.
        assert_eq!(walk_seconds(375.0, speed), Some(300));
        assert_eq!(minutes_shown(300), 5);
        assert_eq!(minutes_shown(301), 6);
        assert_eq!(minutes_shown(0), 1);
        assert_eq!(limit_m(5, speed), 375.0);
    }

    #[test]
    fn rings_as_geojson() {
        let p = polygon![(x: 121.0, y: 31.0), (x: 121.001, y: 31.0), (x: 121.0, y: 31.002)];
        let mp = MultiPolygon::new(vec![p]);
        let text = multipolygon_geojson(&mp);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["type"], "MultiPolygon");
        assert_eq!(v["coordinates"][0][0][1][0], 121.001);
        assert_eq!(northernmost(&mp), Some([121.0, 31.002]));
        // Holes are not drawn.
        let square =
            |d: f64| LineString::from(vec![(0.0, 0.0), (d, 0.0), (d, d), (0.0, d), (0.0, 0.0)]);
        let holed = MultiPolygon::new(vec![Polygon::new(square(1.0), vec![square(0.5)])]);
        let v: serde_json::Value = serde_json::from_str(&multipolygon_geojson(&holed)).unwrap();
        assert_eq!(v["coordinates"][0].as_array().unwrap().len(), 1);
        assert_eq!(
            multipolygon_geojson(&MultiPolygon::new(vec![])),
            "{\"type\":\"MultiPolygon\",\"coordinates\":[]}"
        );
    }

    #[test]
    fn queries_a_small_grid() {
        let g = Graph::grid(10, 10, 100.0);
        let bytes = g.to_bytes();
        let net = WalkNet::build(&bytes, &[], 300.0, || 0.0).unwrap();
        let origin = net.snap(net.graph.lonlat(0), 300.0).unwrap();
        let speed = 1.25;
        let (walks, rings) = net.query(
            &origin,
            &[(5, limit_m(5, speed)), (10, limit_m(10, speed))],
            40.0,
        );
        assert!(walks.meters.is_empty());
        assert_eq!(rings.len(), 2);
        assert!(rings[1].geojson.len() > rings[0].geojson.len());
        // A ring from its own bounded search is the ring from the unbounded one.
        let unbounded = {
            let mut search = net.search.borrow_mut();
            search.run(&origin.sources(net.graph), f32::INFINITY);
            multipolygon_geojson(&net.ring(&search, &origin, limit_m(10, speed), 40.0))
        };
        assert_eq!(rings[1].geojson, unbounded);
        assert!(net.bench_search(&origin, 1125.0) > 10);
        assert!(net.bench_load(|| 0.0).iter().all(|t| *t == 0.0));
        assert!(net.bench_isochrone(&origin, &[1125.0], 40.0) > 10);
        // No outlets: every street is a gap, one line per edge.
        let gaps = net.gaps([], 500.0);
        assert_eq!(gaps.stretches.len(), net.graph.edge_count());
        assert!((gaps.gap_m - gaps.street_m).abs() < 0.01);
        let v: serde_json::Value = serde_json::from_str(&net.gaps_geojson(&gaps)).unwrap();
        assert_eq!(
            v["features"].as_array().unwrap().len(),
            gaps.stretches.len()
        );
        assert_eq!(v["features"][0]["geometry"]["type"], "LineString");
    }
}
