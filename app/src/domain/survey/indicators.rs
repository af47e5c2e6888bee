//! The 满意度 indicators from counts. Each answer adds one to a few counters (its tally keys);
//! the server keeps those counters in the same transaction as the answer, so the indicators are
//! exact at any moment and cost the same to read at ten answers or a million.

use super::answers::{Answer, Answers};
use super::questionnaire::{Indicator, QuestionKind, Questionnaire, Role};
use super::{Rules, SurveyRules};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The counter for every response (per age band).
pub const RESPONSES: &str = "_responses";

/// One counter: (question id, option, age band). Scale answers are counted per band so the
/// breakdown needs no raw answers; everything else with an empty band.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TallyKey {
    pub question: String,
    pub option: String,
    pub band: String,
}

/// Counter values by key.
pub type Tally = BTreeMap<TallyKey, u64>;

/// The counters one response adds one to. Free text is not counted.
pub fn tally_keys(questionnaire: &Questionnaire, answers: &Answers) -> Vec<TallyKey> {
    let band = questionnaire
        .breakdown_question()
        .and_then(|q| match answers.get(&q.id) {
            Some(Answer::Text(code)) => Some(code.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let key = |question: &str, option: String, band: &str| TallyKey {
        question: question.to_string(),
        option,
        band: band.to_string(),
    };
    let mut keys = vec![key(RESPONSES, String::new(), &band)];
    for q in &questionnaire.questions {
        match (q.kind, answers.get(&q.id)) {
            (QuestionKind::Scale, Some(Answer::Scale(v))) => {
                keys.push(key(&q.id, v.to_string(), &band))
            }
            (QuestionKind::Categories, Some(Answer::Picks(picks))) => {
                keys.extend(picks.iter().map(|c| key(&q.id, c.clone(), "")))
            }
            (QuestionKind::Choice, Some(Answer::Text(code))) => {
                keys.push(key(&q.id, code.clone(), ""))
            }
            _ => {}
        }
    }
    keys
}

/// Satisfied of answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub satisfied: u64,
    pub answered: u64,
}

impl Rate {
    /// The rate in percent (one decimal is what the page shows); `None` before any answer.
    pub fn percent(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.satisfied as f64 * 100.0 / self.answered as f64)
    }

    fn add(&mut self, other: Rate) {
        self.satisfied += other.satisfied;
        self.answered += other.answered;
    }
}

/// A rate with what it earns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    #[serde(flatten)]
    pub rate: Rate,
    pub percent: Option<f64>,
    /// Reaches the goal (90%).
    pub meets_target: bool,
    /// 好不好 points (16 / 10 / 0); 0 with an invalid sample.
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionCount {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub count: u64,
}

/// Counts per option for one question (bars on the indicator page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionCounts {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub kind: QuestionKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub indicator: Option<Indicator>,
    /// Responses that answered it.
    pub answered: u64,
    /// Scale questions: satisfied of answered.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rate: Option<Rate>,
    /// Options in questionnaire order (scale, choice) or by count (categories).
    pub options: Vec<OptionCount>,
}

/// The rates of one age band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandRates {
    /// The band's code; empty for responses that did not say.
    pub code: String,
    pub zh: String,
    pub en: String,
    pub responses: u64,
    pub business: Rate,
    pub service: Rate,
    pub overall: Rate,
}

/// The indicators of one round, as `GET /api/circles/{id}/indicators` returns them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicators {
    pub questionnaire_version: u32,
    pub responses: u64,
    pub population: u64,
    /// Responses needed for a valid sample (3% of the population, rounded up).
    pub sample_target: u64,
    pub sample_percent: u32,
    pub sample_valid: bool,
    pub target_percent: u32,
    /// 业态满意率 (好不好 item 2).
    pub business: Score,
    /// 服务满意率 (好不好 item 3).
    pub service: Score,
    /// 综合满意度: every scale answer of both indicators.
    pub overall: Score,
    pub max_points: u32,
    pub questions: Vec<QuestionCounts>,
    /// 缺什么, most picked first.
    pub most_missed: Vec<OptionCount>,
    pub most_used: Vec<OptionCount>,
    pub by_age_band: Vec<BandRates>,
}

