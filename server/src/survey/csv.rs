//! CSV for staff: UTF-8 with a byte order mark (so Excel reads the Chinese), RFC 4180 quoting
//! and CRLF line ends, and no cell that a spreadsheet would run as a formula.

use super::store::StoredResponse;
use super::{CircleRef, RoundInfo};
use app::domain::survey::indicators::{OptionCount, Rate, Score};
use app::domain::survey::{Answer, Answers, Indicators, Questionnaire};
use axum::http::HeaderValue;

pub const BOM: &str = "\u{feff}";
pub const CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// Appends one record.
pub fn push_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell.as_ref());
    }
    out.push_str("\r\n");
}

fn push_cell(out: &mut String, text: &str) {
    // A leading = + - @ (or tab/CR, which some spreadsheets skip first) would make a formula
    // of a resident's suggestion; a leading apostrophe keeps it text.
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula || text.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

/// A circle id as it may stand in a download's file name: ASCII letters, digits, `-` and `_`;
/// anything else becomes `_`.
pub fn file_slug(circle: &str) -> String {
    circle
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `attachment; filename="…"` with an ASCII name.
pub fn attachment(circle: &str, round: i64, what: &str) -> HeaderValue {
    let circle = file_slug(circle);
    HeaderValue::from_str(&format!(
        "attachment; filename=\"survey-{circle}-round{round}-{what}.csv\""
    ))
    .expect("ASCII file name")
}

/// no, day, questionnaire_version, then one column per question id.
pub fn responses_header(q: &Questionnaire) -> String {
    let mut cells = vec![
        "no".to_string(),
        "day".into(),
        "questionnaire_version".into(),
    ];
    cells.extend(q.questions.iter().map(|q| q.id.clone()));
    let mut out = String::from(BOM);
    push_row(&mut out, &cells);
    out
}

/// One response as a record; picks are joined with ";".
pub fn push_response(out: &mut String, no: u64, r: &StoredResponse, q: &Questionnaire) {
    let answers: Answers = serde_json::from_str(&r.answers).unwrap_or_default();
    let mut cells = vec![
        no.to_string(),
        r.day.clone(),
        r.questionnaire_version.to_string(),
    ];
    cells.extend(q.questions.iter().map(|q| match answers.get(&q.id) {
        None => String::new(),
        Some(Answer::Scale(v)) => v.to_string(),
        Some(Answer::Picks(p)) => p.join(";"),
        Some(Answer::Text(t)) => t.clone(),
    }));
    push_row(out, &cells);
}

fn percent(rate: &Rate) -> String {
    rate.percent().map_or(String::new(), |p| format!("{p:.1}"))
}

/// The indicators as one table: section, code, names, then whichever of count, satisfied,
/// answered, percent and points the row has.
pub fn indicators(circle: &CircleRef, round: &RoundInfo, ind: &Indicators) -> String {
    let mut out = String::from(BOM);
    push_row(
        &mut out,
        &[
            "section",
            "code",
            "name_zh",
            "name_en",
            "count",
            "satisfied",
            "answered",
            "percent",
            "points",
        ],
    );
    let mut row = |cells: [&str; 9]| push_row(&mut out, &cells);
    let yes_no = |b: bool| if b { "1" } else { "0" };
    let (id, version) = (round.id.to_string(), ind.questionnaire_version.to_string());
    let (responses, population) = (ind.responses.to_string(), ind.population.to_string());
    let target = ind.sample_target.to_string();
    row([
        "circle",
        &circle.id,
        &circle.name_zh,
        &circle.name_en,
        "",
        "",
        "",
        "",
        "",
    ]);
    for (code, zh, en, count) in [
        ("round", "调查轮次", "Round", id.as_str()),
        (
            "opened_on",
            "开始日期",
            "Opened on",
            round.opened_on.as_str(),
        ),
        (
            "closed_on",
            "结束日期",
            "Closed on",
            round.closed_on.as_deref().unwrap_or(""),
        ),
        (
            "questionnaire_version",
            "问卷版本",
            "Questionnaire version",
            &version,
        ),
        ("responses", "回答数", "Responses", &responses),
        ("population", "服务人口", "Service population", &population),
        (
            "sample_target",
            "有效样本所需回答数",
            "Responses for a valid sample",
            &target,
        ),
        (
            "sample_valid",
            "样本有效",
            "Sample valid",
            yes_no(ind.sample_valid),
        ),
    ] {
        row(["summary", code, zh, en, count, "", "", "", ""]);
    }
    for (code, zh, en, s) in [
        (
            "business",
            "业态满意率",
            "Business satisfaction",
            &ind.business,
        ),
        (
            "service",
            "服务满意率",
            "Service satisfaction",
            &ind.service,
        ),
        (
            "overall",
            "综合满意度",
            "Overall satisfaction",
            &ind.overall,
        ),
    ] {
        let Score { rate, points, .. } = s;
        row([
            "indicator",
            code,
            zh,
            en,
            "",
            &rate.satisfied.to_string(),
            &rate.answered.to_string(),
            &percent(rate),
            &points.to_string(),
        ]);
    }
    for q in &ind.questions {
        let (satisfied, answered, pct) = match &q.rate {
            Some(r) => (r.satisfied.to_string(), r.answered.to_string(), percent(r)),
            None => Default::default(),
        };
        row([
            "question",
            &q.id,
            &q.zh,
            &q.en,
            &q.answered.to_string(),
            &satisfied,
            &answered,
            &pct,
            "",
        ]);
        for o in &q.options {
            let code = format!("{}:{}", q.id, o.code);
            row([
                "option",
                &code,
                &o.zh,
                &o.en,
                &o.count.to_string(),
                "",
                "",
                "",
                "",
            ]);
        }
    }
    let ranked = |section: &'static str, list: &[OptionCount]| {
        list.iter()
            .map(|o| {
                [
                    section.to_string(),
                    o.code.clone(),
                    o.zh.clone(),
                    o.en.clone(),
                    o.count.to_string(),
                ]
            })
            .collect::<Vec<_>>()
    };
    for [section, code, zh, en, count] in ranked("most_missed", &ind.most_missed)
        .into_iter()
        .chain(ranked("most_used", &ind.most_used))
    {
        row([&section, &code, &zh, &en, &count, "", "", "", ""]);
    }
    for b in &ind.by_age_band {
        row([
            "age_band",
            &b.code,
            &b.zh,
            &b.en,
            &b.responses.to_string(),
            &b.overall.satisfied.to_string(),
            &b.overall.answered.to_string(),
            &percent(&b.overall),
            "",
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> String {
        let mut out = String::new();
        push_row(&mut out, cells);
        out
    }

    #[test]
    fn quotes_and_neutralises() {
        assert_eq!(line(&["a", "b c", "5"]), "a,b c,5\r\n");
        assert_eq!(
            line(&["x,y", "say \"hi\"", "two\nlines"]),
            "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
        );
        assert_eq!(line(&["=1+1"]), "\"'=1+1\"\r\n");
        assert_eq!(
            line(&["@SUM(A1)", "+1", "-1", "早餐=好"]),
            "\"'@SUM(A1)\",\"'+1\",\"'-1\",早餐=好\r\n"
        );
        assert_eq!(line(&[""]), "\r\n");
    }

    #[test]
    fn file_names_are_ascii() {
        let v = attachment("长寿路 x", 3, "responses");
        assert_eq!(
            v.to_str().unwrap(),
            "attachment; filename=\"survey-____x-round3-responses.csv\""
        );
    }
}
