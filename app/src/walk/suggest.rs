//! 精准补建网点: where one more outlet of a category would serve the most of a circle. Greedy:
//! each pick is the candidate street node within the walking limit of the most origins not yet
//! served; the origins it serves then count as served for the next pick.
//!
//! Candidates are the circle's street nodes thinned to one per grid cell (`thin`): a place a
//! few dozen metres along the street serves nearly the same origins, and a circle of a few
//! thousand street nodes then costs a few hundred searches, not thousands. One search per
//! candidate (walking is symmetric: what a candidate reaches is what reaches it) gives the
//! origins it would serve; every pick after that only counts.

use super::{Graph, Search};

/// One suggested place for a new outlet.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The street node (a candidate) and where it is.
    pub node: u32,
    pub lonlat: [f64; 2],
    /// Origins it would newly serve.
    pub gained: u32,
    /// Origins served after this pick (and those before it).
    pub served_after: u32,
}

/// Up to `picks` suggestions. `origins`: the circle's street nodes; `served[i]`: origin `i` is
/// already within `limit_m` of an outlet; `candidates`: where an outlet may go (ties go to the
/// lower node number, so the answer is repeatable). Stops early when nothing more is gained.
pub fn suggest(
    graph: &Graph,
    origins: &[u32],
    served: &[bool],
    candidates: &[u32],
    limit_m: f32,
    picks: usize,
) -> Vec<Suggestion> {
    assert_eq!(origins.len(), served.len());
    let mut served = served.to_vec();
    // Origin index by node (`u32::MAX`: not an origin).
    let mut origin_at = vec![u32::MAX; graph.node_count()];
    for (i, &o) in origins.iter().enumerate() {
        origin_at[o as usize] = i as u32;
    }
    let mut search = Search::new(graph);
    let mut candidates: Vec<u32> = candidates.to_vec();
    candidates.sort_unstable();
    candidates.dedup();
    let reaches: Vec<Vec<u32>> = candidates
        .iter()
        .map(|&c| {
            search.run(&[(c, 0.0)], limit_m);
            search
                .reached()
                .iter()
                .map(|&n| origin_at[n as usize])
                .filter(|&i| i != u32::MAX)
                .collect()
        })
        .collect();
    let gain = |reach: &[u32], served: &[bool]| -> u32 {
        reach.iter().filter(|&&i| !served[i as usize]).count() as u32
    };
    let mut out = Vec::new();
    let mut served_n = served.iter().filter(|&&s| s).count() as u32;
    for _ in 0..picks {
        // The first of the best: candidates are in node order.
        let mut best: Option<(usize, u32)> = None;
        for (k, reach) in reaches.iter().enumerate() {
            let g = gain(reach, &served);
            if best.is_none_or(|(_, b)| g > b) {
                best = Some((k, g));
            }
        }
        let Some((k, gained)) = best.filter(|&(_, g)| g > 0) else {
            break;
        };
        for &i in &reaches[k] {
            served[i as usize] = true;
        }
        served_n += gained;
        out.push(Suggestion {
            node: candidates[k],
            lonlat: graph.lonlat(candidates[k]),
            gained,
            served_after: served_n,
        });
    }
    out
}

