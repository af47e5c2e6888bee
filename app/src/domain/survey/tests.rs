//! A hand-computed fixture: ten answers whose rates sit exactly on the 90% and 80% edges.

use super::*;
use serde_json::{json, Map, Value};

fn setup() -> (Questionnaire, Rules) {
    let rules = Rules::bundled();
    (Questionnaire::bundled(&rules), rules)
}

const BUSINESS: [&str; 3] = ["daily_shopping", "variety", "opening_hours"];
const SERVICE: [&str; 4] = [
    "service_quality",
    "clean_orderly",
    "fair_prices",
    "good_neighbours",
];

fn response(business: [u8; 3], service: [u8; 4], band: Option<&str>, missing: &[&str]) -> Value {
    let mut m = Map::new();
    for (id, v) in BUSINESS.iter().zip(business) {
        m.insert(id.to_string(), json!(v));
    }
    for (id, v) in SERVICE.iter().zip(service) {
        m.insert(id.to_string(), json!(v));
    }
    if let Some(b) = band {
        m.insert("age_band".into(), json!(b));
    }
    if !missing.is_empty() {
        m.insert("missing".into(), json!(missing));
    }
    Value::Object(m)
}

fn tally_of(q: &Questionnaire, rules: &Rules, responses: &[Value]) -> Tally {
    let mut tally = Tally::new();
    for r in responses {
        let answers = check_answers(q, rules, r.as_object().unwrap()).unwrap();
        for k in tally_keys(q, &answers) {
            *tally.entry(k).or_default() += 1;
        }
    }
    tally
}

/// Business: 27 of 30 satisfied = 90.0% exactly → 16. Service: 32 of 40 = 80.0% → 10.
/// Overall: 59 of 70 = 84.3%, below the 90% goal. Four respondents aged 60–74 answered all 5s.
fn fixture() -> Vec<Value> {
    let mut v = Vec::new();
    for _ in 0..4 {
        v.push(response(
            [5, 5, 5],
            [5, 5, 5, 5],
            Some("60_74"),
            &["breakfast"],
        ));
    }
    for _ in 0..4 {
        v.push(response(
            [4, 4, 4],
            [4, 4, 4, 2],
            None,
            &["repair", "breakfast"],
        ));
    }
    v.push(response(
        [1, 2, 3],
        [5, 5, 1, 1],
        Some("18_34"),
        &["repair"],
    ));
    v.push(response([5, 4, 5], [1, 1, 5, 5], Some("18_34"), &[]));
    v
}

#[test]
fn the_bundled_questionnaire_loads() {
    let (q, _) = setup();
    assert_eq!(q.version, 1);
    assert_eq!(q.questions.iter().filter(|q| q.required).count(), 7);
    assert_eq!(q.breakdown_question().unwrap().id, "age_band");
    assert!(q.is_satisfied(5) && q.is_satisfied(4) && !q.is_satisfied(3));
}

#[test]
fn the_fixture_scores_on_the_edges() {
    let (q, rules) = setup();
    // 300 residents → 9 needed; 10 answered.
    let ind = Indicators::compute(&q, &rules, 300, &tally_of(&q, &rules, &fixture()));
    assert_eq!(ind.responses, 10);
    assert_eq!(ind.sample_target, 9);
    assert!(ind.sample_valid);
    assert_eq!(
        (ind.business.rate.satisfied, ind.business.rate.answered),
        (27, 30)
    );
    assert_eq!(ind.business.points, 16);
    assert!(ind.business.meets_target);
    assert_eq!(
        (ind.service.rate.satisfied, ind.service.rate.answered),
        (32, 40)
    );
    assert_eq!(ind.service.points, 10);
    assert!(!ind.service.meets_target);
    assert_eq!(
        (ind.overall.rate.satisfied, ind.overall.rate.answered),
        (59, 70)
    );
    assert!((ind.overall.percent.unwrap() - 84.2857).abs() < 1e-3);
    assert!(!ind.overall.meets_target);

    // 缺什么: breakfast 8, repair 5.
    let missed: Vec<(&str, u64)> = ind
        .most_missed
        .iter()
        .map(|o| (o.code.as_str(), o.count))
        .collect();
    assert_eq!(missed, [("breakfast", 8), ("repair", 5)]);
    assert_eq!(ind.most_missed[0].zh, "早餐店");

    let band = |code: &str| ind.by_age_band.iter().find(|b| b.code == code).unwrap();
    assert_eq!(band("60_74").responses, 4);
    assert_eq!(
        band("60_74").overall,
        Rate {
            satisfied: 28,
            answered: 28
        }
    );
    assert_eq!(band("18_34").responses, 2);
    assert_eq!(
        band("18_34").business,
        Rate {
            satisfied: 3,
            answered: 6
        }
    );
    assert_eq!(
        band("18_34").service,
        Rate {
            satisfied: 4,
            answered: 8
        }
    );
    assert_eq!(band("").responses, 4);
    assert_eq!(band("75_plus").responses, 0);

    let shopping = ind
        .questions
        .iter()
        .find(|c| c.id == "daily_shopping")
        .unwrap();
    let counts: Vec<u64> = shopping.options.iter().map(|o| o.count).collect();
    assert_eq!(counts, [5, 4, 0, 0, 1]);
    assert_eq!(shopping.answered, 10);
}

