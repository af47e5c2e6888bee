//! The pedestrian graph: every vertex of the walk network is a node (identified by its OSM node
//! id), every pair of consecutive vertices an undirected edge whose length is the haversine
//! distance. Adjacency is kept as CSR arrays (offsets + targets + lengths): compact and
//! cache-friendly for Dijkstra. A compact binary form lets the browser load a prebuilt graph
//! instead of parsing GeoJSON on a phone.

use super::{haversine_m, Projection};
use std::collections::HashMap;
use std::fmt;

/// An undirected street segment between two nodes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    /// Metres.
    pub len: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GraphError(pub String);

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GraphError {}

#[derive(Debug, Clone)]
pub struct Graph {
    lonlat: Vec<[f64; 2]>,
    /// OSM node id per node; empty for a graph loaded from the compact form.
    osm_ids: Vec<i64>,
    edges: Vec<Edge>,
    offsets: Vec<u32>,
    adj_node: Vec<u32>,
    adj_len: Vec<f32>,
    projection: Projection,
}

/// Coordinates are kept at OSM's precision (1e-7°, about 1 cm), so a graph built from GeoJSON
/// and one loaded from the compact form have bit-identical edge lengths.
fn e7(x: f64) -> i32 {
    (x * 1e7).round() as i32
}

