//! `/merchant/manage#token=…`: the owner's own listing. The token is read from the fragment and
//! sent as `Authorization: Bearer`. It stays in the address bar on purpose: a fragment never
//! leaves the phone (not in a request line, a server log or a Referer), and the owner's
//! bookmark of this page is their only way back to it; hiding it would break that bookmark.

use super::api::{self, Listing};
use super::form::{local_errors, show_field_errors, ListingEditor};
use super::model::change_names;
use super::model::FormState;
use super::photo_input::{Chosen, PhotoInput};
use super::setup::{self, Setup};
use crate::domain::merchant::FieldError;
use crate::pages::api::ApiError;
use crate::pages::load::load;
use crate::pages::shell::{Failed, Loading};
use crate::ui::i18n::{pick, tr};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `#token=ABC` (or `#ABC`) → "ABC".
pub fn token_from_hash(hash: &str) -> Option<String> {
    let h = hash.trim_start_matches('#');
    let t = h
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .unwrap_or(if h.contains('=') { "" } else { h });
    let t = js_decode(t);
    (!t.is_empty()).then_some(t)
}

fn js_decode(s: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::decode_uri_component(s)
            .map(String::from)
            .unwrap_or_else(|_| s.to_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        s.to_string()
    }
}

/// The reviewed fields an edit changes (they wait for staff before the map shows them).
pub fn reviewed_changes(before: &FormState, after: &FormState) -> Vec<&'static str> {
    let mut out = Vec::new();
    if before.name.trim() != after.name.trim() {
        out.push("name");
    }
    if before.category != after.category {
        out.push("category");
    }
    if before.pin != after.pin {
        out.push("position");
    }
    out
}

#[derive(Clone)]
struct Loaded {
    setup: Setup,
    listing: Listing,
}

