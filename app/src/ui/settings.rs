//! The two device settings next to the tabs: elderly mode (适老化: large text, high contrast,
//! the slower walking speed so minutes stay honest) and the language. Both persist on the device.

use super::i18n::{self, tr};
use super::storage;
use leptos::prelude::*;

const ELDERLY_KEY: &str = "bianmin.elderly";

/// Elderly mode as a signal: read from the device (or `?elderly=1`), and written back and
/// applied to `<html class="elderly">` whenever it changes.
pub fn elderly_mode() -> RwSignal<bool> {
    let initial = match super::route::query_param("elderly").as_deref() {
        Some("1") => true,
        Some("0") => false,
        _ => storage::get(ELDERLY_KEY).as_deref() == Some("1"),
    };
    let elderly = RwSignal::new(initial);
    Effect::new(move |_| {
        let on = elderly.get();
        storage::set(ELDERLY_KEY, if on { "1" } else { "0" });
        if let Some(root) = document().document_element() {
            let _ = root.class_list().toggle_with_force("elderly", on);
        }
    });
    elderly
}

#[component]
pub fn SettingsButtons(elderly: RwSignal<bool>) -> impl IntoView {
    let english = i18n::is_en();
    view! {
        <div class="settings">
            <button
                class="setting setting--elderly"
                data-testid="elderly-toggle"
                aria-pressed=move || if elderly.get() { "true" } else { "false" }
                on:click=move |_| elderly.update(|e| *e = !*e)
            >
                // The name read out starts with the visible word (WCAG 2.5.3).
                <span class="setting-icon" aria-hidden="true">{tr("大", "A")}</span>
                <span class="setting-text">{tr("长辈", "Large")}</span>
                <span class="sr-only">{tr("模式：大字、高对比、按老人步速算时间", " text mode: high contrast, slower walking speed")}</span>
            </button>
            <button
                class="setting setting--lang"
                data-testid="lang-toggle"
                lang=if english { "zh-CN" } else { "en" }
                on:click=move |_| i18n::switch_to(!english)
            >
                {if english { "中文" } else { "EN" }}
                <span class="sr-only">{if english { "：切换到中文" } else { ": switch to English" }}</span>
            </button>
        </div>
    }
}
