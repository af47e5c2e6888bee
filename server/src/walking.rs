//! The dataset's walking network, built once at start-up: the graph, its snapping index and its
//! compact form for the browser, plus the queries the API answers with them.

use app::domain::StoredOutlet;
pub use app::walk::round6;
use app::walk::{coverage, isochrone, Graph, Search, Snap, SnapError, SnapIndex};
use geo::MultiPolygon;
use serde_json::{json, Value};

pub struct WalkNet {
    pub graph: Graph,
    pub index: SnapIndex,
    /// `Graph::to_bytes`, served as `GET /api/graph`.
    pub bytes: Vec<u8>,
}

impl WalkNet {
    pub fn new(network_geojson: &[u8]) -> Result<WalkNet, String> {
        let graph = Graph::from_geojson(network_geojson).map_err(|e| e.to_string())?;
        let index = SnapIndex::new(&graph);
        let bytes = graph.to_bytes();
        Ok(WalkNet {
            graph,
            index,
            bytes,
        })
    }

    pub fn snap(&self, lonlat: [f64; 2], max_m: f64) -> Result<Snap, SnapError> {
        self.index.snap(&self.graph, lonlat, max_m)
    }

    /// Outlets within `limit_m` of the origin, with the metres walked, nearest first. Outlets
    /// too far from any street to be snapped are left out.
    pub fn reach(
        &self,
        origin: &Snap,
        outlets: Vec<StoredOutlet>,
        limit_m: f32,
        max_snap_m: f64,
    ) -> Vec<(StoredOutlet, f32)> {
        let mut search = Search::new(&self.graph);
        search.run(&origin.sources(&self.graph), limit_m);
        let mut found: Vec<(StoredOutlet, f32)> = outlets
            .into_iter()
            .filter_map(|o| {
                let snap = self.snap([o.outlet.lon, o.outlet.lat], max_snap_m).ok()?;
                let m = snap.walk_from(&search, Some(origin));
                (m <= limit_m).then_some((o, m))
            })
            .collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.id.cmp(&b.0.id)));
        found
    }

    /// One polygon per limit (metres), from a single search to the largest.
    pub fn isochrones(
        &self,
        origin: &Snap,
        limits_m: &[f32],
        buffer_m: f64,
    ) -> Vec<MultiPolygon<f64>> {
        let mut search = Search::new(&self.graph);
        let max = limits_m.iter().copied().fold(0.0, f32::max);
        search.run(&origin.sources(&self.graph), max);
        limits_m
            .iter()
            .map(|&limit| {
                let lines = isochrone::reached_lines(&search, Some(origin), limit);
                isochrone::polygon(&self.graph, &lines, buffer_m)
            })
            .collect()
    }

    /// The streets farther than `limit_m` from every given outlet.
    pub fn gaps(&self, outlets: &[StoredOutlet], limit_m: f32, max_snap_m: f64) -> coverage::Gaps {
        let snaps: Vec<Snap> = outlets
            .iter()
            .filter_map(|o| self.snap([o.outlet.lon, o.outlet.lat], max_snap_m).ok())
            .collect();
        let mut search = Search::new(&self.graph);
        coverage::gaps(&mut search, &snaps, limit_m)
    }

    /// A gap stretch as a GeoJSON LineString geometry.
    pub fn stretch_geometry(&self, s: &coverage::Stretch) -> Value {
        json!({ "type": "LineString", "coordinates": s.ends(&self.graph) })
    }
}

/// A MultiPolygon as a GeoJSON geometry, coordinates to 6 decimals (about 10 cm).
pub fn multipolygon_geometry(mp: &MultiPolygon<f64>) -> Value {
    let ring = |ls: &geo::LineString<f64>| -> Vec<[f64; 2]> {
        ls.coords().map(|c| [round6(c.x), round6(c.y)]).collect()
    };
    let polygons: Vec<Vec<Vec<[f64; 2]>>> =
        mp.0.iter()
            .map(|p| {
                std::iter::once(ring(p.exterior()))
                    .chain(p.interiors().iter().map(ring))
                    .collect()
            })
            .collect();
    json!({ "type": "MultiPolygon", "coordinates": polygons })
}