impl Graph {
    /// Builds the graph from nodes and raw (possibly duplicate) edges.
    fn assemble(lonlat: Vec<[f64; 2]>, osm_ids: Vec<i64>, pairs: Vec<(u32, u32)>) -> Graph {
        // Parallel edges keep the shortest; with straight segments between the same two nodes
        // they are equal, so the first is kept.
        let mut seen: HashMap<(u32, u32), ()> = HashMap::with_capacity(pairs.len());
        let mut edges = Vec::with_capacity(pairs.len());
        for (a, b) in pairs {
            if a == b || seen.insert((a.min(b), a.max(b)), ()).is_some() {
                continue;
            }
            let len = haversine_m(lonlat[a as usize], lonlat[b as usize]) as f32;
            edges.push(Edge { a, b, len });
        }
        // Number nodes in breadth-first order, so that a search's neighbours sit close together
        // in memory. On a graph already in this order (one read back from its compact form) it
        // changes nothing.
        let (offsets, adj_node, _) = csr(lonlat.len(), &edges);
        let order = bfs_order(&offsets, &adj_node);
        let mut new_id = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old as usize] = new as u32;
        }
        let lonlat: Vec<[f64; 2]> = order.iter().map(|&o| lonlat[o as usize]).collect();
        let osm_ids: Vec<i64> = if osm_ids.is_empty() {
            osm_ids
        } else {
            order.iter().map(|&o| osm_ids[o as usize]).collect()
        };
        for e in &mut edges {
            e.a = new_id[e.a as usize];
            e.b = new_id[e.b as usize];
        }
        let (offsets, adj_node, adj_len) = csr(lonlat.len(), &edges);
        let (mut w, mut s, mut e_, mut n_) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
        for p in &lonlat {
            w = w.min(p[0]);
            e_ = e_.max(p[0]);
            s = s.min(p[1]);
            n_ = n_.max(p[1]);
        }
        let projection = Projection::new((w + e_) / 2.0, (s + n_) / 2.0);
        Graph {
            lonlat,
            osm_ids,
            edges,
            offsets,
            adj_node,
            adj_len,
            projection,
        }
    }

    /// Reads a walk-network GeoJSON (LineStrings with a `node_ids` property, one OSM node id
    /// per vertex). The same id at several vertices is one node, at its first coordinates.
    pub fn from_geojson(bytes: &[u8]) -> Result<Graph, GraphError> {
        let doc: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| GraphError(format!("walk network is not valid JSON: {e}")))?;
        let features = doc
            .get("features")
            .and_then(|f| f.as_array())
            .ok_or_else(|| GraphError("walk network is not a GeoJSON FeatureCollection".into()))?;
        let mut index: HashMap<i64, u32> = HashMap::new();
        let mut lonlat = Vec::new();
        let mut osm_ids = Vec::new();
        let mut pairs = Vec::new();
        for (i, f) in features.iter().enumerate() {
            let what = || {
                let id = f
                    .pointer("/properties/osm_id")
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                format!("walk network feature {i} (osm way {id})")
            };
            let coords: Vec<Vec<f64>> = match f.pointer("/geometry/type").and_then(|t| t.as_str()) {
                Some("LineString") => serde_json::from_value(f["geometry"]["coordinates"].clone())
                    .map_err(|e| GraphError(format!("{}: bad coordinates: {e}", what())))?,
                other => {
                    return Err(GraphError(format!(
                        "{}: expected a LineString, found {other:?}",
                        what()
                    )))
                }
            };
            let ids: Vec<i64> = f
                .pointer("/properties/node_ids")
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .ok_or_else(|| GraphError(format!("{}: no node_ids property", what())))?;
            if ids.len() != coords.len() {
                return Err(GraphError(format!(
                    "{}: {} node_ids for {} coordinates",
                    what(),
                    ids.len(),
                    coords.len()
                )));
            }
            let mut prev: Option<u32> = None;
            for (id, c) in ids.iter().zip(&coords) {
                if c.len() < 2 || !c[0].is_finite() || !c[1].is_finite() {
                    return Err(GraphError(format!(
                        "{}: a coordinate is not a number",
                        what()
                    )));
                }
                let node = *index.entry(*id).or_insert_with(|| {
                    lonlat.push([e7(c[0]) as f64 / 1e7, e7(c[1]) as f64 / 1e7]);
                    osm_ids.push(*id);
                    (lonlat.len() - 1) as u32
                });
                if let Some(p) = prev {
                    pairs.push((p, node));
                }
                prev = Some(node);
            }
        }
        if lonlat.is_empty() {
            return Err(GraphError("walk network has no streets".into()));
        }
        Ok(Graph::assemble(lonlat, osm_ids, pairs))
    }

    pub fn node_count(&self) -> usize {
        self.lonlat.len()
    }
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }
    pub fn edge(&self, i: u32) -> Edge {
        self.edges[i as usize]
    }
    pub fn lonlat(&self, node: u32) -> [f64; 2] {
        self.lonlat[node as usize]
    }
    pub fn projection(&self) -> Projection {
        self.projection
    }
    /// The point `m` metres along an edge from its `a` end, lon/lat. (The local projection is
    /// linear, so this equals interpolating in projected metres.)
    pub fn along(&self, edge: u32, m: f32) -> [f64; 2] {
        let e = self.edges[edge as usize];
        let (a, b) = (self.lonlat(e.a), self.lonlat(e.b));
        let f = if e.len > 0.0 { (m / e.len) as f64 } else { 0.0 };
        [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]
    }

    /// The OSM node id of a node (graphs built from GeoJSON only).
    pub fn osm_id(&self, node: u32) -> Option<i64> {
        self.osm_ids.get(node as usize).copied()
    }

    /// The node of an OSM node id (graphs built from GeoJSON only).
    pub fn node_of_osm(&self, osm_id: i64) -> Option<u32> {
        self.osm_ids
            .iter()
            .position(|&id| id == osm_id)
            .map(|i| i as u32)
    }

    /// Neighbours of a node with the edge lengths to them.
    #[inline]
    pub fn neighbours(&self, node: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let (from, to) = (
            self.offsets[node as usize] as usize,
            self.offsets[node as usize + 1] as usize,
        );
        self.adj_node[from..to]
            .iter()
            .copied()
            .zip(self.adj_len[from..to].iter().copied())
    }

    /// Heap bytes of the graph's arrays (for the growth benchmark's bytes per node).
    pub fn heap_bytes(&self) -> usize {
        self.lonlat.capacity() * 16
            + self.osm_ids.capacity() * 8
            + self.edges.capacity() * std::mem::size_of::<Edge>()
            + self.offsets.capacity() * 4
            + self.adj_node.capacity() * 4
            + self.adj_len.capacity() * 4
    }

    /// A grid of `w × h` nodes `spacing_m` apart (for benchmarks and tests).
    pub fn grid(w: u32, h: u32, spacing_m: f64) -> Graph {
        let proj = Projection::new(121.44, 31.245);
        let mut lonlat = Vec::with_capacity((w * h) as usize);
        for y in 0..h {
            for x in 0..w {
                let ll = proj.to_lonlat([x as f64 * spacing_m, y as f64 * spacing_m]);
                lonlat.push([e7(ll[0]) as f64 / 1e7, e7(ll[1]) as f64 / 1e7]);
            }
        }
        let mut pairs = Vec::with_capacity((2 * w * h) as usize);
        for y in 0..h {
            for x in 0..w {
                let i = y * w + x;
                if x + 1 < w {
                    pairs.push((i, i + 1));
                }
                if y + 1 < h {
                    pairs.push((i, i + w));
                }
            }
        }
        Graph::assemble(lonlat, Vec::new(), pairs)
    }

    /// The compact form: coordinates and edge endpoints as zig-zag varint deltas (lengths are
    /// recomputed on load). Shanghai's graph is a few tens of KB before gzip.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.lonlat.len() * 5 + self.edges.len() * 4);
        out.extend_from_slice(MAGIC);
        put_varint(&mut out, self.lonlat.len() as u64);
        put_varint(&mut out, self.edges.len() as u64);
        let (mut px, mut py) = (0i64, 0i64);
        for p in &self.lonlat {
            let (x, y) = (e7(p[0]) as i64, e7(p[1]) as i64);
            put_varint(&mut out, zigzag(x - px));
            put_varint(&mut out, zigzag(y - py));
            (px, py) = (x, y);
        }
        let mut pa = 0i64;
        for e in &self.edges {
            put_varint(&mut out, zigzag(e.a as i64 - pa));
            put_varint(&mut out, zigzag(e.b as i64 - e.a as i64));
            pa = e.a as i64;
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Graph, GraphError> {
        let bad = |what: &str| GraphError(format!("prebuilt walk graph is damaged: {what}"));
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| bad("not a walk graph (wrong header)"))?;
        let mut r = Reader { bytes: rest, at: 0 };
        let n = r.varint().ok_or_else(|| bad("truncated"))? as usize;
        let m = r.varint().ok_or_else(|| bad("truncated"))? as usize;
        // Each node and edge takes at least two bytes: refuse sizes the data cannot hold
        // before allocating for them.
        if n.saturating_add(m).saturating_mul(2) > rest.len() {
            return Err(bad("counts larger than the data"));
        }
        let mut lonlat = Vec::with_capacity(n);
        let (mut x, mut y) = (0i64, 0i64);
        for _ in 0..n {
            x += unzigzag(r.varint().ok_or_else(|| bad("truncated coordinates"))?);
            y += unzigzag(r.varint().ok_or_else(|| bad("truncated coordinates"))?);
            let (lon, lat) = (x as f64 / 1e7, y as f64 / 1e7);
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return Err(bad("coordinate out of range"));
            }
            lonlat.push([lon, lat]);
        }
        let mut pairs = Vec::with_capacity(m);
        let mut a = 0i64;
        for _ in 0..m {
            a += unzigzag(r.varint().ok_or_else(|| bad("truncated edges"))?);
            let b = a + unzigzag(r.varint().ok_or_else(|| bad("truncated edges"))?);
            if a < 0 || b < 0 || a as usize >= n || b as usize >= n {
                return Err(bad("edge to a node that does not exist"));
            }
            pairs.push((a as u32, b as u32));
        }
        if r.at != rest.len() {
            return Err(bad("trailing bytes"));
        }
        Ok(Graph::assemble(lonlat, Vec::new(), pairs))
    }

    /// Connected components: a component number per node.
    pub fn components(&self) -> Vec<u32> {
        let mut comp = vec![u32::MAX; self.node_count()];
        let mut next = 0;
        let mut stack = Vec::new();
        for start in 0..self.node_count() as u32 {
            if comp[start as usize] != u32::MAX {
                continue;
            }
            comp[start as usize] = next;
            stack.push(start);
            while let Some(v) = stack.pop() {
                for (w, _) in self.neighbours(v) {
                    if comp[w as usize] == u32::MAX {
                        comp[w as usize] = next;
                        stack.push(w);
                    }
                }
            }
            next += 1;
        }
        comp
    }
}

