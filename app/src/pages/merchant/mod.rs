//! Merchant pages (商户入驻): the registration form (`/merchant`) and the owner's page
//! (`/merchant/manage#token=…`), built from one listing editor. The staff's review (`super::review`) reuses the map, the
//! rules loading and the price text.

mod api;
mod form;
mod hours_editor;
mod manage;
pub(super) mod model;
mod photo_input;
pub(super) mod pin_map;
mod price_list;
mod register;
pub(super) mod setup;

pub use manage::ManagePage;
pub use register::RegisterPage;
