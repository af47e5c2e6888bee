//! Downloads of a circle's grade, outlets and gaps (issue 8's reports): CSV for spreadsheets
//! (UTF-8 with BOM, RFC 4180, no cell run as a formula — the survey's CSV writer) and GeoJSON
//! for GIS tools. Public, like the grade itself: nothing in them is personal.

use super::{facts, handlers};
use crate::api::AppState;
use crate::db::{self, OutletFilter};
use crate::error::ApiError;
use crate::survey::csv::{file_slug, push_row, BOM, CONTENT_TYPE};
use crate::survey::find_circle;
use app::domain::grade::PartKind;
use app::domain::{OutletCollection, Rules, StoredOutlet};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// `attachment; filename="circle-<id>-<what>"` with an ASCII name.
fn attachment(circle: &str, what: &str) -> HeaderValue {
    let safe = file_slug(circle);
    HeaderValue::from_str(&format!("attachment; filename=\"circle-{safe}-{what}\""))
        .expect("ASCII file name")
}

fn csv(circle: &str, what: &str, text: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)),
            (header::CONTENT_DISPOSITION, attachment(circle, what)),
        ],
        text,
    )
        .into_response()
}

/// `GET /api/circles/{id}/grade.csv`: the verdict, then both tables, one row per category and
/// per part, each with its rule and the data behind it.
pub async fn grade_csv(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let r = handlers::report(&s, circle).await?;
    let g = &r.grade;
    let mut out = String::from(BOM);
    push_row(
        &mut out,
        &[
            "表", "序号", "项目", "分项", "来源", "得分", "满分", "规则", "依据",
        ],
    );
    let verdict = g
        .result
        .circle_type
        .as_ref()
        .map_or("未评级".to_string(), |t| {
            format!("{}（{}星）", t.name_zh, t.stars)
        });
    push_row(
        &mut out,
        &[
            "评价结果",
            "",
            &verdict,
            &r.evaluated_on,
            "",
            "",
            "",
            "",
            &g.result.reason_zh,
        ],
    );
    push_row(
        &mut out,
        &[
            "有没有".to_string(),
            String::new(),
            "合计".into(),
            String::new(),
            String::new(),
            g.facilities.total.to_string(),
            "100".into(),
            format!(
                "{}% 以上街道节点步行可达为“有”",
                g.facilities.min_origin_percent
            ),
            String::new(),
        ],
    );
    for c in &g.facilities.categories {
        let kind = if c.required {
            "必备"
        } else if c.graded {
            "品质"
        } else {
            ""
        };
        let share = c.percent.map_or("—".into(), |p| format!("{p:.1}%"));
        push_row(
            &mut out,
            &[
                "有没有".to_string(),
                String::new(),
                c.name_zh.clone(),
                kind.into(),
                "步行覆盖".into(),
                if c.present { "有" } else { "缺" }.into(),
                String::new(),
                format!("{} 分钟步行", c.ring_minutes),
                format!("{} / {} 个街道节点（{share}）", c.reached, c.origins),
            ],
        );
    }
    push_row(
        &mut out,
        &[
            "好不好".to_string(),
            String::new(),
            "合计".into(),
            String::new(),
            String::new(),
            g.service.total.to_string(),
            g.service.max.to_string(),
            g.service.band.name_zh.clone(),
            String::new(),
        ],
    );
    for it in &g.service.items {
        for p in &it.parts {
            let source = match p.source {
                PartKind::Staff => "社区录入",
                PartKind::Computed => "网点数据",
                PartKind::Survey => "满意度调查",
            };
            push_row(
                &mut out,
                &[
                    "好不好".to_string(),
                    it.no.to_string(),
                    it.name_zh.clone(),
                    p.name_zh.clone(),
                    source.into(),
                    p.points.to_string(),
                    p.max.to_string(),
                    p.rule_zh.clone(),
                    p.evidence_zh.clone(),
                ],
            );
        }
    }
    Ok(csv(&circle.id, "grade.csv", out))
}

