//! `GET /api/search-terms` against the real server: pinyin for every Chinese text a resident
//! may search for.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

type Terms = BTreeMap<String, Vec<Vec<String>>>;

async fn terms(s: &Server) -> Terms {
    let (status, body) = s.get("/api/search-terms").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["terms"]);
    serde_json::from_value(body["terms"].clone()).unwrap()
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Every key has Chinese; every token has readings, lowercase, no blanks.
fn well_formed(terms: &Terms) {
    for (text, tokens) in terms {
        assert!(text.chars().any(is_cjk), "{text}");
        assert!(!tokens.is_empty(), "{text}");
        let chinese = text.chars().filter(|c| is_cjk(*c)).count();
        let single: Vec<&Vec<String>> = tokens.iter().filter(|t| t.len() > 1).collect();
        assert!(
            single.len() <= chinese,
            "{text}: only characters have alternatives"
        );
        for t in tokens {
            assert!(!t.is_empty(), "{text}");
            for r in t {
                assert!(
                    !r.is_empty() && !r.contains(char::is_whitespace),
                    "{text}: {r:?}"
                );
                assert_eq!(r, &r.to_lowercase(), "{text}");
            }
        }
    }
}

#[tokio::test]
async fn shanghai_terms_cover_rules_and_outlets_and_new_listings_at_once() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    let t = terms(&s).await;
    well_formed(&t);
    // The crate's readings, the usual one first (鞋 also has the old reading wā).
    assert_eq!(t["修鞋"][0], ["xiu"]);
    assert_eq!(t["修鞋"][1][0], "xie");
    assert_eq!(t["配钥匙"][0], ["pei"]);
    assert!(
        t["配钥匙"][1].contains(&"yao".to_string()),
        "{:?}",
        t["配钥匙"]
    );
    assert_eq!(t["配钥匙"][2][0], "shi");
    for name in ["便利店", "小修小补", "打印复印", "磨刀"] {
        assert!(t.contains_key(name), "{name}");
    }
    // Every sample outlet's name is there, one token per character.
    let outlets = s.outlets("").await;
    let names: Vec<String> = outlets
        .features
        .iter()
        .filter_map(|f| f.properties.name.clone())
        .collect();
    assert!(names.len() > 200);
    for name in &names {
        let tokens = t.get(name).unwrap_or_else(|| panic!("{name} missing"));
        assert!(tokens.len() <= name.chars().count(), "{name}: {tokens:?}");
    }

    // An outlet imported while the server runs is searchable on the next request.
    import_features(
        &ws,
        "shanghai",
        &[osm_point(
            "node/900000010",
            121.44,
            31.245,
            json!({"craft": "shoemaker", "name": "K-Market 绿叶修鞋", "brand": "老皮匠"}),
        )],
    );
    let t = terms(&s).await;
    assert_eq!(
        t["K-Market 绿叶修鞋"],
        [
            vec!["k"],
            vec!["market"],
            vec!["lv", "lu"],
            vec!["ye", "xie"],
            vec!["xiu"],
            vec!["xie", "wa"]
        ]
    );
    assert_eq!(t["老皮匠"][0], ["lao"]);
}

#[tokio::test]
async fn helsinki_terms_are_few_but_well_formed() {
    let ws = Workspace::new();
    let s = ws.start("helsinki");
    let t = terms(&s).await;
    well_formed(&t);
    assert!(t.contains_key("便利店") && t.contains_key("修鞋"));
    assert_eq!(
        t["便利店"],
        [vec!["bian", "pian"], vec!["li"], vec!["dian"]]
    );
    // Latin-only names (Alepa, K-Market …) are matched as plain text and left out.
    assert!(t.keys().all(|k| !k.starts_with("Alepa")));
    let rules: Value = s.get("/api/rules").await.1;
    let rule_names = ["categories", "repair_kinds", "services"]
        .iter()
        .map(|list| rules[list].as_array().unwrap().len())
        .sum::<usize>();
    assert!(
        t.len() >= rule_names - 5 && t.len() < rule_names + 20,
        "{}",
        t.len()
    );

    let (status, body) = s.get("/api/search-terms?q=xiu").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "unknown_parameter");
}
