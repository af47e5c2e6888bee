//! The walking engine against an independent reference: shortest-path lengths computed by
//! networkx from the same GeoJSON (bench/reference/make_reference.py), on the real Shanghai
//! and Helsinki networks.

use app::walk::{Graph, Search};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct Reference {
    nodes: usize,
    edges: usize,
    components: usize,
    largest_component_nodes: usize,
    source_sha256: String,
    pairs: Vec<Pair>,
    unreachable: Vec<Unreachable>,
    within: Vec<Within>,
}

#[derive(Deserialize)]
struct Pair {
    from: i64,
    to: i64,
    meters: f64,
}

#[derive(Deserialize)]
struct Unreachable {
    from: i64,
    to: i64,
}

#[derive(Deserialize)]
struct Within {
    from: i64,
    cutoff_m: f32,
    reached: usize,
    sum_m: f64,
}

fn check(dataset: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let network =
        std::fs::read(root.join(format!("../server/data/{dataset}/walk_network.geojson"))).unwrap();
    let reference: Reference = serde_json::from_slice(
        &std::fs::read(root.join(format!("tests/fixtures/walk_reference_{dataset}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(
        sha256_hex(&network),
        reference.source_sha256,
        "the fixture was made from another version of the network; re-run make_reference.py"
    );
    let g = Graph::from_geojson(&network).unwrap();
    assert_eq!(g.node_count(), reference.nodes);
    assert_eq!(g.edge_count(), reference.edges);
    let comp = g.components();
    let count = comp.iter().copied().max().unwrap() as usize + 1;
    assert_eq!(count, reference.components);
    let mut sizes = vec![0usize; count];
    comp.iter().for_each(|&c| sizes[c as usize] += 1);
    assert_eq!(
        sizes.iter().copied().max().unwrap(),
        reference.largest_component_nodes
    );

    let node = |id: i64| {
        g.node_of_osm(id)
            .unwrap_or_else(|| panic!("node {id} missing"))
    };
    let mut search = Search::new(&g);
    assert!(reference.pairs.len() >= 200);
    let mut worst = 0.0f64;
    for p in &reference.pairs {
        search.run(&[(node(p.from), 0.0)], f32::INFINITY);
        let ours = search.dist(node(p.to)).expect("reachable") as f64;
        let rel = (ours - p.meters).abs() / p.meters.max(1.0);
        worst = worst.max(rel);
        assert!(
            rel < 0.01,
            "{} → {}: ours {ours:.2} m, networkx {:.2} m",
            p.from,
            p.to,
            p.meters
        );
    }
    eprintln!(
        "{dataset}: {} pairs, worst relative difference {worst:.2e}",
        reference.pairs.len()
    );
    for u in &reference.unreachable {
        search.run(&[(node(u.from), 0.0)], f32::INFINITY);
        assert_eq!(
            search.dist(node(u.to)),
            None,
            "{} → {} lie on different islands",
            u.from,
            u.to
        );
    }
    for w in &reference.within {
        search.run(&[(node(w.from), 0.0)], w.cutoff_m);
        let reached = search.reached().len();
        let sum: f64 = search
            .reached()
            .iter()
            .map(|&n| search.dist(n).unwrap() as f64)
            .sum();
        // f32 sums may move a node lying millimetres from the cutoff across it.
        assert!(
            reached.abs_diff(w.reached) <= 1,
            "{}: {reached} vs {}",
            w.from,
            w.reached
        );
        assert!(
            (sum - w.sum_m).abs() / w.sum_m < 0.01,
            "{}: {sum} vs {}",
            w.from,
            w.sum_m
        );
    }
}

#[test]
fn shanghai_matches_networkx() {
    check("shanghai");
}

#[test]
fn helsinki_matches_networkx() {
    check("helsinki");
}

/// SHA-256, so the test notices a network file that no longer matches its fixture.
fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
