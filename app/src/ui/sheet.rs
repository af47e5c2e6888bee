//! The bottom sheet: the count, the walking-time filter and where the walk starts, always in
//! view; pulled up (or its button tapped), the list of the outlets shown, nearest first.

use super::filter::Badge;
use super::i18n::{tr, trf};
use leptos::prelude::*;

/// One outlet in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: i64,
    pub badge: Badge,
    pub name: String,
    pub category: String,
    /// Walking seconds (the server's rounding); `None` when unknown.
    pub seconds: Option<u32>,
    /// Walking metres, rounded; `None` when unknown.
    pub meters: Option<u32>,
    /// "步行 6 分钟 · 450 米" or "步行距离未知".
    pub walk: String,
    /// Open now: (code, symbol, word), e.g. ("open", "●", "营业中"); `None` when unknown.
    pub open: Option<(&'static str, &'static str, &'static str)>,
    /// The one badge that helps choose: 明码标价 (a price list) or 24小时.
    pub badge_text: Option<&'static str>,
}

/// Where the walk starts, as the sheet shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginLine {
    /// "我的位置", "生活圈中心", …
    pub label: String,
    /// "device", "centre", "tap" or "link".
    pub kind: &'static str,
    /// lon,lat to 6 decimals.
    pub lonlat: String,
}

/// How far the walking engine got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkStatus {
    Loading,
    Ready,
    Failed,
}

/// The circle the list belongs to: its name heads the list, its id links to its survey.
#[derive(Clone, PartialEq)]
pub struct CircleLine {
    pub id: String,
    pub name: String,
}