/// The nodes thinned to one per square cell of `cell_m` metres (the lowest-numbered node of
/// each cell), in node order.
pub fn thin(graph: &Graph, nodes: &[u32], cell_m: f64) -> Vec<u32> {
    let Some(&first) = nodes.first() else {
        return Vec::new();
    };
    // Metres per degree near the nodes: plenty exact for a cell a few dozen metres wide.
    let lat0 = graph.lonlat(first)[1].to_radians();
    let (per_lon, per_lat) = (111_320.0 * lat0.cos(), 110_574.0);
    let mut sorted = nodes.to_vec();
    sorted.sort_unstable();
    let mut seen = std::collections::HashSet::new();
    sorted
        .into_iter()
        .filter(|&n| {
            let [lon, lat] = graph.lonlat(n);
            let cell = (
                (lon * per_lon / cell_m).floor() as i64,
                (lat * per_lat / cell_m).floor() as i64,
            );
            seen.insert(cell)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What one more outlet at `k` would serve, found the slow way: a search from `k`.
    fn brute_gain(g: &Graph, origins: &[u32], served: &[bool], k: u32, limit: f32) -> u32 {
        let mut s = Search::new(g);
        s.run(&[(k, 0.0)], limit);
        origins
            .iter()
            .zip(served)
            .filter(|(&o, &sv)| !sv && s.dist(o).is_some())
            .count() as u32
    }

    /// Checks every pick against a brute-force evaluation of every candidate.
    fn check_against_brute_force(
        g: &Graph,
        origins: &[u32],
        served: &[bool],
        candidates: &[u32],
        limit: f32,
    ) {
        let picks = suggest(g, origins, served, candidates, limit, 3);
        assert!(!picks.is_empty());
        let mut served = served.to_vec();
        for p in &picks {
            assert!(candidates.contains(&p.node));
            let best = candidates
                .iter()
                .map(|&k| brute_gain(g, origins, &served, k, limit))
                .max()
                .unwrap();
            assert_eq!(p.gained, best, "pick {p:?} is not the best candidate");
            assert_eq!(brute_gain(g, origins, &served, p.node, limit), p.gained);
            let mut s = Search::new(g);
            s.run(&[(p.node, 0.0)], limit);
            for (i, &o) in origins.iter().enumerate() {
                served[i] |= s.dist(o).is_some();
            }
            assert_eq!(p.served_after, served.iter().filter(|&&x| x).count() as u32);
        }
    }

    #[test]
    fn on_a_line_the_pick_is_centred_in_the_unserved_stretch() {
        // 21 nodes about 100 m apart (coordinates are rounded); nodes 0–4 already served; a
        // limit of 350 m reaches three nodes each way.
        let g = Graph::grid(21, 1, 100.0);
        let origins: Vec<u32> = (0..21).collect();
        let served: Vec<bool> = (0..21).map(|i| i < 5).collect();
        let picks = suggest(&g, &origins, &served, &origins, 350.0, 5);
        // First pick serves 7 nodes (k−3..k+3) among 5..20: the lowest such k is 8.
        assert_eq!(picks[0].node, 8);
        assert_eq!(picks[0].gained, 7);
        assert_eq!(picks[1].node, 15);
        assert_eq!(picks[1].gained, 7);
        // 19 and 20 are left: one more pick serves both, then nothing is left to gain.
        assert_eq!(picks[2].gained, 2);
        assert_eq!(picks[2].served_after, 21);
        assert_eq!(picks.len(), 3);
        check_against_brute_force(&g, &origins, &served, &origins, 350.0);
    }

    #[test]
    fn on_the_shanghai_network_every_pick_matches_brute_force() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/walk_network.geojson"
        );
        let Ok(bytes) = std::fs::read(path) else {
            panic!("the Shanghai network is needed beside the repository: {path}");
        };
        let g = Graph::from_geojson(&bytes).unwrap();
        // Origins: the nodes within 600 m (straight line) of a central node; served: those
        // within 450 m (walking) of two "existing outlets" at the edge of that area.
        let centre = g.lonlat(g.node_count() as u32 / 2);
        let origins: Vec<u32> = (0..g.node_count() as u32)
            .filter(|&n| super::super::haversine_m(g.lonlat(n), centre) < 600.0)
            .collect();
        assert!(origins.len() > 100, "{} origins", origins.len());
        let mut s = Search::new(&g);
        let sources = [(origins[0], 0.0), (origins[origins.len() - 1], 0.0)];
        s.run(&sources, 450.0);
        let served: Vec<bool> = origins.iter().map(|&o| s.dist(o).is_some()).collect();
        assert!(served.iter().any(|&x| !x) && served.iter().any(|&x| x));
        check_against_brute_force(&g, &origins, &served, &origins, 450.0);
        // Thinned candidates, as the server uses them: fewer, and still the best among them.
        let candidates = thin(&g, &origins, 50.0);
        assert!(
            candidates.len() * 10 < origins.len() * 6,
            "{} of {}",
            candidates.len(),
            origins.len()
        );
        check_against_brute_force(&g, &origins, &served, &candidates, 450.0);
        // With every origin unserved (a category the circle lacks entirely).
        let none = vec![false; origins.len()];
        check_against_brute_force(&g, &origins, &none, &candidates, 450.0);
    }

    #[test]
    fn thinning_keeps_one_node_per_cell() {
        // 21 × 21 nodes 100 m apart: cells of 250 m hold 2 or 3 nodes a side.
        let g = Graph::grid(21, 21, 100.0);
        let all: Vec<u32> = (0..g.node_count() as u32).collect();
        let kept = thin(&g, &all, 250.0);
        assert!(kept.len() < all.len() / 4, "{} kept", kept.len());
        assert!(kept.len() >= 64, "{} kept", kept.len());
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(thin(&g, &all, 1.0).len(), all.len());
        assert!(thin(&g, &[], 50.0).is_empty());
    }
}