#[test]
fn an_invalid_sample_earns_no_points() {
    let (q, rules) = setup();
    // 301 residents → 9.03 → 10 needed: exactly met. 334 → 10.02 → 11: not met.
    let tally = tally_of(&q, &rules, &fixture());
    let met = Indicators::compute(&q, &rules, 301, &tally);
    assert!(met.sample_valid);
    assert_eq!(met.business.points, 16);
    let short = Indicators::compute(&q, &rules, 334, &tally);
    assert_eq!(short.sample_target, 11);
    assert!(!short.sample_valid);
    assert_eq!((short.business.points, short.service.points), (0, 0));
    // The rates themselves are still shown.
    assert_eq!(short.business.rate.satisfied, 27);
    // No population on record: never valid.
    assert!(!Indicators::compute(&q, &rules, 0, &tally).sample_valid);
}

#[test]
fn points_bands_compare_exactly() {
    let s = Rules::bundled().survey;
    assert_eq!(s.points_for(90, 100, true), 16);
    assert_eq!(s.points_for(81, 90, true), 16); // 90% that is 0.9000000000000001 as a float
    assert_eq!(s.points_for(89, 100, true), 10);
    assert_eq!(s.points_for(80, 100, true), 10);
    assert_eq!(s.points_for(79, 100, true), 0);
    assert_eq!(s.points_for(0, 0, true), 0);
    assert_eq!(s.points_for(100, 100, false), 0);
    assert_eq!(s.sample_target(90_000), 2_700);
    assert_eq!(s.sample_target(1), 1);
}

#[test]
fn empty_indicators_have_no_rates() {
    let (q, rules) = setup();
    let ind = Indicators::compute(&q, &rules, 90_000, &Tally::new());
    assert_eq!(ind.responses, 0);
    assert_eq!(ind.overall.percent, None);
    assert_eq!(ind.business.points, 0);
    assert!(ind.most_missed.is_empty());
}

fn refused(given: Value) -> AnswerError {
    let (q, rules) = setup();
    check_answers(&q, &rules, given.as_object().unwrap()).unwrap_err()
}

fn with(key: &str, value: Value) -> Value {
    let mut r = response([5, 5, 5], [5, 5, 5, 5], None, &[]);
    r.as_object_mut().unwrap().insert(key.into(), value);
    r
}

#[test]
fn bad_answers_are_refused_with_the_question_named() {
    let e = refused(with("favourite_colour", json!(3)));
    assert_eq!(e.code, "unknown_question");
    assert!(e.zh.contains("favourite_colour"));

    for bad in [json!(6), json!(0), json!(4.5), json!("5"), json!(-1)] {
        let e = refused(with("variety", bad.clone()));
        assert_eq!(
            (e.code, e.question.as_deref()),
            ("invalid_answer", Some("variety")),
            "{bad}"
        );
    }
    let e = refused(with("missing", json!(["breakfast", "casino"])));
    assert!(e.zh.contains("未知的网点类别"), "{}", e.zh);
    let e = refused(with(
        "most_used",
        json!(["breakfast", "repair", "convenience", "pharmacy"]),
    ));
    assert!(e.zh.contains("最多选 3 项"), "{}", e.zh);
    let e = refused(with("age_band", json!("200")));
    assert_eq!(e.question.as_deref(), Some("age_band"));
    let e = refused(with("suggestion", json!("长".repeat(501))));
    assert_eq!(e.code, "answer_too_long");
    assert!(e.zh.contains("501"));

    let mut r = response([5, 5, 5], [5, 5, 5, 5], None, &[]);
    r.as_object_mut().unwrap().remove("fair_prices");
    let e = refused(r);
    assert_eq!(e.code, "answer_required");
    assert!(e.zh.starts_with("请回答：价格公道"), "{}", e.zh);
}

#[test]
fn answers_are_normalised() {
    let (q, rules) = setup();
    let mut r = with("missing", json!(["repair", "repair", "breakfast"]));
    let m = r.as_object_mut().unwrap();
    m.insert("suggestion".into(), json!("  多开早餐店\u{0}  "));
    m.insert("most_used".into(), json!([]));
    m.insert("years_here".into(), Value::Null);
    let a = check_answers(&q, &rules, m).unwrap();
    assert_eq!(
        a["missing"],
        Answer::Picks(vec!["repair".into(), "breakfast".into()])
    );
    assert_eq!(a["suggestion"], Answer::Text("多开早餐店".into()));
    assert!(!a.contains_key("most_used") && !a.contains_key("years_here"));
    // Text is never counted; the two picks and seven scales and the response are.
    assert_eq!(tally_keys(&q, &a).len(), 1 + 7 + 2);
}
