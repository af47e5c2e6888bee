//! Which of an owner's edits go back to staff: a new name, category, credit code, or a move of
//! more than 10 m (a pin nudged while zooming is not a move). Everything else — hours, phone,
//! prices, services, photos, address text, brand, delivery — is the owner's to change at once.

use app::domain::merchant::Registration;

/// Moves up to this far keep the approved position without review.
pub const MOVE_M: f64 = 10.0;

/// The reviewed fields in which `proposed` differs from `approved`, by their JSON names
/// ("name", "category", "position", "credit_code").
pub fn reviewed(approved: &Registration, proposed: &Registration) -> Vec<&'static str> {
    let mut out = Vec::new();
    if approved.name != proposed.name {
        out.push("name");
    }
    if approved.category != proposed.category {
        out.push("category");
    }
    if distance_m([approved.lon, approved.lat], [proposed.lon, proposed.lat]) > MOVE_M {
        out.push("position");
    }
    if approved.credit_code != proposed.credit_code {
        out.push("credit_code");
    }
    out
}

/// Great-circle distance in metres (haversine; exact enough for metres and kilometres).
pub fn distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    const R: f64 = 6_371_008.8;
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = la2 - la1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// The approved version with the owner's immediate fields taken from `proposed` (what the map
/// shows while a reviewed change waits).
pub fn immediate_part(approved: &Registration, proposed: &Registration) -> Registration {
    Registration {
        name: approved.name.clone(),
        category: approved.category.clone(),
        lon: approved.lon,
        lat: approved.lat,
        credit_code: approved.credit_code.clone(),
        ..proposed.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousandth_of_a_degree_of_latitude_is_about_111_m() {
        let d = distance_m([121.44, 31.245], [121.44, 31.246]);
        assert!((d - 111.2).abs() < 0.5, "{d}");
        // 5 m east is no move; 15 m is.
        let east = |m: f64| 121.44 + m / (111_320.0 * 31.245_f64.to_radians().cos());
        assert!(distance_m([121.44, 31.245], [east(5.0), 31.245]) < MOVE_M);
        assert!(distance_m([121.44, 31.245], [east(15.0), 31.245]) > MOVE_M);
    }
}
