use super::*;

fn graded(c: &Circle) -> Grade {
    let (rules, g) = setup();
    grade(&rules, &g, &c.facts())
}

#[test]
fn the_model_circle_scores_full_marks() {
    let g = setup().1;
    let s = graded(&Circle::model(&g)).service;
    let by_item: Vec<u32> = s.items.iter().map(|i| i.points.tenths()).collect();
    assert_eq!(by_item, [80, 160, 160, 100, 100, 100, 60, 60, 100, 80]);
    assert_eq!((s.total, s.max), (Points(1000), Points(1000)));
    assert_eq!(s.band.name_zh, "优秀");
}

#[test]
fn bands_at_their_exact_edges() {
    let g = setup().1;
    let mut c = Circle::model(&g);
    // 100 − (8 − 4) harmony − 6 events = 90 → 优秀.
    c.enter("harmony.harmony", 40);
    c.enter("events.events", 0);
    let s = graded(&c).service;
    assert_eq!((s.total, s.band.code.as_str()), (Points(900), "excellent"));
    // − 6 (service survey 32 / 40 = 80% → 10) − 4 (market 5 → 1) = 80 → 良好.
    c.survey.as_mut().unwrap().service = (32, 40);
    c.enter("market_repair.market", 10);
    let s = graded(&c).service;
    assert_eq!((s.total, s.band.code.as_str()), (Points(800), "good"));
    // − 0.6 (7 repair kinds → 4.4) − 2 (5 breakfast kinds → 2) − 5 (elderly care 0)
    // − 2.4 (childcare 2.6) = 70.0 → 合格.
    c.outlets[3].repair_kinds.pop();
    c.outlets[2].prices.truncate(5);
    c.enter("elderly_child.elderly_care", 0);
    c.enter("elderly_child.childcare", 26);
    let s = graded(&c).service;
    assert_eq!((s.total, s.band.code.as_str()), (Points(700), "pass"));
    // Childcare 2.5: 69.9 → 不合格.
    c.enter("elderly_child.childcare", 25);
    let s = graded(&c).service;
    assert_eq!((s.total, s.band.name_zh.as_str()), (Points(699), "不合格"));
}

#[test]
fn the_survey_scores_only_a_valid_sample() {
    let g = setup().1;
    let mut c = Circle::model(&g);
    // 81 / 90 = 90.0% exactly → 16.
    let out = graded(&c);
    let business = part(&out, "business_satisfaction.survey");
    assert_eq!(
        (business.source, business.points),
        (PartKind::Survey, Points(160))
    );
    assert_eq!(
        business.evidence_zh,
        "满意 81 / 90 = 90%（样本 150 / 150 份）"
    );
    assert_eq!(
        business.rule_zh,
        "满意率≥90% 得 16 分，≥80% 得 10 分，否则 0 分；样本须达服务人口的 3%"
    );
    // 80 / 90 = 88.9% (shown rounded down, 88.8%) → 10.
    c.survey.as_mut().unwrap().business = (80, 90);
    let out = graded(&c);
    let business = part(&out, "business_satisfaction.survey");
    assert_eq!(business.points, Points(100));
    assert!(
        business
            .evidence_en
            .starts_with("satisfied 80 of 90 = 88.8%"),
        "{}",
        business.evidence_en
    );
    // The same rates with one response short of the sample: 0 for items 2 and 3.
    let s = c.survey.as_mut().unwrap();
    s.sample_valid = false;
    s.responses = 149;
    let out = graded(&c);
    for key in [
        "business_satisfaction.survey",
        "service_satisfaction.survey",
    ] {
        let p = part(&out, key);
        assert_eq!(p.points, Points(0), "{key}");
        assert_eq!(p.evidence_zh, "样本 149 / 150 份，样本不足，不计分");
    }
    // No round yet: 0 as well.
    c.survey = None;
    let out = graded(&c);
    assert_eq!(out.service.items[1].points, Points(0));
    assert_eq!(out.service.items[2].points, Points(0));
    assert_eq!(
        part(&out, "service_satisfaction.survey").evidence_en,
        "no survey round yet"
    );
    // 100 − 16 − 16 = 68.
    assert_eq!(out.service.total, Points(680));
}

#[test]
fn staff_parts_wait_for_an_entry_and_show_its_note() {
    let g = setup().1;
    let mut c = Circle::model(&g);
    c.staff.remove("harmony.harmony");
    c.staff.insert(
        "events.events".into(),
        StaffEntry {
            points: Points(30),
            note: " 三场社区集市 ".into(),
            evidence: Some("uploads/events-2024.pdf".into()),
        },
    );
    let out = graded(&c);
    let harmony = part(&out, "harmony.harmony");
    assert_eq!((harmony.points, harmony.entered), (Points(0), false));
    assert_eq!(harmony.source, PartKind::Staff);
    assert_eq!(harmony.evidence_zh, "待社区录入");
    assert_eq!(harmony.evidence_en, "awaiting staff entry");
    assert_eq!(
        harmony.rule_zh,
        "达标 8 分，基本达标 4 分，不达标 0 分；社区录入，可选 0、4、8 分"
    );
    let events = part(&out, "events.events");
    assert_eq!((events.points, events.entered), (Points(30), true));
    assert_eq!(events.evidence_zh, "社区录入：三场社区集市");
    assert_eq!(
        events.attachment.as_deref(),
        Some("uploads/events-2024.pdf")
    );
    let market = part(&out, "market_repair.market");
    assert_eq!(market.rule_en, "market to standard: 5; area short −1; −0.6 per missing service; entered by staff: 0 to 5 (tenths allowed)");
    // 100 − 8 − 3 = 89.
    assert_eq!(out.service.total, Points(890));
}

#[test]
fn a_stored_entry_the_rules_no_longer_allow_scores_the_value_below() {
    let g = setup().1;
    let mut c = Circle::model(&g);
    // 6 is not among harmony's choices 0/4/8 (say the rules changed): 4.
    c.enter("harmony.harmony", 60);
    // Above the maximum of 5: 5.
    c.enter("market_repair.market", 70);
    let out = graded(&c);
    assert_eq!(part(&out, "harmony.harmony").points, Points(40));
    assert_eq!(part(&out, "market_repair.market").points, Points(50));
}

#[test]
fn a_computed_part_ignores_a_staff_entry_under_its_key() {
    let g = setup().1;
    let mut c = Circle::model(&g);
    c.outlets[3].repair_kinds.clear();
    c.enter("market_repair.repair_kinds", 50);
    let out = graded(&c);
    let p = part(&out, "market_repair.repair_kinds");
    assert_eq!(
        (p.source, p.points, p.entered),
        (PartKind::Computed, Points(0), false)
    );
}

#[test]
fn the_grade_travels_as_json() {
    let g = setup().1;
    let out = graded(&Circle::model(&g));
    let json = serde_json::to_value(&out).unwrap();
    assert_eq!(json["service"]["total"], 1000);
    assert_eq!(
        json["service"]["items"][4]["parts"][1]["source"],
        "computed"
    );
    assert_eq!(json["result"]["circle_type"], serde_json::Value::Null);
    let back: Grade = serde_json::from_value(json).unwrap();
    assert_eq!(back, out);
}
