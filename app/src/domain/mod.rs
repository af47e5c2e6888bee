//! The domain: 业态 categories, rings and thresholds (from the rules file), outlets, the
//! mapping from OpenStreetMap tags to our categories, and what the client computes about them:
//! keyword and pinyin search, open-now state, and links into Chinese map apps. `grade` scores a
//! circle (有没有 / 好不好); the server uses it, the map client does not.

pub mod bbox;
pub mod circle;
pub mod circle_edit;
pub mod cn_coords;
pub mod grade;
pub mod merchant;
pub mod open_state;
pub mod osm;
pub mod outlet;
pub mod rules;
pub mod search;
pub mod survey;

pub use bbox::BBox;
pub use circle::{Circle, ClientConfig, GeoPolygon};
pub use cn_coords::{nav_links, NavLinks};
pub use grade::{grade, CircleFacts, Coverage, Grade, GradeRules, Points, StaffEntry, SurveyFacts};
pub use merchant::{CheckedRegistration, CreditCode, FieldError, Phone, Registration, WeeklyHours};
pub use open_state::{open_state, OpenState, Schedule};
pub use outlet::{Outlet, OutletCollection, OutletFeature, OutletSource, PriceItem, StoredOutlet};
pub use rules::{Category, HoursRules, Kind, PointsBand, Rules, RulesError, SurveyRules};
pub use search::{Query, SearchTerms};
