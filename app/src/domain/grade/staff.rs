//! Staff-entered parts (items 1, 5's market, 6, 8, 9's checks, 10): checking an entry before it
//! is stored, and scoring what was stored.

use super::facts::StaffEntry;
use super::points::Points;
use super::rules::{GradeRules, Part, Source};
use super::service::Scored;
use super::text;

/// Checks a staff entry for the part `key` ("item.part"); the message is Chinese, then English.
pub fn validate_staff_entry(
    grade: &GradeRules,
    key: &str,
    entry: &StaffEntry,
) -> Result<(), String> {
    let Some((_, part)) = grade.part(key) else {
        return Err(format!("未知的评分项 / unknown grade part '{key}'"));
    };
    let Source::Staff { choices, .. } = &part.source else {
        return Err(format!(
            "“{}”由系统计算，不能录入 / '{key}' is computed, not entered by staff",
            part.name_zh
        ));
    };
    let points = entry.points;
    if points > part.max {
        return Err(format!(
            "分值 {points} 超过上限 {} 分 / {points} points is above the maximum of {}",
            part.max, part.max
        ));
    }
    if let Some(choices) = choices.as_ref().filter(|c| !c.contains(&points)) {
        let (zh, en) = text::choices(choices);
        return Err(format!(
            "分值只能是 {zh} / points must be one of {en}, not {points}"
        ));
    }
    let limits = &grade.staff_entry;
    if entry.note.trim().is_empty() {
        return Err("请填写说明 / a note is required".to_string());
    }
    if entry.note.chars().count() > limits.note_max_chars {
        return Err(format!(
            "说明不能超过 {} 字 / the note must be at most {} characters",
            limits.note_max_chars, limits.note_max_chars
        ));
    }
    if let Some(evidence) = &entry.evidence {
        if evidence.chars().count() > limits.evidence_max_chars {
            return Err(format!(
                "附件引用不能超过 {} 字符 / the evidence reference must be at most {} characters",
                limits.evidence_max_chars, limits.evidence_max_chars
            ));
        }
    }
    Ok(())
}

/// A staff part's points: the entry's, or 0 while none is entered.
pub(super) fn score(part: &Part, entry: Option<&StaffEntry>) -> Scored {
    let Source::Staff {
        choices,
        guide_zh,
        guide_en,
    } = &part.source
    else {
        unreachable!("called for staff parts only");
    };
    let max = part.max;
    let (how_zh, how_en) = match choices {
        Some(list) => {
            let (zh, en) = text::choices(list);
            (
                format!("社区录入，可选 {zh} 分"),
                format!("entered by staff: {en}"),
            )
        }
        None => (
            format!("社区录入，0–{max} 分（可到 0.1 分）"),
            format!("entered by staff: 0 to {max} (tenths allowed)"),
        ),
    };
    let with_guide = |guide: &Option<String>, how: String, sep: &str| match guide {
        Some(g) => format!("{g}{sep}{how}"),
        None => how,
    };
    let rule = (
        with_guide(guide_zh, how_zh, "；"),
        with_guide(guide_en, how_en, "; "),
    );
    let Some(entry) = entry else {
        return Scored {
            points: Points::ZERO,
            rule,
            evidence: ("待社区录入".into(), "awaiting staff entry".into()),
        };
    };
    // Entries were checked when stored; if the rules changed since, take the nearest allowed
    // value below rather than a value the rules no longer allow.
    let points = match choices {
        Some(list) => list
            .iter()
            .copied()
            .filter(|&c| c <= entry.points)
            .max()
            .unwrap_or(Points::ZERO),
        None => entry.points.min(max),
    };
    let note = entry.note.trim();
    Scored {
        points,
        rule,
        evidence: (
            format!("社区录入：{note}"),
            format!("entered by staff: {note}"),
        ),
    }
}
