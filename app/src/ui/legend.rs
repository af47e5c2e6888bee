//! The 图例 button and panel: which glyphs are on the map now, what they mean, how many.

use super::filter::Badge;
use leptos::prelude::*;

#[component]
pub fn Legend(rows: Signal<Vec<(Badge, usize)>>, open: RwSignal<bool>) -> impl IntoView {
    view! {
        <button
            class="legend-toggle"
            class:is-open=move || open.get()
            data-testid="legend-toggle"
            aria-expanded=move || if open.get() { "true" } else { "false" }
            aria-controls="legend-panel"
            on:click=move |_| open.update(|o| *o = !*o)
        >
            "图例"
        </button>
        <Show when=move || open.get()>
            <section class="legend" id="legend-panel" data-testid="legend" aria-label="图例">
                <header class="legend-head">
                    <h2>"地图上的网点"</h2>
                    <button class="legend-close" aria-label="关闭图例" on:click=move |_| open.set(false)>
                        "×"
                    </button>
                </header>
                <ul>
                    {move || {
                        let rows = rows.get();
                        if rows.is_empty() {
                            return view! { <li class="legend-empty">"当前没有网点"</li> }.into_any();
                        }
                        rows.into_iter()
                            .map(|(b, n)| view! {
                                <li data-code=b.code.clone()>
                                    <span class="glyph" style:background=b.color.clone() aria-hidden="true">
                                        {b.glyph.clone()}
                                    </span>
                                    <span class="legend-name">{b.name.clone()}</span>
                                    <span class="legend-count">{n} " 个"</span>
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
