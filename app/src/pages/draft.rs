//! The answers being filled in on this phone: the per-screen checks (with the domain's own
//! messages), the survey code as typed, the request body, and the draft kept on the device so a
//! reload (even offline) does not lose what was answered.

use super::api::RulesView;
use crate::domain::survey::{
    required_error, Answer, AnswerError, Answers, Question, QuestionKind, Questionnaire,
};
use crate::ui::i18n::pick;
use serde::{Deserialize, Serialize};

/// Characters of a survey code (no 0/O, 1/I: read aloud and typed without mix-ups).
pub const CODE_ALPHABET: &str = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A code as typed ("abcd efgh", "ABCD-EFGH") → "ABCD-EFGH"; `None` if it cannot be one.
pub fn normalise_code(input: &str) -> Option<String> {
    let plain: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let ok = plain.chars().count() == 8 && plain.chars().all(|c| CODE_ALPHABET.contains(c));
    ok.then(|| format!("{}-{}", &plain[..4], &plain[4..]))
}

/// Whether `q` has an answer worth sending (blank text and no picks are no answer).
pub fn answered(q: &Question, answers: &Answers) -> bool {
    match answers.get(&q.id) {
        Some(Answer::Picks(p)) => !p.is_empty(),
        Some(Answer::Text(t)) => !t.trim().is_empty(),
        Some(Answer::Scale(_)) => true,
        None => false,
    }
}

/// What stops the resident from leaving `q`'s screen: a required answer missing (the domain's
/// message, the same the server would send) or text over the limit.
pub fn step_error(q: &Question, answers: &Answers) -> Option<AnswerError> {
    if q.required && !answered(q, answers) {
        return Some(required_error(q));
    }
    if let (QuestionKind::Text, Some(Answer::Text(t))) = (q.kind, answers.get(&q.id)) {
        let max = max_chars(q);
        let len = t.trim().chars().count();
        if len > max {
            return Some(AnswerError {
                code: "answer_too_long",
                question: Some(q.id.clone()),
                zh: format!("最多 {max} 个字，现在是 {len} 个字"),
                en: format!("At most {max} characters, not {len}"),
            });
        }
    }
    None
}

/// The first question that stops a submission, with why.
pub fn first_error(
    questionnaire: &Questionnaire,
    answers: &Answers,
) -> Option<(usize, AnswerError)> {
    questionnaire
        .questions
        .iter()
        .enumerate()
        .find_map(|(i, q)| step_error(q, answers).map(|e| (i, e)))
}

pub fn max_chars(q: &Question) -> usize {
    q.max_chars.unwrap_or(500) as usize
}

/// Only the answers given (blank text dropped, text trimmed), as the server wants them.
pub fn to_send(questionnaire: &Questionnaire, answers: &Answers) -> Answers {
    questionnaire
        .questions
        .iter()
        .filter(|q| answered(q, answers))
        .filter_map(|q| {
            let a = match answers.get(&q.id)? {
                Answer::Text(t) => Answer::Text(t.trim().to_string()),
                other => other.clone(),
            };
            Some((q.id.clone(), a))
        })
        .collect()
}

/// `POST /api/circles/{id}/responses` body.
#[derive(Serialize)]
pub struct Body<'a> {
    pub client_id: &'a str,
    pub round: i64,
    pub questionnaire_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<&'a str>,
    pub answers: &'a Answers,
}

impl Body<'_> {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// An answer in words, for the check screen.
pub fn answer_text(
    q: &Question,
    a: &Answer,
    questionnaire: &Questionnaire,
    rules: &RulesView,
) -> String {
    match a {
        Answer::Scale(v) => questionnaire
            .scale
            .options
            .iter()
            .find(|o| o.value == *v)
            .map_or_else(|| v.to_string(), |o| pick(&o.zh, &o.en).to_string()),
        Answer::Picks(codes) => codes
            .iter()
            .map(|c| {
                rules
                    .category(c)
                    .map_or(c.as_str(), |k| pick(&k.name_zh, &k.name_en))
            })
            .collect::<Vec<_>>()
            .join(crate::ui::i18n::tr("、", ", ")),
        Answer::Text(t) if q.kind == QuestionKind::Choice => q
            .options
            .iter()
            .find(|o| &o.code == t)
            .map_or_else(|| t.clone(), |o| pick(&o.zh, &o.en).to_string()),
        Answer::Text(t) => t.trim().to_string(),
    }
}

/// Category picks: `code` added (if under `max`) or taken away.
pub fn toggle_pick(picks: &mut Vec<String>, code: &str, max: Option<u32>) -> bool {
    if let Some(i) = picks.iter().position(|c| c == code) {
        picks.remove(i);
        return true;
    }
    if max.is_some_and(|m| picks.len() >= m as usize) {
        return false;
    }
    picks.push(code.to_string());
    true
}

/// The answers in progress, kept on the device until they are sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub round: i64,
    #[serde(default)]
    pub code: String,
    pub answers: Answers,
}

const DRAFT_KEY: &str = "bianmin.survey.draft";

impl Draft {
    /// The draft of `round`, if this phone has one.
    pub fn load(round: i64) -> Option<Draft> {
        let text = crate::ui::storage::get(DRAFT_KEY)?;
        serde_json::from_str::<Draft>(&text)
            .ok()
            .filter(|d| d.round == round)
    }

