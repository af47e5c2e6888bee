//! A circle's editor: the boundary on the map with its live figures, the names, population and
//! city tier, and saving (a new circle, or an edit made on the version loaded).

use super::api::{self, CircleBody, GradeSettings, Row, Saved};
use super::boundary_map::{first_view, BoundaryMap};
use super::vertices::{Drawing, History};
use super::{km2, people, Figure};
use crate::domain::circle_edit::{area_km2, check_boundary, CircleRules};
use crate::domain::{Circle, GeoPolygon};
use crate::pages::api::ApiError;
use crate::pages::load::{load, Loaded};
use crate::pages::shell::{focus_soon, Failed, Loading};
use crate::pages::staff::Staff;
use crate::ui::i18n::{is_en, pick, tr, trf};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the editor starts from.
#[derive(Debug, Clone)]
struct Start {
    rules: CircleRules,
    /// Every circle (the one edited too).
    circles: Vec<Circle>,
    /// The circle edited, with its version; `None` for a new one.
    editing: Option<(Circle, Row)>,
    settings: GradeSettings,
}

async fn start(id: Option<String>) -> Result<Start, ApiError> {
    let rules = api::rules().await?;
    let circles = api::boundaries().await?;
    let (editing, settings) = match id {
        None => (None, GradeSettings::default()),
        Some(id) => {
            let circle = circles.iter().find(|c| c.id == id).cloned();
            let row = api::rows().await?.into_iter().find(|r| r.id == id);
            let (Some(circle), Some(row)) = (circle, row) else {
                return Err(ApiError {
                    status: 404,
                    code: "unknown_circle".into(),
                    message: Some(trf!("没有这个生活圈：{id}", "No circle '{id}'")),
                    question: None,
                });
            };
            let settings = api::settings(&id).await?;
            (Some((circle, row)), settings)
        }
    };
    Ok(Start {
        rules,
        circles,
        editing,
        settings,
    })
}

#[component]
pub fn EditCircle(staff: Staff, id: Option<String>) -> impl IntoView {
    let loaded: Loaded<Start> = RwSignal::new(None);
    let id = StoredValue::new(id);
    let read = move || load(loaded, start(id.get_value()));
    read();
    let title = if id.with_value(Option::is_none) {
        tr("新建生活圈", "New circle")
    } else {
        tr("编辑生活圈范围", "Edit a circle's boundary")
    };
    view! {
        <header class="staff-head">
            <p class="small"><a href="/staff/circles">{tr("‹ 返回生活圈列表", "‹ Back to the circles")}</a></p>
            <h1 id="editor-title" tabindex="-1">{title}</h1>
        </header>
        {move || match loaded.get() {
            None => view! { <Loading text=tr("正在打开地图…", "Opening the map…") /> }.into_any(),
            Some(Err(e)) => {
                staff.explain(&e);
                view! { <Failed error=e retry=read /> }.into_any()
            }
            Some(Ok(s)) => view! { <Editor staff start=s /> }.into_any(),
        }}
    }
}

/// The live line under the map: vertices, area, and what stops saving (in words, not only the
/// outline's colour).
fn live_status(h: &History, rules: &CircleRules) -> (String, Option<String>) {
    let n = h.now.vertices.len();
    let area = if n >= 3 {
        area_km2(&h.now.vertices)
    } else {
        0.0
    };
    let area = km2(area);
    let figures = trf!(
        "顶点 {n} 个 · 面积 {area} 平方公里",
        "{n} vertices · area {area} km²"
    );
    let problem = if n < 3 {
        Some(
            tr(
                "在地图上点按添加顶点，至少 3 个",
                "Tap the map to add vertices: at least 3",
            )
            .to_string(),
        )
    } else {
        check_boundary(&h.now.ring(), rules).err().map(|p| {
            if is_en() {
                p.message_en()
            } else {
                p.message_zh()
            }
        })
    };
    (figures, problem)
}

