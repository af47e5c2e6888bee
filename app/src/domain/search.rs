//! Keyword search over outlet names, categories and services, as residents type it: Chinese
//! characters, English words, or pinyin — full ("xiuxie"), initials ("xx"), or a mix of both
//! ("peiys"), the way phone keyboards and every Chinese app let people search.
//!
//! The pinyin *readings* come from the server (which has a pinyin dictionary; the browser
//! bundle must stay small), per text: one entry per token in order, each with its alternative
//! readings, the default first. A token is a CJK character (its syllables, lower-case, no
//! tones) or a run of ASCII letters and digits (lower-cased); spaces and punctuation make no
//! token. Heteronyms carry every reading (钥 → `["yao", "yue"]`), so either one matches.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Pinyin readings per text, as `GET` from the server:
/// `{"terms": {"修鞋": [["xiu"], ["xie"]], "配钥匙": [["pei"], ["yao", "yue"], ["shi"]]}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchTerms {
    pub terms: HashMap<String, Vec<Vec<String>>>,
}

/// Longest ASCII query the pinyin match takes (its reachable positions are one `u128`); a
/// longer one still matches as plain text.
const MAX_PINYIN_QUERY: usize = 127;

/// What the resident typed, normalised once per keystroke and then matched against many texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Lower-case, without whitespace (and, for ASCII, without apostrophes: "xi'an" = "xian").
    chars: Vec<char>,
    /// The same as bytes when the query is all ASCII (the pinyin case).
    ascii: Option<Vec<u8>>,
}

/// Lower-cased characters of `text`, whitespace dropped: the form both sides are compared in.
fn folded(text: &str) -> impl Iterator<Item = char> + Clone + '_ {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
}

/// Whether `needle` occurs in the folded `text`, without building the folded string (this runs
/// over thousands of names per keystroke). Names are short, so the naive scan is the fast one.
fn folded_contains(text: &str, needle: &[char]) -> bool {
    if needle.is_empty() {
        return true;
    }
    let mut rest = folded(text);
    loop {
        let mut probe = rest.clone();
        if needle.iter().all(|&c| probe.next() == Some(c)) {
            return true;
        }
        if rest.next().is_none() {
            return false;
        }
    }
}

impl Query {
    pub fn new(raw: &str) -> Query {
        let mut chars: Vec<char> = folded(raw.trim()).collect();
        let ascii = chars.iter().all(char::is_ascii);
        if ascii {
            chars.retain(|&c| c != '\'');
        }
        let bytes = ascii.then(|| chars.iter().map(|&c| c as u8).collect());
        Query {
            chars,
            ascii: bytes,
        }
    }

    /// Nothing typed (or only spaces): everything matches.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The normalised query.
    pub fn as_string(&self) -> String {
        self.chars.iter().collect()
    }

    /// Whether `text` matches: as text (case and spaces ignored, so "shoe rep" finds "Shoe
    /// repair" and "修鞋" finds "修鞋配钥匙"), or — for an ASCII query — as pinyin through
    /// `terms`: the query splits into consecutive chunks, each a prefix of a reading of
    /// consecutive tokens from any starting token ("xx", "xiux", "xiuxie", "xie" → 修鞋;
    /// "pys", "yaoshi" → 配钥匙). A text without readings matches as text only.
    pub fn matches(&self, text: &str, terms: &SearchTerms) -> bool {
        if self.is_empty() || folded_contains(text, &self.chars) {
            return true;
        }
        match (&self.ascii, terms.terms.get(text)) {
            (Some(q), Some(tokens)) => pinyin_matches(q, tokens),
            _ => false,
        }
    }

    /// Whether any of `texts` matches (an outlet's name, English name, category, services…).
    pub fn matches_any<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
        terms: &SearchTerms,
    ) -> bool {
        texts.into_iter().any(|t| self.matches(t, terms))
    }
}

/// Length of the common prefix of `reading` and `rest`.
#[inline]
fn common_prefix(reading: &[u8], rest: &[u8]) -> usize {
    reading.iter().zip(rest).take_while(|(a, b)| a == b).count()
}