    pub fn save(&self) {
        if let Ok(text) = serde_json::to_string(self) {
            crate::ui::storage::set(DRAFT_KEY, &text);
        }
    }

    pub fn clear() {
        crate::ui::storage::remove(DRAFT_KEY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Rules;

    fn q() -> (Questionnaire, Rules) {
        let rules = Rules::bundled();
        (Questionnaire::bundled(&rules), rules)
    }

    #[test]
    fn the_rules_view_reads_what_the_server_sends() {
        let (qn, rules) = q();
        let view: RulesView =
            serde_json::from_str(&serde_json::to_string(&rules).unwrap()).unwrap();
        assert_eq!(view.categories, rules.categories);
        assert_eq!(view.survey, rules.survey);
        let picks = Answer::Picks(vec![rules.categories[0].code.clone()]);
        let missing = qn.question("missing").unwrap();
        assert_eq!(
            answer_text(missing, &picks, &qn, &view),
            rules.categories[0].name_zh
        );
    }

    #[test]
    fn codes_are_normalised() {
        assert_eq!(normalise_code("abcd-efgh").as_deref(), Some("ABCD-EFGH"));
        assert_eq!(normalise_code(" ABCD EFGH ").as_deref(), Some("ABCD-EFGH"));
        assert_eq!(normalise_code("2345wxyz").as_deref(), Some("2345-WXYZ"));
        // 0, O, 1 and I are not in the alphabet; too short or long is no code.
        assert_eq!(normalise_code("ABCD-EFG0"), None);
        assert_eq!(normalise_code("ABCD-EFGI"), None);
        assert_eq!(normalise_code("ABCD-EFG"), None);
        assert_eq!(normalise_code("ABCD-EFGHJ"), None);
        assert_eq!(normalise_code("ABCD-EFG中"), None);
    }

    #[test]
    fn required_questions_use_the_domain_message() {
        let (qn, _) = q();
        let first = &qn.questions[0];
        assert!(first.required);
        let mut answers = Answers::new();
        let e = step_error(first, &answers).expect("required");
        assert_eq!(e, required_error(first));
        assert!(e.zh.starts_with("请回答："));
        answers.insert(first.id.clone(), Answer::Scale(4));
        assert_eq!(step_error(first, &answers), None);
        // Optional questions never stop the resident.
        let optional = qn.questions.iter().find(|q| !q.required).unwrap();
        assert_eq!(step_error(optional, &Answers::new()), None);
    }

    #[test]
    fn long_text_is_stopped_and_blank_text_is_not_sent() {
        let (qn, _) = q();
        let text = qn.question("suggestion").unwrap();
        let max = max_chars(text);
        let mut answers = Answers::new();
        answers.insert(text.id.clone(), Answer::Text("好".repeat(max + 1)));
        assert_eq!(step_error(text, &answers).unwrap().code, "answer_too_long");
        answers.insert(text.id.clone(), Answer::Text("  ".into()));
        assert_eq!(step_error(text, &answers), None);
        assert!(!to_send(&qn, &answers).contains_key("suggestion"));
    }

    #[test]
    fn first_error_finds_the_first_missing_required() {
        let (qn, _) = q();
        let mut answers = Answers::new();
        assert_eq!(first_error(&qn, &answers).unwrap().0, 0);
        for q in qn.questions.iter().filter(|q| q.required) {
            answers.insert(q.id.clone(), Answer::Scale(5));
        }
        assert_eq!(first_error(&qn, &answers), None);
    }

    #[test]
    fn picks_stop_at_the_maximum() {
        let mut picks = vec![];
        assert!(toggle_pick(&mut picks, "a", Some(2)));
        assert!(toggle_pick(&mut picks, "b", Some(2)));
        assert!(!toggle_pick(&mut picks, "c", Some(2)));
        assert_eq!(picks, ["a", "b"]);
        assert!(toggle_pick(&mut picks, "a", Some(2)));
        assert_eq!(picks, ["b"]);
    }

    #[test]
    fn the_body_passes_the_servers_check() {
        let (qn, rules) = q();
        let mut answers = Answers::new();
        for q in &qn.questions {
            let a = match q.kind {
                QuestionKind::Scale => Answer::Scale(4),
                QuestionKind::Categories => Answer::Picks(vec![rules.categories[0].code.clone()]),
                QuestionKind::Choice => Answer::Text(q.options[0].code.clone()),
                QuestionKind::Text => Answer::Text(" 多开早餐店 ".into()),
            };
            answers.insert(q.id.clone(), a);
        }
        let sent = to_send(&qn, &answers);
        let json = Body {
            client_id: "abcdefghijklmnopqrstuv",
            round: 7,
            questionnaire_version: qn.version,
            code: Some("ABCD-EFGH"),
            device: None,
            answers: &sent,
        }
        .to_json();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["round"], 7);
        assert_eq!(v["code"], "ABCD-EFGH");
        assert!(v.get("device").is_none());
        assert_eq!(v["answers"]["suggestion"], "多开早餐店");
        let checked =
            crate::domain::survey::check_answers(&qn, &rules, v["answers"].as_object().unwrap())
                .expect("the server accepts what the form sends");
        assert_eq!(checked, sent);
        // A draft survives the round trip through storage text.
        let d = Draft {
            round: 7,
            code: "ABCD-EFGH".into(),
            answers: sent.clone(),
        };
        let back: Draft = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }
}
