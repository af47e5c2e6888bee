//! The OpenAPI description and the router agree: every `/api/` route and method the router
//! declares (read from the source, wherever `.route(` is called) is described, and every
//! described operation is routed. Also: every `$ref` resolves, and the server serves it.

mod common;

use app::domain::grade::GradeRules;
use app::domain::Rules;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The end of the call whose `(` is at `open`: the index of its `)`.
fn closing(text: &[u8], open: usize) -> usize {
    let (mut depth, mut i, mut in_str) = (0usize, open, false);
    while i < text.len() {
        match text[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'(' if !in_str => depth += 1,
            b')' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    panic!("unbalanced .route( call")
}

/// Every (METHOD, path) of a `.route("…", …)` call in `source`: the method routers named in the
/// call (`get(…)`, `.post(…)`, `get(…).merge(post(…))`), not a `module::get`.
fn routes_in(source: &str) -> Vec<(String, String)> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = source[from..].find(".route(") {
        let open = from + at + ".route".len();
        let close = closing(bytes, open);
        let call = &source[open + 1..close];
        from = close;
        let Some(path) = call.split('"').nth(1) else {
            continue;
        };
        // Skip the path literal itself when looking for method routers.
        let rest = &call[call.find('"').unwrap() + path.len() + 2..];
        for method in METHODS {
            let needle = format!("{method}(");
            let mut start = 0;
            while let Some(i) = rest[start..].find(&needle) {
                let i = start + i;
                let before = rest[..i].chars().next_back();
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    out.push((method.to_uppercase(), path.to_string()));
                }
                start = i + needle.len();
            }
        }
    }
    out
}

fn router_routes() -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut all = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        for (method, path) in routes_in(&source) {
            // The API's own fallback for unknown paths is not an endpoint.
            if path.starts_with("/api/") && !path.starts_with("/api/{*") {
                all.insert((method, path));
            }
        }
    }
    all
}

fn document() -> Value {
    let rules = Rules::bundled();
    let grade_rules = GradeRules::bundled(&rules);
    server::openapi::document(&server::openapi::Inputs {
        rules: &rules,
        grade_rules: &grade_rules,
        example_circle: None,
    })
}

fn described(doc: &Value) -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            all.insert((method.to_uppercase(), path.clone()));
        }
    }
    all
}

#[test]
fn the_route_reader_sees_every_form_of_route() {
    let source = r#"
        Router::new()
            .route("/api/a", get(h::a))
            .route(
                "/api/b/{id}",
                get(x::b).post(x::c),
            )
            .route("/api/c", get(h::own).merge(
                post(h::edit).layer(DefaultBodyLimit::max(photos::LIMIT)),
            ))
            .route("/api/d", post(handlers::get))
    "#;
    let found: BTreeSet<_> = routes_in(source).into_iter().collect();
    let want: BTreeSet<_> = [
        ("GET", "/api/a"),
        ("GET", "/api/b/{id}"),
        ("POST", "/api/b/{id}"),
        ("GET", "/api/c"),
        ("POST", "/api/c"),
        ("POST", "/api/d"),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_string(), p.to_string()))
    .collect();
    assert_eq!(found, want);
}

#[test]
fn every_route_is_described_and_every_description_is_routed() {
    let routed = router_routes();
    let described = described(&document());
    // A sanity floor: the reader found the router (about fifty operations).
    assert!(routed.len() >= 45, "only {} routes read", routed.len());
    let missing: Vec<_> = routed.difference(&described).collect();
    let extra: Vec<_> = described.difference(&routed).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "routed but not in server/src/openapi.rs: {missing:?}\n\
         described but not routed: {extra:?}"
    );
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    out.push(x.as_str().unwrap());
                } else {
                    refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves_and_every_operation_answers_something() {
    let doc = document();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let pointer = r.strip_prefix('#').expect("local reference");
        assert!(doc.pointer(pointer).is_some(), "dangling {r}");
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let codes = op["responses"].as_object().unwrap();
            assert!(
                codes.keys().any(|c| c.starts_with('2')),
                "{method} {path}: no success response"
            );
            // Path parameters are declared for every `{name}` of the path.
            for name in path.split('{').skip(1).map(|s| &s[..s.find('}').unwrap()]) {
                let declared = op["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["in"] == "path" && p["name"] == name);
                assert!(
                    declared,
                    "{method} {path}: path parameter {name} undeclared"
                );
            }
        }
    }
    // The rules' codes are the enums (a city's own rules get its own).
    let categories = &doc["components"]["schemas"]["Registration"]["properties"]["category"];
    assert!(categories["enum"]
        .as_array()
        .unwrap()
        .contains(&Value::from("breakfast")));
}

#[tokio::test]
async fn the_server_serves_it_with_a_real_circle_as_example() {
    let ws = common::Workspace::new();
    let server = ws.start("shanghai");
    let (status, doc) = server.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.0.3");
    let (_, circles) = server.get("/api/circles").await;
    let first = circles[0]["id"].as_str().unwrap();
    let id = &doc["paths"]["/api/circles/{id}/grade"]["get"]["parameters"][0];
    assert_eq!(id["schema"]["example"], first);
    assert_eq!(described(&doc), described(&document()));
}
