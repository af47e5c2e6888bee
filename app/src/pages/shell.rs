//! What every survey page shares: the top bar (back to the map, elderly mode, language),
//! loading and failure states written for people, and moving focus to a new screen's heading.

use super::api::ApiError;
use crate::ui::i18n::tr;
use crate::ui::settings::{elderly_mode, SettingsButtons};
use leptos::prelude::*;

/// Set on this phone while a staff member is logged in here (the public indicator page then
/// asks whether to show the CSV links; residents' phones never ask).
pub const STAFF_KEY: &str = "bianmin.staff";

#[component]
pub fn TopBar(#[prop(into)] title: String) -> impl IntoView {
    let elderly = elderly_mode();
    view! {
        <header class="top-bar no-print">
            <a class="top-back" href="/">
                <span aria-hidden="true">"‹ "</span>
                {tr("便民地图", "Map")}
            </a>
            <p class="top-title">{title}</p>
            <SettingsButtons elderly />
        </header>
    }
}

#[component]
pub fn Loading(text: &'static str) -> impl IntoView {
    view! {
        <div class="state" role="status" data-testid="loading">
            <p class="state-title">{text}</p>
        </div>
    }
}

/// A load that failed: what happened and a way to try again.
#[component]
pub fn Failed(error: ApiError, retry: impl Fn() + 'static) -> impl IntoView {
    let offline = error.status == 0;
    let title = if offline {
        tr("暂时打不开", "Cannot open this page right now")
    } else {
        tr("出了点问题", "Something went wrong")
    };
    view! {
        <div class="state" role="alert" data-testid="load-error">
            <p class="state-title">{title}</p>
            <p>{error.text()}</p>
            <p class="actions">
                <button class="button primary" type="button" on:click=move |_| retry()>
                    {tr("重试", "Try again")}
                </button>
                <a class="button secondary" href="/">{tr("返回便民地图", "Back to the map")}</a>
            </p>
        </div>
    }
}

/// Moves focus to the element `id` once it is drawn (a new screen's heading, so screen
/// readers read the new question), and scrolls to the top.
pub fn focus_soon(id: &'static str) {
    request_animation_frame(move || {
        window().scroll_to_with_x_and_y(0.0, 0.0);
        if let Some(el) = document().get_element_by_id(id) {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
            }
        }
    });
}