#[component]
pub fn Sheet(
    expanded: RwSignal<bool>,
    rows: Signal<Vec<Row>>,
    count: Signal<usize>,
    has_data: Signal<bool>,
    failed: Signal<bool>,
    circle: Signal<Option<CircleLine>>,
    /// The minute choices (5, 10, 15) and the chosen one.
    choices: Signal<Vec<u32>>,
    minutes: Signal<Option<u32>>,
    status: Signal<WalkStatus>,
    origin: Signal<Option<OriginLine>>,
    /// What an empty list says (the same words as the map).
    empty: Signal<Option<String>>,
    on_minutes: Callback<Option<u32>>,
    on_use_location: Callback<()>,
    on_pick: Callback<i64>,
) -> impl IntoView {
    // A drag on the header opens or closes the sheet like a tap on its button.
    let drag_from = StoredValue::new(None::<f64>);
    let dragged = StoredValue::new(false);
    let on_down = move |e: leptos::ev::PointerEvent| {
        drag_from.set_value(Some(e.client_y() as f64));
        dragged.set_value(false);
    };
    let on_up = move |e: leptos::ev::PointerEvent| {
        let Some(y0) = drag_from.get_value() else {
            return;
        };
        drag_from.set_value(None);
        let dy = e.client_y() as f64 - y0;
        if dy.abs() > 30.0 {
            dragged.set_value(true);
            expanded.set(dy < 0.0);
        }
    };
    let toggle = move |_| {
        if dragged.get_value() {
            dragged.set_value(false);
            return;
        }
        expanded.update(|x| *x = !*x);
    };
    let walking = move || status.get() == WalkStatus::Ready;

    let count_text = move || {
        if has_data.get() {
            let n = count.get();
            match minutes.get().filter(|_| walking()) {
                Some(m) => view! { {trf!("步行{m}分钟内 ", "Within {m} min: ")} <strong>{n}</strong> {tr(" 个网点", " outlets")} }.into_any(),
                None => view! { {tr("共 ", "")} <strong>{n}</strong> {tr(" 个网点", " outlets")} }.into_any(),
            }
        } else if failed.get() {
            view! { <span class="count-pending">{tr("网点未能加载", "Outlets not loaded")}</span> }
                .into_any()
        } else {
            view! { <span class="count-pending">{tr("网点加载中", "Loading outlets")}</span> }
                .into_any()
        }
    };

    let walk_button = move |m: Option<u32>| {
        let pressed = move || minutes.get() == m;
        let testid = m.map_or_else(|| "walk-all".to_string(), |m| format!("walk-{m}"));
        let label = m.map_or_else(
            || tr("全部", "All").to_string(),
            |m| trf!("{m}分钟", "{m} min"),
        );
        view! {
            <button
                class="walk-choice"
                data-testid=testid
                aria-pressed=move || if pressed() { "true" } else { "false" }
                disabled=move || !walking()
                on:click=move |_| on_minutes.run(m)
            >
                {m.map(|m| view! { <i class=format!("ring-swatch ring-swatch--{m}") aria-hidden="true"></i> })}
                {label}
            </button>
        }
    };
    let walk_filter = move || {
        std::iter::once(None)
            .chain(choices.get().into_iter().map(Some))
            .map(walk_button)
            .collect_view()
    };

    let origin_line = move || {
        match status.get() {
        WalkStatus::Failed => view! {
            <p class="origin-line origin-line--warn" data-testid="walk-unavailable" role="status">
                {tr("暂时无法计算步行时间，网点照常显示", "Walking times unavailable for now; outlets still shown")}
            </p>
        }
        .into_any(),
        WalkStatus::Loading => view! {
            <p class="origin-line"><span class="count-pending">{tr("正在计算步行时间…", "Working out walking times…")}</span></p>
        }
        .into_any(),
        WalkStatus::Ready => {
            let o = origin.get();
            let device = o.as_ref().is_some_and(|o| o.kind == "device");
            view! {
                <p class="origin-line">
                    <span class="origin-line-pin" aria-hidden="true"></span>
                    <span class="origin-line-text">
                        {tr("起点：", "From: ")} <strong>{o.map(|o| o.label)}</strong>
                        <span class="origin-line-hint">{tr(" · 点地图可换起点", " · tap the map to change")}</span>
                    </span>
                    {(!device).then(|| view! {
                        <button
                            class="use-location"
                            data-testid="use-location"
                            on:click=move |_| on_use_location.run(())
                        >
                            {tr("用我的位置", "Use my location")}
                        </button>
                    })}
                </p>
            }
            .into_any()
        }
    }
    };

    // Rows exist only while the list is open: hundreds of rows, rebuilt whenever walks, hours
    // or the clock change, would otherwise cost a phone the first seconds after loading.
    let list = move || {
        if !expanded.get() {
            return ().into_any();
        }
        let rows = rows.get();
        if rows.is_empty() {
            let text = empty
                .get()
                .unwrap_or_else(|| tr("当前没有网点", "No outlets shown").to_string());
            return view! { <li class="outlet-empty">{text}</li> }.into_any();
        }
        rows.into_iter()
            .map(|r| {
                let id = r.id;
                let known = r.seconds.is_some();
                view! {
                    <li>
                        <button
                            class="outlet-row"
                            data-testid="outlet-row"
                            data-outlet-id=r.id
                            data-walk-seconds=r.seconds.map(|s| s.to_string()).unwrap_or_default()
                            data-walk-meters=r.meters.map(|s| s.to_string()).unwrap_or_default()
                            on:click=move |_| on_pick.run(id)
                        >
                            <span class="glyph" style:background=r.badge.color.clone() aria-hidden="true">
                                {r.badge.glyph.clone()}
                            </span>
                            <span class="row-main">
                                <span class="row-name">{r.name.clone()}</span>
                                <span class="row-sub">
                                    <span class="row-walk" class:row-walk--unknown=!known>{r.walk.clone()}</span>
                                    {r.open.map(|(code, icon, word)| view! {
                                        <span class=format!("row-open open--{code}") data-open=code>
                                            <i aria-hidden="true">{icon}</i>
                                            {word}
                                        </span>
                                    })}
                                    {r.badge_text.map(|b| view! { <span class="row-badge">{b}</span> })}
                                    {(r.category != r.name).then(|| view! {
                                        <span class="row-category">{r.category.clone()}</span>
                                    })}
                                </span>
                            </span>
                            <span class="row-go" aria-hidden="true">"›"</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };

    view! {
        <section
            class="sheet"
            class:is-expanded=move || expanded.get()
            data-testid="sheet"
            data-origin=move || origin.get().map(|o| o.lonlat)
            data-origin-kind=move || origin.get().map(|o| o.kind)
            aria-label=tr("网点列表", "Outlet list")
        >
            <div class="sheet-panel">
                <div class="sheet-head" on:pointerdown=on_down on:pointerup=on_up>
                    <span class="sheet-grip" aria-hidden="true"></span>
                    <div class="sheet-row">
                        <p class="count" data-testid="outlet-count" aria-live="polite">{count_text}</p>
                        <button
                            class="sheet-toggle"
                            data-testid="sheet-toggle"
                            aria-expanded=move || if expanded.get() { "true" } else { "false" }
                            aria-controls="outlet-list"
                            on:click=toggle
                        >
                            {move || if expanded.get() { tr("收起列表", "Hide list") } else { tr("展开列表", "Show list") }}
                            <span class="sheet-chevron" aria-hidden="true">
                                {move || if expanded.get() { "▾" } else { "▴" }}
                            </span>
                        </button>
                    </div>
                    <div class="walk-filter" role="group" aria-label=tr("按步行时间筛选", "Filter by walking time")>
                        <span class="walk-filter-label" aria-hidden="true">{tr("步行", "Walk")}</span>
                        {walk_filter}
                    </div>
                    {origin_line}
                </div>
                <div class="sheet-body">
                    <p class="sheet-note">
                        {move || circle.with(|c| c.as_ref().map(|c| c.name.clone()))}
                        <span>{tr(" · 按步行时间由近到远", " · nearest walk first")}</span>
                    </p>
                    <ol class="outlet-list" id="outlet-list" data-testid="outlet-list">
                        {list}
                    </ol>
                    // The survey is its own small page (a second bundle), not part of the map.
                    {move || circle.with(|c| c.as_ref().map(|c| view! {
                        <a class="survey-link" data-testid="survey-link" href=format!("/survey?circle={}", c.id)>
                            <strong>{tr("满意度调查", "Satisfaction survey")}</strong>
                            <span>{tr(" · 说说您对生活圈的看法（匿名）", " · tell us what you think (anonymous)")}</span>
                        </a>
                    }))}
                </div>
            </div>
        </section>
    }
}
