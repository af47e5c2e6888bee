//! Words for people instead of blank screens: loading, failure with a retry, an empty chip or
//! walking filter, and short notices about where the walk starts.

use super::api::LoadError;
use super::i18n::tr;
use leptos::prelude::*;

#[component]
pub fn StatusOverlay(
    loading: Signal<bool>,
    error: Signal<Option<LoadError>>,
    has_data: Signal<bool>,
    count: Signal<usize>,
    filtered: Signal<bool>,
    /// When the walking filter left nothing: its words and its way out.
    walk_empty: Signal<Option<(String, String)>>,
    /// When a search found nothing: what to say.
    search_empty: Signal<Option<String>>,
    on_clear_search: Callback<()>,
    on_retry: Callback<()>,
    on_show_all: Callback<()>,
    on_wider: Callback<()>,
) -> impl IntoView {
    move || {
        if let Some(e) = error.get() {
            return view! {
                <div class="status status--error" role="alert">
                    <button class="status-retry" on:click=move |_| on_retry.run(())>
                        {tr("网络不给力，加载失败 · 点此重试", "Could not load (weak network) · tap to retry")}
                    </button>
                    {e.detail.map(|d| view! { <p class="status-detail">{d}</p> })}
                </div>
            }
            .into_any();
        }
        if loading.get() {
            return view! {
                <div class="status status--loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    {tr("正在加载…", "Loading…")}
                </div>
            }
            .into_any();
        }
        if has_data.get() && count.get() == 0 {
            if let Some(text) = search_empty.get() {
                return view! {
                    <div class="status status--empty" role="status" data-testid="search-empty">
                        <p>{text}</p>
                        <button class="status-action" on:click=move |_| on_clear_search.run(())>
                            {tr("清除搜索", "Clear search")}
                        </button>
                    </div>
                }
                .into_any();
            }
            if let Some((text, action)) = walk_empty.get() {
                return view! {
                    <div class="status status--empty" role="status" data-testid="walk-empty">
                        <p>{text}</p>
                        <button class="status-action" on:click=move |_| on_wider.run(())>
                            {action}
                        </button>
                    </div>
                }
                .into_any();
            }
            return if filtered.get() {
                view! {
                    <div class="status status--empty" role="status">
                        <p>{tr("这个类别附近还没有网点", "No outlets of this kind nearby yet")}</p>
                        <button class="status-action" on:click=move |_| on_show_all.run(())>
                            {tr("看全部网点", "Show all outlets")}
                        </button>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="status status--empty" role="status">
                        <p>{tr("这个生活圈还没有登记网点", "No outlets registered in this circle yet")}</p>
                    </div>
                }
                .into_any()
            };
        }
        ().into_any()
    }
}

/// A short notice at the top of the map (where the walk starts, a tap off the streets);
/// the resident can close it.
#[component]
pub fn Notice(
    text: Signal<Option<String>>,
    testid: &'static str,
    on_close: Callback<()>,
) -> impl IntoView {
    move || {
        text.get().map(|t| {
            view! {
                <div class="notice" data-testid=testid role="status">
                    <p>{t}</p>
                    <button class="notice-close" aria-label=tr("知道了", "Dismiss") on:click=move |_| on_close.run(())>
                        "×"
                    </button>
                </div>
            }
        })
    }
}