#[component]
pub fn ManagePage() -> impl IntoView {
    let token = token_from_hash(&window().location().hash().unwrap_or_default());
    // Another link pasted into this tab changes only the fragment: open that listing instead.
    let _ = window_event_listener(leptos::ev::hashchange, |_| {
        let _ = window().location().reload();
    });
    let data = RwSignal::new(None);
    let token2 = token.clone();
    let fetch = move || {
        let token = token2.clone();
        load(data, async move {
            let Some(token) = token else {
                return Err(ApiError {
                    status: 404,
                    code: "no_token".into(),
                    message: Some(
                        tr(
                            "这个链接不完整：请使用入驻登记后得到的完整管理链接（以 #token= 加一长串字符结尾）",
                            "This link is incomplete: use the whole management link you got when registering",
                        )
                        .into(),
                    ),
                    question: None,
                });
            };
            let (setup, listing) = futures::try_join!(setup::load(), api::listing(&token))?;
            Ok(Loaded { setup, listing })
        })
    };
    fetch();
    view! {
        <main class="page merchant-page" id="main">
            {move || match data.get() {
                None => view! { <Loading text=tr("正在打开您的店铺…", "Opening your listing…") /> }.into_any(),
                Some(Err(e)) if e.status == 404 => view! {
                    <div class="state" role="alert" data-testid="bad-token">
                        <h1 class="state-title">{tr("打不开这个店铺", "Cannot open this listing")}</h1>
                        <p>{e.text()}</p>
                        <p class="small">{tr(
                            "管理链接丢失时无法找回；如需修改，请联系社区工作人员，或重新登记。",
                            "A lost link cannot be recovered; contact community staff or register again.",
                        )}</p>
                        <p class="actions"><a class="button secondary" href="/merchant">{tr("商户入驻登记", "Register a shop")}</a></p>
                    </div>
                }.into_any(),
                Some(Err(e)) => view! { <Failed error=e retry=fetch.clone() /> }.into_any(),
                Some(Ok(l)) => view! { <Owner loaded=l token=token.clone().unwrap_or_default() /> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn Status(listing: Listing) -> impl IntoView {
    let (badge, class, text) = match listing.status.as_str() {
        "approved" => (
            tr("已通过", "Approved"),
            "badge badge-good",
            tr("您的店铺已显示在居民的便民地图上。修改营业时间、电话、价格和服务后立即生效。", "Your shop is on the residents' map. Hours, phone, prices and services change at once."),
        ),
        "rejected" => (
            tr("未通过", "Not approved"),
            "badge badge-bad",
            tr("请按工作人员说明修改后重新保存，会再次进入审核。", "Correct it as staff explain and save: it is reviewed again."),
        ),
        _ => (
            tr("待审核", "Waiting for review"),
            "badge badge-warn",
            tr("工作人员审核通过后，店铺会显示在地图上。审核前也可以在这里修改。", "It appears on the map once staff approve it. You can still edit it here."),
        ),
    };
    view! {
        <div class="card status-card" data-testid="listing-status" data-status=listing.status.clone()>
            <p><span class=class>{badge}</span></p>
            <p>{text}</p>
            {listing.reject_reason.map(|r| view! {
                <p class="reason" data-testid="reject-reason"><strong>{tr("未通过的原因：", "Reason: ")}</strong>{r}</p>
            })}
            {listing.pending_change.map(|c| view! {
                <p class="warn" data-testid="pending-change">{format!(
                    "{}{}",
                    tr("以下修改正在等待审核：", "Waiting for review: "),
                    change_names(&c.changes)
                )}</p>
            })}
        </div>
    }
}

#[component]
fn Owner(loaded: Loaded, token: String) -> impl IntoView {
    let Loaded { setup, listing } = loaded;
    let saved = RwSignal::new(FormState::from_registration(&listing.registration));
    let state = RwSignal::new(saved.get_untracked());
    let listing_sig = RwSignal::new(listing.clone());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let shopfront = RwSignal::new_local(None::<Chosen>);
    let shopfront_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<(String, bool)>);
    let busy = RwSignal::new(false);
    let rules = setup.rules.clone();
    let going_to_review =
        Memo::new(move |_| saved.with(|b| state.with(|a| change_names(&reviewed_changes(b, a)))));
    let token = StoredValue::new(token);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        message.set(None);
        let reg = match state.with_untracked(|s| local_errors(s, &rules)) {
            Err(list) => {
                show_field_errors(list, errors, failure);
                return;
            }
            Ok(reg) => reg,
        };
        errors.set(Vec::new());
        busy.set(true);
        let photo = shopfront.get_untracked();
        spawn_local(async move {
            let answer =
                api::save(&token.get_value(), &reg, photo.as_ref().map(|c| &c.photo)).await;
            busy.set(false);
            match answer {
                Ok(edited) => {
                    let review = edited.review.is_some();
                    let text = if edited.changes.is_empty() {
                        edited.message.clone()
                    } else {
                        format!("{}（{}）", edited.message, change_names(&edited.changes))
                    };
                    saved.set(FormState::from_registration(&edited.listing.registration));
                    listing_sig.set(edited.listing);
                    shopfront.set(None);
                    message.set(Some((text, review)));
                }
                Err(e) => {
                    let text = e.text();
                    if text.contains("门头") {
                        shopfront_error.set(Some(text.clone()));
                    }
                    failure.set(Some(text));
                }
            }
        });
    };

    let current_photo = listing
        .shopfront_photo
        .as_ref()
        .map(|p| p.thumb_url.clone());
    view! {
        <header class="form-intro">
            // The stored version's name: after a save it is the new one, unless that waits for
            // review on an approved listing (the map still shows the old one then).
            <h1 data-testid="owner-heading">{move || listing_sig.with(|l| l.registration.name.clone())}</h1>
            {move || view! { <Status listing=listing_sig.get() /> }}
        </header>
        <form class="merchant-form" novalidate on:submit=submit data-testid="owner-form">
            <ListingEditor state errors rules=setup.rules.clone() circle=setup.circle.clone() owner=true />
            <fieldset class="form-section" id="f-photos">
                <legend class="field-label">{tr("照片", "Photo")}</legend>
                <PhotoInput id="shopfront" camera=true chosen=shopfront error=shopfront_error current=current_photo
                    label=tr("换一张门头照片（可不换）", "Replace the shop front photo (optional)").into()
                    hint=tr("不超过 8 MB。居民在地图上会看到它。", "Up to 8 MB. Residents see it on the map.").into() />
            </fieldset>
            {move || {
                let names = going_to_review.get();
                (!names.is_empty()).then(|| view! {
                    <p class="warn" data-testid="review-warning">{format!(
                        "{}{}{}",
                        tr("您改了", "You changed the "),
                        names,
                        tr("：保存后需要工作人员重新审核，审核通过前地图上仍显示原来的信息。", ": after saving, staff review it again; until then the map shows the approved version."),
                    )}</p>
                })
            }}
            {move || failure.get().map(|f| view! { <p class="step-error" role="alert" data-testid="save-error">{f}</p> })}
            {move || message.get().map(|(m, review)| view! {
                <p class=if review { "warn" } else { "ok-note" } role="status" data-testid="save-message">{m}</p>
            })}
            <button class="button primary big" type="submit" data-testid="save" disabled=move || busy.get()>
                {move || if busy.get() { tr("正在保存…", "Saving…") } else { tr("保存修改", "Save changes") }}
            </button>
            <p class="small center">{move || pick(
                "管理链接就是您的钥匙：请不要发给别人。",
                "The management link is your key: do not share it.",
            ).to_string()}</p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_from_the_fragment() {
        assert_eq!(
            token_from_hash("#token=abcDEF_12-3"),
            Some("abcDEF_12-3".into())
        );
        assert_eq!(token_from_hash("#x=1&token=abc"), Some("abc".into()));
        assert_eq!(token_from_hash("#abc"), Some("abc".into()));
        assert_eq!(token_from_hash(""), None);
        assert_eq!(token_from_hash("#token="), None);
        assert_eq!(token_from_hash("#x=1"), None);
    }

    #[test]
    fn name_category_and_position_are_reviewed_changes() {
        let before = FormState {
            name: "老王配钥匙".into(),
            pin: Some([121.0, 31.0]),
            ..FormState::default()
        };
        let mut after = before.clone();
        after.phone = "13812345678".into();
        after.hours.open_24h = true;
        assert!(reviewed_changes(&before, &after).is_empty());
        after.name = "老王锁具".into();
        after.pin = Some([121.001, 31.0]);
        assert_eq!(reviewed_changes(&before, &after), vec!["name", "position"]);
    }
}
