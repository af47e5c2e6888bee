//! Whether the phone is online. Offline, the service worker serves the saved app and data, and
//! a banner says so, so residents know the map may be out of date.

use super::i18n::tr;
use leptos::prelude::*;

/// `navigator.onLine`, kept current by the `online`/`offline` events; `on_back` runs when the
/// network returns (to reload what failed).
pub fn online_signal(on_back: impl Fn() + 'static) -> ReadSignal<bool> {
    let now = || web_sys::window().is_none_or(|w| w.navigator().on_line());
    let (online, set_online) = signal(now());
    let _ = window_event_listener(leptos::ev::offline, move |_| set_online.set(false));
    let _ = window_event_listener(leptos::ev::online, move |_| {
        set_online.set(true);
        on_back();
    });
    online
}

#[component]
pub fn OfflineBanner(online: ReadSignal<bool>) -> impl IntoView {
    view! {
        <Show when=move || !online.get()>
            <p class="offline-banner" data-testid="offline-banner" role="status">
                <strong>{tr("离线", "Offline")}</strong>
                {tr(
                    " · 显示的是上次保存的地图和网点，联网后自动更新",
                    " · showing the map and outlets saved last time; they update when you are back online",
                )}
            </p>
        </Show>
    }
}
