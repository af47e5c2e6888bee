//! Chinese first, English as a switch. The language is chosen once per page load (from
//! `?lang=en`, else what this device chose last), so every text is a plain choice between two
//! literals; switching reloads the page, which keeps components free of language signals.

use std::cell::Cell;

thread_local! {
    static ENGLISH: Cell<bool> = const { Cell::new(false) };
}

const STORAGE_KEY: &str = "bianmin.lang";

/// Reads the language for this page load and marks the document with it.
pub fn init() {
    let from_url = super::route::query_param("lang");
    let stored = super::storage::get(STORAGE_KEY);
    let english = match from_url.as_deref().or(stored.as_deref()) {
        Some("en") => true,
        Some(_) | None => false,
    };
    if let Some(lang) = from_url.filter(|l| l == "en" || l == "zh") {
        super::storage::set(STORAGE_KEY, &lang);
    }
    ENGLISH.with(|e| e.set(english));
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("lang", if english { "en" } else { "zh-CN" });
    }
}

pub fn is_en() -> bool {
    ENGLISH.with(Cell::get)
}

/// The text in the page's language.
pub fn tr(zh: &'static str, en: &'static str) -> &'static str {
    if is_en() {
        en
    } else {
        zh
    }
}

/// A name from the rules or the data, which carry both languages; an empty English name falls
/// back to the Chinese.
pub fn pick<'a>(zh: &'a str, en: &'a str) -> &'a str {
    if is_en() && !en.trim().is_empty() {
        en
    } else {
        zh
    }
}

/// Remembers the choice on this device and reloads in that language (the URL loses `lang`, so a
/// shared link does not override the reader's own choice later).
pub fn switch_to(english: bool) {
    super::storage::set(STORAGE_KEY, if english { "en" } else { "zh" });
    super::route::reload_without("lang");
}

/// `trf!("附近{m}分钟内没有{what}", "No {what} within {m} min")`: a formatted text in the
/// page's language. Exported for the survey pages (bin `survey`).
#[macro_export]
macro_rules! trf {
    ($zh:literal, $en:literal $(,)?) => {
        if $crate::ui::i18n::is_en() {
            format!($en)
        } else {
            format!($zh)
        }
    };
}
pub use crate::trf;
