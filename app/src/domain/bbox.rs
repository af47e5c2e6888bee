//! A lon/lat bounding box, as in `bbox=w,s,e,n` query parameters.

use serde::{Deserialize, Serialize};

/// `[west, south, east, north]` around lon/lat points (infinite, inside out, for none).
pub fn around(points: impl IntoIterator<Item = [f64; 2]>) -> [f64; 4] {
    points.into_iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        },
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl BBox {
    /// Parses "w,s,e,n" in WGS-84 degrees. The error says what is wrong with the text.
    pub fn parse(text: &str) -> Result<BBox, String> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(format!(
                "bbox must be four numbers west,south,east,north; got {} part(s) in \"{text}\"",
                parts.len()
            ));
        }
        let mut v = [0.0f64; 4];
        for (slot, part) in v.iter_mut().zip(&parts) {
            *slot = part
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("bbox: \"{part}\" is not a number"))?;
        }
        let [west, south, east, north] = v;
        if !(-180.0..=180.0).contains(&west) || !(-180.0..=180.0).contains(&east) {
            return Err("bbox: longitudes must be between -180 and 180".into());
        }
        if !(-90.0..=90.0).contains(&south) || !(-90.0..=90.0).contains(&north) {
            return Err("bbox: latitudes must be between -90 and 90".into());
        }
        if west > east || south > north {
            return Err(format!(
                "bbox: west ({west}) must not exceed east ({east}), nor south ({south}) north ({north})"
            ));
        }
        Ok(BBox {
            west,
            south,
            east,
            north,
        })
    }

    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        (self.west..=self.east).contains(&lon) && (self.south..=self.north).contains(&lat)
    }

    pub fn centre(&self) -> (f64, f64) {
        (
            (self.west + self.east) / 2.0,
            (self.south + self.north) / 2.0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn around_points() {
        let pts = [[121.44, 31.25], [121.42, 31.26], [121.45, 31.23]];
        assert_eq!(around(pts), [121.42, 31.23, 121.45, 31.26]);
        assert_eq!(around([[1.0, 2.0]]), [1.0, 2.0, 1.0, 2.0]);
    }

    #[test]
    fn parses_and_rejects() {
        let b = BBox::parse("121.42, 31.23,121.46,31.26").unwrap();
        assert!(b.contains(121.44, 31.245));
        assert!(!b.contains(121.47, 31.245));
        for bad in [
            "",
            "1,2,3",
            "a,1,2,3",
            "1,2,3,4,5",
            "10,0,5,1",
            "0,10,1,5",
            "0,0,200,1",
            "NaN,0,1,1",
        ] {
            assert!(BBox::parse(bad).is_err(), "{bad:?} should fail");
        }
    }
}