#[component]
fn Editor(staff: Staff, start: Start) -> impl IntoView {
    let Start {
        rules,
        circles,
        editing,
        settings,
    } = start;
    let (own, row) = match &editing {
        Some((c, r)) => (Some(c.clone()), Some(r.clone())),
        None => (None, None),
    };
    let bbox = first_view(own.as_ref(), &circles);
    let others: Vec<Circle> = circles
        .iter()
        .filter(|c| Some(&c.id) != own.as_ref().map(|o| &o.id))
        .cloned()
        .collect();
    let drawing = own
        .as_ref()
        .map_or_else(Drawing::default, |c| Drawing::from_ring(c.boundary.outer()));
    let history = RwSignal::new(History::new(drawing));

    // The circle's id once it exists, and the version the next save edits.
    let circle_id = RwSignal::new(own.as_ref().map(|c| c.id.clone()));
    let version = RwSignal::new(row.as_ref().map(|r| r.version));
    let name_zh = RwSignal::new(own.as_ref().map(|c| c.name_zh.clone()).unwrap_or_default());
    let name_en = RwSignal::new(own.as_ref().map(|c| c.name_en.clone()).unwrap_or_default());
    let population = RwSignal::new(
        own.as_ref()
            .and_then(|c| c.service_population)
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let note = RwSignal::new(
        own.as_ref()
            .and_then(|c| c.population_note.clone())
            .unwrap_or_default(),
    );
    let tier = RwSignal::new(settings.city_tier);
    let stored_settings = RwSignal::new(settings);
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<Saved>);

    let rules_live = rules.clone();
    let status = Memo::new(move |_| history.with(|h| live_status(h, &rules_live)));

    let save = move || {
        if saving.get_untracked() {
            return;
        }
        error.set(None);
        let Ok(people) = population
            .get_untracked()
            .trim()
            .replace([',', '，'], "")
            .parse::<u64>()
        else {
            error.set(Some(
                tr(
                    "请填写服务人口（整数，单位：人）",
                    "Enter the service population (a whole number)",
                )
                .into(),
            ));
            return;
        };
        let body = CircleBody {
            name_zh: name_zh.get_untracked(),
            name_en: name_en.get_untracked(),
            boundary: GeoPolygon::new(history.with_untracked(|h| h.now.ring())),
            service_population: people,
            population_note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            version: version.get_untracked(),
        };
        let id = circle_id.get_untracked();
        let csrf = staff.csrf();
        let wanted = GradeSettings {
            city_tier: tier.get_untracked(),
            ..stored_settings.get_untracked()
        };
        saving.set(true);
        spawn_local(async move {
            let result = api::save(id.as_deref(), &body, &csrf).await;
            let outcome = match result {
                Ok(s) => {
                    let new_id = s.circle.id.clone();
                    circle_id.set(Some(new_id.clone()));
                    version.set(Some(s.version));
                    if id.is_none() {
                        // Saving again edits the circle just made; a reload opens it.
                        let _ = window().history().and_then(|h| {
                            h.replace_state_with_url(
                                &wasm_bindgen::JsValue::NULL,
                                "",
                                Some(&format!(
                                    "/staff/circles/{}",
                                    crate::pages::api::seg(&new_id)
                                )),
                            )
                        });
                    }
                    saved.set(Some(s));
                    if wanted != stored_settings.get_untracked() {
                        match api::save_settings(&new_id, wanted, &csrf).await {
                            Ok(()) => {
                                stored_settings.set(wanted);
                                Ok(())
                            }
                            Err(e) => {
                                let why = staff.explain(&e);
                                Err(trf!(
                                    "范围已保存，但城市等级没有保存：{why}",
                                    "The boundary is saved, but not the city tier: {why}"
                                ))
                            }
                        }
                    } else {
                        Ok(())
                    }
                }
                Err(e) => Err(staff.explain(&e)),
            };
            saving.set(false);
            match outcome {
                Ok(()) => focus_soon("saved-title"),
                Err(text) => {
                    saved.set(None);
                    error.set(Some(text));
                }
            }
        });
    };

    let can_undo = move || history.with(History::can_undo);
    let has_selected = move || history.with(|h| h.now.selected.is_some());
    let has_vertices = move || history.with(|h| !h.now.vertices.is_empty());
    let others_note = (!others.is_empty()).then(|| {
        view! {
            <p class="small map-legend">
                <span class="legend-swatch legend-other" aria-hidden="true"></span>
                {tr("灰色虚线：其他生活圈（仅供参照）", "Grey dashes: the other circles (for reference)")}
            </p>
        }
    });
    let min_nodes = rules.min_street_nodes;

    view! {
        <section class="card boundary-card" aria-labelledby="boundary-title">
            <h2 id="boundary-title">{tr("范围", "Boundary")}</h2>
            <p class="small">
                {tr(
                    "点按地图添加顶点（加在选中的顶点之后）；拖动圆点移动顶点；点按圆点选中它。",
                    "Tap the map to add a vertex (after the selected one); drag a dot to move it; tap a dot to select it.",
                )}
            </p>
            <BoundaryMap history others=others.clone() bbox rules=rules.clone() />
            {others_note}
            <div class="map-tools" role="group" aria-label=tr("编辑顶点", "Edit vertices")>
                <button class="button secondary" type="button" data-testid="undo"
                    disabled=move || !can_undo()
                    on:click=move |_| history.update(History::undo)>
                    <span aria-hidden="true">"↶ "</span>{tr("撤销", "Undo")}
                </button>
                <button class="button secondary" type="button" data-testid="remove-vertex"
                    disabled=move || !has_selected()
                    on:click=move |_| history.update(|h| h.change(Drawing::remove_selected))>
                    {tr("删除所选顶点", "Remove selected vertex")}
                </button>
                <button class="button secondary" type="button" data-testid="clear-vertices"
                    disabled=move || !has_vertices()
                    on:click=move |_| history.update(|h| h.change(|d| *d = Drawing::default()))>
                    {tr("清空重画", "Clear")}
                </button>
            </div>
            <p class="live-figures" data-testid="live-figures" aria-live="polite">
                <strong>{move || status.get().0}</strong>
                {move || match status.get().1 {
                    Some(p) => view! { <span class="live-problem"><span aria-hidden="true">"⚠ "</span>{p}</span> }.into_any(),
                    None => view! {
                        <span class="live-ok">
                            <span aria-hidden="true">"✓ "</span>
                            {trf!(
                                "形状可以保存；保存时服务器还会核对范围内至少有 {min_nodes} 个道路节点",
                                "The shape can be saved; on saving the server also checks there are at least {min_nodes} street nodes inside",
                            )}
                        </span>
                    }.into_any(),
                }}
            </p>
        </section>

        <form class="card staff-form circle-form" on:submit=move |ev| {
            ev.prevent_default();
            save();
        }>
            <h2>{tr("名称与人口", "Names and population")}</h2>
            <label class="field-label" for="c-name-zh">{tr("中文名称", "Chinese name")}</label>
            <input id="c-name-zh" class="field" type="text" required maxlength=rules.name_max_chars
                prop:value=move || name_zh.get() on:input=move |ev| name_zh.set(event_target_value(&ev)) />
            <label class="field-label" for="c-name-en">{tr("英文名称（生活圈编号由它生成）", "English name (the circle's id is made from it)")}</label>
            <input id="c-name-en" class="field" type="text" required maxlength=rules.name_max_chars
                prop:value=move || name_en.get() on:input=move |ev| name_en.set(event_target_value(&ev)) />
            <label class="field-label" for="c-population">{tr("服务人口（人）", "Service population (people)")}</label>
            <input id="c-population" class="field" type="text" inputmode="numeric" required
                autocomplete="off"
                prop:value=move || population.get() on:input=move |ev| population.set(event_target_value(&ev)) />
            <label class="field-label" for="c-note">{tr("人口来源说明（可不填）", "Where the figure comes from (optional)")}</label>
            <input id="c-note" class="field" type="text" maxlength=rules.note_max_chars
                prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
            <label class="field-label" for="c-tier">{tr("城市等级（连锁化率的标准）", "City tier (for the chain-rate threshold)")}</label>
            <select id="c-tier" class="field"
                on:change=move |ev| tier.set(event_target_value(&ev).parse().unwrap_or(3))>
                {[(1u8, tr("一线城市（连锁化率 ≥30%）", "Tier 1 (chain rate ≥30%)")),
                  (2, tr("二线城市（≥25%）", "Tier 2 (≥25%)")),
                  (3, tr("其他城市（≥20%）", "Other cities (≥20%)"))]
                    .into_iter()
                    .map(|(t, label)| view! { <option value=t.to_string() selected=move || tier.get() == t>{label}</option> })
                    .collect_view()}
            </select>
            {move || error.get().map(|e| view! { <p class="step-error" role="alert" data-testid="save-error">{e}</p> })}
            <button class="button primary big" type="submit" data-testid="save-circle" disabled=move || saving.get()>
                {move || if saving.get() { tr("正在保存…", "Saving…") } else { tr("保存生活圈", "Save the circle") }}
            </button>
        </form>

        {move || saved.get().map(|s| view! { <SavedPanel saved=s /> })}
    }
}

