use super::*;

/// 有没有 of a circle where the first `basic` required and first `quality` graded categories
/// are reached from every one of 100 origins.
fn score(basic: usize, quality: usize) -> Facilities {
    let (rules, g) = setup();
    let (required, graded) = required_and_graded(&rules);
    let mut c = Circle::empty();
    c.cover(&required[..basic], 100, 100);
    c.cover(&graded[..quality], 100, 100);
    facilities::facilities(&rules, &g, &c.coverage)
}

fn type_code(f: &Facilities) -> Option<&str> {
    f.initial_type.as_ref().map(|t| t.code.as_str())
}

#[test]
fn the_bundled_lists_are_the_official_ones() {
    let (rules, _) = setup();
    let (required, graded) = required_and_graded(&rules);
    assert_eq!((required.len(), graded.len()), (15, 8));
}

#[test]
fn types_at_their_exact_edges() {
    // 15 basic + 6 quality = 60 + 30 = 90 → 品质型.
    let f = score(15, 6);
    assert_eq!(
        (f.basic_points, f.quality_points, f.total),
        (Points(600), Points(300), Points(900))
    );
    assert_eq!(type_code(&f), Some("quality"));
    assert_eq!(f.initial_type.as_ref().unwrap().stars, 5);
    // 14 + 6 = (60 − 4) + 30 = 86 → 提升型.
    let f = score(14, 6);
    assert_eq!(f.total, Points(860));
    assert_eq!(type_code(&f), Some("upgraded"));
    // 15 + 4 = 60 + 20 = 80 exactly → 提升型.
    assert_eq!(score(15, 4).total, Points(800));
    assert_eq!(type_code(&score(15, 4)), Some("upgraded"));
    // 14 + 4 = 56 + 20 = 76 → 基础型.
    assert_eq!(type_code(&score(14, 4)), Some("basic"));
    // 15 + 2 = 60 + 10 = 70 exactly → 基础型; 10 + 6 = (60 − 20) + 30 = 70 too.
    assert_eq!(score(15, 2).total, Points(700));
    assert_eq!(type_code(&score(15, 2)), Some("basic"));
    assert_eq!(type_code(&score(10, 6)), Some("basic"));
    // 13 + 3 = 52 + 15 = 67 → not graded; 15 + 1 = 65 → not graded.
    assert_eq!(score(13, 3).total, Points(670));
    assert_eq!(type_code(&score(13, 3)), None);
    assert_eq!(type_code(&score(15, 1)), None);
    // Nothing at all: 60 − 15 × 4 = 0.
    assert_eq!(score(0, 0).total, Points(0));
}

#[test]
fn quality_points_are_capped_and_count_only_graded_types() {
    let (rules, g) = setup();
    let (required, graded) = required_and_graded(&rules);
    let mut c = Circle::empty();
    c.cover(&required, 100, 100);
    c.cover(&graded, 100, 100);
    // 8 × 5 = 40 (the cap); culture is a quality category but not one of the graded 8.
    c.cover(&["culture"], 100, 100);
    let f = facilities::facilities(&rules, &g, &c.coverage);
    assert_eq!(
        (f.quality_present, f.quality_points, f.total),
        (8, Points(400), Points(1000))
    );
    // 6 graded + culture = 30, not 35.
    let mut c = Circle::empty();
    c.cover(&graded[..6], 100, 100);
    c.cover(&["culture"], 100, 100);
    let f = facilities::facilities(&rules, &g, &c.coverage);
    assert_eq!(f.quality_points, Points(300));
}

#[test]
fn a_non_required_basic_category_does_not_count() {
    let (rules, g) = setup();
    let (required, _) = required_and_graded(&rules);
    let mut c = Circle::empty();
    c.cover(&required[..14], 100, 100);
    c.cover(&["parcel", "bank"], 100, 100);
    let f = facilities::facilities(&rules, &g, &c.coverage);
    // 60 − 1 × 4 = 56: the parcel point and the bank do not replace the missing type.
    assert_eq!((f.required_total, f.required_present), (15, 14));
    assert_eq!(f.basic_points, Points(560));
    let parcel = f.categories.iter().find(|c| c.code == "parcel").unwrap();
    assert!(parcel.present && !parcel.required);
}

#[test]
fn presence_needs_the_set_share_of_origins() {
    let g = setup().1;
    let min = g.presence.min_origin_percent;
    assert_eq!(min, 50);
    let at = |reached, origins| is_present(Coverage { reached, origins }, min);
    assert!(at(50, 100), "exactly 50% is present");
    assert!(!at(49, 100));
    assert!(at(1, 2));
    assert!(!at(0, 0), "a circle without origins has nothing present");
    assert!(!at(0, 100));
}

#[test]
fn each_category_shows_its_ring_counts_and_presence() {
    let (rules, g) = setup();
    let mut c = Circle::empty();
    c.cover(&["convenience"], 49, 100);
    c.cover(&["fitness"], 3, 4);
    let f = facilities::facilities(&rules, &g, &c.coverage);
    let of = |code: &str| f.categories.iter().find(|c| c.code == code).unwrap();
    let conv = of("convenience");
    assert_eq!(
        (conv.ring_minutes, conv.reached, conv.origins),
        (10, 49, 100)
    );
    assert_eq!(conv.percent, Some(49.0));
    assert!(!conv.present && conv.required);
    let fit = of("fitness");
    assert_eq!(
        (fit.ring_minutes, fit.percent, fit.present),
        (15, Some(75.0), true)
    );
    let pharmacy = of("pharmacy");
    assert_eq!(
        (pharmacy.origins, pharmacy.percent, pharmacy.present),
        (0, None, false)
    );
    // 15 basic + 9 quality + 5 other basic categories, in the rules' order.
    assert_eq!(f.categories.len(), rules.categories.len());
    assert_eq!(f.categories[0].code, rules.categories[0].code);
}

#[test]
fn the_basic_points_floor_at_zero() {
    // With 5 off per missing type, none of 15 present is 60 − 75 → 0, not negative.
    let rules = Rules::bundled();
    let text = edited("basic_deduction = 4", "basic_deduction = 5");
    let g = GradeRules::from_toml(&text, &rules).unwrap();
    let (_, graded) = required_and_graded(&rules);
    let mut c = Circle::empty();
    c.cover(&graded[..2], 100, 100);
    let f = facilities::facilities(&rules, &g, &c.coverage);
    assert_eq!((f.basic_points, f.total), (Points(0), Points(100)));
}

#[test]
fn the_worst_gap_is_a_missing_required_type_first() {
    let (rules, g) = setup();
    let of = |c: &Circle| facilities::facilities(&rules, &g, &c.coverage);
    let mut c = Circle::empty();
    for cat in &rules.categories {
        c.cover(&[cat.code.as_str()], 100, 100);
    }
    assert_eq!(of(&c).worst_gap(), None, "no gap anywhere");
    // A present type with a small gap, a quality type missing from 90%, a required type
    // missing from 60%: the required one comes first although its share is smaller.
    c.cover(&["breakfast"], 95, 100);
    c.cover(&["fitness"], 10, 100);
    c.cover(&["convenience"], 40, 100);
    assert_eq!(of(&c).worst_gap().unwrap().code, "convenience");
    // Without a missing required type: the missing quality type, despite the present one.
    c.cover(&["convenience"], 100, 100);
    assert_eq!(of(&c).worst_gap().unwrap().code, "fitness");
    // Only present types with gaps: the largest unserved share.
    c.cover(&["fitness"], 100, 100);
    c.cover(&["wet_market"], 70, 100);
    assert_eq!(of(&c).worst_gap().unwrap().code, "wet_market");
}
