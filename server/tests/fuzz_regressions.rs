//! What `scripts/fuzz-api.sh` (schemathesis over /api/openapi.json) found, kept fixed: each
//! request here once got an answer the API description does not allow.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

/// A registration id in the path that is no i64 (or not positive) got axum's plain-text 400
/// ("Invalid URL: Cannot parse `9223372036854775808` to a `i64`"); now the API's JSON 404 with a
/// Chinese message, like an unknown survey round.
#[tokio::test]
async fn a_registration_id_that_is_no_number_is_a_json_404() {
    let ws = Workspace::new();
    let (ok, out) = staff_add(&ws, "wang", "correct horse battery");
    assert!(ok, "{out}");
    let s = ws.start("shanghai");
    let staff = s.login("wang", "correct horse battery").await;
    for id in ["9223372036854775808", "abc", "0", "-1", "1.5"] {
        for (action, body) in [
            ("approve", json!({})),
            ("reject", json!({ "reason": "照片不清楚" })),
        ] {
            let (status, r) = staff
                .post(&format!("/api/staff/registrations/{id}/{action}"), &body)
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{action} {id}: {r}");
            assert_eq!(r["error"], "no_such_registration", "{action} {id}: {r}");
            assert!(has_chinese(r["message"].as_str().unwrap()), "{r}");
        }
    }
    // A well-formed id that names nothing is still the same 404.
    let (status, r) = staff
        .post("/api/staff/registrations/424242/approve", &json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{r}");
    assert_eq!(r["error"], "no_such_registration");
}
