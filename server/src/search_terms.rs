//! `GET /api/search-terms`: the pinyin of every Chinese text a resident may search for —
//! category, repair-kind and service names from the rules, names and brands of approved
//! outlets — so the phone matches "xiuxie" and "xx" to 修鞋 without carrying a pinyin table.
//!
//! `{"terms": {"配钥匙": [["pei"], ["yao", "yue"], ["shi"]], "K-Market 超市": [["k"],
//! ["market"], ["chao"], ["shi"]]}}`: per text, one token per Chinese character (its toneless
//! readings, the usual one first) or per run of letters and digits (lowercased). Spaces and
//! punctuation make no token; a character the pinyin crate does not know is its own reading;
//! ü is given both as "v" and "u" (绿: ["lv", "lu"]). Texts without Chinese are left out: the
//! phone matches those as plain substrings.
//!
//! Computed per request, so an outlet is searchable the moment it is approved: a few
//! milliseconds for the bundled datasets (pinyin is a table lookup).

use crate::api::AppState;
use crate::db;
use crate::error::ApiError;
use crate::params::Params;
use app::domain::Rules;
use axum::extract::{RawQuery, State};
use axum::Json;
use pinyin::{Pinyin, ToPinyinMulti};
use serde::Serialize;
use std::collections::BTreeMap;

/// A token's alternative readings.
pub type Token = Vec<String>;

/// Ideographs: the CJK unified blocks (with extensions) and the compatibility block.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{3134f}')
}

/// Full-width Latin letters and digits (ＫＦＣ, ７) as their ASCII selves.
fn narrow(c: char) -> char {
    match c {
        '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
            char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
        }
        _ => c,
    }
}

/// Readings of one character: toneless, default first, no repeats; ü as both "v" and "u".
/// The dictionary keeps rare and archaic readings too (市 "fu"); the phone lets those match
/// only as whole syllables, and only the usual one by its first letters.
fn readings(c: char) -> Token {
    let Some(multi) = c.to_pinyin_multi() else {
        return vec![c.to_string()];
    };
    let mut out: Token = Vec::with_capacity(multi.count() + 1);
    let mut add = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for plain in multi.into_iter().map(Pinyin::plain) {
        if plain.contains('ü') {
            add(plain.replace('ü', "v"));
            add(plain.replace('ü', "u"));
        } else {
            add(plain.to_string());
        }
    }
    out
}

/// The tokens of a text. Letters other than ASCII (é, ä) join a Latin run too, lowercased.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut run = String::new();
    for c in text.chars().map(narrow) {
        if is_cjk(c) {
            if !run.is_empty() {
                out.push(vec![std::mem::take(&mut run)]);
            }
            out.push(readings(c));
        } else if c.is_alphanumeric() {
            run.extend(c.to_lowercase());
        } else if !run.is_empty() {
            out.push(vec![std::mem::take(&mut run)]);
        }
    }
    if !run.is_empty() {
        out.push(vec![run]);
    }
    out
}

/// The rules' searchable Chinese names: categories, repair kinds, services.
fn rule_texts(rules: &Rules) -> impl Iterator<Item = &str> {
    let categories = rules.categories.iter().map(|c| c.name_zh.as_str());
    let kinds = rules.repair_kinds.iter().chain(&rules.services);
    categories.chain(kinds.map(|k| k.name_zh.as_str()))
}

/// Every text with at least one Chinese character, with its tokens.
pub fn terms<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, Vec<Token>> {
    texts
        .into_iter()
        .filter(|t| t.chars().any(is_cjk))
        .map(|t| (t.to_string(), tokens(t)))
        .collect()
}

#[derive(Debug, Serialize)]
pub struct SearchTerms {
    pub terms: BTreeMap<String, Vec<Token>>,
}

/// `GET /api/search-terms`.
pub async fn search_terms(
    State(s): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchTerms>, ApiError> {
    Params::parse(query.as_deref(), &[])?;
    let names = db::list_search_texts(&s.db, &s.dataset.name)
        .await
        .map_err(ApiError::storage)?;
    let texts = rule_texts(&s.rules).chain(names.iter().map(String::as_str));
    Ok(Json(SearchTerms {
        terms: terms(texts),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Vec<Token> {
        tokens(text)
    }

    fn v(tokens: &[&[&str]]) -> Vec<Token> {
        tokens
            .iter()
            .map(|t| t.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn chinese_characters_give_all_their_readings_default_first() {
        // The crate's data (pinyin-data) keeps rare and old readings too: 鞋 wā, 市 fú.
        assert_eq!(t("修鞋"), v(&[&["xiu"], &["xie", "wa"]]));
        assert_eq!(
            t("配钥匙"),
            v(&[&["pei"], &["yao", "yue"], &["shi", "chi"]])
        );
        assert_eq!(t("绿"), v(&[&["lv", "lu"]]));
        assert_eq!(t("女"), v(&[&["nv", "nu", "ru"]]));
    }

    #[test]
    fn latin_runs_are_lowercased_and_punctuation_is_dropped() {
        assert_eq!(
            t("K-Market 超市"),
            v(&[&["k"], &["market"], &["chao", "tiao"], &["shi", "fu"]])
        );
        assert_eq!(
            t("７天 KFC（长寿路店）"),
            v(&[
                &["7"],
                &["tian"],
                &["kfc"],
                &["zhang", "chang"],
                &["shou"],
                &["lu", "luo"],
                &["dian"]
            ])
        );
        assert_eq!(t("Café Ääni"), v(&[&["café"], &["ääni"]]));
        assert!(t(" ·—、 ").is_empty());
    }

    #[test]
    fn unknown_ideographs_stand_for_themselves_and_latin_texts_are_left_out() {
        assert_eq!(t("\u{2a6d6}"), v(&[&["\u{2a6d6}"]]));
        let all = terms(["Alepa", "修鞋", "K-Market 超市"]);
        assert_eq!(all.keys().collect::<Vec<_>>(), ["K-Market 超市", "修鞋"]);
        let rules = Rules::bundled();
        let all = terms(rule_texts(&rules));
        assert!(all.contains_key("配钥匙") && all.contains_key("便利店"));
    }
}
