//! Marker clustering, so thousands of outlets stay smooth and readable: at each zoom, outlets
//! whose markers would overlap on screen become one numbered marker. Pure arithmetic in Web
//! Mercator pixels (what Leaflet draws in), tested on the host.

/// A point's Web Mercator pixel position at `zoom` (256-px tiles), as Leaflet computes it.
pub fn pixel(lonlat: [f64; 2], zoom: f64) -> [f64; 2] {
    let scale = 256.0 * 2f64.powf(zoom);
    // Leaflet clamps latitude to the projection's limit too.
    let lat = lonlat[1].clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let x = (lonlat[0] + 180.0) / 360.0 * scale;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * scale;
    [x, y]
}

/// What to draw for some outlets: one marker, or a numbered cluster of several.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// Index into the points given.
    Single(usize),
    Cluster {
        members: Vec<usize>,
        /// Where the cluster marker goes: its members' mean position.
        lonlat: [f64; 2],
    },
}

/// Groups points lying within `radius_px` of a group's first point, scanning in input order
/// (a grid of `radius_px` cells finds the neighbours, so this is linear in the points).
/// Points for which `single` is true (the selected outlet) always stay single.
pub fn cluster(
    points: &[[f64; 2]],
    zoom: f64,
    radius_px: f64,
    single: impl Fn(usize) -> bool,
) -> Vec<Placed> {
    let px: Vec<[f64; 2]> = points.iter().map(|&p| pixel(p, zoom)).collect();
    let cell = |p: [f64; 2]| {
        (
            (p[0] / radius_px).floor() as i64,
            (p[1] / radius_px).floor() as i64,
        )
    };
    // The grid as a sorted list of (cell, point): no hash map code in the Wasm for this.
    let mut grid: Vec<((i64, i64), usize)> = (0..points.len())
        .filter(|&i| !single(i))
        .map(|i| (cell(px[i]), i))
        .collect();
    grid.sort_unstable();
    let bucket = |c: (i64, i64)| {
        let start = grid.partition_point(|(k, _)| *k < c);
        let end = grid.partition_point(|(k, _)| *k <= c);
        &grid[start..end]
    };
    let mut taken = vec![false; points.len()];
    let mut out = Vec::new();
    for i in 0..points.len() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        if single(i) {
            out.push(Placed::Single(i));
            continue;
        }
        let (cx, cy) = cell(px[i]);
        let mut members = vec![i];
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &(_, j) in bucket((cx + dx, cy + dy)) {
                    let (a, b) = (px[i], px[j]);
                    let near = (a[0] - b[0]).hypot(a[1] - b[1]) <= radius_px;
                    if !taken[j] && near {
                        taken[j] = true;
                        members.push(j);
                    }
                }
            }
        }
        if members.len() == 1 {
            out.push(Placed::Single(i));
        } else {
            let n = members.len() as f64;
            let lon = members.iter().map(|&m| points[m][0]).sum::<f64>() / n;
            let lat = members.iter().map(|&m| points[m][1]).sum::<f64>() / n;
            out.push(Placed::Cluster {
                members,
                lonlat: [lon, lat],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_match_leaflet() {
        // L.CRS.EPSG3857.latLngToPoint([0, 0], 0) = (128, 128); zoom 1 doubles.
        assert_eq!(pixel([0.0, 0.0], 0.0), [128.0, 128.0]);
        assert_eq!(pixel([180.0, 0.0], 1.0), [512.0, 256.0]);
        // Shanghai at zoom 16, by Leaflet's own form (SphericalMercator, R = 6378137, then
        // the 0.5/(πR) transformation), computed independently in Python.
        let [x, y] = pixel([121.44, 31.245], 16.0);
        assert!((x - 14_048_122.197).abs() < 0.01, "{x}");
        assert!((y - 6_854_437.169).abs() < 0.01, "{y}");
    }

    #[test]
    fn near_points_cluster_and_far_ones_do_not() {
        // About 11 m apart at 31°N, and one 1 km away.
        let pts = [[121.44, 31.245], [121.4401, 31.245], [121.45, 31.245]];
        let at_15 = cluster(&pts, 15.0, 40.0, |_| false);
        assert_eq!(at_15.len(), 2);
        match &at_15[0] {
            Placed::Cluster { members, lonlat } => {
                assert_eq!(members, &[0, 1]);
                assert!((lonlat[0] - 121.44005).abs() < 1e-9);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(at_15[1], Placed::Single(2));
        // Zoomed in far enough, 11 m is more than 40 px: all single.
        let at_20 = cluster(&pts, 20.0, 40.0, |_| false);
        assert_eq!(
            at_20,
            vec![Placed::Single(0), Placed::Single(1), Placed::Single(2)]
        );
        // Every point is placed exactly once.
        let at_10 = cluster(&pts, 10.0, 40.0, |_| false);
        assert_eq!(
            at_10,
            vec![Placed::Cluster {
                members: vec![0, 1, 2],
                lonlat: at_10_centre(&pts)
            }]
        );
    }

    fn at_10_centre(pts: &[[f64; 2]]) -> [f64; 2] {
        let n = pts.len() as f64;
        [
            pts.iter().map(|p| p[0]).sum::<f64>() / n,
            pts.iter().map(|p| p[1]).sum::<f64>() / n,
        ]
    }

    #[test]
    fn the_selected_outlet_never_hides_in_a_cluster() {
        let pts = [[121.44, 31.245], [121.4401, 31.245], [121.4402, 31.245]];
        let placed = cluster(&pts, 15.0, 40.0, |i| i == 1);
        assert!(placed.contains(&Placed::Single(1)));
        let clustered: usize = placed
            .iter()
            .map(|p| match p {
                Placed::Single(_) => 1,
                Placed::Cluster { members, .. } => {
                    assert!(!members.contains(&1));
                    members.len()
                }
            })
            .sum();
        assert_eq!(clustered, 3);
    }

    #[test]
    fn thousands_of_points_each_placed_once() {
        let pts: Vec<[f64; 2]> = (0..5000)
            .map(|i| {
                let f = i as f64;
                [
                    121.42 + (f * 0.618).fract() * 0.04,
                    31.23 + (f * 0.382).fract() * 0.03,
                ]
            })
            .collect();
        let placed = cluster(&pts, 15.0, 40.0, |_| false);
        let mut seen = vec![0u8; pts.len()];
        for p in &placed {
            match p {
                Placed::Single(i) => seen[*i] += 1,
                Placed::Cluster { members, .. } => members.iter().for_each(|&m| seen[m] += 1),
            }
        }
        assert!(seen.iter().all(|&s| s == 1));
        assert!(placed.len() < 1000, "{} markers", placed.len());
    }
}
