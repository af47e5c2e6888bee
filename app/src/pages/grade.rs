//! The circle's grade for staff (`/staff/grade?circle=ID`): the verdict (基础型/提升型/品质型 and
//! stars, or 未评级, with why), 有没有 (each category present within its ring or not, and for one
//! that is short, the gap map and where to add an outlet), 好不好 (the 10 items with their rule and
//! evidence; the items only staff know are entered here with a note), the circle's settings
//! (city tier, outlet census), recording the day's grade and the history. It prints on A4.

use super::api::{
    self, Attachment, CategoryPresence, CircleShape, Evaluation, GradeReport, ItemScore, PartKind,
    PartScore,
};
use super::load::{load, Loaded};
use super::shell::{Failed, Loading};
use super::staff::Staff;
use crate::ui::i18n::{pick, tr, trf};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn GradePage(staff: Staff, circle: String) -> impl IntoView {
    let report: Loaded<GradeReport> = RwSignal::new(None);
    let history: Loaded<Vec<Evaluation>> = RwSignal::new(None);
    let shape: Loaded<Option<CircleShape>> = RwSignal::new(None);
    let id = StoredValue::new(circle);
    // The category whose gaps are open: kept when the grade is read again after an entry.
    let chosen = RwSignal::new(None::<String>);
    let read_report = move || {
        let c = id.get_value();
        load(report, async move { api::grade(&c).await });
    };
    let read_history = move || {
        let c = id.get_value();
        load(history, async move { api::grade_history(&c).await });
    };
    read_report();
    read_history();
    // The worst gap opens by itself the first time, so the page (and the printed report) shows
    // a gap map without a tap; closed by staff, it stays closed.
    let opened = StoredValue::new(false);
    Effect::new(move |_| {
        if opened.get_value() {
            return;
        }
        report.with(|r| {
            if let Some(Ok(r)) = r {
                opened.set_value(true);
                if chosen.get_untracked().is_none() {
                    chosen.set(r.grade.facilities.worst_gap().map(|c| c.code.clone()));
                }
            }
        });
    });
    {
        let c = id.get_value();
        load(shape, async move { api::circle_shape(&c).await });
    }
    view! {
        <header class="staff-head no-print">
            <p class="small"><a href="/staff">{tr("‹ 返回工作人员首页", "‹ Back to staff home")}</a></p>
        </header>
        {move || match report.get() {
            None => view! { <Loading text=tr("正在计算评价…", "Computing the grade…") /> }.into_any(),
            Some(Err(e)) => {
                staff.explain(&e);
                view! { <Failed error=e retry=read_report /> }.into_any()
            }
            Some(Ok(r)) => view! {
                <Verdict report=r.clone() />
                <Facilities report=r.clone() circle=id.get_value() shape chosen />
                <Service report=r.clone() staff circle=id.get_value() on_saved=move |new| report.set(Some(Ok(new))) />
                <SettingsForm report=r staff circle=id.get_value() on_saved=move |new| report.set(Some(Ok(new))) />
                <HistoryPanel staff circle=id.get_value() history on_recorded=read_history />
            }
            .into_any(),
        }}
    }
}

fn stars(n: u8) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(
            "{}{}",
            "★".repeat(n as usize),
            "☆".repeat(5 - n.min(5) as usize)
        )
    }
}