/// The circle's approved outlets (inside its boundary).
async fn circle_outlets(s: &AppState, id: &str) -> Result<(String, Vec<StoredOutlet>), ApiError> {
    let circle = &find_circle(s, id).await?;
    let all = db::list_outlets(&s.db, &s.dataset.name, &OutletFilter::default())
        .await
        .map_err(ApiError::storage)?;
    let inside = facts::inside(&all, &facts::boundary(circle));
    Ok((circle.id.clone(), inside))
}

/// `GET /api/circles/{id}/outlets.geojson`.
pub async fn outlets_geojson(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (circle, list) = circle_outlets(&s, &id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/geo+json"),
            ),
            (
                header::CONTENT_DISPOSITION,
                attachment(&circle, "outlets.geojson"),
            ),
        ],
        Json(OutletCollection::new(list)),
    )
        .into_response())
}

fn category_name(rules: &Rules, code: &str) -> String {
    rules
        .category(code)
        .map_or_else(|| code.to_string(), |c| c.name_zh.clone())
}

/// `GET /api/circles/{id}/outlets.csv`.
pub async fn outlets_csv(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (circle, list) = circle_outlets(&s, &id).await?;
    let mut out = String::from(BOM);
    push_row(
        &mut out,
        &[
            "编号",
            "名称",
            "业态",
            "地址",
            "电话",
            "营业时间",
            "品牌",
            "外送",
            "24小时",
            "来源",
            "经度",
            "纬度",
        ],
    );
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    };
    for o in &list {
        let x = &o.outlet;
        push_row(
            &mut out,
            &[
                o.id.to_string(),
                x.name.clone().unwrap_or_default(),
                category_name(&s.rules, &x.category),
                x.address.clone().unwrap_or_default(),
                x.phone.clone().unwrap_or_default(),
                x.opening_hours.clone().unwrap_or_default(),
                x.brand.clone().unwrap_or_default(),
                yes_no(x.delivers).into(),
                yes_no(Some(x.open_24h)).into(),
                match x.source {
                    app::domain::OutletSource::Osm => "OpenStreetMap",
                    app::domain::OutletSource::Sample => "示例数据",
                    app::domain::OutletSource::Merchant => "商户入驻",
                }
                .into(),
                format!("{:.6}", x.lon),
                format!("{:.6}", x.lat),
            ],
        );
    }
    Ok(csv(&circle, "outlets.csv", out))
}

/// `GET /api/circles/{id}/gaps.csv`: per category, how much of the circle is beyond its ring
/// and the population that stands for (the gap streets and suggestions are in `/gaps`).
pub async fn gaps_csv(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let circle = &find_circle(&s, &id).await?;
    let r = handlers::report(&s, circle).await?;
    let mut out = String::from(BOM);
    push_row(
        &mut out,
        &[
            "业态",
            "类别",
            "步行分钟",
            "街道节点",
            "步行范围外",
            "比例",
            "影响人口",
            "有没有",
        ],
    );
    for c in &r.grade.facilities.categories {
        let beyond = c.origins.saturating_sub(c.reached);
        let share = (c.origins > 0).then(|| beyond as f64 * 100.0 / c.origins as f64);
        let people = circle
            .service_population
            .filter(|_| c.origins > 0)
            .map(|p| (p * beyond as u64 / c.origins as u64).to_string())
            .unwrap_or_default();
        push_row(
            &mut out,
            &[
                c.name_zh.clone(),
                if c.group == "basic" {
                    "基本保障"
                } else {
                    "品质提升"
                }
                .into(),
                c.ring_minutes.to_string(),
                c.origins.to_string(),
                beyond.to_string(),
                share.map_or("—".into(), |p| format!("{p:.1}%")),
                people,
                if c.present { "有" } else { "缺" }.into(),
            ],
        );
    }
    Ok(csv(&circle.id, "gaps.csv", out))
}
