#!/usr/bin/env python3
"""Independent shortest-path reference for the Rust pedestrian-routing engine.

Reads  server/data/<dataset>/walk_network.geojson
writes app/tests/fixtures/walk_reference_<dataset>.json
for dataset in (shanghai, helsinki), using networkx as the independent oracle.

Graph definition (the Rust engine uses exactly this):
  * Input: a GeoJSON FeatureCollection of LineString features (MultiLineString is
    accepted: its parts are read in order, node_ids then covers all parts' vertices
    back to back, and no edge joins the end of one part to the start of the next).
    properties.node_ids holds one OSM node id (integer) per vertex.  If its length
    differs from the feature's vertex count the script stops with an error naming
    the feature -- it never guesses.
  * Every vertex is a graph node, identified by its OSM node id.  The same id at
    two vertices (in one way or in different ways) is one node; its coordinates
    are those of its first occurrence (file order, then vertex order).
  * Each pair of consecutive vertices in a way is an undirected edge.  Self-loops
    (the same id twice in a row) are dropped; parallel edges keep the shortest.
  * Edge length in metres = haversine between the two vertices' coordinates
    (GeoJSON order [lon, lat], degrees), R = 6371008.8 m:
        2*R*asin(sqrt(sin^2(dphi/2) + cos(phi1)*cos(phi2)*sin^2(dlambda/2)))
  * Walking ignores one-way tags (the graph is undirected).

Fixture content (one RNG stream, random.Random(SEED), consumed in this order):
  * pairs:       300 (origin, destination) pairs, each endpoint drawn uniformly
                 (with replacement) from the largest connected component, redrawing
                 the destination while it equals the origin; metres = networkx
                 dijkstra_path_length(weight="length"), rounded to 3 decimals.
  * within:      20 distinct origins (random.sample) from the largest component;
                 single_source_dijkstra_path_length(G, s, cutoff=1125, weight="length")
                 -> reached = number of nodes with distance <= cutoff (source
                 included), sum_m = math.fsum of those distances, rounded to 3 dp.
  * unreachable: up to 20 distinct pairs whose endpoints lie in different
                 components (empty if the graph is connected); one endpoint is drawn
                 from the nodes outside the largest component, the other from the
                 nodes outside that endpoint's component, order randomly swapped.
  Node lists are sorted by OSM id before sampling; the largest component is the
  one with the most nodes (ties: smallest minimum id).  Running the script twice
  gives byte-identical files.

Usage:  pip install networkx==3.4.2 && python3 bench/reference/make_reference.py [--root REPO]
"""

import argparse
import hashlib
import json
import math
import random
import statistics
import sys
from pathlib import Path

import networkx as nx

SEED = 20261121
RADIUS_M = 6371008.8
N_PAIRS = 300
N_WITHIN = 20
N_UNREACHABLE = 20
CUTOFF_M = 1125.0  # 15 min at 4.5 km/h
DATASETS = ("shanghai", "helsinki")
GENERATED_BY = "bench/reference/make_reference.py"


def haversine_m(a, b):
    """a, b: [lon, lat] in degrees."""
    lon1, lat1 = math.radians(a[0]), math.radians(a[1])
    lon2, lat2 = math.radians(b[0]), math.radians(b[1])
    dphi = lat2 - lat1
    dlam = lon2 - lon1
    h = math.sin(dphi / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlam / 2) ** 2
    return 2 * RADIUS_M * math.asin(math.sqrt(h))


def feature_name(i, feat):
    props = feat.get("properties") or {}
    return f"feature #{i} (id={feat.get('id')!r}, osm_id={props.get('osm_id')!r})"


def way_parts(i, feat):
    """Return a list of (node_ids, coords) parts for one feature."""
    geom = feat.get("geometry") or {}
    gtype = geom.get("type")
    if gtype == "LineString":
        parts = [geom["coordinates"]]
    elif gtype == "MultiLineString":
        parts = list(geom["coordinates"])
    else:
        sys.exit(f"error: {feature_name(i, feat)} has unsupported geometry type {gtype!r}")
    ids = (feat.get("properties") or {}).get("node_ids")
    if not isinstance(ids, list):
        sys.exit(f"error: {feature_name(i, feat)} has no properties.node_ids list")
    nverts = sum(len(p) for p in parts)
    if len(ids) != nverts:
        sys.exit(f"error: {feature_name(i, feat)}: node_ids has {len(ids)} entries "
                 f"but the geometry has {nverts} vertices")
    for n in ids:
        if not isinstance(n, int) or isinstance(n, bool):
            sys.exit(f"error: {feature_name(i, feat)}: node id {n!r} is not an integer")
    out, k = [], 0
    for p in parts:
        out.append((ids[k:k + len(p)], p))
        k += len(p)
    return out


def build_graph(features):
    G = nx.Graph()
    stats = {"self_loops_dropped": 0, "parallel_edges_merged": 0, "zero_length_edges": 0,
             "ids_at_differing_coords": 0, "coords_shared_by_distinct_ids": 0}
    seen_coords = {}  # node id -> set of (lon, lat) seen
    for i, feat in enumerate(features):
        for ids, coords in way_parts(i, feat):
            for n, c in zip(ids, coords):
                xy = (float(c[0]), float(c[1]))
                if n not in G:
                    G.add_node(n, lon=xy[0], lat=xy[1])
                    seen_coords[n] = {xy}
                else:
                    seen_coords[n].add(xy)
            for j in range(len(ids) - 1):
                u, v = ids[j], ids[j + 1]
                if u == v:
                    stats["self_loops_dropped"] += 1
                    continue
                # length from the vertices' own coordinates (identical to the
                # first-occurrence coordinates whenever ids are consistent)
                length = haversine_m(coords[j], coords[j + 1])
                if G.has_edge(u, v):
                    stats["parallel_edges_merged"] += 1
                    if length < G[u][v]["length"]:
                        G[u][v]["length"] = length
                else:
                    G.add_edge(u, v, length=length)
    stats["zero_length_edges"] = sum(1 for _, _, w in G.edges(data="length") if w == 0.0)
    stats["ids_at_differing_coords"] = sum(1 for s in seen_coords.values() if len(s) > 1)
    by_xy = {}
    for n, d in G.nodes(data=True):
        by_xy.setdefault((d["lon"], d["lat"]), []).append(n)
    stats["coords_shared_by_distinct_ids"] = sum(1 for v in by_xy.values() if len(v) > 1)
    return G, stats