#[component]
fn Verdict(report: GradeReport) -> impl IntoView {
    let g = &report.grade;
    let (type_name, n) = match &g.result.circle_type {
        Some(t) => (pick(&t.name_zh, &t.name_en).to_string(), g.result.stars),
        None => (tr("未评级", "Not graded").to_string(), 0),
    };
    let star_text = stars(n);
    let star_label = trf!("{n} 星", "{n} stars");
    let date = report.evaluated_on.clone();
    let band = pick(&g.service.band.name_zh, &g.service.band.name_en).to_string();
    view! {
        <section class="card grade-verdict" data-testid="grade-verdict">
            <h1 id="step-heading" tabindex="-1">{report.circle.name_zh.clone()}</h1>
            <p class="small">{trf!("生活圈评价 · {date}", "Circle grade · {date}")}</p>
            <p class="verdict-type" data-testid="grade-type">
                {type_name}
                {(n > 0).then(|| view! { <span class="stars" role="img" aria-label=star_label>{star_text}</span> })}
            </p>
            <p>{pick(&g.result.reason_zh, &g.result.reason_en).to_string()}</p>
            {report.sample_data.then(|| view! {
                <p class="notice" role="note">{tr(
                    "本生活圈的网点含示例数据：评价仅作演示，不代表真实情况。",
                    "This circle's outlets include sample data: the grade is a demonstration, not a finding.",
                )}</p>
            })}
            <div class="score-pair">
                <p class="score">
                    <span class="score-label">{tr("有没有", "Facilities")}</span>
                    <strong data-testid="facilities-total">{g.facilities.total.to_string()}</strong>
                    <span class="small">" / 100"</span>
                </p>
                <p class="score">
                    <span class="score-label">{tr("好不好", "Service")}</span>
                    <strong data-testid="service-total">{g.service.total.to_string()}</strong>
                    <span class="small">{format!(" / 100 · {band}")}</span>
                </p>
            </div>
            <p class="no-print">
                <button class="button secondary" type="button" data-testid="print-grade"
                    on:click=move |_| { let _ = window().print(); }>
                    {tr("打印评价报告", "Print the report")}
                </button>
            </p>
        </section>
    }
}

#[component]
fn Facilities(
    report: GradeReport,
    circle: String,
    shape: Loaded<Option<CircleShape>>,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    let f = report.grade.facilities.clone();
    let rows = |group: &str| {
        f.categories
            .iter()
            .filter(|c| c.group == group)
            .cloned()
            .map(|c| view! { <CategoryRow c chosen /> })
            .collect_view()
    };
    let (basic, quality) = (rows("basic"), rows("quality"));
    let names: Vec<(String, String)> = f
        .categories
        .iter()
        .map(|c| (c.code.clone(), pick(&c.name_zh, &c.name_en).to_string()))
        .collect();
    let min = f.min_origin_percent;
    let basic_line = {
        let (p, m, n, t) = (
            f.basic_points.to_string(),
            f.basic_max.to_string(),
            f.required_present,
            f.required_total,
        );
        trf!(
            "基本保障类 {p} / {m} 分（必备业态 {n} / {t} 种在 10 分钟步行内）",
            "Basic needs {p} / {m} (required types {n} / {t} within a 10-minute walk)"
        )
    };
    let quality_line = {
        let (p, m, n) = (
            f.quality_points.to_string(),
            f.quality_max.to_string(),
            f.quality_present,
        );
        trf!(
            "品质提升类 {p} / {m} 分（{n} 种在 15 分钟步行内）",
            "Quality {p} / {m} ({n} types within a 15-minute walk)"
        )
    };
    view! {
        <section class="card grade-table" data-testid="facilities">
            <h2>{tr("有没有：业态是否在步行范围内", "Facilities: within a walk or not")}</h2>
            <p class="small">{trf!(
                "生活圈内 {min}% 以上的街道节点能在步行圈内走到，才算“有”。",
                "A type counts as present when at least {min}% of the circle's street nodes reach it within its walking ring."
            )}</p>
            <h3>{basic_line}</h3>
            <ul class="presence-list">{basic}</ul>
            <h3>{quality_line}</h3>
            <ul class="presence-list">{quality}</ul>
            {move || chosen.get().map(|code| {
                let name = names
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or_else(|| code.clone(), |(_, n)| n.clone());
                view! { <GapPanel circle=circle.clone() code name shape chosen /> }
            })}
        </section>
    }
}