/// The pinyin match as a DP over (token, query position) (a token's first reading is its
/// usual one and may be cut short; the others count only whole): `reach` holds, as bits, the query
/// positions up to which some run of tokens ending just before the current one has consumed
/// the query. A token extends position `p` to every `p + l` where `l` (≥ 1) is at most the
/// common prefix of one of its readings with the query from `p`. Position 0 is reachable
/// before every token (a match may start anywhere). The bit set does every split at once, so
/// there is no backtracking blow-up and no allocation.
fn pinyin_matches(q: &[u8], tokens: &[Vec<String>]) -> bool {
    let n = q.len();
    if n == 0 || n > MAX_PINYIN_QUERY {
        return n == 0;
    }
    let done = 1u128 << n;
    let mut reach: u128 = 1;
    for readings in tokens {
        let mut next: u128 = 1;
        let mut from = reach & (done - 1);
        while from != 0 {
            let p = from.trailing_zeros() as usize;
            from &= from - 1;
            for (k, r) in readings.iter().enumerate() {
                let l = common_prefix(r.as_bytes(), &q[p..]);
                if k == 0 && l > 0 {
                    // The usual reading by any of its first letters: bits p+1 ..= p+l
                    // (p + l ≤ n ≤ 127).
                    next |= ((1u128 << l) - 1) << (p + 1);
                } else if l > 0 && l == r.len() {
                    // Other readings (the dictionary keeps rare, archaic ones: 市 "fu") only
                    // as a whole syllable, or "f" would find every 超市.
                    next |= 1u128 << (p + l);
                }
            }
        }
        if next & done != 0 {
            return true;
        }
        reach = next;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> SearchTerms {
        serde_json::from_str(
            r#"{"terms": {
                "配钥匙": [["pei"], ["yao", "yue"], ["shi"]],
                "修鞋": [["xiu"], ["xie"]],
                "修鞋配钥匙": [["xiu"], ["xie"], ["pei"], ["yao", "yue"], ["shi"]],
                "K-Market 超市": [["k"], ["market"], ["chao"], ["shi"]],
                "西安": [["xi"], ["an"]],
                "先": [["xian"]],
                "7-Eleven 便利店": [["7"], ["eleven"], ["bian"], ["li"], ["dian"]]
            }}"#,
        )
        .unwrap()
    }

    fn hit(query: &str, text: &str) -> bool {
        Query::new(query).matches(text, &terms())
    }

    #[test]
    fn full_pinyin_initials_and_mixtures_match() {
        for q in ["xiuxie", "xiux", "xx", "xiuxi", "xie", "xiu", "x", "xxie"] {
            assert!(hit(q, "修鞋"), "{q} → 修鞋");
        }
        for q in ["pys", "peiys", "peiyaoshi", "yaoshi", "ys", "pyshi", "p"] {
            assert!(hit(q, "配钥匙"), "{q} → 配钥匙");
        }
    }

    #[test]
    fn order_and_letters_must_fit() {
        assert!(!hit("xiexiu", "修鞋"), "tokens in order only");
        assert!(!hit("pyz", "配钥匙"));
        assert!(!hit("xiuxiex", "修鞋"), "longer than the text");
        assert!(!hit("iu", "修鞋"), "chunks start at a reading's beginning");
        assert!(
            !hit("ps", "配钥匙"),
            "tokens are consecutive: 钥 cannot be skipped"
        );
        assert!(!hit("xiuy", "修鞋配钥匙"));
        assert!(!hit("xiexie", "修鞋配钥匙"), "鞋 appears once");
    }

    #[test]
    fn heteronyms_match_on_any_reading() {
        assert!(hit("peiyue", "配钥匙"));
        assert!(hit("yueshi", "配钥匙"));
        assert!(hit("pyues", "配钥匙"));
        assert!(!hit("peiyua", "配钥匙"));
        // Other readings only as whole syllables: "yu" is no start of 钥 (yao|yue).
        assert!(!hit("peiyu", "配钥匙"));
    }

    #[test]
    fn a_query_may_span_words_and_start_mid_text() {
        assert!(hit("xxpys", "修鞋配钥匙"));
        assert!(hit("xiepei", "修鞋配钥匙"));
        assert!(hit("peiyao", "修鞋配钥匙"));
    }

    #[test]
    fn splits_need_backtracking() {
        // "xian" is 西安 as xi|an and 先 as one syllable; a greedy split would miss one.
        assert!(hit("xian", "西安"));
        assert!(hit("xian", "先"));
        assert!(hit("xi'an", "西安"), "apostrophes are dropped");
        assert!(hit("xa", "西安"));
        assert!(!hit("xa", "先"));
        // Greedy "xia" from 西's "xi" + … fails; xi | a(n) works.
        assert!(hit("xia", "西安"));
    }

    #[test]
    fn mixed_latin_and_chinese_texts() {
        let text = "K-Market 超市";
        assert!(hit("kmarket", text), "tokens k | market");
        assert!(hit("k-market", text), "as text");
        assert!(hit("market", text));
        assert!(hit("marketcs", text));
        assert!(hit("kmcs", text));
        assert!(hit("chaoshi", text));
        assert!(hit("超市", text));
        assert!(hit("MARKET 超", text));
        assert!(!hit("kmz", text));
        assert!(hit("7el", "7-Eleven 便利店"));
        assert!(hit("bld", "7-Eleven 便利店"));
    }

    #[test]
    fn chinese_queries_match_as_text() {
        assert!(hit("修鞋", "修鞋配钥匙"));
        assert!(hit("钥匙", "修鞋配钥匙"));
        assert!(
            hit(" 修 鞋 ", "修鞋配钥匙"),
            "spaces are ignored on both sides"
        );
        assert!(!hit("鞋修", "修鞋配钥匙"));
        // A query with any non-ASCII character is never read as pinyin.
        assert!(!hit("修xie", "修鞋"));
    }

    #[test]
    fn case_and_spaces_do_not_matter() {
        assert!(hit("XiuXie", "修鞋"));
        assert!(hit("XX", "修鞋"));
        assert!(hit("shoe rep", "Shoe repair"));
        assert!(hit("SHOEREPAIR", "Shoe  repair"));
        assert!(!hit("Cafe", "Café Regatta"), "é is not e");
        assert!(hit("café", "CAFÉ Regatta"));
    }

    #[test]
    fn empty_queries_match_everything() {
        for q in ["", "   ", "\t"] {
            let query = Query::new(q);
            assert!(query.is_empty());
            assert!(query.matches("anything", &SearchTerms::default()));
        }
        assert!(!Query::new(" x ").is_empty());
        assert_eq!(Query::new("  Xi'An ").as_string(), "xian");
        assert_eq!(Query::new(" 修 鞋 ").as_string(), "修鞋");
    }

    #[test]
    fn texts_without_readings_match_as_text_only() {
        let none = SearchTerms::default();
        assert!(Query::new("xiu").matches("xiu shop", &none));
        assert!(!Query::new("xx").matches("修鞋", &none));
        assert!(Query::new("修").matches("修鞋", &none));
    }

    #[test]
    fn any_of_several_texts() {
        let t = terms();
        let q = Query::new("pys");
        assert!(q.matches_any(["Shoe repair", "配钥匙"], &t));
        assert!(!q.matches_any(["Shoe repair", "修鞋"], &t));
        assert!(!q.matches_any(std::iter::empty(), &t));
        assert!(!Query::new("").matches_any(std::iter::empty(), &t));
    }

    #[test]
    fn very_long_queries_do_not_overflow() {
        let long = "x".repeat(200);
        assert!(!hit(&long, "修鞋"));
        let tokens: Vec<Vec<String>> = (0..130).map(|_| vec!["x".to_string()]).collect();
        assert!(pinyin_matches(&[b'x'; 127], &tokens));
        assert!(
            !pinyin_matches(&[b'x'; 128], &tokens),
            "beyond the pinyin limit"
        );
    }

    #[test]
    fn five_thousand_texts_per_keystroke_are_quick() {
        let mut t = SearchTerms::default();
        let names: Vec<String> = (0..5000).map(|i| format!("修鞋配钥匙{i}号店")).collect();
        for (i, name) in names.iter().enumerate() {
            let mut toks: Vec<Vec<String>> = [
                vec!["xiu"],
                vec!["xie"],
                vec!["pei"],
                vec!["yao", "yue"],
                vec!["shi"],
            ]
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect();
            toks.push(vec![i.to_string()]);
            toks.push(vec!["hao".into()]);
            toks.push(vec!["dian".into()]);
            t.terms.insert(name.clone(), toks);
        }
        let start = std::time::Instant::now();
        let q = Query::new("xxpysz");
        let hits = names.iter().filter(|n| q.matches(n, &t)).count();
        assert_eq!(hits, 0);
        let q = Query::new("yaoshi12haod");
        let hits = names.iter().filter(|n| q.matches(n, &t)).count();
        // Shop 12, and 120–129 and 1200–1299 ("12" is a prefix of their number token).
        assert_eq!(hits, 111);
        // Generous: a debug build on a slow machine, far below a keystroke's budget in release.
        assert!(start.elapsed().as_millis() < 2000, "{:?}", start.elapsed());
    }
}
