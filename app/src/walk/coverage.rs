//! Coverage: for one category, the walking distance from every street node to the nearest
//! outlet (one multi-source search), and the gap map — the stretches of street farther than
//! the ring's limit from any such outlet.

use super::{reached, round6, Graph, Search, Snap};
use std::collections::HashMap;

/// A stretch of one edge, in metres from its `a` end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    pub edge: u32,
    pub from_m: f32,
    pub to_m: f32,
}

impl Stretch {
    /// The stretch's two ends, lon/lat to 6 decimals.
    pub fn ends(&self, g: &Graph) -> [[f64; 2]; 2] {
        [self.from_m, self.to_m].map(|m| g.along(self.edge, m).map(round6))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gaps {
    pub stretches: Vec<Stretch>,
    /// Metres of street in the network, and of it beyond the limit.
    pub street_m: f64,
    pub gap_m: f64,
}

/// Runs the multi-source search from the outlets (at most `limit` metres, beyond which every
/// street is a gap anyway) and returns the gaps.
pub fn gaps(search: &mut Search, outlets: &[Snap], limit: f32) -> Gaps {
    let g = search.graph();
    let sources: Vec<(u32, f32)> = outlets.iter().flat_map(|o| o.sources(g)).collect();
    search.run(&sources, limit);
    let mut on_edge: HashMap<u32, Vec<(f32, f32)>> = HashMap::new();
    for o in outlets {
        on_edge.entry(o.edge).or_default().push((o.t, o.off_m));
    }
    let mut out = Gaps {
        stretches: Vec::new(),
        street_m: 0.0,
        gap_m: 0.0,
    };
    for (i, e) in g.edges().iter().enumerate() {
        out.street_m += e.len as f64;
        let points = on_edge.get(&(i as u32)).map_or(&[][..], Vec::as_slice);
        let inside = reached::within(e.len, search.raw(e.a), search.raw(e.b), points, limit);
        for part in reached::beyond(e.len, &inside) {
            if part[1] - part[0] > 0.0 {
                out.gap_m += (part[1] - part[0]) as f64;
                out.stretches.push(Stretch {
                    edge: i as u32,
                    from_m: part[0],
                    to_m: part[1],
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::{Graph, SnapIndex};

    #[test]
    fn a_line_with_an_outlet_at_one_end_has_its_far_end_as_the_gap() {
        // 11 nodes, 10 edges of ~100 m.
        let g = Graph::grid(11, 1, 100.0);
        let idx = SnapIndex::new(&g);
        let outlet = idx
            .snap(&g, crate::walk::from_corner(&g, 50.0, 10.0), 50.0)
            .unwrap();
        let mut s = Search::new(&g);
        let gaps = gaps(&mut s, &[outlet], 510.0);
        let total: f32 = g.edges().iter().map(|e| e.len).sum();
        // Covered: from 0 to 50 + (510 − 10) = 550 m; the gap is the rest.
        assert!(
            (gaps.gap_m - (total as f64 - 550.0)).abs() < 1.0,
            "{}",
            gaps.gap_m
        );
        assert!((gaps.street_m - total as f64).abs() < 0.01);
        assert!(gaps.stretches.iter().all(|st| st.edge >= 5));
        // The first gap starts 550 m from the line's start, on the sixth edge.
        let first = gaps
            .stretches
            .iter()
            .min_by(|a, b| a.edge.cmp(&b.edge))
            .unwrap();
        let [start, _] = first.ends(&g);
        let from_start = crate::walk::haversine_m(g.lonlat(0), start);
        assert!((from_start - 550.0).abs() < 1.0, "{from_start}");
        // No outlets: everything is a gap. Outlets everywhere: nothing is.
        assert!((super::gaps(&mut s, &[], 510.0).gap_m - total as f64).abs() < 0.01);
        let all: Vec<_> = (0..11)
            .map(|x| {
                idx.snap(&g, crate::walk::from_corner(&g, x as f64 * 100.0, 0.0), 5.0)
                    .unwrap()
            })
            .collect();
        assert_eq!(super::gaps(&mut s, &all, 510.0).gap_m, 0.0);
    }
}
