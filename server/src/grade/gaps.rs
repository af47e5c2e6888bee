//! `GET /api/circles/{id}/gaps?category=X`: where in the circle a category is farther than its
//! ring (basic 10 min, quality 15), the share of the circle (and of its service population)
//! that affects, the gap streets inside the circle, and where one more outlet would serve the
//! most (精准补建网点, `app::walk::suggest`).

use super::facts;
use crate::api::AppState;
use crate::db::{self, OutletFilter};
use crate::error::ApiError;
use crate::params::Params;
use crate::survey::{find_circle, CircleRef};
use app::walk::{suggest, Search};
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use geo::{Contains, Point};
use serde_json::{json, Value};

/// A share as a percentage with one decimal, rounded down (an honest "at least").
fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (part as u64 * 1000 / whole as u64) as f64 / 10.0)
}

pub async fn gaps(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let circle = find_circle(&s, &id).await?;
    let p = Params::parse(q.as_deref(), &["category"])?;
    let categories = p.categories(&s.rules)?;
    let [code] = categories.as_slice() else {
        return Err(ApiError::bad_request(
            "missing_category",
            "请指定一个业态类别（category）",
            "gaps take exactly one category",
        ));
    };
    let code = code.clone();
    let outlets = db::list_outlets(
        &s.db,
        &s.dataset.name,
        &OutletFilter {
            categories: vec![code.clone()],
            ..Default::default()
        },
    )
    .await
    .map_err(ApiError::storage)?;
    let (walk, rules, grade_rules) = (s.walk.clone(), s.rules.clone(), s.grade_rules.clone());
    let body = tokio::task::spawn_blocking(move || {
        let g = &walk.graph;
        let area = facts::boundary(&circle);
        let origins = facts::origins(&walk, &area);
        let minutes = rules.ring_minutes(&code);
        let limit = facts::ring_limit_m(&rules, &code);
        let snaps = facts::snaps(&walk, &rules, outlets.iter());
        let mut search = Search::new(g);
        let served = facts::served(&walk, &mut search, &snaps, &origins, limit);
        let n = origins.len() as u32;
        let unserved = served.iter().filter(|&&x| !x).count() as u32;
        let sg = &grade_rules.suggestions;
        let candidates = suggest::thin(g, &origins, sg.candidate_cell_m);
        let picks = suggest::suggest(g, &origins, &served, &candidates, limit, sg.picks);
        let name = rules.category(&code).map_or(code.clone(), |c| c.name_zh.clone());
        let suggestions: Vec<Value> = picks
            .iter()
            .enumerate()
            .map(|(rank, p)| {
                let more = percent(p.gained, n).unwrap_or(0.0);
                json!({
                    "rank": rank + 1,
                    "lon": p.lonlat[0],
                    "lat": p.lonlat[1],
                    "gained_origins": p.gained,
                    "gained_percent": more,
                    "served_after_percent": percent(p.served_after, n),
                    "text_zh": format!("在此新增一家{name}，可多覆盖生活圈 {more:.1}% 的街道节点"),
                    "text_en": format!("A new {code} outlet here would serve {more:.1}% more of the circle's street nodes"),
                })
            })
            .collect();
        // Gap streets inside the circle: stretches beyond the limit on edges with an end inside.
        let gaps = app::walk::coverage::gaps(&mut search, &snaps, limit);
        let inside = |node: u32| {
            let [lon, lat] = g.lonlat(node);
            area.contains(&Point::new(lon, lat))
        };
        let features: Vec<Value> = gaps
            .stretches
            .iter()
            .filter(|st| {
                let e = g.edge(st.edge);
                inside(e.a) || inside(e.b)
            })
            .map(|st| {
                json!({
                    "type": "Feature",
                    "properties": { "length_m": ((st.to_m - st.from_m) * 10.0).round() / 10.0 },
                    "geometry": walk.stretch_geometry(st),
                })
            })
            .collect();
        let share = percent(unserved, n);
        json!({
            "circle": CircleRef::from(&circle),
            "category": code,
            "minutes": minutes,
            "limit_m": limit.round(),
            "outlets": outlets.len(),
            "origins": n,
            "unserved_origins": unserved,
            "unserved_percent": share,
            // Street nodes stand in for homes: the population share is the node share.
            "population_affected": circle
                .service_population
                .filter(|_| n > 0)
                .map(|p| p * unserved as u64 / n as u64),
            "suggestions": suggestions,
            "gap_streets": { "type": "FeatureCollection", "features": features },
        })
    })
    .await
    .map_err(|e| ApiError::internal(format!("gaps: {e}")))?;
    Ok(Json(body))
}
