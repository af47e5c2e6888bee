//! Snapping: a point (the resident, a tap, an outlet) goes to the nearest point *on* a street
//! edge, found with an R-tree of the edges in a local metric projection. The walk from the
//! point to the street and along the partial edge is counted.

use super::{Graph, Search};
use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};
use std::fmt;

/// Where a point meets the street network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// Index of the edge in `Graph::edges`.
    pub edge: u32,
    /// Position along the edge, 0 at its `a` end, 1 at its `b` end.
    pub t: f32,
    /// Metres from the point to the street (walked too).
    pub off_m: f32,
    /// The snapped point, lon/lat.
    pub point: [f64; 2],
}

#[derive(Debug, Clone, PartialEq)]
pub enum SnapError {
    /// The nearest street is farther than the allowed distance.
    TooFar {
        meters: f64,
        max_m: f64,
    },
    NoStreets,
}

impl fmt::Display for SnapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapError::TooFar { meters, max_m } => write!(
                f,
                "the nearest street is {meters:.0} m away, more than {max_m:.0} m: this point is outside the walking network's area"
            ),
            SnapError::NoStreets => write!(f, "the walking network has no streets"),
        }
    }
}

impl std::error::Error for SnapError {}

type Segment = GeomWithData<Line<[f64; 2]>, u32>;

pub struct SnapIndex {
    tree: RTree<Segment>,
}

impl SnapIndex {
    pub fn new(graph: &Graph) -> Self {
        let proj = graph.projection();
        let segments = graph
            .edges()
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let a = proj.to_xy(graph.lonlat(e.a));
                let b = proj.to_xy(graph.lonlat(e.b));
                GeomWithData::new(Line::new(a, b), i as u32)
            })
            .collect();
        SnapIndex {
            tree: RTree::bulk_load(segments),
        }
    }

    /// The nearest point on any edge, if within `max_m` metres.
    pub fn snap(&self, graph: &Graph, lonlat: [f64; 2], max_m: f64) -> Result<Snap, SnapError> {
        let proj = graph.projection();
        let p = proj.to_xy(lonlat);
        let nearest = self.tree.nearest_neighbor(&p).ok_or(SnapError::NoStreets)?;
        let off = nearest.geom().distance_2(&p).sqrt();
        if off > max_m {
            return Err(SnapError::TooFar { meters: off, max_m });
        }
        let line = nearest.geom();
        let (a, b) = (line.from, line.to);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        Ok(Snap {
            edge: nearest.data,
            t: t as f32,
            off_m: off as f32,
            point: proj.to_lonlat([a[0] + t * dx, a[1] + t * dy]),
        })
    }
}

impl Snap {
    /// The search sources for walking *from* this point: both ends of its edge.
    pub fn sources(&self, graph: &Graph) -> [(u32, f32); 2] {
        let e = graph.edge(self.edge);
        [
            (e.a, self.off_m + self.t * e.len),
            (e.b, self.off_m + (1.0 - self.t) * e.len),
        ]
    }

    /// Metres walked from the search's origin to this point: via either end of its edge, or
    /// straight along the edge when the origin is on the same one. Infinite if not reached.
    pub fn walk_from(&self, search: &Search, origin: Option<&Snap>) -> f32 {
        let g = search.graph();
        let e = g.edge(self.edge);
        let via_ends =
            (search.raw(e.a) + self.t * e.len).min(search.raw(e.b) + (1.0 - self.t) * e.len);
        let direct = match origin {
            Some(o) if o.edge == self.edge => o.off_m + (o.t - self.t).abs() * e.len,
            _ => f32::INFINITY,
        };
        via_ends.min(direct) + self.off_m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snaps_onto_the_edge_not_the_node() {
        let g = Graph::grid(5, 5, 100.0);
        let idx = SnapIndex::new(&g);
        // 30 m along the bottom street's first edge, 10 m to the south of it.
        let p = crate::walk::from_corner(&g, 30.0, -10.0);
        let s = idx.snap(&g, p, 50.0).unwrap();
        let e = g.edge(s.edge);
        assert_eq!((e.a.min(e.b), e.a.max(e.b)), (0, 1));
        let along = if e.a == 0 { s.t } else { 1.0 - s.t };
        assert!((along * e.len - 30.0).abs() < 0.5, "{}", along * e.len);
        assert!((s.off_m - 10.0).abs() < 0.1);
        assert!(matches!(
            idx.snap(&g, crate::walk::from_corner(&g, 200.0, -900.0), 250.0),
            Err(SnapError::TooFar { .. })
        ));
    }

    #[test]
    fn walking_counts_partial_edges_and_same_edge_shortcuts() {
        let g = Graph::grid(5, 1, 100.0);
        let idx = SnapIndex::new(&g);
        let origin = idx
            .snap(&g, crate::walk::from_corner(&g, 130.0, 5.0), 50.0)
            .unwrap();
        let target = idx
            .snap(&g, crate::walk::from_corner(&g, 170.0, -5.0), 50.0)
            .unwrap();
        let far = idx
            .snap(&g, crate::walk::from_corner(&g, 390.0, 0.0), 50.0)
            .unwrap();
        let mut s = Search::new(&g);
        s.run(&origin.sources(&g), 1000.0);
        // Same edge: 5 + 40 + 5, not via a node.
        assert!((target.walk_from(&s, Some(&origin)) - 50.0).abs() < 0.5);
        // Another edge: 5 + 260 along the street.
        assert!((far.walk_from(&s, Some(&origin)) - 265.0).abs() < 0.5);
        s.run(&origin.sources(&g), 100.0);
        assert!(
            far.walk_from(&s, Some(&origin)).is_infinite(),
            "beyond the budget"
        );
    }
}
