use super::*;

/// A circle with 15 basic + 6 quality types present (有没有 60 + 30 = 90, 品质型) and the model's
/// full 好不好 (100).
fn quality_circle(grade: &GradeRules) -> Circle {
    let rules = Rules::bundled();
    let (required, graded) = required_and_graded(&rules);
    let mut c = Circle::model(grade);
    c.cover(&required, 100, 100);
    c.cover(&graded[..6], 100, 100);
    c
}

fn verdict_of(c: &Circle) -> Grade {
    let (rules, g) = setup();
    grade(&rules, &g, &c.facts())
}

#[test]
fn the_type_stands_from_exactly_70_and_falls_at_69_9() {
    let g = setup().1;
    let mut c = quality_circle(&g);
    // 好不好 100 less exactly 30 from staff parts:
    c.enter("events.events", 0); // − 6
    c.enter("harmony.harmony", 0); // − 8
    c.enter("elderly_child.elderly_care", 0); // − 5
    c.enter("market_repair.market", 0); // − 5
    c.enter("needs_lists.lists_done", 0); // − 4: 100 − 28 = 72
    c.enter("elderly_child.childcare", 30); // − 2: 70.0
    let out = verdict_of(&c);
    assert_eq!(out.facilities.total, Points(900));
    assert_eq!(out.service.total, Points(700));
    let v = &out.result;
    assert_eq!(
        v.circle_type.as_ref().map(|t| t.code.as_str()),
        Some("quality")
    );
    assert_eq!(v.stars, 5);
    assert_eq!(
        v.reason_zh,
        "有没有 90 分（品质型），好不好 70 分（合格）：评为品质型（五星）"
    );
    assert_eq!(
        v.reason_en,
        "有没有 90 (Quality), 好不好 70 (Pass): graded Quality (5 stars)"
    );
    // Childcare 2.9: 好不好 69.9 → 不合格, the type is not confirmed.
    c.enter("elderly_child.childcare", 29);
    let out = verdict_of(&c);
    assert_eq!(out.service.total, Points(699));
    assert_eq!(
        out.facilities.initial_type.as_ref().unwrap().code,
        "quality"
    );
    let v = &out.result;
    assert_eq!((v.circle_type.clone(), v.stars), (None, 0));
    assert_eq!(
        v.reason_zh,
        "有没有 90 分（品质型），好不好 69.9 分（不合格）：未达合格（70 分），类型不予确认，未评级"
    );
    assert_eq!(
        v.reason_en,
        "有没有 90 (Quality), 好不好 69.9 (Fail): below Pass (70), type not confirmed, not graded"
    );
}

#[test]
fn too_few_facilities_are_not_graded_whatever_the_service() {
    let g = setup().1;
    let rules = Rules::bundled();
    let (required, graded) = required_and_graded(&rules);
    let mut c = Circle::model(&g);
    // 13 + 3 = 52 + 15 = 67; 好不好 100.
    c.cover(&required[..13], 100, 100);
    c.cover(&graded[..3], 100, 100);
    let out = verdict_of(&c);
    assert_eq!(out.service.band.code, "excellent");
    assert_eq!(out.result.circle_type, None);
    assert_eq!(
        out.result.reason_zh,
        "有没有 67 分，未达基础型（70 分），好不好 100 分（优秀）：未评级"
    );
}

#[test]
fn a_basic_circle_with_good_service_gets_three_stars() {
    let g = setup().1;
    let rules = Rules::bundled();
    let (required, graded) = required_and_graded(&rules);
    let mut c = Circle::model(&g);
    // 15 + 2 = 70 → 基础型; 好不好 100 − 8 (harmony) − 6 (events) = 86 → 良好.
    c.cover(&required, 100, 100);
    c.cover(&graded[..2], 100, 100);
    c.enter("harmony.harmony", 0);
    c.enter("events.events", 0);
    let out = verdict_of(&c);
    assert_eq!(out.service.band.name_zh, "良好");
    let t = out.result.circle_type.unwrap();
    assert_eq!((t.name_zh.as_str(), t.stars), ("基础型", 3));
    assert!(
        out.result.reason_zh.ends_with("评为基础型（三星）"),
        "{}",
        out.result.reason_zh
    );
}
