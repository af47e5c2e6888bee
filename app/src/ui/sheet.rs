//! The bottom sheet: the count, the walking-time filter and where the walk starts, always in
//! view; pulled up (or its button tapped), the list of the outlets shown, nearest first.

use super::filter::Badge;
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

#[component]
pub fn Sheet(
    expanded: RwSignal<bool>,
    rows: Signal<Vec<Row>>,
    count: Signal<usize>,
    has_data: Signal<bool>,
    failed: Signal<bool>,
    circle_name: Signal<Option<String>>,
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
                Some(m) => view! { "步行" {m} "分钟内 " <strong>{n}</strong> " 个网点" }.into_any(),
                None => view! { "共 " <strong>{n}</strong> " 个网点" }.into_any(),
            }
        } else if failed.get() {
            view! { <span class="count-pending">"网点未能加载"</span> }.into_any()
        } else {
            view! { <span class="count-pending">"网点加载中"</span> }.into_any()
        }
    };

    let walk_button = move |m: Option<u32>| {
        let pressed = move || minutes.get() == m;
        let testid = m.map_or_else(|| "walk-all".to_string(), |m| format!("walk-{m}"));
        let label = m.map_or_else(|| "全部".to_string(), |m| format!("{m}分钟"));
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

    let origin_line = move || match status.get() {
        WalkStatus::Failed => view! {
            <p class="origin-line origin-line--warn" data-testid="walk-unavailable" role="status">
                "暂时无法计算步行时间，网点照常显示"
            </p>
        }
        .into_any(),
        WalkStatus::Loading => view! {
            <p class="origin-line"><span class="count-pending">"正在计算步行时间…"</span></p>
        }
        .into_any(),
        WalkStatus::Ready => {
            let o = origin.get();
            let device = o.as_ref().is_some_and(|o| o.kind == "device");
            view! {
                <p class="origin-line">
                    <span class="origin-line-pin" aria-hidden="true"></span>
                    <span class="origin-line-text">
                        "起点：" <strong>{o.map(|o| o.label)}</strong>
                        <span class="origin-line-hint">" · 点地图可换起点"</span>
                    </span>
                    {(!device).then(|| view! {
                        <button
                            class="use-location"
                            data-testid="use-location"
                            on:click=move |_| on_use_location.run(())
                        >
                            "用我的位置"
                        </button>
                    })}
                </p>
            }
            .into_any()
        }
    };

    let list = move || {
        let rows = rows.get();
        if rows.is_empty() {
            let text = empty.get().unwrap_or_else(|| "当前没有网点".to_string());
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
            aria-label="网点列表"
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
                            {move || if expanded.get() { "收起列表" } else { "展开列表" }}
                            <span class="sheet-chevron" aria-hidden="true">
                                {move || if expanded.get() { "▾" } else { "▴" }}
                            </span>
                        </button>
                    </div>
                    <div class="walk-filter" role="group" aria-label="按步行时间筛选">
                        <span class="walk-filter-label" aria-hidden="true">"步行"</span>
                        {walk_filter}
                    </div>
                    {origin_line}
                </div>
                <div class="sheet-body">
                    <p class="sheet-note">
                        {move || circle_name.get()}
                        <span>" · 按步行时间由近到远"</span>
                    </p>
                    <ol class="outlet-list" id="outlet-list" data-testid="outlet-list">
                        {list}
                    </ol>
                </div>
            </div>
        </section>
    }
}
