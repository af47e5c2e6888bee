use super::super::points::tenths_of_decimal;
use super::*;

#[test]
fn points_show_a_decimal_only_for_tenths() {
    assert_eq!(Points(44).to_string(), "4.4");
    assert_eq!(Points(600).to_string(), "60");
    assert_eq!(Points(0).to_string(), "0");
    assert_eq!(Points(699).to_string(), "69.9");
    assert_eq!(Points::whole(6), Points(60));
}

#[test]
fn points_travel_as_integer_tenths() {
    assert_eq!(serde_json::to_string(&Points(44)).unwrap(), "44");
    assert_eq!(serde_json::from_str::<Points>("44").unwrap(), Points(44));
}

#[test]
fn file_decimals_are_read_as_exact_tenths() {
    assert_eq!(tenths_of_decimal(0.6), Some(6));
    assert_eq!(tenths_of_decimal(16.0), Some(160));
    assert_eq!(tenths_of_decimal(4.4), Some(44));
    // More than one decimal is refused, not rounded.
    assert_eq!(tenths_of_decimal(0.65), None);
    assert_eq!(tenths_of_decimal(0.05), None);
    assert_eq!(tenths_of_decimal(-1.0), None);
    assert_eq!(tenths_of_decimal(f64::NAN), None);
    assert_eq!(tenths_of_decimal(1e300), None);
}

#[test]
fn arithmetic_floors_at_zero() {
    // 5 − 8 × 0.6 = 0.2; 5 − 9 × 0.6 = −0.4 → 0.
    assert_eq!(Points(50).saturating_sub(Points(6) * 8), Points(2));
    assert_eq!(Points(50).saturating_sub(Points(6) * 9), Points(0));
    assert_eq!(
        [Points(44), Points(6)].into_iter().sum::<Points>(),
        Points(50)
    );
}
