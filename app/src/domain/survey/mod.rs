//! 满意度调查: the questionnaire (data, `app/survey.toml`), answers checked against it, and the
//! indicators (业态满意率, 服务满意率, 综合满意度, sample validity, 好不好 points) computed from
//! counters. Storage and HTTP live in the server; the form and charts in the client.

pub mod answers;
pub mod indicators;
pub mod questionnaire;
pub mod round;

pub use super::rules::{Rules, SurveyRules};
pub use answers::{check_answers, required_error, Answer, AnswerError, Answers};
pub use indicators::{tally_keys, Indicators, Rate, Tally, TallyKey, RESPONSES};
pub use questionnaire::{Indicator, Question, QuestionKind, Questionnaire, Role};
pub use round::{CircleRef, RoundInfo};

#[cfg(test)]
mod tests;
