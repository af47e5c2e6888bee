//! Dijkstra over the CSR graph, bounded by a distance budget and from one or many sources.
//! The workspace is reused between queries and reset only where the last query wrote, so a
//! small query on a large graph costs what it reaches, not the graph's size.

use super::Graph;

/// A 4-ary min-heap of packed (distance bits, node) keys: half the depth of a binary heap and
/// children side by side in memory, which is what a search over a few thousand nodes spends
/// its time on.
#[derive(Default)]
struct QuadHeap {
    keys: Vec<u64>,
}

impl QuadHeap {
    fn clear(&mut self) {
        self.keys.clear();
    }

    #[inline]
    fn push(&mut self, key: u64) {
        let mut i = self.keys.len();
        self.keys.push(key);
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.keys[parent] <= key {
                break;
            }
            self.keys[i] = self.keys[parent];
            i = parent;
        }
        self.keys[i] = key;
    }

    #[inline]
    fn pop(&mut self) -> Option<u64> {
        let top = *self.keys.first()?;
        let last = self.keys.pop().expect("non-empty");
        let n = self.keys.len();
        if n > 0 {
            let mut i = 0;
            loop {
                let first = 4 * i + 1;
                if first >= n {
                    break;
                }
                let end = (first + 4).min(n);
                let (mut best, mut best_key) = (first, self.keys[first]);
                for c in first + 1..end {
                    if self.keys[c] < best_key {
                        best = c;
                        best_key = self.keys[c];
                    }
                }
                if best_key >= last {
                    break;
                }
                self.keys[i] = best_key;
                i = best;
            }
            self.keys[i] = last;
        }
        Some(top)
    }
}

pub struct Search<'g> {
    graph: &'g Graph,
    dist: Vec<f32>,
    touched: Vec<u32>,
    heap: QuadHeap,
}

/// Non-negative f32s order like their bit patterns, so (distance, node) packs into one u64
/// heap key.
#[inline]
fn key(d: f32, node: u32) -> u64 {
    ((d.to_bits() as u64) << 32) | node as u64
}

impl<'g> Search<'g> {
    pub fn new(graph: &'g Graph) -> Self {
        Search {
            graph,
            dist: vec![f32::INFINITY; graph.node_count()],
            touched: Vec::new(),
            heap: QuadHeap::default(),
        }
    }

    pub fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// Shortest walking distances from the sources (node, metres already walked to reach it),
    /// settling every node within `limit_m`. Afterwards `dist` is final for every node within
    /// the limit and infinite for all others.
    pub fn run(&mut self, sources: &[(u32, f32)], limit_m: f32) {
        for &n in &self.touched {
            self.dist[n as usize] = f32::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
        for &(node, d) in sources {
            if d <= limit_m && d < self.dist[node as usize] {
                if self.dist[node as usize] == f32::INFINITY {
                    self.touched.push(node);
                }
                self.dist[node as usize] = d;
                self.heap.push(key(d, node));
            }
        }
        while let Some(k) = self.heap.pop() {
            let (d, v) = (f32::from_bits((k >> 32) as u32), k as u32);
            if d > self.dist[v as usize] {
                continue; // a stale entry
            }
            for (w, len) in self.graph.neighbours(v) {
                let nd = d + len;
                let slot = &mut self.dist[w as usize];
                if nd < *slot && nd <= limit_m {
                    if *slot == f32::INFINITY {
                        self.touched.push(w);
                    }
                    *slot = nd;
                    self.heap.push(key(nd, w));
                }
            }
        }
    }

    /// Metres to a node, if it was reached within the limit.
    #[inline]
    pub fn dist(&self, node: u32) -> Option<f32> {
        let d = self.dist[node as usize];
        d.is_finite().then_some(d)
    }

    /// The raw distance (infinite when not reached), for formulas over edges.
    #[inline]
    pub fn raw(&self, node: u32) -> f32 {
        self.dist[node as usize]
    }

    /// The nodes reached by the last run, in the order they were first reached.
    pub fn reached(&self) -> &[u32] {
        &self.touched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_distances_are_manhattan_and_the_limit_holds() {
        let g = Graph::grid(20, 20, 100.0);
        let proj = g.projection();
        let corner = proj.to_xy(g.lonlat(0));
        // Grid coordinates of a node (nodes are numbered breadth-first, not row by row).
        let cell = |n: u32| {
            let p = proj.to_xy(g.lonlat(n));
            (
                ((p[0] - corner[0]) / 100.0).round() as u32,
                ((p[1] - corner[1]) / 100.0).round() as u32,
            )
        };
        let mut s = Search::new(&g);
        s.run(&[(0, 0.0)], 1000.0);
        // Edges are about 100 m; haversine makes them differ by a few centimetres.
        let spacing = g.edge(0).len;
        let mut far_corner = 0;
        for n in 0..g.node_count() as u32 {
            let (x, y) = cell(n);
            if (x, y) == (19, 19) {
                far_corner = n;
            }
            let d = s.dist(n);
            let manhattan = (x + y) as f32 * spacing;
            if manhattan <= 990.0 {
                assert!(
                    (d.unwrap() - manhattan).abs() < 0.002 * manhattan + 0.01,
                    "({x},{y})"
                );
            } else if manhattan >= 1010.0 {
                assert_eq!(d, None, "({x},{y}) beyond the limit");
            }
            assert!(d.is_none_or(|d| d <= 1000.0));
        }
        // Reused: a second query from the opposite corner sees nothing of the first.
        s.run(&[(far_corner, 0.0)], 250.0);
        assert_eq!(s.dist(0), None);
        assert!(s.reached().len() < 10);
    }

    #[test]
    fn multi_source_takes_the_nearest_source() {
        let g = Graph::grid(11, 1, 100.0);
        let len = g.edge(0).len;
        let mut s = Search::new(&g);
        s.run(&[(0, 0.0), (10, 50.0)], f32::INFINITY);
        assert!((s.dist(5).unwrap() - 5.0 * len).abs() < 0.01);
        assert!((s.dist(8).unwrap() - (50.0 + 2.0 * len)).abs() < 0.01);
        // A source beyond the limit is not a source.
        s.run(&[(0, 5000.0)], 1000.0);
        assert!(s.reached().is_empty());
    }
}
