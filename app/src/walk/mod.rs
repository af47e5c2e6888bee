//! Walking time along real streets: a pedestrian graph built from a walk-network GeoJSON,
//! snapping of points onto its edges, bounded and multi-source Dijkstra, isochrone polygons and
//! coverage gaps, and the walking route itself. Distances are metres; times come from a
//! walking speed in m/s.

pub mod coverage;
pub mod graph;
pub mod isochrone;
pub mod raster;
pub mod reached;
pub mod route;
pub mod search;
pub mod snap;
pub mod suggest;

pub use graph::{Edge, Graph, GraphError};
pub use route::{walk_route, WalkRoute};
pub use search::Search;
pub use snap::{Snap, SnapError, SnapIndex};

/// Metres between two lon/lat points: haversine with the mean Earth radius. The reference
/// fixtures (bench/reference/make_reference.py) use the same formula and radius.
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    const R: f64 = 6_371_008.8;
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// Metres a resident walks in `minutes` at `speed_mps` (f32, as the searches take it; server
/// and client use this one formula so their limits agree to the bit).
pub fn limit_m(minutes: u32, speed_mps: f32) -> f32 {
    minutes as f32 * 60.0 * speed_mps
}

/// Whole seconds to walk `meters` at `speed_mps`; `None` when the distance is unknown
/// (infinite: beyond the search or on another island).
pub fn walk_seconds(meters: f32, speed_mps: f32) -> Option<u32> {
    meters
        .is_finite()
        .then(|| (meters / speed_mps).round() as u32)
}

/// A coordinate to 6 decimals (about 10 cm), as the API's GeoJSON carries it.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A local flat projection (metres east/north of a reference point). Over a few kilometres its
/// error against haversine is far below a metre, and it makes snapping and buffering planar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    lon0: f64,
    lat0: f64,
    mx: f64,
    my: f64,
}

impl Projection {
    pub fn new(lon0: f64, lat0: f64) -> Self {
        let my = 6_371_008.8_f64.to_radians();
        Projection {
            lon0,
            lat0,
            mx: my * lat0.to_radians().cos(),
            my,
        }
    }
    pub fn to_xy(&self, p: [f64; 2]) -> [f64; 2] {
        [(p[0] - self.lon0) * self.mx, (p[1] - self.lat0) * self.my]
    }
    pub fn to_lonlat(&self, xy: [f64; 2]) -> [f64; 2] {
        [xy[0] / self.mx + self.lon0, xy[1] / self.my + self.lat0]
    }
}

/// Test helper: the lon/lat `x_m` east and `y_m` north of node 0 (a grid's corner).
#[cfg(test)]
pub(crate) fn from_corner(g: &Graph, x_m: f64, y_m: f64) -> [f64; 2] {
    let p = g.projection();
    let c = p.to_xy(g.lonlat(0));
    p.to_lonlat([c[0] + x_m, c[1] + y_m])
}
