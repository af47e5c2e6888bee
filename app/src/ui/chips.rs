//! The filter chips: one scrollable row under the tabs. Single choice; the chosen chip is
//! filled with its colour and ticked, so the choice does not rest on colour alone.

use super::filter::{chips, effective_filter};
use super::i18n::tr;
use super::route::{self, Route, View};
use crate::domain::Rules;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Chips(route: RwSignal<Route>, rules: Signal<Option<Rules>>) -> impl IntoView {
    let row = NodeRef::<html::Div>::new();
    let choose = move |code: Option<String>| {
        route::set(route, route.with_untracked(|r| r.with_filter(code)), false);
    };
    let current = move || {
        rules.with(|rules| {
            rules
                .as_ref()
                .and_then(|rules| route.with(|r| effective_filter(rules, r).map(str::to_string)))
        })
    };
    // A chip chosen from the URL may sit far right: scroll it into view.
    // Not for "全部", the first chip, always in view: scrolling forces a layout of the whole
    // page, which costs a phone a tenth of a second while it is loading.
    Effect::new(move |_| {
        if current().is_none() {
            return;
        }
        if let Some(row) = row.get() {
            if let Ok(Some(chip)) = row.query_selector(".chip[aria-pressed=\"true\"]") {
                let opts = web_sys::ScrollIntoViewOptions::new();
                opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
                opts.set_inline(web_sys::ScrollLogicalPosition::Center);
                chip.scroll_into_view_with_scroll_into_view_options(&opts);
            }
        }
    });

    let list = move || {
        let view = route.with(|r| r.view);
        let badges = rules.with(|r| r.as_ref().map(|r| chips(r, view)).unwrap_or_default());
        let all_label = match view {
            View::Circle => tr("全部", "All"),
            View::Repair => tr("全部维修", "All repairs"),
        };
        let all_pressed = move || current().is_none();
        let all = view! {
            <button
                class="chip chip--all"
                data-testid="chip-all"
                aria-pressed=move || if all_pressed() { "true" } else { "false" }
                on:click=move |_| choose(None)
            >
                <span class="chip-check" aria-hidden="true">"✓"</span>
                {all_label}
            </button>
        };
        let rest = badges
            .into_iter()
            .map(|b| {
                let code = b.code.clone();
                let pressed = {
                    let code = code.clone();
                    move || current().as_deref() == Some(code.as_str())
                };
                let pressed2 = pressed.clone();
                let color = b.color.clone();
                view! {
                    <button
                        class="chip"
                        data-testid=format!("chip-{}", b.code)
                        aria-pressed=move || if pressed() { "true" } else { "false" }
                        style=format!("--chip-color:{color}")
                        on:click=move |_| choose(Some(code.clone()))
                    >
                        <span class="glyph glyph--chip" aria-hidden="true">
                            {move || if pressed2() { "✓".to_string() } else { b.glyph.clone() }}
                        </span>
                        {b.name.clone()}
                    </button>
                }
            })
            .collect_view();
        (all, rest)
    };

    view! {
        <div class="chips" node_ref=row role="toolbar" aria-label=tr("按类别筛选", "Filter by category")>
            {list}
        </div>
    }
}
