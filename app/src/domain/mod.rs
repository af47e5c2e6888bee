//! The domain: 业态 categories, rings and thresholds (from the rules file), outlets, and the
//! mapping from OpenStreetMap tags to our categories.

pub mod bbox;
pub mod circle;
pub mod osm;
pub mod outlet;
pub mod rules;

pub use bbox::BBox;
pub use circle::{Circle, ClientConfig};
pub use outlet::{Outlet, OutletCollection, OutletFeature, OutletSource, PriceItem, StoredOutlet};
pub use rules::{Category, Kind, Rules, RulesError};