#[component]
fn CategoryRow(c: CategoryPresence, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let name = pick(&c.name_zh, &c.name_en).to_string();
    let percent = c
        .percent
        .map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"));
    let (mark, state) = if c.present {
        ("✓", tr("有", "present"))
    } else {
        ("✗", tr("缺", "missing"))
    };
    let gap = c.reached < c.origins;
    let code = c.code.clone();
    let label = trf!("看{name}的缺口", "Gaps for {name}");
    view! {
        <li class="presence" class:is-missing=!c.present data-testid=format!("presence-{}", c.code)>
            <span class="presence-name">
                {name.clone()}
                {c.required.then(|| view! { <span class="tag">{tr("必备", "required")}</span> })}
            </span>
            <span class="presence-share">{percent}</span>
            <span class="presence-state"><span aria-hidden="true">{mark}</span>" "{state}</span>
            {gap.then(|| view! {
                <button class="link-button no-print" type="button" aria-label=label
                    data-testid=format!("gaps-{code}")
                    on:click=move |_| chosen.set(Some(code.clone()))>
                    {tr("缺口", "Gaps")}
                </button>
            })}
        </li>
    }
}

/// One category's gap: how much of the circle lacks it, a small map of the gap streets and
/// where one more outlet would serve the most.
#[component]
fn GapPanel(
    circle: String,
    code: String,
    name: String,
    shape: Loaded<Option<CircleShape>>,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    let gaps: Loaded<api::Gaps> = RwSignal::new(None);
    {
        let (c, k) = (circle.clone(), code.clone());
        load(gaps, async move { api::gaps(&c, &k).await });
    }
    view! {
        <div class="gap-panel" data-testid="gap-panel" role="region" aria-label=tr("缺口与补建建议", "Gaps and where to add")>
            <div class="gap-head">
                <h3 data-testid="gap-title">{trf!("缺口：{name}", "Gaps: {name}")}</h3>
                <button class="link-button no-print" type="button" on:click=move |_| chosen.set(None)>
                    {tr("收起", "Close")}
                </button>
            </div>
            {move || match gaps.get() {
                None => view! { <Loading text=tr("正在计算缺口…", "Computing the gaps…") /> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.text()}</p> }.into_any(),
                Some(Ok(g)) => {
                    let share = g.unserved_percent.map_or_else(|| "—".into(), |p| format!("{p:.1}%"));
                    let minutes = g.minutes;
                    let people = g.population_affected.map(|p| {
                        let p = super::indicators::group_digits(p);
                        trf!("，约 {p} 人", ", about {p} people")
                    }).unwrap_or_default();
                    let outline = shape.get().and_then(|s| s.ok().flatten());
                    let map = gap_map(outline.as_ref(), &g);
                    let list = g.suggestions.iter().map(|s| view! {
                        <li data-testid="suggestion">{pick(&s.text_zh, &s.text_en).to_string()}</li>
                    }).collect_view();
                    view! {
                        <p data-testid="gap-summary">{trf!(
                            "生活圈 {share} 的街道节点步行 {minutes} 分钟内没有这类网点{people}。",
                            "{share} of the circle's street nodes have none within {minutes} minutes' walk{people}."
                        )}</p>
                        {map}
                        <h4>{tr("在哪里补建覆盖最多", "Where a new outlet serves the most")}</h4>
                        <ol class="suggestions">{list}</ol>
                    }
                    .into_any()
                }
            }}
        </div>
    }
}