def r3(x):
    return round(float(x), 3)


def make_reference(dataset, root):
    src = root / "server" / "data" / dataset / "walk_network.geojson"
    raw = src.read_bytes()
    fc = json.loads(raw)
    if fc.get("type") != "FeatureCollection":
        sys.exit(f"error: {src} is not a FeatureCollection")
    G, stats = build_graph(fc["features"])

    comps = sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0]))
    comp_of = {n: k for k, c in enumerate(comps) for n in c}
    lcc = comps[0]
    rng = random.Random(SEED)

    pairs = []
    for _ in range(N_PAIRS):
        o = rng.choice(lcc)
        d = rng.choice(lcc)
        while d == o:
            d = rng.choice(lcc)
        m = nx.dijkstra_path_length(G, o, d, weight="length")
        pairs.append({"from": o, "to": d, "meters": r3(m)})

    within = []
    margins = []
    for s in rng.sample(lcc, N_WITHIN):
        dist = nx.single_source_dijkstra_path_length(G, s, cutoff=CUTOFF_M, weight="length")
        vals = list(dist.values())
        within.append({"from": s, "cutoff_m": CUTOFF_M, "reached": len(vals),
                       "sum_m": r3(math.fsum(vals))})
        # distance of the reached node closest to the cutoff, and of the nearest
        # node just beyond it (for reporting how sensitive `reached` is)
        full = nx.single_source_dijkstra_path_length(G, s, cutoff=CUTOFF_M + 50, weight="length")
        margins.append(min(abs(v - CUTOFF_M) for v in full.values()))

    unreachable = []
    outside = [n for c in comps[1:] for n in c]
    outside.sort()
    if outside:
        all_nodes = sorted(G.nodes)
        seen = set()
        attempts = 0
        while len(unreachable) < N_UNREACHABLE and attempts < 100 * N_UNREACHABLE:
            attempts += 1
            a = rng.choice(outside)
            b = rng.choice(all_nodes)
            if comp_of[a] == comp_of[b]:
                continue
            if rng.random() < 0.5:
                a, b = b, a
            if (a, b) in seen:
                continue
            assert not nx.has_path(G, a, b)
            seen.add((a, b))
            unreachable.append({"from": a, "to": b})

    out = {
        "dataset": dataset,
        "generated_by": GENERATED_BY,
        "networkx_version": nx.__version__,
        "seed": SEED,
        "radius_m": RADIUS_M,
        "source": src.relative_to(root).as_posix(),
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "components": len(comps),
        "largest_component_nodes": len(lcc),
        "pairs": pairs,
        "unreachable": unreachable,
        "within": within,
    }
    summary = dict(stats, margins_min=min(margins))
    return out, summary


def dump(obj):
    """Compact JSON: scalar header fields one per line, list items one per line."""
    lines = ["{"]
    items = list(obj.items())
    for k, (key, val) in enumerate(items):
        comma = "," if k < len(items) - 1 else ""
        if isinstance(val, list):
            if not val:
                lines.append(f"  {json.dumps(key)}: []{comma}")
                continue
            lines.append(f"  {json.dumps(key)}: [")
            for j, item in enumerate(val):
                sep = "," if j < len(val) - 1 else ""
                lines.append("    " + json.dumps(item, separators=(",", ":"), sort_keys=False) + sep)
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(val)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    default_root = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=default_root, help="repo root (default: %(default)s)")
    ap.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    args = ap.parse_args()
    root = args.root.resolve()
    print(f"networkx {nx.__version__}, seed {SEED}, R = {RADIUS_M} m")
    for ds in args.datasets:
        ref, st = make_reference(ds, root)
        dst = root / "app" / "tests" / "fixtures" / f"walk_reference_{ds}.json"
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(dump(ref), encoding="utf-8")
        ms = [p["meters"] for p in ref["pairs"]]
        print(f"{ds}: nodes={ref['nodes']} edges={ref['edges']} components={ref['components']} "
              f"largest={ref['largest_component_nodes']} unreachable_pairs={len(ref['unreachable'])}")
        print(f"  pairs: mean={statistics.fmean(ms):.1f} m  min={min(ms):.1f}  "
              f"median={statistics.median(ms):.1f}  max={max(ms):.1f}")
        print(f"  within {CUTOFF_M:g} m: reached {min(w['reached'] for w in ref['within'])}.."
              f"{max(w['reached'] for w in ref['within'])} nodes; closest node to cutoff "
              f"{st['margins_min']:.4f} m away")
        print(f"  data: self-loops dropped={st['self_loops_dropped']} parallel merged="
              f"{st['parallel_edges_merged']} zero-length edges={st['zero_length_edges']} "
              f"ids at differing coords={st['ids_at_differing_coords']} coords shared by "
              f"distinct ids={st['coords_shared_by_distinct_ids']}")
        print(f"  -> {dst.relative_to(root)} ({dst.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
