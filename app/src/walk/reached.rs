//! Which stretch of an edge lies within a walking distance: from either end (via the graph)
//! and, on edges that hold a snapped point (the origin, or an outlet for coverage), straight
//! from that point along the edge.

/// Parts of an edge of length `len` within `limit` metres, as sorted, disjoint intervals
/// `[from, to]` measured from the edge's `a` end. `da`/`db` are the distances to the ends
/// (infinite when not reached); `points` are `(t, off_m)` of snapped sources on this edge.
pub fn within(len: f32, da: f32, db: f32, points: &[(f32, f32)], limit: f32) -> Vec<[f32; 2]> {
    let mut parts: Vec<[f32; 2]> = Vec::with_capacity(2 + points.len());
    if da <= limit {
        parts.push([0.0, (limit - da).min(len)]);
    }
    if db <= limit {
        parts.push([(len - (limit - db)).max(0.0), len]);
    }
    for &(t, off) in points {
        if off <= limit {
            let at = t * len;
            let reach = limit - off;
            parts.push([(at - reach).max(0.0), (at + reach).min(len)]);
        }
    }
    parts.sort_by(|x, y| x[0].total_cmp(&y[0]));
    let mut merged: Vec<[f32; 2]> = Vec::with_capacity(parts.len());
    for p in parts {
        match merged.last_mut() {
            Some(last) if p[0] <= last[1] => last[1] = last[1].max(p[1]),
            _ => merged.push(p),
        }
    }
    merged
}

/// The complement of `within` on `[0, len]`: the parts farther than the limit.
pub fn beyond(len: f32, inside: &[[f32; 2]]) -> Vec<[f32; 2]> {
    let mut out = Vec::new();
    let mut at = 0.0f32;
    for p in inside {
        if p[0] > at {
            out.push([at, p[0]]);
        }
        at = at.max(p[1]);
    }
    if at < len {
        out.push([at, len]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_from_ends_and_points() {
        // Reached from a with 30 m to spare, from b with 10 m, nothing in between.
        assert_eq!(
            within(100.0, 70.0, 90.0, &[], 100.0),
            vec![[0.0, 30.0], [90.0, 100.0]]
        );
        assert_eq!(
            beyond(100.0, &[[0.0, 30.0], [90.0, 100.0]]),
            vec![[30.0, 90.0]]
        );
        // Whole edge from one end.
        assert_eq!(
            within(100.0, 0.0, f32::INFINITY, &[], 500.0),
            vec![[0.0, 100.0]]
        );
        // A point in the middle, 5 m off the street, 20 m to walk.
        assert_eq!(
            within(100.0, f32::INFINITY, f32::INFINITY, &[(0.5, 5.0)], 25.0),
            vec![[30.0, 70.0]]
        );
        assert_eq!(
            within(100.0, f32::INFINITY, f32::INFINITY, &[], 25.0),
            Vec::<[f32; 2]>::new()
        );
        assert_eq!(beyond(100.0, &[]), vec![[0.0, 100.0]]);
        // Zero-length edge reached: one point interval, nothing beyond.
        assert_eq!(
            beyond(0.0, &within(0.0, 10.0, 10.0, &[], 20.0)),
            Vec::<[f32; 2]>::new()
        );
    }
}
