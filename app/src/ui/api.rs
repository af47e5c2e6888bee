//! Calls to the server's JSON API (same origin). Every failure becomes a [`LoadError`] whose
//! text is written for residents, not developers.

use super::i18n::tr;
use crate::domain::outlet::OutletCollection;
use crate::domain::{Circle, ClientConfig, Rules, Schedule, SearchTerms, StoredOutlet};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashMap;
use wasm_bindgen::{JsCast, JsValue};

/// Why a request failed, as something a resident can read.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    /// The server's own Chinese explanation, when it sent one.
    pub detail: Option<String>,
}

/// The server's error body: `{ "error": code, "message": "中文说明", … }`.
#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
    message_en: Option<String>,
}

/// The answer index.html already asked for (`window.__bianminPrefetch[url]`), taken once: a
/// second request for the same URL (a retry, tomorrow's hours) goes to the network.
fn prefetched(url: &str) -> Option<js_sys::Promise> {
    let pre = js_sys::Reflect::get(&web_sys::window()?.into(), &"__bianminPrefetch".into()).ok()?;
    let pre = pre.dyn_into::<js_sys::Object>().ok()?;
    let key = JsValue::from_str(url);
    let promise = js_sys::Reflect::get(&pre, &key).ok()?.dyn_into().ok()?;
    let _ = js_sys::Reflect::delete_property(&pre, &key);
    Some(promise)
}

/// Lets the browser run its own tasks (paint, input) before the next step. Answers that are
/// all here at once would otherwise be decoded and drawn in one long task, which is what a
/// slow phone feels as a frozen page.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

async fn send(url: &str) -> Result<Response, LoadError> {
    let early = match prefetched(url) {
        Some(p) => wasm_bindgen_futures::JsFuture::from(p)
            .await
            .ok()
            .and_then(|r| r.dyn_into::<web_sys::Response>().ok())
            .map(Response::from),
        None => None,
    };
    // A prefetch that failed (offline at that moment) is tried again now.
    let resp = match early {
        Some(r) => r,
        None => Request::get(url)
            .send()
            .await
            .map_err(|_| LoadError { detail: None })?,
    };
    next_task().await;
    if resp.ok() {
        return Ok(resp);
    }
    let detail = resp.json::<ErrorBody>().await.ok().and_then(|b| {
        if super::i18n::is_en() {
            b.message_en.or(b.message)
        } else {
            b.message
        }
    });
    Err(LoadError { detail })
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<T, LoadError> {
    let resp = send(url).await?;
    resp.json::<T>().await.map_err(|_| LoadError {
        detail: Some(
            tr(
                "服务器返回的数据无法识别",
                "The server's answer could not be read",
            )
            .into(),
        ),
    })
}

pub async fn config() -> Result<ClientConfig, LoadError> {
    get("/api/config").await
}

pub async fn rules() -> Result<Rules, LoadError> {
    get("/api/rules").await
}

pub async fn circles() -> Result<Vec<Circle>, LoadError> {
    get("/api/circles").await
}

pub async fn outlets() -> Result<Vec<StoredOutlet>, LoadError> {
    let collection: OutletCollection = get("/api/outlets").await?;
    Ok(collection
        .features
        .into_iter()
        .map(StoredOutlet::from)
        .collect())
}

/// Pinyin readings of the names residents search (the server has the dictionary).
pub async fn search_terms() -> Result<SearchTerms, LoadError> {
    get("/api/search-terms").await
}

/// What the map cannot do without, requested together; the first failure is the answer. The
/// search readings are optional: without them search still matches plain text.
pub async fn core() -> Result<super::Data, LoadError> {
    let needed = async { futures::try_join!(config(), rules(), circles(), outlets()) };
    let (needed, terms) = futures::join!(needed, search_terms());
    let (config, rules, circles, outlets) = needed?;
    // What the data sets off (markers, list, search texts) in a task of its own.
    next_task().await;
    Ok(super::Data {
        config,
        rules,
        circle: circles.into_iter().next(),
        outlets,
        terms: terms.unwrap_or_default(),
    })
}

/// One outlet's hours as the server computed them for a window of days: its open intervals,
/// or that the text could not be read (`error`), or that the hours say "unknown". One plain
/// struct rather than an untagged enum, which costs far more Wasm to decode.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HoursEntry {
    pub from: Option<i64>,
    pub to: Option<i64>,
    #[serde(default)]
    pub intervals: Vec<[i64; 2]>,
    #[serde(default)]
    pub unknown_intervals: Vec<[i64; 2]>,
    pub error: Option<String>,
}

impl HoursEntry {
    pub fn schedule(&self) -> Option<Schedule> {
        Some(Schedule {
            from: self.from?,
            to: self.to?,
            intervals: self.intervals.clone(),
            unknown_intervals: self.unknown_intervals.clone(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Hours {
    /// By outlet id (JSON object keys are strings; serde reads them as numbers).
    pub outlets: HashMap<i64, HoursEntry>,
}

/// Open intervals of every outlet around `date` (the phone's local date, YYYY-MM-DD).
pub async fn hours(date: String) -> Result<Hours, LoadError> {
    get(&format!("/api/hours?date={date}")).await
}

/// The basemap, parsed by the browser: Leaflet takes it as it is, and the street names are
/// read from it; a megabyte of text never crosses into Wasm and back.
pub async fn basemap() -> Result<JsValue, LoadError> {
    let resp = send("/api/basemap").await?;
    let raw: web_sys::Response = resp.into();
    let parsed = raw.json().map_err(|_| LoadError { detail: None })?;
    let parsed = wasm_bindgen_futures::JsFuture::from(parsed)
        .await
        .map_err(|_| LoadError { detail: None })?;
    next_task().await;
    Ok(parsed)
}

/// The prebuilt walk graph's bytes, with when they arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphBytes {
    pub bytes: Vec<u8>,
    /// Request start to last byte, in ms (`performance.now()`).
    pub fetch_ms: f64,
    /// The compressed size on the wire, when the browser's resource timing has it.
    pub wire_bytes: Option<f64>,
}

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// `encodedBodySize` of the last request to `path` (same origin).
fn wire_size(path: &str) -> Option<f64> {
    let w = web_sys::window()?;
    let url = format!("{}{path}", w.location().origin().ok()?);
    let entries = w.performance()?.get_entries_by_name(&url);
    let last = entries.get(entries.length().checked_sub(1)?);
    js_sys::Reflect::get(&last, &"encodedBodySize".into())
        .ok()?
        .as_f64()
        .filter(|n| *n > 0.0)
}

pub async fn graph() -> Result<GraphBytes, LoadError> {
    let start = now_ms();
    let bytes = send("/api/graph")
        .await?
        .binary()
        .await
        .map_err(|_| LoadError { detail: None })?;
    next_task().await;
    Ok(GraphBytes {
        bytes,
        fetch_ms: now_ms() - start,
        wire_bytes: wire_size("/api/graph"),
    })
}