/// CSR adjacency (offsets, targets, lengths) of undirected edges.
fn csr(n: usize, edges: &[Edge]) -> (Vec<u32>, Vec<u32>, Vec<f32>) {
    let mut offsets = vec![0u32; n + 1];
    for e in edges {
        offsets[e.a as usize + 1] += 1;
        offsets[e.b as usize + 1] += 1;
    }
    for i in 1..=n {
        offsets[i] += offsets[i - 1];
    }
    let mut fill = offsets.clone();
    let mut adj_node = vec![0u32; edges.len() * 2];
    let mut adj_len = vec![0f32; edges.len() * 2];
    for e in edges {
        for (from, to) in [(e.a, e.b), (e.b, e.a)] {
            let slot = fill[from as usize] as usize;
            adj_node[slot] = to;
            adj_len[slot] = e.len;
            fill[from as usize] += 1;
        }
    }
    (offsets, adj_node, adj_len)
}

/// Nodes in breadth-first order, component by component, each from its lowest node.
fn bfs_order(offsets: &[u32], adj_node: &[u32]) -> Vec<u32> {
    let n = offsets.len() - 1;
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut head = order.len();
        order.push(start as u32);
        while head < order.len() {
            let v = order[head] as usize;
            head += 1;
            for &w in &adj_node[offsets[v] as usize..offsets[v + 1] as usize] {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    order.push(w);
                }
            }
        }
    }
    order
}

