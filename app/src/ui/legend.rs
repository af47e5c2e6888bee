//! The 图例 button and panel: which glyphs are on the map now, what they mean, how many; and
//! what the walking rings and the origin pin mean.

use super::filter::Badge;
use super::i18n::{tr, trf};
use leptos::prelude::*;

#[component]
pub fn Legend(
    rows: Signal<Vec<(Badge, usize)>>,
    open: RwSignal<bool>,
    /// The minutes of the rings drawn (5, 10, 15), smallest first.
    rings: Signal<Vec<u32>>,
    /// The origin pin's word, when there is one.
    origin: Signal<Option<&'static str>>,
) -> impl IntoView {
    let walk_key = move || {
        let rings = rings.get();
        (!rings.is_empty()).then(|| {
            view! {
                <h3 class="legend-sub legend-sub--first">{tr("步行范围", "Walking range")}</h3>
                <ul class="legend-walk">
                    {origin.get().map(|word| view! {
                        <li>
                            <span class="legend-pin" aria-hidden="true">{word}</span>
                            <span class="legend-name">{tr("从这里出发", "Start here")}</span>
                        </li>
                    })}
                    {rings
                        .into_iter()
                        .map(|m| view! {
                            <li data-ring=m>
                                <i class=format!("ring-swatch ring-swatch--{m}") aria-hidden="true"></i>
                                <span class="legend-name">{trf!("步行 {m} 分钟能走到的范围", "Within a {m}-minute walk")}</span>
                            </li>
                        })
                        .collect_view()}
                </ul>
            }
        })
    };
    view! {
        <button
            class="legend-toggle"
            class:is-open=move || open.get()
            data-testid="legend-toggle"
            aria-expanded=move || if open.get() { "true" } else { "false" }
            aria-controls="legend-panel"
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {tr("图例", "Legend")}
        </button>
        <Show when=move || open.get()>
            <section class="legend" id="legend-panel" data-testid="legend" aria-label=tr("图例", "Legend")>
                <header class="legend-head">
                    <h2>{tr("图例", "Legend")}</h2>
                    <button class="legend-close" aria-label=tr("关闭图例", "Close legend") on:click=move |_| open.set(false)>
                        "×"
                    </button>
                </header>
                {walk_key}
                <h3 class="legend-sub">{tr("地图上的网点", "Outlets on the map")}</h3>
                <ul>
                    {move || {
                        let rows = rows.get();
                        if rows.is_empty() {
                            return view! { <li class="legend-empty">{tr("当前没有网点", "No outlets shown")}</li> }.into_any();
                        }
                        rows.into_iter()
                            .map(|(b, n)| view! {
                                <li data-code=b.code.clone()>
                                    <span class="glyph" style:background=b.color.clone() aria-hidden="true">
                                        {b.glyph.clone()}
                                    </span>
                                    <span class="legend-name">{b.name.clone()}</span>
                                    <span class="legend-count">{n} {tr(" 个", "")}</span>
                                </li>
                            })
                            .collect_view()
                            .into_any()
                    }}
                </ul>
            </section>
        </Show>
    }
}
