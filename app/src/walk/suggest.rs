//! 精准补建网点: where one more outlet of a category would serve the most of a circle. Greedy:
//! each pick is the candidate street node within the walking limit of the most origins not yet
//! served; the origins it serves then count as served for the next pick.
//!
//! Walking is symmetric, so "origin u is within the limit of candidate k" is one search from u.
//! Each unserved origin adds one to every node its search reaches; a pick's origins take their
//! one back. That is one search per origin in all, not one per candidate per pick.

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
    let mut gain = vec![0u32; graph.node_count()];
    let mut search = Search::new(graph);
    let reach = |origin: u32, search: &mut Search, gain: &mut [u32], add: bool| {
        search.run(&[(origin, 0.0)], limit_m);
        for &n in search.reached() {
            if add {
                gain[n as usize] += 1;
            } else {
                gain[n as usize] -= 1;
            }
        }
    };
    for (i, &o) in origins.iter().enumerate() {
        if !served[i] {
            reach(o, &mut search, &mut gain, true);
        }
    }
    let mut out = Vec::new();
    let mut served_n = served.iter().filter(|&&s| s).count() as u32;
    for _ in 0..picks {
        let Some(&best) = candidates
            .iter()
            .max_by_key(|&&c| (gain[c as usize], std::cmp::Reverse(c)))
        else {
            break;
        };
        let gained = gain[best as usize];
        if gained == 0 {
            break;
        }
        // The origins the pick serves: those within the limit of it.
        search.run(&[(best, 0.0)], limit_m);
        let newly: Vec<usize> = origins
            .iter()
            .enumerate()
            .filter(|&(i, &o)| !served[i] && search.dist(o).is_some())
            .map(|(i, _)| i)
            .collect();
        debug_assert_eq!(newly.len() as u32, gained);
        for i in newly {
            served[i] = true;
            reach(origins[i], &mut search, &mut gain, false);
        }
        served_n += gained;
        out.push(Suggestion {
            node: best,
            lonlat: graph.lonlat(best),
            gained,
            served_after: served_n,
        });
    }
    out
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
    fn check_against_brute_force(g: &Graph, origins: &[u32], served: &[bool], limit: f32) {
        let picks = suggest(g, origins, served, origins, limit, 3);
        assert!(!picks.is_empty());
        let mut served = served.to_vec();
        for p in &picks {
            let best = origins
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
        check_against_brute_force(&g, &origins, &served, 350.0);
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
        check_against_brute_force(&g, &origins, &served, 450.0);
    }
}