#[component]
fn SavedPanel(saved: Saved) -> impl IntoView {
    let c = &saved.circle;
    let seg = crate::pages::api::seg(&c.id);
    let name = pick(&c.name_zh, &c.name_en).to_string();
    let f = saved.figures;
    let population = c.service_population.map(people).unwrap_or_default();
    let version = saved.version;
    let (origins, area) = (f.origins, km2(f.area_km2));
    view! {
        <section class="card saved-card" role="status" data-testid="saved-figures" aria-labelledby="saved-title">
            <h2 id="saved-title" tabindex="-1"><span aria-hidden="true">"✓ "</span>{trf!("已保存：{name}", "Saved: {name}")}</h2>
            <p class="small">{trf!("服务器核对后的数据（第 {version} 版）：", "As the server measured it (version {version}):")}</p>
            <dl class="circle-figures">
                <Figure label=tr("代表起点", "Origins") value=origins.to_string() unit=tr("个道路节点", "street nodes") testid="saved-origins" />
                <Figure label=tr("面积", "Area") value=area unit=tr("平方公里", "km²") testid="saved-area" />
                <Figure label=tr("服务人口", "Population") value=population unit=tr("人", "people") testid="saved-population" />
            </dl>
            <p class="circle-actions">
                <a class="button primary" href=format!("/staff/circles?saved={seg}") data-testid="back-to-list">
                    {tr("返回生活圈列表", "Back to the circles")}
                </a>
                <a class="button secondary" href=format!("/staff/grade?circle={seg}") data-testid="saved-grade-link">
                    {tr("查看评价", "See grade")}
                </a>
            </p>
        </section>
    }
}
