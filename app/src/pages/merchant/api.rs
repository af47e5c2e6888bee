//! The merchant endpoints as the pages call them: registration and the owner's listing (a
//! multipart form: the `registration` JSON part and the photos), read with the owner's token.
//! A refusal's field list is the domain's `Registration::check` against the same rules, so
//! the form computes it itself (see `form::local_errors`); the server's message is shown too.

use crate::domain::merchant::Registration;
use crate::pages::api::{self, ApiError, Auth, Body, READ_TIMEOUT};
use serde::Deserialize;
use wasm_bindgen::JsValue;

/// A photo chosen in the form.
#[derive(Clone)]
pub struct Photo {
    pub file: web_sys::File,
}

/// The multipart body: the registration as JSON, then the photos that were chosen.
fn form(reg: &Registration, photos: &[(&str, &Photo)]) -> Result<web_sys::FormData, ApiError> {
    let unreadable = |_| ApiError {
        status: 0,
        code: "form".into(),
        message: Some(
            crate::ui::i18n::tr("无法准备要提交的内容", "Could not prepare the form").into(),
        ),
        question: None,
    };
    let data = web_sys::FormData::new().map_err(unreadable)?;
    let json = serde_json::to_string(reg).unwrap_or_default();
    data.append_with_str("registration", &json)
        .map_err(unreadable)?;
    for (name, p) in photos {
        data.append_with_blob_and_filename(name, &p.file, &p.file.name())
            .map_err(unreadable)?;
    }
    Ok(data)
}

#[derive(Debug, Clone, Deserialize)]
pub struct Registered {
    pub id: i64,
    pub manage_url: String,
}

pub async fn register(
    reg: &Registration,
    shopfront: Option<&Photo>,
    licence: Option<&Photo>,
) -> Result<Registered, ApiError> {
    let mut photos = Vec::new();
    if let Some(p) = shopfront {
        photos.push(("shopfront", p));
    }
    if let Some(p) = licence {
        photos.push(("licence", p));
    }
    let data = form(reg, &photos)?;
    api::post_form("/api/registrations", data, Auth::None).await
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PhotoLinks {
    pub url: String,
    pub thumb_url: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PendingChange {
    #[serde(default)]
    pub changes: Vec<String>,
}

/// The owner's listing (`GET /api/merchant/listing`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Listing {
    pub id: i64,
    pub status: String,
    pub registration: Registration,
    pub opening_hours: Option<String>,
    pub reject_reason: Option<String>,
    pub shopfront_photo: Option<PhotoLinks>,
    #[serde(default)]
    pub licence_photo_uploaded: bool,
    pub pending_change: Option<PendingChange>,
}

pub async fn listing(token: &str) -> Result<Listing, ApiError> {
    let text = api::send(
        false,
        "/api/merchant/listing",
        Body::None,
        Auth::Bearer(token),
        READ_TIMEOUT,
    )
    .await?;
    api::parse(&text)
}

#[derive(Debug, Clone, Deserialize)]
pub struct Edited {
    pub review: Option<i64>,
    #[serde(default)]
    pub changes: Vec<String>,
    pub message: String,
    pub listing: Listing,
}

pub async fn save(
    token: &str,
    reg: &Registration,
    shopfront: Option<&Photo>,
) -> Result<Edited, ApiError> {
    let photos: Vec<(&str, &Photo)> = shopfront.map(|p| ("shopfront", p)).into_iter().collect();
    let data = form(reg, &photos)?;
    api::post_form("/api/merchant/listing", data, Auth::Bearer(token)).await
}

/// Puts `text` on the clipboard; false where the browser refuses (no permission, old phone).
pub async fn copy_text(text: &str) -> bool {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&nav, &"clipboard".into()).unwrap_or(JsValue::UNDEFINED);
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else {
        return false;
    };
    let Ok(write) = wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(write) else {
        return false;
    };
    let Ok(promise) = write.call1(&clipboard, &text.into()) else {
        return false;
    };
    let Ok(promise) = wasm_bindgen::JsCast::dyn_into::<js_sys::Promise>(promise) else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// A street the server found for an address typed by hand, with a point on it.
#[derive(Debug, Clone, Deserialize)]
pub struct StreetMatch {
    pub name: String,
    /// [lon, lat]
    pub point: [f64; 2],
}

/// `GET /api/streets?q=`: the streets the address names, most specific first.
pub async fn streets(address: &str) -> Result<Vec<StreetMatch>, ApiError> {
    api::get(&format!("/api/streets?q={}", api::seg(address))).await
}