const MAGIC: &[u8] = b"BMWG\x01";

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}
fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            v |= ((byte & 0x7f) as u64) << shift;
            if byte < 0x80 {
                return Some(v);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(ids: &[i64], coords: &[[f64; 2]]) -> serde_json::Value {
        serde_json::json!({"type": "Feature", "properties": {"node_ids": ids},
            "geometry": {"type": "LineString", "coordinates": coords}})
    }

    fn fc(features: Vec<serde_json::Value>) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({"type": "FeatureCollection", "features": features}))
            .unwrap()
    }

    #[test]
    fn shared_ids_join_ways_and_duplicates_are_dropped() {
        let g = Graph::from_geojson(&fc(vec![
            line(
                &[1, 2, 2, 3],
                &[[0.0, 0.0], [0.001, 0.0], [0.001, 0.0], [0.002, 0.0]],
            ),
            line(&[3, 4], &[[0.002, 0.0], [0.002, 0.001]]),
            // The same segment again, reversed: one edge.
            line(&[2, 1], &[[0.001, 0.0], [0.0, 0.0]]),
            // Two ids at one position: a zero-length edge, kept.
            line(&[4, 5], &[[0.002, 0.001], [0.002, 0.001]]),
        ]))
        .unwrap();
        assert_eq!(g.node_count(), 5);
        assert_eq!(
            g.edge_count(),
            4,
            "self-loop 2-2 and the reversed twin are dropped"
        );
        assert!((g.edge(0).len - 111.19).abs() < 0.1, "{}", g.edge(0).len);
        assert_eq!(g.edge(3).len, 0.0);
        assert_eq!(g.neighbours(g.node_of_osm(3).unwrap()).count(), 2);
    }

    #[test]
    fn bad_networks_are_named() {
        let e = Graph::from_geojson(&fc(vec![line(&[1, 2], &[[0.0, 0.0]])])).unwrap_err();
        assert!(e.0.contains("2 node_ids for 1 coordinates"), "{e}");
        assert!(Graph::from_geojson(b"[]").is_err());
        assert!(Graph::from_geojson(&fc(vec![]))
            .unwrap_err()
            .0
            .contains("no streets"));
    }

    #[test]
    fn compact_form_round_trips_and_rejects_damage() {
        let g = Graph::grid(30, 20, 50.0);
        let bytes = g.to_bytes();
        let back = Graph::from_bytes(&bytes).unwrap();
        assert_eq!(back.node_count(), g.node_count());
        assert_eq!(back.edges(), g.edges());
        assert_eq!(back.lonlat, g.lonlat);
        for cut in [0, 3, 5, bytes.len() / 2, bytes.len() - 1] {
            assert!(Graph::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(Graph::from_bytes(&extra).is_err());
        assert!(Graph::from_bytes(b"BMWG\x01\xff\xff\xff\xff\x0f\x01").is_err());
    }

    #[test]
    fn grid_components_and_bytes() {
        let g = Graph::grid(10, 10, 100.0);
        assert_eq!(g.edge_count(), 180);
        assert!(g.components().iter().all(|&c| c == 0));
        assert!(g.heap_bytes() > 0);
    }
}
