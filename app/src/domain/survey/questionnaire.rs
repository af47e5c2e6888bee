//! The questionnaire (`app/survey.toml`): questions on the 5-point scale for the two indicators,
//! category picks (缺什么, 用得最多), one-of choices (age band, years here) and free text.

use super::Rules;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The questionnaire that ships with the app.
pub const DEFAULT_SURVEY_TOML: &str = include_str!("../../../survey.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    /// Raised whenever a question changes meaning; answers of different versions never pool.
    pub version: u32,
    pub title_zh: String,
    pub title_en: String,
    pub intro_zh: String,
    pub intro_en: String,
    pub scale: Scale,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Values counted as satisfied (满意, 比较满意).
    pub satisfied: Vec<u8>,
    /// Best first, as the form shows them.
    pub options: Vec<ScaleOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleOption {
    pub value: u8,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Scale,
    Categories,
    Choice,
    Text,
}

/// The rate a scale question counts towards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// 业态满意
    Business,
    /// 服务满意
    Service,
}

/// What the aggregation does with a non-scale question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 缺什么: ranked as the most-missed categories.
    Missing,
    /// 用得最多: ranked as the most-used categories.
    MostUsed,
    /// The breakdown of the rates by age band.
    AgeBand,
    /// A fact about the respondent, counted only.
    Respondent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable key in answers, the API and the database: `[a-z0-9_]`.
    pub id: String,
    pub kind: QuestionKind,
    #[serde(default)]
    pub required: bool,
    pub zh: String,
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Indicator>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// For `choice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// For `categories`: at most this many picks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<u32>,
    /// For `text`: at most this many characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<u32>,
}

impl Questionnaire {
    /// The bundled questionnaire, checked against the bundled rules by a unit test.
    pub fn bundled(rules: &Rules) -> Questionnaire {
        Questionnaire::from_toml(DEFAULT_SURVEY_TOML, rules).expect("bundled survey.toml is valid")
    }

    /// Parses and checks a questionnaire; category questions draw on `rules`' categories.
    pub fn from_toml(source: &str, rules: &Rules) -> Result<Questionnaire, String> {
        let q: Questionnaire =
            toml::from_str(source).map_err(|e| format!("survey file: {}", e.message().trim()))?;
        q.check(rules)?;
        Ok(q)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn is_satisfied(&self, value: u8) -> bool {
        self.scale.satisfied.contains(&value)
    }

    /// The question whose answers break the rates down (age band), if any.
    pub fn breakdown_question(&self) -> Option<&Question> {
        self.questions
            .iter()
            .find(|q| q.role == Some(Role::AgeBand))
    }

    fn check(&self, rules: &Rules) -> Result<(), String> {
        let fail = |m: String| Err(format!("survey file: {m}"));
        if self.version == 0 {
            return fail("version must be 1 or more".into());
        }
        let values: Vec<u8> = self.scale.options.iter().map(|o| o.value).collect();
        if values.len() < 2 || values.windows(2).any(|w| w[0] <= w[1]) {
            return fail(
                "scale.options must list at least two values, best (highest) first".into(),
            );
        }
        if self.scale.satisfied.is_empty()
            || self.scale.satisfied.iter().any(|v| !values.contains(v))
        {
            return fail("scale.satisfied must list values of scale.options".into());
        }
        let mut ids = HashSet::new();
        for q in &self.questions {
            let id = &q.id;
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return fail(format!(
                    "question id '{id}' must be lowercase letters, digits and _"
                ));
            }
            if !ids.insert(id.as_str()) {
                return fail(format!("question id '{id}' appears twice"));
            }
            if q.zh.trim().is_empty() || q.en.trim().is_empty() {
                return fail(format!("question '{id}' needs both zh and en text"));
            }
            match q.kind {
                QuestionKind::Scale if q.indicator.is_none() => {
                    return fail(format!("scale question '{id}' needs an indicator"));
                }
                QuestionKind::Choice if q.options.len() < 2 => {
                    return fail(format!("choice question '{id}' needs at least two options"));
                }
                QuestionKind::Text if q.max_chars.is_none_or(|m| m == 0 || m > 5000) => {
                    return fail(format!(
                        "text question '{id}' needs max_chars from 1 to 5000"
                    ));
                }
                QuestionKind::Categories if rules.categories.is_empty() => {
                    return fail(format!(
                        "category question '{id}': the rules list no categories"
                    ));
                }
                _ => {}
            }
            if q.kind != QuestionKind::Scale && q.indicator.is_some() {
                return fail(format!("only scale questions have an indicator ('{id}')"));
            }
            let role_fits = match q.role {
                None => true,
                Some(Role::Missing | Role::MostUsed) => q.kind == QuestionKind::Categories,
                Some(Role::AgeBand | Role::Respondent) => q.kind == QuestionKind::Choice,
            };
            if !role_fits {
                return fail(format!("question '{id}': role does not fit its kind"));
            }
            let mut codes = HashSet::new();
            if q.options.iter().any(|o| !codes.insert(o.code.as_str())) {
                return fail(format!("question '{id}': an option code appears twice"));
            }
        }
        for indicator in [Indicator::Business, Indicator::Service] {
            if !self
                .questions
                .iter()
                .any(|q| q.indicator == Some(indicator))
            {
                return fail(format!("no scale question counts towards {indicator:?}"));
            }
        }
        let bands = self
            .questions
            .iter()
            .filter(|q| q.role == Some(Role::AgeBand))
            .count();
        if bands > 1 {
            return fail("at most one question has role age_band".into());
        }
        Ok(())
    }
}
