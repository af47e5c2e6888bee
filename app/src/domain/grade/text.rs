//! Small text helpers for the rule and evidence lines, in Chinese and English.

use super::points::Points;
use crate::domain::rules::Rules;

/// "30%", "89.9%": rounded down to a tenth, so a rate shown as 90% has really reached 90%.
pub(super) fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".to_string();
    }
    let tenths = part.saturating_mul(1000) / whole;
    match u32::try_from(tenths) {
        Ok(t) => format!("{}%", Points(t)),
        Err(_) => format!("{}%", tenths / 10),
    }
}

/// Chinese and English names of category codes, in the given order ("早餐店、社区食堂").
pub(super) fn category_names(rules: &Rules, codes: &[String]) -> (String, String) {
    let names = codes.iter().map(|c| {
        rules
            .category(c)
            .map_or((c.as_str(), c.as_str()), |k| (&*k.name_zh, &*k.name_en))
    });
    let (zh, en): (Vec<&str>, Vec<&str>) = names.unzip();
    (zh.join("、"), en.join(", "))
}

/// A list after its count: "：a、b" / ": a, b", or nothing when empty.
pub(super) fn list_after(zh: &[String], en: &[String]) -> (String, String) {
    if zh.is_empty() {
        return (String::new(), String::new());
    }
    (
        format!("：{}", zh.join("、")),
        format!(": {}", en.join(", ")),
    )
}

/// Points choices: "0、4" / "0, 4".
pub(super) fn choices(list: &[Points]) -> (String, String) {
    let texts: Vec<String> = list.iter().map(Points::to_string).collect();
    (texts.join("、"), texts.join(", "))
}

/// 三星, 四星, 五星.
pub(super) fn stars_zh(stars: u8) -> String {
    let digit = ["零", "一", "二", "三", "四", "五"]
        .get(usize::from(stars))
        .copied()
        .unwrap_or("?");
    format!("{digit}星")
}