/// The circle's outline, the gap streets (red) and the suggested places (numbered), as SVG:
/// no map library in this bundle, and it prints sharply.
fn gap_map(outline: Option<&CircleShape>, g: &api::Gaps) -> impl IntoView {
    let mut pts: Vec<[f64; 2]> = outline
        .map(|s| s.boundary.outer().to_vec())
        .unwrap_or_default();
    for f in &g.gap_streets.features {
        pts.extend(f.geometry.coordinates.iter().copied());
    }
    pts.extend(g.suggestions.iter().map(|s| [s.lon, s.lat]));
    if pts.is_empty() {
        return None;
    }
    let (mut w, mut e, mut s, mut n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in &pts {
        w = w.min(p[0]);
        e = e.max(p[0]);
        s = s.min(p[1]);
        n = n.max(p[1]);
    }
    // Metres east and north (equirectangular: fine over a kilometre or two).
    let k = 111_320.0;
    let cos = ((s + n) / 2.0).to_radians().cos();
    let (width, height) = (((e - w) * k * cos).max(1.0), ((n - s) * k).max(1.0));
    let xy = |p: [f64; 2]| ((p[0] - w) * k * cos, (n - p[1]) * k);
    let path_of = |ring: &[[f64; 2]]| {
        ring.iter()
            .enumerate()
            .map(|(i, p)| {
                let (x, y) = xy(*p);
                format!("{}{x:.0},{y:.0}", if i == 0 { "M" } else { "L" })
            })
            .collect::<String>()
    };
    let boundary = outline.map(|o| path_of(o.boundary.outer()) + "Z");
    let streets: String = g
        .gap_streets
        .features
        .iter()
        .map(|f| path_of(&f.geometry.coordinates))
        .collect();
    let pad = width.max(height) * 0.04;
    let view_box = format!(
        "{:.0} {:.0} {:.0} {:.0}",
        -pad,
        -pad,
        width + 2.0 * pad,
        height + 2.0 * pad
    );
    let unit = width.max(height) / 100.0;
    let marks = g
        .suggestions
        .iter()
        .map(|sg| {
            let (x, y) = xy([sg.lon, sg.lat]);
            view! {
                <g class="gap-pick">
                    <circle cx=format!("{x:.0}") cy=format!("{y:.0}") r=format!("{:.0}", unit * 3.2) />
                    <text x=format!("{x:.0}") y=format!("{:.0}", y + unit * 1.4) font-size=format!("{:.0}", unit * 4.0)>{sg.rank}</text>
                </g>
            }
        })
        .collect_view();
    let label = tr(
        "缺口地图：红线为步行范围外的街道，数字为建议补建的位置",
        "Gap map: red streets are beyond the walk; numbers are the suggested places",
    );
    Some(view! {
        <svg class="gap-map" data-testid="gap-map" viewBox=view_box role="img" aria-label=label>
            {boundary.map(|d| view! { <path class="gap-boundary" d=d /> })}
            <path class="gap-streets" d=streets stroke-width=format!("{:.1}", unit * 0.8) />
            {marks}
        </svg>
    })
}

#[component]
fn Service(
    report: GradeReport,
    staff: Staff,
    circle: String,
    on_saved: impl Fn(GradeReport) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let editing = RwSignal::new(None::<String>);
    let circle = StoredValue::new(circle);
    let files = StoredValue::new(report.attachments);
    let items = report
        .grade
        .service
        .items
        .into_iter()
        .map(|it| view! { <ItemBlock it staff circle=circle.get_value() editing files on_saved /> })
        .collect_view();
    view! {
        <section class="card grade-table service-table" data-testid="service">
            <h2>{tr("好不好：服务质量", "Service: how good it is")}</h2>
            <div class="grade-items">{items}</div>
        </section>
    }
}

#[component]
fn ItemBlock(
    it: ItemScore,
    staff: Staff,
    circle: String,
    editing: RwSignal<Option<String>>,
    files: StoredValue<std::collections::BTreeMap<String, Vec<Attachment>>>,
    on_saved: impl Fn(GradeReport) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let title = format!(
        "{} {} · {} / {}",
        it.no,
        pick(&it.name_zh, &it.name_en),
        it.points,
        it.max
    );
    let parts = it
        .parts
        .into_iter()
        .map(|p| {
            let attached = files.with_value(|f| f.get(&p.key).cloned().unwrap_or_default());
            view! { <PartRow p staff circle=circle.clone() editing attached on_saved /> }
        })
        .collect_view();
    view! {
        <div class="grade-item" data-testid=format!("item-{}", it.code)>
            <h3>{title}</h3>
            <ul class="parts">{parts}</ul>
        </div>
    }
}

#[component]
fn PartRow(
    p: PartScore,
    staff: Staff,
    circle: String,
    editing: RwSignal<Option<String>>,
    attached: Vec<Attachment>,
    on_saved: impl Fn(GradeReport) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let key = p.key.clone();
    let is_staff = p.source == PartKind::Staff;
    let points = format!("{} / {}", p.points, p.max);
    let edit_label = if p.entered {
        tr("修改", "Change")
    } else {
        tr("录入", "Enter")
    };
    let name = pick(&p.name_zh, &p.name_en).to_string();
    let (k1, k2) = (key.clone(), key.clone());
    let max = p.max;
    view! {
        <li class="part" data-testid=format!("part-{key}")>
            <p class="part-head">
                <span class="part-name">{name.clone()}</span>
                <strong class="part-points" data-testid="part-points">{points}</strong>
            </p>
            // The rule's text says where the points come from (社区录入, 按网点数据计算, 满意度调查).
            <p class="small">{pick(&p.rule_zh, &p.rule_en).to_string()}</p>
            <p class="part-evidence" data-testid="part-evidence">{pick(&p.evidence_zh, &p.evidence_en).to_string()}</p>
            {(!attached.is_empty()).then(|| view! { <AttachmentList files=attached /> })}
            {is_staff.then(|| view! {
                <button class="button secondary small-button no-print" type="button"
                    data-testid="edit-part"
                    on:click=move |_| editing.set(Some(k1.clone()))>
                    {edit_label}" "{name.clone()}
                </button>
            })}
            {move || (editing.get().as_deref() == Some(k2.as_str())).then(|| view! {
                <EntryForm part=k2.clone() max=max.to_string() staff circle=circle.clone() editing on_saved />
            })}
        </li>
    }
}

fn field_value(id: &str) -> String {
    use wasm_bindgen::JsCast;
    let el = document().get_element_by_id(id);
    el.as_ref()
        .and_then(|e| e.dyn_ref::<web_sys::HtmlInputElement>().map(|i| i.value()))
        .or_else(|| {
            el.as_ref().and_then(|e| {
                e.dyn_ref::<web_sys::HtmlTextAreaElement>()
                    .map(|t| t.value())
            })
        })
        .or_else(|| {
            el.as_ref()
                .and_then(|e| e.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value()))
        })
        .unwrap_or_default()
}

