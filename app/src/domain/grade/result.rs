//! The grade of a circle: 有没有 gives a type, 好不好 confirms it (合格 or better) or not.

use super::facilities::{facilities, Facilities, TypeRef};
use super::facts::CircleFacts;
use super::rules::GradeRules;
use super::service::{service, Service};
use super::text::stars_zh;
use crate::domain::rules::Rules;
use serde::{Deserialize, Serialize};

/// What `GET /api/circles/{id}/grade` returns: both tables and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub facilities: Facilities,
    pub service: Service,
    pub result: Verdict,
}

/// The final type, or `None` (未评级).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub circle_type: Option<TypeRef>,
    /// 3, 4 or 5 (三星/四星/五星); 0 when not graded.
    pub stars: u8,
    pub reason_zh: String,
    pub reason_en: String,
}

pub fn grade(rules: &Rules, grade_rules: &GradeRules, facts: &CircleFacts) -> Grade {
    let facilities = facilities(rules, grade_rules, facts.coverage);
    let service = service(rules, grade_rules, facts);
    let result = verdict(grade_rules, &facilities, &service);
    Grade {
        facilities,
        service,
        result,
    }
}

fn verdict(grade: &GradeRules, f: &Facilities, s: &Service) -> Verdict {
    let pass = grade.pass();
    let service_zh = format!("好不好 {} 分（{}）", s.total, s.band.name_zh);
    let service_en = format!("好不好 {} ({})", s.total, s.band.name_en);
    let Some(initial) = &f.initial_type else {
        let lowest = grade.types.last().expect("checked: at least one type");
        return Verdict {
            circle_type: None,
            stars: 0,
            reason_zh: format!(
                "有没有 {} 分，未达{}（{} 分），{service_zh}：未评级",
                f.total, lowest.name_zh, lowest.min_points
            ),
            reason_en: format!(
                "有没有 {}, below {} ({}), {service_en}: not graded",
                f.total, lowest.name_en, lowest.min_points
            ),
        };
    };
    let facilities_zh = format!("有没有 {} 分（{}）", f.total, initial.name_zh);
    let facilities_en = format!("有没有 {} ({})", f.total, initial.name_en);
    if s.total < pass.min_points {
        return Verdict {
            circle_type: None,
            stars: 0,
            reason_zh: format!(
                "{facilities_zh}，{service_zh}：未达{}（{} 分），类型不予确认，未评级",
                pass.name_zh, pass.min_points
            ),
            reason_en: format!(
                "{facilities_en}, {service_en}: below {} ({}), type not confirmed, not graded",
                pass.name_en, pass.min_points
            ),
        };
    }
    Verdict {
        circle_type: Some(initial.clone()),
        stars: initial.stars,
        reason_zh: format!(
            "{facilities_zh}，{service_zh}：评为{}（{}）",
            initial.name_zh,
            stars_zh(initial.stars)
        ),
        reason_en: format!(
            "{facilities_en}, {service_en}: graded {} ({} stars)",
            initial.name_en, initial.stars
        ),
    }
}