impl Indicators {
    pub fn compute(
        questionnaire: &Questionnaire,
        rules: &Rules,
        population: u64,
        tally: &Tally,
    ) -> Indicators {
        let sr: &SurveyRules = &rules.survey;
        // Counters by question → option → band.
        let mut by_q: BTreeMap<&str, BTreeMap<&str, BTreeMap<&str, u64>>> = BTreeMap::new();
        for (k, &n) in tally {
            *by_q
                .entry(&k.question)
                .or_default()
                .entry(&k.option)
                .or_default()
                .entry(&k.band)
                .or_default() += n;
        }
        let empty = BTreeMap::new();
        let count_of = |q: &str, option: &str| -> u64 {
            by_q.get(q)
                .and_then(|o| o.get(option))
                .map_or(0, |b| b.values().sum())
        };
        // Satisfied/answered of a scale question within one band (None: all bands).
        let rate_of = |q: &str, band: Option<&str>| -> Rate {
            let mut r = Rate::default();
            for (option, bands) in by_q.get(q).unwrap_or(&empty) {
                let n: u64 = match band {
                    Some(b) => bands.get(b).copied().unwrap_or(0),
                    None => bands.values().sum(),
                };
                r.answered += n;
                if option.parse().is_ok_and(|v| questionnaire.is_satisfied(v)) {
                    r.satisfied += n;
                }
            }
            r
        };
        let indicator_rate = |which: Option<Indicator>, band: Option<&str>| -> Rate {
            let mut r = Rate::default();
            for q in &questionnaire.questions {
                if q.kind == QuestionKind::Scale && which.is_none_or(|w| q.indicator == Some(w)) {
                    r.add(rate_of(&q.id, band));
                }
            }
            r
        };

        let responses = count_of(RESPONSES, "");
        let sample_target = sr.sample_target(population);
        let sample_valid = population > 0 && responses >= sample_target;
        let score = |rate: Rate| Score {
            rate,
            percent: rate.percent(),
            meets_target: SurveyRules::reaches(rate.satisfied, rate.answered, sr.target_percent),
            points: sr.points_for(rate.satisfied, rate.answered, sample_valid),
        };
        let category_name = |code: &str| {
            rules
                .category(code)
                .map_or((code.to_string(), code.to_string()), |c| {
                    (c.name_zh.clone(), c.name_en.clone())
                })
        };

        let mut questions = Vec::new();
        let mut most_missed = Vec::new();
        let mut most_used = Vec::new();
        for q in &questionnaire.questions {
            let mut options: Vec<OptionCount> = match q.kind {
                QuestionKind::Scale => questionnaire
                    .scale
                    .options
                    .iter()
                    .map(|o| OptionCount {
                        code: o.value.to_string(),
                        zh: o.zh.clone(),
                        en: o.en.clone(),
                        count: count_of(&q.id, &o.value.to_string()),
                    })
                    .collect(),
                QuestionKind::Choice => q
                    .options
                    .iter()
                    .map(|o| OptionCount {
                        code: o.code.clone(),
                        zh: o.zh.clone(),
                        en: o.en.clone(),
                        count: count_of(&q.id, &o.code),
                    })
                    .collect(),
                QuestionKind::Categories => by_q
                    .get(q.id.as_str())
                    .unwrap_or(&empty)
                    .iter()
                    .map(|(code, bands)| {
                        let (zh, en) = category_name(code);
                        OptionCount {
                            code: code.to_string(),
                            zh,
                            en,
                            count: bands.values().sum(),
                        }
                    })
                    .collect(),
                QuestionKind::Text => continue,
            };
            if q.kind == QuestionKind::Categories {
                // Most picked first; ties in the rules' category order.
                let order = |c: &str| rules.categories.iter().position(|k| k.code == c);
                options.sort_by(|a, b| {
                    b.count
                        .cmp(&a.count)
                        .then(order(&a.code).cmp(&order(&b.code)))
                });
                match q.role {
                    Some(Role::Missing) => most_missed = options.clone(),
                    Some(Role::MostUsed) => most_used = options.clone(),
                    _ => {}
                }
            }
            let answered = match q.kind {
                QuestionKind::Categories => 0, // picks, not respondents; see `options`
                _ => options.iter().map(|o| o.count).sum(),
            };
            questions.push(QuestionCounts {
                id: q.id.clone(),
                zh: q.zh.clone(),
                en: q.en.clone(),
                kind: q.kind,
                indicator: q.indicator,
                answered,
                rate: (q.kind == QuestionKind::Scale).then(|| rate_of(&q.id, None)),
                options,
            });
        }

        let mut by_age_band = Vec::new();
        if let Some(bq) = questionnaire.breakdown_question() {
            let bands = bq
                .options
                .iter()
                .map(|o| (o.code.as_str(), o.zh.as_str(), o.en.as_str()))
                .chain([("", "未填写", "Not given")]);
            for (code, zh, en) in bands {
                let n = by_q
                    .get(RESPONSES)
                    .and_then(|o| o.get(""))
                    .and_then(|b| b.get(code))
                    .copied()
                    .unwrap_or(0);
                by_age_band.push(BandRates {
                    code: code.to_string(),
                    zh: zh.to_string(),
                    en: en.to_string(),
                    responses: n,
                    business: indicator_rate(Some(Indicator::Business), Some(code)),
                    service: indicator_rate(Some(Indicator::Service), Some(code)),
                    overall: indicator_rate(None, Some(code)),
                });
            }
        }

        Indicators {
            questionnaire_version: questionnaire.version,
            responses,
            population,
            sample_target,
            sample_percent: sr.sample_percent,
            sample_valid,
            target_percent: sr.target_percent,
            business: score(indicator_rate(Some(Indicator::Business), None)),
            service: score(indicator_rate(Some(Indicator::Service), None)),
            overall: score(indicator_rate(None, None)),
            max_points: sr.max_points,
            questions,
            most_missed,
            most_used,
            by_age_band,
        }
    }
}
