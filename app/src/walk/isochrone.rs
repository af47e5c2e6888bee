//! Isochrones: the streets reachable within each time limit, widened into polygons (the rings
//! drawn around the origin). Built from one search run to the largest limit.

use super::{raster, reached, Graph, Search, Snap};
use geo::{Coord, LineString, MultiLineString, MultiPolygon};

/// Street pieces (projected metres) within `limit` of the last search's origin.
pub fn reached_lines(search: &Search, origin: Option<&Snap>, limit: f32) -> MultiLineString<f64> {
    let g = search.graph();
    let proj = g.projection();
    let mut lines = Vec::new();
    let mut consider = |edge: u32, points: &[(f32, f32)]| {
        let e = g.edge(edge);
        let at = |m: f32| {
            let [x, y] = proj.to_xy(g.along(edge, m));
            Coord { x, y }
        };
        for p in reached::within(e.len, search.raw(e.a), search.raw(e.b), points, limit) {
            lines.push(LineString::new(vec![at(p[0]), at(p[1])]));
        }
    };
    // Every edge with a reached end, plus the origin's own edge (reached from the middle).
    for (i, e) in g.edges().iter().enumerate() {
        match origin.filter(|o| o.edge == i as u32) {
            Some(o) => consider(i as u32, &[(o.t, o.off_m)]),
            None if search.raw(e.a) <= limit || search.raw(e.b) <= limit => consider(i as u32, &[]),
            None => {}
        }
    }
    MultiLineString::new(lines)
}

/// Polygons (lon/lat) of the area within `limit` metres' walk: reached street pieces widened
/// by `buffer_m` on each side (see `raster`).
pub fn polygon(graph: &Graph, lines: &MultiLineString<f64>, buffer_m: f64) -> MultiPolygon<f64> {
    let proj = graph.projection();
    raster::area_within(lines, buffer_m, |x, y| {
        let ll = proj.to_lonlat([x, y]);
        Coord { x: ll[0], y: ll[1] }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::SnapIndex;
    use geo::{Area, Contains, MapCoords, Point};

    #[test]
    fn rings_grow_with_the_limit_and_contain_the_origin() {
        let g = Graph::grid(30, 30, 80.0);
        let idx = SnapIndex::new(&g);
        let proj = g.projection();
        let o = idx
            .snap(&g, crate::walk::from_corner(&g, 1210.0, 1200.0), 100.0)
            .unwrap();
        let mut s = Search::new(&g);
        s.run(&o.sources(&g), 1125.0);
        let mut last = 0.0;
        for limit in [375.0, 750.0, 1125.0] {
            let lines = reached_lines(&s, Some(&o), limit);
            let poly = polygon(&g, &lines, 25.0);
            let projected = poly.map_coords(|c| {
                let xy = proj.to_xy([c.x, c.y]);
                Coord { x: xy[0], y: xy[1] }
            });
            let area = projected.unsigned_area();
            assert!(area > last, "{limit}: {area}");
            last = area;
            assert!(poly.contains(&Point::new(o.point[0], o.point[1])));
            // A diamond of radius `limit` (Manhattan walking) buffered by 25 m: area about
            // 2·limit² + perimeter·25 (grid streets leave gaps, so less).
            assert!(
                area < 2.0 * (limit as f64).powi(2) + 4.0 * 1.5 * limit as f64 * 25.0 + 10_000.0
            );
            assert!(area > 0.5 * (limit as f64).powi(2));
        }
        // Beyond the ring: a point 1,500 m away by street is outside the 15-minute polygon.
        let far = crate::walk::from_corner(&g, 1210.0 + 800.0, 1200.0 + 720.0);
        let poly = polygon(&g, &reached_lines(&s, Some(&o), 1125.0), 25.0);
        assert!(!poly.contains(&Point::new(far[0], far[1])));
    }
}
