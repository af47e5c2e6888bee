//! Words for people instead of blank screens: loading, failure with a retry, an empty chip,
//! and the bottom bar with the count.

use super::api::LoadError;
use leptos::prelude::*;

#[component]
pub fn StatusOverlay(
    loading: Signal<bool>,
    error: Signal<Option<LoadError>>,
    has_data: Signal<bool>,
    count: Signal<usize>,
    filtered: Signal<bool>,
    on_retry: Callback<()>,
    on_show_all: Callback<()>,
) -> impl IntoView {
    move || {
        if let Some(e) = error.get() {
            return view! {
                <div class="status status--error" role="alert">
                    <button class="status-retry" on:click=move |_| on_retry.run(())>
                        "网络不给力，加载失败 · 点此重试"
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
                    "正在加载…"
                </div>
            }
            .into_any();
        }
        if has_data.get() && count.get() == 0 {
            return if filtered.get() {
                view! {
                    <div class="status status--empty" role="status">
                        <p>"这个类别附近还没有网点"</p>
                        <button class="status-action" on:click=move |_| on_show_all.run(())>
                            "看全部网点"
                        </button>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="status status--empty" role="status">
                        <p>"这个生活圈还没有登记网点"</p>
                    </div>
                }
                .into_any()
            };
        }
        ().into_any()
    }
}

#[component]
pub fn BottomBar(
    count: Signal<usize>,
    has_data: Signal<bool>,
    failed: Signal<bool>,
    circle_name: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <footer class="bottom-bar">
            <p class="count" data-testid="outlet-count" aria-live="polite">
                {move || {
                    if has_data.get() {
                        view! { "共 " <strong>{count.get()}</strong> " 个网点" }.into_any()
                    } else if failed.get() {
                        view! { <span class="count-pending">"网点未能加载"</span> }.into_any()
                    } else {
                        view! { <span class="count-pending">"网点加载中"</span> }.into_any()
                    }
                }}
            </p>
            <p class="circle-name">{move || circle_name.get()}</p>
        </footer>
    }
}
