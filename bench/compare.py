#!/usr/bin/env python3
"""Our walking engine side by side with peers, on the same networks, origins and outlets, in
one run: networkx (single-source Dijkstra with cutoff), scipy (csgraph.dijkstra with limit,
compiled C) and pandana (nearest_pois, contraction hierarchies). Writes bench/RESULTS.md.

Run through bench/compare.sh, which builds the release server and installs the pinned peers
(bench/requirements.txt) into a virtual environment.

Our figures come from `bianmin-server bench-walk` (timed inside the process, medians of
rounds); the peers are timed here with time.perf_counter, medians of rounds. Graph building
and pandana's preprocessing are reported apart from the queries.
"""

import argparse
import datetime
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "reference"))
from make_reference import build_graph  # noqa: E402  (the same graph definition as the fixtures)

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandana  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402
from scipy.sparse.csgraph import dijkstra  # noqa: E402


def timed(fn, rounds):
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def ours(server, dataset, origins, rounds, out_dir):
    out = out_dir / f"ours-{dataset}.json"
    subprocess.run(
        [str(server), "bench-walk", "--dataset", dataset, "--origins", str(origins),
         "--rounds", str(rounds), "--out", str(out)],
        check=True, stderr=subprocess.DEVNULL)
    return json.loads(out.read_text())


