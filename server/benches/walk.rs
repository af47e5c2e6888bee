//! Criterion benchmarks of the walking engine on the real networks and on growing grids.
//! `cargo bench -p server --bench walk`; the side-by-side comparison with networkx, scipy and
//! pandana is bench/compare.sh.

use app::walk::{isochrone, Graph, Search};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use server::dataset::default_data_dir;
use server::walkbench::Setup;
use std::hint::black_box;
use std::time::Duration;

fn datasets(c: &mut Criterion) {
    for name in ["shanghai", "helsinki"] {
        let setup = Setup::load(name, &default_data_dir()).expect("bundled dataset");
        let g = &setup.walk.graph;
        let origin = setup.centre_snap();
        let limit = setup.limit_m(15);
        let buffer = setup.rules.walking.ring_buffer_m;
        let mut search = Search::new(g);

        let mut group = c.benchmark_group(format!("{name}/15min"));
        group.bench_function("search", |b| {
            b.iter(|| search.run(black_box(&origin.sources(g)), limit))
        });
        group.bench_function("isochrone", |b| {
            b.iter(|| {
                search.run(&origin.sources(g), limit);
                let lines = isochrone::reached_lines(&search, Some(&origin), limit);
                black_box(isochrone::polygon(g, &lines, buffer))
            })
        });
        group.finish();

        let by_category = setup.snaps_by_category();
        c.bench_function(&format!("{name}/coverage_all_categories"), |b| {
            b.iter(|| black_box(setup.coverage_all(&mut search, &by_category)))
        });
        c.bench_function(&format!("{name}/load_prebuilt_graph"), |b| {
            b.iter(|| {
                let g = Graph::from_bytes(black_box(&setup.walk.bytes)).unwrap();
                black_box(app::walk::SnapIndex::new(&g))
            })
        });
    }
}

fn growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("grid/full_search");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for side in [100u32, 317, 1000] {
        let g = Graph::grid(side, side, 100.0);
        let centre = (side / 2) * side + side / 2;
        let mut search = Search::new(&g);
        eprintln!(
            "grid {side}×{side}: {} nodes, {} bytes per node",
            g.node_count(),
            g.heap_bytes() / g.node_count()
        );
        group.bench_with_input(
            BenchmarkId::from_parameter(g.node_count()),
            &centre,
            |b, &c| b.iter(|| search.run(&[(c, 0.0)], f32::INFINITY)),
        );
    }
    group.finish();
}

criterion_group!(benches, datasets, growth);
criterion_main!(benches);
