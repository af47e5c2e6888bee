//! `/merchant`: 商户入驻. The editor, the two photos, and one submit; the typing is kept on this
//! phone (not the photos) so a reload on a weak network loses nothing. On success the private
//! management link is shown this once, with a copy button and what happens next.

use super::api::{self, Registered};
use super::form::{local_errors, show_field_errors, ListingEditor};
use super::model::{FormState, DRAFT_KEY};
use super::photo_input::{Chosen, PhotoInput};
use super::setup::{self, Setup};
use crate::domain::merchant::FieldError;
use crate::pages::load::load;
use crate::pages::shell::{focus_soon, Failed, Loading};
use crate::ui::i18n::tr;
use crate::ui::storage;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let data = RwSignal::new(None);
    let fetch = move || load(data, setup::load());
    fetch();
    let done = RwSignal::new(None::<Registered>);
    view! {
        <main class="page merchant-page" id="main">
            {move || match (done.get(), data.get()) {
                (Some(r), _) => view! { <Done registered=r /> }.into_any(),
                (None, None) => view! { <Loading text=tr("正在打开登记表…", "Opening the form…") /> }.into_any(),
                (None, Some(Err(e))) => view! { <Failed error=e retry=fetch /> }.into_any(),
                (None, Some(Ok(s))) => view! { <Form setup=s done /> }.into_any(),
            }}
        </main>
    }
}

/// Which photo a server refusal is about, by the field's name in its message.
fn photo_of(message: &str) -> Option<&'static str> {
    if message.contains("门头") || message.contains("shopfront") {
        Some("shopfront")
    } else if message.contains("执照") || message.contains("licence") {
        Some("licence")
    } else {
        None
    }
}

#[component]
fn Form(setup: Setup, done: RwSignal<Option<Registered>>) -> impl IntoView {
    let start = storage::get(DRAFT_KEY)
        .and_then(|t| FormState::from_draft(&t))
        .unwrap_or_default();
    // The pin alone is no typing: the map places it by itself on every visit.
    let restored = FormState {
        pin: None,
        ..start.clone()
    } != FormState::default();
    let state = RwSignal::new(start);
    // Every change goes to the draft (a few hundred bytes; writes are cheap).
    Effect::new(move |_| state.with(|s| storage::set(DRAFT_KEY, &s.to_draft())));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let shopfront = RwSignal::new_local(None::<Chosen>);
    let licence = RwSignal::new_local(None::<Chosen>);
    let shopfront_error = RwSignal::new(None::<String>);
    let licence_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let rules = setup.rules.clone();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        let checked = state.with_untracked(|s| local_errors(s, &rules));
        let (sf, lc) = (shopfront.get_untracked(), licence.get_untracked());
        if sf.is_none() {
            shopfront_error.set(Some(
                tr(
                    "请拍摄或选择门头照片",
                    "Please add a photo of the shop front",
                )
                .into(),
            ));
        }
        if lc.is_none() {
            licence_error.set(Some(
                tr(
                    "请拍摄或选择营业执照照片",
                    "Please add a photo of the business licence",
                )
                .into(),
            ));
        }
        let reg = match checked {
            Err(list) => {
                show_field_errors(list, errors, failure);
                return;
            }
            Ok(reg) => reg,
        };
        let (Some(sf), Some(lc)) = (sf, lc) else {
            failure.set(Some(
                tr(
                    "还缺照片，已在对应位置标出",
                    "Photos are missing; they are marked",
                )
                .into(),
            ));
            focus_photos(if shopfront_error.get_untracked().is_some() {
                "shopfront"
            } else {
                "licence"
            });
            return;
        };
        errors.set(Vec::new());
        busy.set(true);
        spawn_local(async move {
            let answer = api::register(&reg, Some(&sf.photo), Some(&lc.photo)).await;
            busy.set(false);
            match answer {
                Ok(r) => {
                    storage::remove(DRAFT_KEY);
                    done.set(Some(r));
                    focus_soon("done-heading");
                }
                Err(e) => {
                    let text = e.text();
                    match photo_of(&text).filter(|_| e.code != "invalid_registration") {
                        Some("shopfront") => {
                            shopfront_error.set(Some(text.clone()));
                            focus_photos("shopfront");
                        }
                        Some(_) => {
                            licence_error.set(Some(text.clone()));
                            focus_photos("licence");
                        }
                        None => {}
                    }
                    failure.set(Some(text));
                }
            }
        });
    };

    view! {
        <header class="form-intro">
            <h1 id="form-heading">{tr("商户入驻登记", "Register your shop")}</h1>
            <p class="lead">{tr(
                "填好后由社区工作人员审核，通过后您的店铺就会出现在居民的便民地图上。大约需要 5 分钟。",
                "Community staff review it; once approved, your shop appears on the residents' map. About 5 minutes.",
            )}</p>
            {restored.then(|| view! {
                <p class="notice" role="status" data-testid="draft-restored">{tr(
                    "已恢复您上次在这台手机上填写的内容（照片需要重新选择）。",
                    "Restored what you typed last time on this phone (choose the photos again).",
                )}</p>
            })}
        </header>
        <form class="merchant-form" novalidate on:submit=submit data-testid="register-form">
            <ListingEditor state errors rules=setup.rules.clone() circle=setup.circle.clone() />
            <fieldset class="form-section" id="f-photos">
                <legend class="field-label">{tr("照片", "Photos")}</legend>
                <p class="small">{tr(
                    "每张照片不超过 8 MB，JPEG、PNG 或 WebP。照片里的拍摄位置等信息会在上传后删除。营业执照只给审核的工作人员看。",
                    "Each photo up to 8 MB, JPEG, PNG or WebP. Location data in photos is removed. The licence is seen by reviewing staff only.",
                )}</p>
                <PhotoInput id="shopfront" camera=true chosen=shopfront error=shopfront_error
                    label=tr("门头照片（能看清店名）", "Shop front (the sign readable)").into()
                    hint=tr("居民在地图上会看到这张照片。", "Residents see this photo on the map.").into() />
                <PhotoInput id="licence" chosen=licence error=licence_error
                    label=tr("营业执照照片", "Business licence").into()
                    hint=tr("拍清楚信用代码和名称，仅工作人员可见。", "Make the code and name readable; staff only.").into() />
            </fieldset>
            {move || failure.get().map(|f| view! { <p class="step-error" role="alert" data-testid="submit-error">{f}</p> })}
            <button class="button primary big" type="submit" data-testid="submit" disabled=move || busy.get()>
                {move || if busy.get() { tr("正在提交…（照片较大时需要一会儿）", "Sending… (photos take a moment)") } else { tr("提交登记", "Submit") }}
            </button>
            <p class="small center">{tr(
                "提交即表示您确认所填信息真实。工作人员可能会打电话核实。",
                "By submitting you confirm the details are true. Staff may call to check.",
            )}</p>
        </form>
    }
}

