//! Circles drawn by staff (issue 8, item 1): the `[circles]` table of the rules file (the
//! bounds a boundary and its figures must keep) and the boundary's shape checks. The server
//! refuses with them; the circle editor page shows the same figures (vertices, area) live.
//! Whether enough street nodes fall inside needs the walking network: that check is the
//! server's (`server::circles::checks`).

mod rules;
mod shape;
#[cfg(test)]
mod tests;

pub use rules::CircleRules;
pub use shape::{area_km2, check_boundary, Shape, ShapeProblem};
