//! 商户入驻: what a merchant registers and the checks it must pass before staff review — the
//! business licence's credit code, the phone number, the weekly opening hours (written as OSM
//! `opening_hours`) and the registration as a whole. Pure domain: the server applies the checks
//! to `POST /api/registrations`, the form shows the same messages while the merchant types.

pub mod credit_code;
pub mod phone;
pub mod registration;
pub mod weekly_hours;

pub use credit_code::{CreditCode, CreditCodeError};
pub use phone::{Phone, PhoneError, PhoneKind};
pub use registration::{CheckedRegistration, FieldError, Registration};
pub use weekly_hours::{HoursError, Span, WeeklyHours};

#[cfg(test)]
mod tests;
