//! The search box under the tabs: names, categories, repair kinds and services, in Chinese,
//! English or pinyin ("xiuxie", "pys"). It filters the map and the list as the resident types;
//! Enter (the keyboard's 搜索 key) opens the list and closes the keyboard.

use super::i18n::tr;
use super::route::{self, Route};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn SearchBox(route: RwSignal<Route>, #[prop(into)] on_submit: Callback<()>) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let set = move |text: String| {
        route::set(route, route.with_untracked(|r| r.with_query(&text)), false);
    };
    let has_text = move || route.with(|r| !r.query.is_empty());
    view! {
        <form
            class="search"
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                if let Some(el) = input.get() {
                    let _ = el.blur();
                }
                on_submit.run(());
            }
        >
            <span class="search-icon" aria-hidden="true"></span>
            <input
                node_ref=input
                class="search-input"
                type="search"
                enterkeyhint="search"
                autocomplete="off"
                data-testid="search-input"
                aria-label=tr("搜索网点：名称、类别或服务，可用拼音", "Search outlets by name, category or service")
                placeholder=tr("搜索 修鞋、早餐、xiuxie…", "Search: shoe repair, breakfast…")
                prop:value=move || route.with(|r| r.query.clone())
                on:input=move |ev| set(event_target_value(&ev))
            />
            <Show when=has_text>
                <button
                    type="button"
                    class="search-clear"
                    data-testid="search-clear"
                    aria-label=tr("清除搜索", "Clear search")
                    on:click=move |_| {
                        set(String::new());
                        if let Some(el) = input.get() {
                            let _ = el.focus();
                        }
                    }
                >
                    "×"
                </button>
            </Show>
        </form>
    }
}
