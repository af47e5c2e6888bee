//! The staff's circles (`/staff/circles`, issue 8 item 1): the list with each circle's
//! population, area and representative origins (street nodes inside) and a link to its grade;
//! `/staff/circles/new` draws a new circle and `/staff/circles/{id}` edits one — the boundary
//! on the map (`boundary_map`, `vertices`), the names, the population and the city tier. The
//! page shows the vertices and area as they are drawn, the server's figures once saved, and
//! the server's refusals in its own words.

mod api;
mod boundary_map;
mod editor;
mod vertices;

use super::load::{load, Loaded};
use super::shell::{Failed, Loading};
use super::staff::{Staff, StaffOnly};
use crate::ui::i18n::{pick, tr, trf};
use api::Row;
use leptos::prelude::*;

/// Which screen a path shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    List,
    New,
    Edit(String),
}

impl Screen {
    pub fn from_path(path: &str) -> Screen {
        let rest = path
            .trim_end_matches('/')
            .strip_prefix("/staff/circles")
            .unwrap_or("");
        match rest.trim_start_matches('/') {
            "" => Screen::List,
            "new" => Screen::New,
            id => Screen::Edit(js_decode(id).unwrap_or_else(|| id.to_string())),
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn js_decode(s: &str) -> Option<String> {
    js_sys::decode_uri_component(s).ok().map(String::from)
}

#[cfg(not(target_arch = "wasm32"))]
fn js_decode(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[component]
pub fn CirclesPage() -> impl IntoView {
    view! { <StaffOnly render=|staff, _| view! { <CirclesDesk staff /> }.into_any() /> }
}

#[component]
fn CirclesDesk(staff: Staff) -> impl IntoView {
    let path = window().location().pathname().unwrap_or_default();
    match Screen::from_path(&path) {
        Screen::List => view! { <CircleList staff /> }.into_any(),
        Screen::New => view! { <editor::EditCircle staff id=None /> }.into_any(),
        Screen::Edit(id) => view! { <editor::EditCircle staff id=Some(id) /> }.into_any(),
    }
}

/// 90000 → "90,000" (the pages' number style).
fn people(n: u64) -> String {
    super::indicators::group_digits(n)
}

fn km2(area: f64) -> String {
    if area < 10.0 {
        format!("{area:.2}")
    } else {
        format!("{area:.1}")
    }
}

/// The circle saved last (`?saved=ID`), marked in the list.
fn saved_id() -> Option<String> {
    let search = window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("saved")
}

#[component]
fn CircleList(staff: Staff) -> impl IntoView {
    let rows: Loaded<Vec<Row>> = RwSignal::new(None);
    let read = move || load(rows, api::rows());
    read();
    let saved = saved_id();
    view! {
        <header class="staff-head">
            <p class="small"><a href="/staff">{tr("‹ 返回工作人员首页", "‹ Back to staff home")}</a></p>
            <h1 id="circles-title" tabindex="-1">{tr("生活圈范围", "Circle boundaries")}</h1>
            <p>
                {tr(
                    "每个生活圈的范围、服务人口和代表起点（范围内的道路节点，步行圈从这里算起）。新建或修改范围后，评价会按新范围重新计算。",
                    "Each circle's boundary, service population and representative origins (the street nodes inside, where walking rings start). A new or changed boundary is graded afresh.",
                )}
            </p>
            <p class="head-actions">
                <a class="button primary" href="/staff/circles/new" data-testid="new-circle">
                    {tr("＋ 新建生活圈", "+ New circle")}
                </a>
            </p>
        </header>
        {move || match rows.get() {
            None => view! { <Loading text=tr("正在读取生活圈…", "Loading the circles…") /> }.into_any(),
            Some(Err(e)) => {
                staff.explain(&e);
                view! { <Failed error=e retry=read /> }.into_any()
            }
            Some(Ok(list)) if list.is_empty() => view! {
                <p class="empty">{tr("还没有生活圈。点“新建生活圈”在地图上画出第一个。", "No circle yet. Tap “New circle” to draw the first on the map.")}</p>
            }
            .into_any(),
            Some(Ok(list)) => {
                let saved = saved.clone();
                view! {
                    <ul class="circle-list" aria-labelledby="circles-title">
                        {list
                            .into_iter()
                            .map(|row| {
                                let just = saved.as_deref() == Some(row.id.as_str());
                                view! { <CircleRow row just_saved=just /> }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn CircleRow(row: Row, just_saved: bool) -> impl IntoView {
    let seg = super::api::seg(&row.id);
    let name = pick(&row.name_zh, &row.name_en).to_string();
    let (population, population_unit) = match row.service_population {
        Some(p) => (people(p), tr("人", "people")),
        None => (tr("未填写", "not set").to_string(), ""),
    };
    let f = row.figures;
    let (area, origins) = (km2(f.area_km2), f.origins);
    let changed = if row.updated_by == "dataset" {
        tr("来自数据集", "from the dataset").to_string()
    } else {
        let (v, by) = (row.version, &row.updated_by);
        let on = row.updated_at.get(..10).unwrap_or(&row.updated_at);
        trf!(
            "第 {v} 版 · {by} 修改于 {on}",
            "version {v} · changed by {by} on {on}"
        )
    };
    let edit_label = trf!("编辑“{name}”的范围", "Edit the boundary of {name}");
    let grade_label = trf!("查看“{name}”的评价", "See the grade of {name}");
    view! {
        <li class="card circle-row" class:just-saved=just_saved data-testid="circle-row" data-id=row.id.clone()>
            <h2 class="circle-name">
                {name.clone()}
                {just_saved.then(|| view! { <span class="badge badge-good">{tr("✓ 刚保存", "✓ Just saved")}</span> })}
            </h2>
            <dl class="circle-figures">
                <Figure label=tr("服务人口", "Population") value=population unit=population_unit testid="row-population" />
                <Figure label=tr("面积", "Area") value=area unit=tr("平方公里", "km²") testid="row-area" />
                <Figure label=tr("代表起点", "Origins") value=origins.to_string() unit=tr("个道路节点", "street nodes") testid="row-origins" />
            </dl>
            <p class="small circle-changed">{changed}</p>
            <p class="circle-actions">
                <a class="button secondary" href=format!("/staff/circles/{seg}") aria-label=edit_label data-testid="edit-circle">
                    {tr("编辑范围", "Edit boundary")}
                </a>
                <a class="button secondary" href=format!("/staff/grade?circle={seg}") aria-label=grade_label data-testid="grade-link">
                    {tr("查看评价", "See grade")}
                </a>
            </p>
        </li>
    }
}

/// A figure of a circle: the number large, its unit on a line of its own (so a phone's narrow
/// column never breaks the unit mid-word).
#[component]
fn Figure(
    label: &'static str,
    value: String,
    unit: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div>
            <dt>{label}</dt>
            <dd data-testid=testid>
                <span class="figure-number">{value}</span>
                {(!unit.is_empty()).then(|| view! { " " <span class="figure-unit">{unit}</span> })}
            </dd>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::Screen;

    #[test]
    fn paths_choose_the_screen() {
        assert_eq!(Screen::from_path("/staff/circles"), Screen::List);
        assert_eq!(Screen::from_path("/staff/circles/"), Screen::List);
        assert_eq!(Screen::from_path("/staff/circles/new"), Screen::New);
        assert_eq!(
            Screen::from_path("/staff/circles/changshoulu"),
            Screen::Edit("changshoulu".into())
        );
    }
}