/// The server's limit for one attachment (`grade::evidence::FILE_LIMIT`), told before upload.
const ATTACHMENT_LIMIT_MB: f64 = 10.0;

/// The file chosen in a file input, if any.
fn chosen_file(id: &str) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    document()
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?
        .files()?
        .get(0)
}

/// "1.2 MB", "85 KB".
fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The files attached to a part, each opening in a new tab (staff only); printed as a list.
#[component]
fn AttachmentList(files: Vec<Attachment>) -> impl IntoView {
    let rows = files
        .into_iter()
        .map(|a| {
            let kind = if a.kind == "pdf" {
                tr("PDF", "PDF")
            } else {
                tr("照片", "Photo")
            };
            let day = a.at.get(..10).unwrap_or(&a.at).to_string();
            let meta = format!("{kind} · {} · {} · {day}", size_text(a.bytes), a.by);
            view! {
                <li class="attachment">
                    {a.thumb_url.map(|t| view! { <img class="attachment-thumb" src=t alt="" loading="lazy" /> })}
                    <a href=a.url target="_blank" rel="noopener" data-testid="attachment-link">{a.name}</a>
                    <span class="small">{meta}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="attachments" data-testid="attachments">
            <p class="small attachments-title">{tr("佐证文件", "Evidence files")}</p>
            <ul>{rows}</ul>
        </div>
    }
}

#[component]
fn EntryForm(
    part: String,
    max: String,
    staff: Staff,
    circle: String,
    editing: RwSignal<Option<String>>,
    on_saved: impl Fn(GradeReport) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = {
        let part = part.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let points = match field_value("entry-points").trim().parse::<f64>() {
                Ok(p) => p,
                Err(_) => {
                    error.set(Some(tr("请填写分数", "Enter the points").into()));
                    return;
                }
            };
            let (note, evidence) = (field_value("entry-note"), field_value("entry-evidence"));
            let file = chosen_file("entry-file");
            if let Some(f) = &file {
                if f.size() > ATTACHMENT_LIMIT_MB * 1024.0 * 1024.0 {
                    error.set(Some(trf!(
                        "文件太大了（上限 {ATTACHMENT_LIMIT_MB} MB），请压缩或分成几份后上传",
                        "The file is too large (limit {ATTACHMENT_LIMIT_MB} MB)"
                    )));
                    return;
                }
            }
            let (csrf, c, k) = (staff.csrf(), circle.clone(), part.clone());
            busy.set(true);
            spawn_local(async move {
                let ev = evidence.trim();
                let ev = (!ev.is_empty()).then_some(ev);
                match api::save_entry(&csrf, &c, &k, (points, &note, ev), file).await {
                    Ok(r) => {
                        editing.set(None);
                        on_saved(r);
                    }
                    Err(e) => error.set(Some(staff.explain(&e))),
                }
                busy.set(false);
            });
        }
    };
    view! {
        <form class="entry-form no-print" data-testid="entry-form" on:submit=on_submit novalidate>
            <label class="field-label" for="entry-points">{trf!("分数（0–{max}）", "Points (0–{max})")}</label>
            <input id="entry-points" class="field" type="number" inputmode="decimal" min="0" max=max.clone() step="0.1" />
            <label class="field-label" for="entry-note">{tr("说明（依据）", "Note (the basis)")}</label>
            <textarea id="entry-note" class="field" rows="3" maxlength="500"></textarea>
            <label class="field-label" for="entry-evidence">{tr("佐证材料（文件名或编号，可不填）", "Evidence (file name or reference, optional)")}</label>
            <input id="entry-evidence" class="field" type="text" maxlength="300" />
            <label class="field-label" for="entry-file">{tr("上传佐证文件（PDF 或照片，可不选）", "Attach a file (PDF or photo, optional)")}</label>
            <input id="entry-file" class="field file-field" type="file" data-testid="entry-file"
                accept="application/pdf,.pdf,image/jpeg,image/png,image/webp" aria-describedby="entry-file-hint" />
            <p class="small" id="entry-file-hint">{trf!(
                "最大 {ATTACHMENT_LIMIT_MB} MB；照片会去除拍摄位置等信息。仅工作人员可查看。",
                "Up to {ATTACHMENT_LIMIT_MB} MB; photos lose their location data. Staff only."
            )}</p>
            {move || error.get().map(|e| view! { <p class="step-error" role="alert" data-testid="entry-error">{e}</p> })}
            <p class="actions">
                <button class="button primary" type="submit" data-testid="save-entry" disabled=move || busy.get()>
                    {tr("保存", "Save")}
                </button>
                <button class="button secondary" type="button" on:click=move |_| editing.set(None)>
                    {tr("取消", "Cancel")}
                </button>
            </p>
        </form>
    }
}

#[component]
fn SettingsForm(
    report: GradeReport,
    staff: Staff,
    circle: String,
    on_saved: impl Fn(GradeReport) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let tier = report.settings.city_tier;
    let census = report
        .settings
        .census_outlets
        .map(|c| c.to_string())
        .unwrap_or_default();
    let counted = report.outlets_counted;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tier = field_value("city-tier").parse::<u8>().unwrap_or(3);
        let census = match field_value("census").trim() {
            "" => None,
            t => match t.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    error.set(Some(
                        tr(
                            "网点总数请填一个大于 0 的整数",
                            "The census must be a whole number above 0",
                        )
                        .into(),
                    ));
                    return;
                }
            },
        };
        let (csrf, c) = (staff.csrf(), circle.clone());
        spawn_local(async move {
            match api::save_grade_settings(&csrf, &c, tier, census).await {
                Ok(r) => {
                    error.set(None);
                    on_saved(r);
                }
                Err(e) => error.set(Some(staff.explain(&e))),
            }
        });
    };
    view! {
        <form class="card no-print" data-testid="grade-settings" on:submit=on_submit novalidate>
            <h2>{tr("评价设置", "Settings")}</h2>
            <label class="field-label" for="city-tier">{tr("城市等级（连锁化率要求）", "City tier (chain-share threshold)")}</label>
            <select id="city-tier" class="field">
                <option value="1" selected=tier == 1>{tr("一线城市（30%）", "Tier 1 (30%)")}</option>
                <option value="2" selected=tier == 2>{tr("二线城市（25%）", "Tier 2 (25%)")}</option>
                <option value="3" selected=tier == 3>{tr("其他城市（20%）", "Other cities (20%)")}</option>
            </select>
            <label class="field-label" for="census">{trf!(
                "网点总数（实地摸排；地图上有 {counted} 家）",
                "Outlet census (counted on the ground; {counted} on the map)"
            )}</label>
            <input id="census" class="field" type="number" inputmode="numeric" min="1" value=census />
            {move || error.get().map(|e| view! { <p class="step-error" role="alert">{e}</p> })}
            <button class="button primary" type="submit" data-testid="save-settings">{tr("保存设置", "Save settings")}</button>
        </form>
    }
}