def peers(dataset, run, rounds):
    features = json.loads((ROOT / "server" / "data" / dataset / "walk_network.geojson").read_text())["features"]
    t = time.perf_counter()
    G, _ = build_graph(features)
    nx_build_s = time.perf_counter() - t
    limit = run["limit_m"]
    origins = run["origins_osm"]

    # networkx: one bounded search per origin.
    def nx_all():
        for o in origins:
            nx.single_source_dijkstra_path_length(G, o, cutoff=limit, weight="length")
    nx_us = timed(nx_all, rounds) / len(origins) * 1e6

    # scipy: the same graph as a symmetric CSR matrix, one bounded call per origin.
    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    u, v, w = zip(*((index[a], index[b], d) for a, b, d in G.edges(data="length")))
    # Zero-length edges would vanish from a sparse matrix: keep them as a tiny positive length.
    w = [x if x > 0 else 1e-9 for x in w]
    m = csr_matrix((w + w, (u + v, v + u)), shape=(len(nodes), len(nodes)))
    idx = [index[o] for o in origins]

    def scipy_all():
        for i in idx:
            dijkstra(m, directed=True, indices=i, limit=limit)
    sp_us = timed(scipy_all, rounds) / len(origins) * 1e6

    # pandana: nearest outlet of every category at its ring distance, for every node.
    lon = np.array([G.nodes[n]["lon"] for n in nodes])
    lat = np.array([G.nodes[n]["lat"] for n in nodes])
    edges = pd.DataFrame({"from": u, "to": v, "length": w})
    t = time.perf_counter()
    net = pandana.Network(pd.Series(lon), pd.Series(lat), edges["from"], edges["to"], edges[["length"]], twoway=True)
    pd_init_s = time.perf_counter() - t
    outlets = pd.DataFrame(run["outlets"])
    rings = run["ring_m"]

    def pandana_all():
        for category, dist in rings.items():
            pois = outlets[outlets.category == category]
            net.set_pois(category=category, maxdist=dist, maxitems=1, x_col=pois.lon, y_col=pois.lat)
            net.nearest_pois(distance=dist, category=category, num_pois=1)
    pd_ms = timed(pandana_all, rounds) * 1e3

    return {
        "networkx_search_us": nx_us,
        "networkx_build_s": nx_build_s,
        "scipy_search_us": sp_us,
        "pandana_coverage_ms": pd_ms,
        "pandana_init_s": pd_init_s,
    }


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", default=str(ROOT / "target" / "release" / "bianmin-server"))
    ap.add_argument("--origins", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    args = ap.parse_args()
    out_dir = ROOT / "target" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)

    rows = []
    for dataset in ["shanghai", "helsinki"]:
        run = ours(args.server, dataset, args.origins, args.rounds, out_dir)
        p = peers(dataset, run, args.rounds)
        o = run["ours"]
        rows.append((dataset, run, o, p))
        print(f"{dataset}: {run['nodes']} nodes; 15-min search ours {o['search_15min_us']:.1f} µs, "
              f"networkx {p['networkx_search_us']:.1f} µs ({p['networkx_search_us'] / o['search_15min_us']:.1f}×), "
              f"scipy {p['scipy_search_us']:.1f} µs ({p['scipy_search_us'] / o['search_15min_us']:.1f}×); "
              f"coverage ours {o['coverage_all_categories_ms']:.2f} ms, pandana {p['pandana_coverage_ms']:.1f} ms "
              f"({p['pandana_coverage_ms'] / o['coverage_all_categories_ms']:.1f}×)")

    growth = json.loads(subprocess.run([args.server, "bench-walk", "--growth"], check=True,
                                       capture_output=True, text=True).stdout)

    wasm = ROOT / "end2end" / "test-results" / "wasm-bench-shanghai.json"
    wasm_data = json.loads(wasm.read_text()) if wasm.exists() else None

    lines = [
        "# Walking engine benchmarks",
        "",
        f"Generated by `bash bench/compare.sh` on {datetime.date.today().isoformat()}; machine: {machine()}.",
        f"Peers: networkx {nx.__version__}, scipy {scipy.__version__}, pandana {pandana.__version__} (bench/requirements.txt).",
        f"Same networks (server/data/*/walk_network.geojson, graph as in bench/reference), the same {args.origins} origin nodes "
        "(largest component, fixed seed) and the same outlets for every engine; medians of "
        f"{args.rounds} rounds. A ratio is the peer's time divided by ours (higher is better for us).",
        "",
        "## One 15-minute search (1,125 m at 4.5 km/h) from a node",
        "",
        "| network | nodes | nodes reached (mean) | ours | networkx | ratio | scipy | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for dataset, run, o, p in rows:
        lines.append(
            f"| {dataset} | {run['nodes']:,} | {o['mean_reached_nodes']:.0f} | {o['search_15min_us']:.1f} µs | "
            f"{p['networkx_search_us']:.1f} µs | **{p['networkx_search_us'] / o['search_15min_us']:.1f}×** | "
            f"{p['scipy_search_us']:.1f} µs | **{p['scipy_search_us'] / o['search_15min_us']:.1f}×** |")
    lines += [
        "",
        "## Coverage: nearest outlet of every category at its ring (10 min basic, 15 min quality)",
        "",
        "Ours: snap every outlet onto its street, one multi-source search per category, and the gap "
        "stretches. pandana: `set_pois` + `nearest_pois` per category (its network preprocessing is "
        "excluded and listed apart).",
        "",
        "| network | categories | outlets | ours | pandana | ratio | pandana preprocessing |",
        "|---|---|---|---|---|---|---|",
    ]
    for dataset, run, o, p in rows:
        lines.append(
            f"| {dataset} | {o['categories']} | {len(run['outlets'])} | {o['coverage_all_categories_ms']:.2f} ms | "
            f"{p['pandana_coverage_ms']:.1f} ms | **{p['pandana_coverage_ms'] / o['coverage_all_categories_ms']:.1f}×** | "
            f"{p['pandana_init_s'] * 1e3:.0f} ms |")
    lines += [
        "",
        "## A whole 15-minute isochrone from the circle centre (native)",
        "",
        "| network | search | search + reached streets + polygon | prebuilt graph |",
        "|---|---|---|---|",
    ]
    for dataset, run, o, p in rows:
        lines.append(f"| {dataset} | {o['isochrone_15min_search_us']:.0f} µs | {o['isochrone_15min_polygon_us'] / 1e3:.2f} ms | "
                     f"{o['graph_bytes'] / 1024:.1f} KB |")
    lines += [
        "",
        "## Growth: square grid networks, 100 m spacing",
        "",
        "| nodes | build | memory | bytes per node | full search (every node) | per node | 15-min search |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in growth["grids"]:
        lines.append(
            f"| {g['nodes']:,} | {g['build_ms']:.1f} ms | {g['heap_bytes'] / 1e6:.1f} MB | {g['heap_bytes'] / g['nodes']:.0f} | "
            f"{g['full_search_ms']:.1f} ms | {g['full_search_ms'] * 1e6 / g['nodes']:.0f} ns | {g['search_15min_us']:.0f} µs |")
    lines += ["", "## In the browser (Wasm, Chromium, Shanghai)", ""]
    if wasm_data:
        lines.append("From `end2end/tests/walk-bench.spec.ts` (`bash scripts/test-all.sh` writes "
                     "`end2end/test-results/wasm-bench-shanghai.json`):")
        lines.append("")
        lines.append("```json")
        lines.append(json.dumps(wasm_data, indent=2, ensure_ascii=False))
        lines.append("```")
    else:
        lines.append("Not measured in this run: run the browser tests first (`bash scripts/test-all.sh`).")
    # Other benchmarks own marked sections of the same file (bench/survey.sh): keep them.
    out = Path(args.results)
    kept = ""
    if out.exists():
        text = out.read_text()
        start, end = text.find("<!-- survey-bench:start -->"), text.find("<!-- survey-bench:end -->")
        if 0 <= start < end:
            kept = "\n" + text[start:end + len("<!-- survey-bench:end -->")] + "\n"
    out.write_text("\n".join(lines) + "\n" + kept)
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
