//! The two maps as a segmented control: 便民生活圈 and 小修小补.

use super::i18n::tr;
use super::route::{self, Route, View};
use leptos::prelude::*;

#[component]
pub fn Tabs(route: RwSignal<Route>) -> impl IntoView {
    let tab = move |view: View, label: &'static str, testid: &'static str| {
        let selected = move || route.with(|r| r.view == view);
        view! {
            <button
                class="tab"
                class:is-selected=selected
                role="tab"
                data-testid=testid
                aria-selected=move || if selected() { "true" } else { "false" }
                on:click=move |_| {
                    if !selected() {
                        route::set(route, route.with_untracked(|r| r.with_view(view)), true);
                    }
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <nav class="tabs" role="tablist" aria-label=tr("地图", "Maps")>
            {tab(View::Circle, tr("便民生活圈", "Convenience"), "tab-circle")}
            {tab(View::Repair, tr("小修小补", "Repairs"), "tab-repair")}
        </nav>
    }
}