#[component]
fn HistoryPanel(
    staff: Staff,
    circle: String,
    history: Loaded<Vec<Evaluation>>,
    on_recorded: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let status = RwSignal::new(None::<String>);
    let record = move |_| {
        let (csrf, c) = (staff.csrf(), circle.clone());
        spawn_local(async move {
            match api::record_grade(&csrf, &c).await {
                Ok(()) => {
                    status.set(Some(
                        tr("已记录今日评价", "Today's grade is recorded").into(),
                    ));
                    on_recorded();
                }
                Err(e) => status.set(Some(staff.explain(&e))),
            }
        });
    };
    view! {
        <section class="card" data-testid="grade-history">
            <h2>{tr("历次评价", "Grades recorded")}</h2>
            <p class="no-print">
                <button class="button secondary" type="button" data-testid="record-grade" on:click=record>
                    {tr("记录今日评价", "Record today's grade")}
                </button>
            </p>
            {move || status.get().map(|s| view! { <p role="status">{s}</p> })}
            {move || match history.get() {
                Some(Ok(rows)) if rows.is_empty() => view! { <p class="small">{tr("还没有记录。", "None yet.")}</p> }.into_any(),
                Some(Ok(rows)) => view! {
                    <table class="history">
                        <thead><tr>
                            <th scope="col">{tr("日期", "Date")}</th>
                            <th scope="col">{tr("有没有", "Facilities")}</th>
                            <th scope="col">{tr("好不好", "Service")}</th>
                            <th scope="col">{tr("星级", "Stars")}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr data-testid="history-row">
                                    <td>{r.evaluated_on}</td>
                                    <td>{r.facilities.to_string()}</td>
                                    <td>{r.service.to_string()}</td>
                                    <td>{if r.stars == 0 { tr("未评级", "not graded").to_string() } else { stars(r.stars) }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.text()}</p> }.into_any(),
                None => view! { <Loading text=tr("正在读取…", "Loading…") /> }.into_any(),
            }}
        </section>
    }
}
