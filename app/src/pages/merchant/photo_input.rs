//! A photo field: the camera or the gallery (`accept="image/*"`, `capture` for the shop front),
//! the limit said before choosing, a preview thumbnail with the file's size, and a refusal of a
//! file over the limit at once rather than after a long upload. The server still checks the
//! content (a renamed file is no photo) and re-encodes it.

use super::api::Photo;
use crate::ui::i18n::{tr, trf};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The server's per-file limit (`photos::FILE_LIMIT`).
pub const FILE_LIMIT: f64 = 8.0 * 1024.0 * 1024.0;

/// "2.4 MB", "850 KB".
pub fn size_text(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MB", bytes / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes / 1024.0).ceil().max(1.0))
    }
}

/// A chosen photo and its preview address (revoked when replaced).
#[derive(Clone)]
pub struct Chosen {
    pub photo: Photo,
    pub preview: String,
    pub size: f64,
}

#[component]
pub fn PhotoInput(
    id: &'static str,
    label: String,
    hint: String,
    chosen: RwSignal<Option<Chosen>, LocalStorage>,
    /// An error for this photo (over the limit here, or the server's refusal).
    error: RwSignal<Option<String>>,
    #[prop(optional)] camera: bool,
    /// The stored photo's thumbnail, while none is chosen (the owner's page).
    #[prop(default = None)]
    current: Option<String>,
) -> impl IntoView {
    let unreadable = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        if let Some(old) = chosen.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&old.preview);
        }
        let size = file.size();
        if size > FILE_LIMIT {
            input.set_value("");
            chosen.set(None);
            let s = size_text(size);
            error.set(Some(trf!(
                "这张照片有 {s}，超过了 8 MB 的上限：请换一张，或用手机相机的较小尺寸重拍",
                "This photo is {s}, over the 8 MB limit: choose another or take a smaller one"
            )));
            return;
        }
        error.set(None);
        let preview = web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default();
        chosen.set(Some(Chosen {
            photo: Photo { file },
            preview,
            size,
        }));
        // After the new photo is in: the old preview (its address revoked) is never drawn again.
        unreadable.set(false);
    };
    let capture = camera.then_some("environment");
    view! {
        <div class="photo-field" id=format!("{id}-field")>
            <label class="field-label" for=id>{label}</label>
            <p class="small" id=format!("{id}-hint")>{hint}</p>
            <div class="photo-row">
                {move || match chosen.get() {
                    Some(c) => view! {
                        <figure class="photo-preview">
                            {move || if unreadable.get() {
                                // Not an image this browser can show: the server will say why.
                                view! { <div class="photo-empty photo-unreadable">{tr("无法预览", "No preview")}</div> }.into_any()
                            } else {
                                view! {
                                    <img src=c.preview.clone() alt=tr("已选照片的预览", "Preview of the chosen photo")
                                        on:error=move |_| unreadable.set(true) />
                                }.into_any()
                            }}
                            <figcaption data-testid=format!("{id}-size")>{size_text(c.size)}</figcaption>
                        </figure>
                    }.into_any(),
                    None => match current.clone() {
                        Some(url) => view! {
                            <figure class="photo-preview">
                                <img src=url alt=tr("现在的照片", "The current photo") />
                                <figcaption>{tr("现在的照片", "Current photo")}</figcaption>
                            </figure>
                        }.into_any(),
                        None => view! { <div class="photo-empty" aria-hidden="true">"📷"</div> }.into_any(),
                    },
                }}
                <span class="photo-pick button secondary">
                    {move || if chosen.with(Option::is_some) { tr("换一张", "Change") } else { tr("拍照或选择照片", "Take or choose a photo") }}
                    <input id=id type="file" accept="image/*" capture=capture data-testid=id
                        aria-describedby=format!("{id}-hint") on:change=on_change />
                </span>
            </div>
            {move || error.get().map(|e| view! { <p class="step-error" role="alert" data-testid=format!("{id}-error")>{e}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::size_text;

    #[test]
    fn sizes_read_like_a_phone_gallery() {
        assert_eq!(size_text(2.4 * 1024.0 * 1024.0), "2.4 MB");
        assert_eq!(size_text(850.0 * 1024.0), "850 KB");
        assert_eq!(size_text(10.0), "1 KB");
    }
}