fn focus_photos(which: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(which) {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
                el.scroll_into_view_with_bool(false);
            }
        }
    });
}

/// The result: the management link, shown this once.
#[component]
fn Done(registered: Registered) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    let url = format!("{origin}{}", registered.manage_url);
    let copied = RwSignal::new(None::<bool>);
    let url2 = url.clone();
    let copy = move |_| {
        let url = url2.clone();
        spawn_local(async move { copied.set(Some(api::copy_text(&url).await)) });
    };
    view! {
        <section class="result-screen merchant-done" data-testid="register-done">
            <h1 id="done-heading" tabindex="-1">{tr("登记已提交", "Registration sent")}</h1>
            <p>
                {tr("状态：", "Status: ")}
                <span class="badge badge-warn" data-testid="status">{tr("待审核", "Waiting for review")}</span>
                <span class="small">{format!(" · {} {}", tr("登记编号", "No."), registered.id)}</span>
            </p>
            <div class="card link-card">
                <h2>{tr("您的店铺管理链接", "Your management link")}</h2>
                <p class="warn" role="note">{tr(
                    "请现在就保存这个链接（复制后发到自己的微信或收藏）。它只显示这一次，丢失后无法找回；凭它可以修改营业时间、电话、价格和照片。不要发给别人。",
                    "Save this link now (copy it to yourself). It is shown only this once and cannot be recovered; with it you change hours, phone, prices and photos. Do not share it.",
                )}</p>
                <p class="url-box mono" data-testid="manage-url">{url.clone()}</p>
                <p class="actions">
                    <button class="button primary" type="button" data-testid="copy-link" on:click=copy>
                        {tr("复制链接", "Copy the link")}
                    </button>
                    <a class="button secondary" href=url data-testid="open-manage">{tr("打开管理页面", "Open the page")}</a>
                </p>
                {move || copied.get().map(|ok| view! {
                    <p role="status" class=if ok { "ok-note" } else { "small" }>{if ok {
                        tr("已复制。请粘贴到微信“文件传输助手”或备忘录里保存。", "Copied. Paste it somewhere safe.")
                    } else {
                        tr("无法自动复制：请长按上面的链接选择“复制”。", "Could not copy: press and hold the link to copy it.")
                    }}</p>
                })}
            </div>
            <div class="card">
                <h2>{tr("接下来", "What happens next")}</h2>
                <ol class="next-steps">
                    <li>{tr("社区工作人员核对您的营业执照、位置和电话，一般 1 个工作日内完成。", "Community staff check the licence, position and phone, usually within a working day.")}</li>
                    <li>{tr("审核通过后，店铺立即出现在居民的便民地图上。", "Once approved, the shop appears on the residents' map at once.")}</li>
                    <li>{tr("审核结果和未通过的原因，请打开管理链接查看。", "Open the management link to see the result and any reason.")}</li>
                </ol>
                <p><a href="/">{tr("看看便民地图", "See the map")}</a></p>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::photo_of;

    #[test]
    fn a_photo_refusal_finds_its_photo() {
        assert_eq!(photo_of("门头照片不是照片：请上传 JPEG"), Some("shopfront"));
        assert_eq!(photo_of("营业执照照片无法读取"), Some("licence"));
        assert_eq!(photo_of("从这个网络提交的入驻登记太多了"), None);
    }
}
