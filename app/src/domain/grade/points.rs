//! Grade points in tenths. Item 5 deducts 0.6 per missing kind, so every score is a whole number
//! of tenths: sums and thresholds compare exactly, with no float edge (90 points = 900 tenths).

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::ops::{Add, Mul};

/// Points in tenths of a point; on the wire the integer tenths (44 = 4.4 points).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Points(pub u32);

impl Points {
    pub const ZERO: Points = Points(0);

    /// Whole points: `Points::whole(6)` is 60 tenths.
    pub const fn whole(points: u32) -> Points {
        Points(points * 10)
    }

    pub const fn tenths(self) -> u32 {
        self.0
    }

    /// `self − other`, never below zero (deductions floor at 0).
    pub fn saturating_sub(self, other: Points) -> Points {
        Points(self.0.saturating_sub(other.0))
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        Points(self.0 + other.0)
    }
}

impl Mul<u32> for Points {
    type Output = Points;
    fn mul(self, n: u32) -> Points {
        Points(self.0.saturating_mul(n))
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Add::add)
    }
}

/// "4.4", "60": one decimal only when there is a tenth.
impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % 10 {
            0 => write!(f, "{}", self.0 / 10),
            t => write!(f, "{}.{t}", self.0 / 10),
        }
    }
}

/// Tenths of a non-negative decimal with at most one decimal place (0.6 → 6, 16 → 160).
/// Rust prints an `f64` as the shortest text that reads back as the same number, so the digits
/// are those the file wrote: 0.65 is refused rather than rounded.
pub(crate) fn tenths_of_decimal(value: f64) -> Option<u32> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let text = value.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > 1 {
        return None;
    }
    let tenth: u32 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    whole
        .parse::<u32>()
        .ok()?
        .checked_mul(10)?
        .checked_add(tenth)
}

/// Points as the rules file writes them: whole (`5`) or with one decimal (`0.6`).
pub(crate) fn from_file<'de, D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
    FilePoints::deserialize(d).map(|p| p.0)
}

/// An optional list of points as the rules file writes them (`choices = [0, 4, 8]`).
pub(crate) fn optional_list_from_file<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Points>>, D::Error> {
    Option::<Vec<FilePoints>>::deserialize(d)
        .map(|o| o.map(|v| v.into_iter().map(|p| p.0).collect()))
}

struct FilePoints(Points);

impl<'de> Deserialize<'de> for FilePoints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = FilePoints;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("points: a whole number or one with one decimal, like 5 or 0.6")
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<FilePoints, E> {
                u32::try_from(v)
                    .ok()
                    .and_then(|v| v.checked_mul(10))
                    .map(|t| FilePoints(Points(t)))
                    .ok_or_else(|| E::custom(format!("{v} points is too many")))
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<FilePoints, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format!("points must be 0 or more, not {v}"))),
                }
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<FilePoints, E> {
                tenths_of_decimal(v)
                    .map(|t| FilePoints(Points(t)))
                    .ok_or_else(|| {
                        E::custom(format!(
                            "points must be 0 or more with at most one decimal (tenths), not {v}"
                        ))
                    })
            }
        }
        d.deserialize_any(Visitor)
    }
}
