//! One resident's answers, checked against the questionnaire: every key a known question, every
//! value in range, required ones present. The server stores only what passes; the phone uses
//! the same messages for the required check.

use super::questionnaire::{Question, QuestionKind, Questionnaire};
use super::Rules;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// A checked answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Scale(u8),
    /// Category codes (`categories`) — distinct, in the order picked.
    Picks(Vec<String>),
    /// A choice's code, or free text.
    Text(String),
}

/// Answers keyed by question id, only those given.
pub type Answers = BTreeMap<String, Answer>;

/// Why answers were refused: a code for programs, the question at fault and messages in
/// Chinese (for residents) and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub code: &'static str,
    pub question: Option<String>,
    pub zh: String,
    pub en: String,
}

impl AnswerError {
    fn new(code: &'static str, q: Option<&str>, zh: String, en: String) -> AnswerError {
        AnswerError {
            code,
            question: q.map(str::to_string),
            zh,
            en,
        }
    }
}

/// The answer required by `q` is missing.
pub fn required_error(q: &Question) -> AnswerError {
    AnswerError::new(
        "answer_required",
        Some(&q.id),
        format!("请回答：{}", q.zh),
        format!("please answer: {}", q.en),
    )
}

/// Checks `given` (question id → JSON value) and returns the normalised answers. `null`, an
/// empty list and blank text count as not answered.
pub fn check_answers(
    questionnaire: &Questionnaire,
    rules: &Rules,
    given: &Map<String, Value>,
) -> Result<Answers, AnswerError> {
    let mut out = Answers::new();
    for (id, value) in given {
        let Some(q) = questionnaire.question(id) else {
            return Err(AnswerError::new(
                "unknown_question",
                Some(id),
                format!("问卷中没有这道题：{id}"),
                format!("the questionnaire has no question '{id}'"),
            ));
        };
        if let Some(answer) = check_one(questionnaire, rules, q, value)? {
            out.insert(id.clone(), answer);
        }
    }
    if let Some(q) = questionnaire
        .questions
        .iter()
        .find(|q| q.required && !out.contains_key(&q.id))
    {
        return Err(required_error(q));
    }
    Ok(out)
}

fn check_one(
    questionnaire: &Questionnaire,
    rules: &Rules,
    q: &Question,
    value: &Value,
) -> Result<Option<Answer>, AnswerError> {
    let wrong = |zh: String, en: String| AnswerError::new("invalid_answer", Some(&q.id), zh, en);
    if value.is_null() {
        return Ok(None);
    }
    match q.kind {
        QuestionKind::Scale => {
            let allowed: Vec<u8> = questionnaire
                .scale
                .options
                .iter()
                .map(|o| o.value)
                .collect();
            match value.as_u64() {
                Some(v) if allowed.iter().any(|&a| a as u64 == v) => {
                    Ok(Some(Answer::Scale(v as u8)))
                }
                _ => Err(wrong(
                    format!("“{}”的回答必须是 {} 之一", q.zh, join(&allowed)),
                    format!("the answer to '{}' must be one of {}", q.id, join(&allowed)),
                )),
            }
        }
        QuestionKind::Categories => {
            let Some(list) = value.as_array() else {
                return Err(wrong(
                    format!("“{}”的回答必须是网点类别的列表", q.zh),
                    format!("the answer to '{}' must be a list of category codes", q.id),
                ));
            };
            let mut seen = HashSet::new();
            let mut picks = Vec::with_capacity(list.len());
            for item in list {
                let code = item.as_str().unwrap_or_default();
                if rules.category(code).is_none() {
                    return Err(wrong(
                        format!("“{}”中有未知的网点类别：{}", q.zh, item),
                        format!("unknown category {item} in the answer to '{}'", q.id),
                    ));
                }
                if seen.insert(code) {
                    picks.push(code.to_string());
                }
            }
            if let Some(max) = q.max_choices.filter(|&m| picks.len() > m as usize) {
                return Err(wrong(
                    format!("“{}”最多选 {max} 项", q.zh),
                    format!("at most {max} picks for '{}'", q.id),
                ));
            }
            Ok((!picks.is_empty()).then_some(Answer::Picks(picks)))
        }
        QuestionKind::Choice => match value.as_str() {
            Some(code) if q.options.iter().any(|o| o.code == code) => {
                Ok(Some(Answer::Text(code.to_string())))
            }
            _ => Err(wrong(
                format!("“{}”的回答不在选项中", q.zh),
                format!("the answer to '{}' is not one of its options", q.id),
            )),
        },
        QuestionKind::Text => {
            let Some(text) = value.as_str() else {
                return Err(wrong(
                    format!("“{}”的回答必须是文字", q.zh),
                    format!("the answer to '{}' must be text", q.id),
                ));
            };
            // Control characters other than line breaks are never typed by a person.
            let text: String = text
                .trim()
                .chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .collect();
            let max = q.max_chars.unwrap_or(500) as usize;
            let len = text.chars().count();
            if len > max {
                return Err(AnswerError::new(
                    "answer_too_long",
                    Some(&q.id),
                    format!("“{}”最多 {max} 个字，现在是 {len} 个字", q.zh),
                    format!("'{}' takes at most {max} characters, not {len}", q.id),
                ));
            }
            Ok((!text.is_empty()).then_some(Answer::Text(text)))
        }
    }
}

fn join(values: &[u8]) -> String {
    values
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join("、")
}
