use super::*;
use crate::domain::rules::RulesError;

fn broken(from: &str, to: &str) -> (RulesError, String) {
    let text = edited(from, to);
    let rules = Rules::bundled();
    let e = GradeRules::from_toml(&text, &rules).unwrap_err();
    (e, text)
}

#[test]
fn the_bundled_grade_rules_load() {
    let (rules, g) = setup();
    assert_eq!(g.presence.min_origin_percent, 50);
    assert_eq!(g.facilities.basic_points, Points(600));
    assert_eq!(g.facilities.basic_deduction, Points(40));
    assert_eq!(g.facilities.quality_max, Points(400));
    let types: Vec<_> = g
        .types
        .iter()
        .map(|t| (t.name_zh.as_str(), t.stars, t.min_points.tenths()))
        .collect();
    assert_eq!(
        types,
        [("品质型", 5, 900), ("提升型", 4, 800), ("基础型", 3, 700)]
    );
    let bands: Vec<_> = g
        .bands
        .iter()
        .map(|b| (b.name_zh.as_str(), b.min_points.tenths()))
        .collect();
    assert_eq!(
        bands,
        [("优秀", 900), ("良好", 800), ("合格", 700), ("不合格", 0)]
    );
    assert_eq!(g.pass().name_zh, "合格");
    let maxima: Vec<u32> = g.items.iter().map(|i| i.max.tenths() / 10).collect();
    assert_eq!(maxima, [8, 16, 16, 10, 10, 10, 6, 6, 10, 8]);
    assert_eq!(
        g.part("market_repair.repair_kinds").unwrap().1.source,
        Source::RepairKinds {
            full_kinds: 8,
            min_kinds: 1,
            deduction: Points(6),
        }
    );
    assert_eq!(g.chain.tier_for(2).min_percent, 25);
    assert_eq!(
        g.chain.tier_for(7).min_percent,
        20,
        "other cities: the last tier"
    );
    // The map's rules know nothing of the grade (it is not sent to the phone).
    let json = serde_json::to_string(&rules).unwrap();
    assert!(!json.contains("pass_band") && !json.contains("min_origin_percent"));
}

#[test]
fn items_not_summing_to_100_name_the_first_items_line() {
    // Item 6 and its elderly_care part both one point more: each item adds up, the total is 101.
    let text = edited(
        "name_en = \"Elderly care and childcare\"\nmax = 10",
        "name_en = \"Elderly care and childcare\"\nmax = 11",
    )
    .replacen(
        "name_en = \"Elderly-care site\"\nmax = 5",
        "name_en = \"Elderly-care site\"\nmax = 6",
        1,
    );
    let e = GradeRules::from_toml(&text, &Rules::bundled()).unwrap_err();
    assert!(e.message.contains("add up to 101, not 100"), "{e}");
    assert_eq!(
        e.line,
        Some(line_containing(&text, "[[grade.items]]")),
        "{e}"
    );
    // The map's rules do not read [grade]: the same file still loads for them.
    assert!(Rules::from_toml(&text).is_ok());
}

#[test]
fn an_item_whose_parts_do_not_add_up_names_its_max_line() {
    let item = "code = \"harmony\"\nname_zh = \"商居和谐\"\nname_en = \"Shops and residents in harmony\"\nmax = 8";
    let (e, text) = broken(item, &item.replace("max = 8", "max = 9"));
    assert!(
        e.message.contains("'harmony'") && e.message.contains("add up to 8"),
        "{e}"
    );
    let header = line_containing(&text, "code = \"harmony\"");
    assert_eq!(e.line, Some(header + 3), "{e}");
}

#[test]
fn two_decimals_are_refused_on_their_line() {
    let (e, text) = broken("deduction = 0.6", "deduction = 0.65");
    assert_eq!(
        e.line,
        Some(line_containing(&text, "deduction = 0.65")),
        "{e}"
    );
    assert!(e.message.contains("one decimal"), "{e}");
}

#[test]
fn content_errors_name_the_line_of_their_key() {
    let cases = [
        // A key the source does not use.
        (
            "min_kinds = 1",
            "min_kinds = 1\nmin_percent = 5",
            "min_percent = 5",
            "not used by source",
        ),
        // A misspelt key.
        (
            "full_kinds = 8",
            "full_kind = 8",
            "full_kind = 8",
            "full_kind",
        ),
        // An unknown category.
        (
            "store_categories = [\"convenience\", \"supermarket\"]",
            "store_categories = [\"convenience\", \"kiosk\"]",
            "store_categories",
            "'kiosk'",
        ),
        // Bands easiest first.
        (
            "bands = [{ kinds = 8, points = 4 }, { kinds = 5, points = 2 }]",
            "bands = [{ kinds = 5, points = 2 }, { kinds = 8, points = 4 }]",
            "bands = [{ kinds = 5",
            "strictest",
        ),
        // Choices that cannot reach the maximum.
        (
            "choices = [0, 4, 8]",
            "choices = [0, 4]",
            "choices = [0, 4]\n",
            "rise to max",
        ),
        (
            "pass_band = \"pass\"",
            "pass_band = \"passed\"",
            "pass_band",
            "'passed'",
        ),
        (
            "stars = 4\nmin_points = 80",
            "stars = 4\nmin_points = 95",
            "min_points = 95",
            "highest first",
        ),
        (
            "quality_max = 40",
            "quality_max = 45",
            "basic_points = 60",
            "add up to 100",
        ),
        (
            "min_origin_percent = 50",
            "min_origin_percent = 0",
            "min_origin_percent",
            "between 1 and 100",
        ),
        (
            "source = \"chain_rate\"",
            "source = \"chains\"",
            "source = \"chains\"",
            "unknown source",
        ),
        (
            "quality_group = \"quality\"",
            "quality_group = \"fancy\"",
            "quality_group",
            "'fancy'",
        ),
    ];
    for (from, to, line_of, says) in cases {
        let (e, text) = broken(from, to);
        // "choices = [0, 4]\n" must match the harmony line, not lists_made's "[0, 4]".
        let line = if line_of == "choices = [0, 4]\n" {
            let at = text.find(&format!("{to}\nguide_zh")).unwrap();
            text[..at].matches('\n').count() + 1
        } else {
            line_containing(&text, line_of)
        };
        assert_eq!(e.line, Some(line), "{from} → {to}: {e}");
        assert!(e.message.contains(says), "{from} → {to}: {e}");
    }
}

#[test]
fn a_file_without_grade_rules_says_so() {
    let text = &DEFAULT_RULES_TOML[..DEFAULT_RULES_TOML.find("[grade]").unwrap()];
    let e = GradeRules::from_toml(text, &Rules::bundled()).unwrap_err();
    assert!(e.message.contains("missing field `grade`"), "{e}");
}
