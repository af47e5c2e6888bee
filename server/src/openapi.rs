//! The OpenAPI 3.0 description of the JSON API, served at `GET /api/openapi.json`.
//!
//! Written by hand here rather than derived: most request bodies are read from raw JSON or
//! multipart by the handlers, and the category, repair kind, service and grade-part enums come
//! from the rules file the server runs with, so a city's own rules get a matching description.
//! `tests/openapi_routes.rs` fails when the router and this description disagree on a route
//! or method; `scripts/fuzz-api.sh` fuzzes every operation described here.

use app::domain::grade::{GradeRules, Source};
use app::domain::Rules;
use serde_json::{json, Map, Value};

/// What varies with the deployment: the rules' codes, and a real circle id for examples.
pub struct Inputs<'a> {
    pub rules: &'a Rules,
    pub grade_rules: &'a GradeRules,
    /// A circle of the dataset, used as the example of every `{id}` of a circle.
    pub example_circle: Option<&'a str>,
}

/// Error answers, each `{error, message (中文), message_en, question?}`.
const ERROR_CODES: [u16; 9] = [400, 401, 403, 404, 409, 413, 415, 422, 429];

fn error_response(code: u16) -> Value {
    let description = match code {
        400 => "bad input (unknown query parameter, malformed value or body)",
        401 => "no live staff session (or wrong password at login)",
        403 => "missing or wrong X-CSRF-Token, or a wrong survey code",
        404 => "no such circle, round, registration, listing or file",
        409 => "conflicts with the current state (round open or closed, code used, taken name…)",
        413 => "the body is larger than the endpoint takes",
        415 => "the body is not JSON (or not an accepted file type)",
        422 => "the origin is too far from the walk network",
        _ => "rate limited; see Retry-After",
    };
    let mut r = json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
    });
    if code == 429 {
        r["headers"] = json!({
            "Retry-After": { "description": "seconds to wait", "schema": { "type": "integer", "minimum": 1 } }
        });
    }
    r
}

/// Responses: the success ones given, plus the error codes listed (from the shared ones).
fn responses(ok: &[(u16, Value)], errors: &[u16]) -> Value {
    let mut out = Map::new();
    for (code, r) in ok {
        out.insert(code.to_string(), r.clone());
    }
    for code in errors {
        out.insert(
            code.to_string(),
            json!({ "$ref": format!("#/components/responses/E{code}") }),
        );
    }
    Value::Object(out)
}

fn json_ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn typed_ok(description: &str, media: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { media: { "schema": schema } } })
}

fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

fn query(name: &str, description: &str, schema: Value, required: bool) -> Value {
    json!({ "name": name, "in": "query", "required": required, "description": description,
            "schema": schema })
}

fn path_param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description,
            "schema": schema })
}

/// A GET operation.
fn get(tag: &str, summary: &str, params: Vec<Value>, resp: Value) -> Value {
    json!({ "tags": [tag], "summary": summary, "parameters": params, "responses": resp })
}

/// A POST operation (`body` `Value::Null`: none).
fn post(tag: &str, summary: &str, params: Vec<Value>, body: Value, resp: Value) -> Value {
    let mut op = json!({ "tags": [tag], "summary": summary, "parameters": params,
                         "responses": resp });
    if !body.is_null() {
        op["requestBody"] = body;
    }
    op
}

/// Marks an operation as staff-only: the session cookie, plus the CSRF header on writes.
fn staff(mut op: Value, write: bool) -> Value {
    op["security"] = if write {
        json!([{ "staffSession": [], "csrfToken": [] }])
    } else {
        json!([{ "staffSession": [] }])
    };
    op
}

fn codes_enum<'a>(codes: impl Iterator<Item = &'a str>) -> Value {
    Value::Array(codes.map(|c| Value::String(c.to_string())).collect())
}

/// The whole document.
pub fn document(inputs: &Inputs) -> Value {
    let rules = inputs.rules;
    let categories = codes_enum(rules.categories.iter().map(|c| c.code.as_str()));
    let repair_kinds = codes_enum(rules.repair_kinds.iter().map(|k| k.code.as_str()));
    let services = codes_enum(rules.services.iter().map(|k| k.code.as_str()));
    let staff_parts: Vec<String> = inputs
        .grade_rules
        .items
        .iter()
        .flat_map(|i| {
            i.parts
                .iter()
                .filter(|p| matches!(p.source, Source::Staff { .. }))
                .map(move |p| format!("{}.{}", i.code, p.code))
        })
        .collect();
    let example_circle = inputs.example_circle.unwrap_or("changshou-road");

    // Repeatable or comma-separated codes (`category=a,b&category=c`); an empty value filters
    // nothing (a form's empty select).
    let code_list = |codes: &Value| {
        let mut with_empty = codes.as_array().cloned().unwrap_or_default();
        with_empty.push(Value::from(""));
        json!({ "type": "array", "items": { "type": "string", "enum": with_empty } })
    };
    let circle_id = path_param(
        "id",
        "a circle id of the dataset",
        json!({ "type": "string", "example": example_circle }),
    );
    let round_id = path_param(
        "id",
        "a survey round id",
        json!({ "type": "integer", "format": "int64", "minimum": 1, "example": 1 }),
    );
    let photo_name = |what: &str| {
        path_param(
            "name",
            what,
            json!({ "type": "string", "pattern": "^[0-9a-f]{64}(\\.thumb)?\\.jpg$" }),
        )
    };
    let round_q = query(
        "round",
        "a round id (default: the newest)",
        json!({ "type": "integer", "format": "int64", "minimum": 1 }),
        false,
    );
    let elderly_q = query(
        "elderly",
        "walk at the rules' elderly speed (empty: false; spaces around are ignored)",
        json!({ "type": "string", "pattern": "^\\s*(true|false|1|0)?\\s*$" }),
        false,
    );
    let lon_q = query(
        "lon",
        "origin longitude (WGS-84)",
        json!({ "type": "number", "minimum": -180, "maximum": 180, "example": 121.43 }),
        true,
    );
    let lat_q = query(
        "lat",
        "origin latitude (WGS-84)",
        json!({ "type": "number", "minimum": -90, "maximum": 90, "example": 31.24 }),
        true,
    );
    let geojson = |d: &str| {
        typed_ok(
            d,
            "application/geo+json",
            json!({ "$ref": "#/components/schemas/FeatureCollection" }),
        )
    };
    let csv = |d: &str| typed_ok(d, "text/csv", json!({ "type": "string" }));
    let object = json!({ "type": "object" });
    let report = json_ok("the circle's grade as now computed", object.clone());

    let mut paths = Map::new();
    let mut add = |path: &str, method: &str, op: Value| {
        paths
            .entry(path.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("path item is an object")
            .insert(method.to_string(), op);
    };

    // --- The map ---
    add(
        "/api/openapi.json",
        "get",
        get(
            "map",
            "this description",
            vec![],
            responses(&[(200, json_ok("OpenAPI 3.0", object.clone()))], &[]),
        ),
    );
    add(
        "/api/health",
        "get",
        get(
            "map",
            "status, dataset and outlet count",
            vec![],
            responses(
                &[(
                    200,
                    json_ok("up", json!({ "$ref": "#/components/schemas/Health" })),
                )],
                &[],
            ),
        ),
    );
    add(
        "/api/rules",
        "get",
        get(
            "map",
            "the rules file as JSON",
            vec![],
            responses(&[(200, json_ok("rules", object.clone()))], &[]),
        ),
    );
    add(
        "/api/config",
        "get",
        get(
            "map",
            "dataset name and tile settings for the client",
            vec![],
            responses(&[(200, json_ok("config", object.clone()))], &[]),
        ),
    );
    add(
        "/api/basemap",
        "get",
        get(
            "map",
            "the dataset's basemap",
            vec![],
            responses(&[(200, geojson("GeoJSON"))], &[]),
        ),
    );
    add(
        "/api/outlets",
        "get",
        get(
            "map",
            "approved outlets",
            vec![
                query("category", "category codes", code_list(&categories), false),
                query(
                    "repair_kind",
                    "repair kind codes",
                    code_list(&repair_kinds),
                    false,
                ),
                query(
                    "bbox",
                    "west,south,east,north in degrees (WGS-84)",
                    json!({ "type": "string", "pattern": "^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$",
                            "example": "121.40,31.22,121.46,31.26" }),
                    false,
                ),
            ],
            responses(&[(200, geojson("outlets"))], &[400]),
        ),
    );
    add(
        "/api/streets",
        "get",
        get(
            "map",
            "streets an address typed by hand names",
            vec![query(
                "q",
                "an address",
                // At most 100 characters once trimmed (so no maxLength: the spaces around do not count).
                json!({ "type": "string", "example": "康定路 1000 弄" }),
                false,
            )],
            responses(
                &[(
                    200,
                    json_ok(
                        "matches, best first",
                        json!({ "type": "array", "items": { "type": "object" } }),
                    ),
                )],
                &[400],
            ),
        ),
    );
    add(
        "/api/graph",
        "get",
        get(
            "map",
            "the walk graph in its compact binary form",
            vec![],
            responses(
                &[(
                    200,
                    typed_ok(
                        "graph",
                        "application/octet-stream",
                        json!({ "type": "string", "format": "binary" }),
                    ),
                )],
                &[],
            ),
        ),
    );
    let minutes_one = query(
        "minutes",
        "walking minutes, 1–60",
        json!({ "type": "integer", "minimum": 1, "maximum": 60 }),
        false,
    );
    add(
        "/api/reach",
        "get",
        get(
            "walk",
            "outlets within a walk, nearest first",
            vec![
                lon_q.clone(),
                lat_q.clone(),
                minutes_one,
                query("category", "category codes", code_list(&categories), false),
                elderly_q.clone(),
            ],
            responses(&[(200, geojson("outlets in reach"))], &[400, 422]),
        ),
    );
    add(
        "/api/isochrone",
        "get",
        get(
            "walk",
            "one MultiPolygon per walking time, largest first",
            vec![
                lon_q,
                lat_q,
                query(
                    "minutes",
                    "walking minutes, each 1–60",
                    json!({ "type": "array",
                            "items": { "type": "integer", "minimum": 1, "maximum": 60 } }),
                    false,
                ),
                elderly_q.clone(),
            ],
            responses(&[(200, geojson("isochrones"))], &[400, 422]),
        ),
    );
    add(
        "/api/coverage",
        "get",
        get(
            "walk",
            "streets farther than a category's ring from its nearest outlet",
            vec![
                query(
                    "category",
                    "exactly one category code",
                    json!({ "type": "string", "enum": categories }),
                    true,
                ),
                elderly_q,
            ],
            responses(&[(200, geojson("gaps"))], &[400]),
        ),
    );
    add(
        "/api/hours",
        "get",
        get(
            "map",
            "every outlet's open intervals around a day",
            vec![query(
                "date",
                "YYYY-MM-DD (years 1970–2999)",
                json!({ "type": "string", "format": "date" }),
                false,
            )],
            responses(&[(200, json_ok("hours", object.clone()))], &[400]),
        ),
    );
    add(
        "/api/search-terms",
        "get",
        get(
            "map",
            "the pinyin of every name a resident may search",
            vec![],
            responses(&[(200, json_ok("terms", object.clone()))], &[400]),
        ),
    );

    // --- Survey (public) ---
    add(
        "/api/survey/questionnaire",
        "get",
        get(
            "survey",
            "the questionnaire",
            vec![],
            responses(&[(200, json_ok("questionnaire", object.clone()))], &[]),
        ),
    );
    add(
        "/api/circles",
        "get",
        get(
            "circles",
            "the dataset's circles",
            vec![],
            responses(
                &[(
                    200,
                    json_ok(
                        "circles",
                        json!({ "type": "array", "items": { "type": "object" } }),
                    ),
                )],
                &[],
            ),
        ),
    );
    add(
        "/api/circles/{id}/survey",
        "get",
        get(
            "survey",
            "the circle and its open round",
            vec![circle_id.clone()],
            responses(
                &[(
                    200,
                    json_ok(
                        "circle and round",
                        json!({ "type": "object", "required": ["circle", "round"] }),
                    ),
                )],
                &[404],
            ),
        ),
    );
    add(
        "/api/circles/{id}/rounds",
        "get",
        get(
            "survey",
            "all rounds, newest first",
            vec![circle_id.clone()],
            responses(
                &[(
                    200,
                    json_ok(
                        "rounds",
                        json!({ "type": "array", "items": { "type": "object" } }),
                    ),
                )],
                &[404],
            ),
        ),
    );
    let outcome = |d: &str| json_ok(d, json!({ "$ref": "#/components/schemas/Outcome" }));
    add(
        "/api/circles/{id}/responses",
        "post",
        post(
            "survey",
            "one resident's answer",
            vec![circle_id.clone()],
            json_body(json!({ "$ref": "#/components/schemas/Submission" })),
            responses(
                &[
                    (201, outcome("recorded")),
                    (200, outcome("a resend of an answer already stored")),
                ],
                &[400, 403, 404, 409, 413, 415, 429],
            ),
        ),
    );
    add(
        "/api/circles/{id}/indicators",
        "get",
        get(
            "survey",
            "a round's satisfaction indicators",
            vec![circle_id.clone(), round_q.clone()],
            responses(&[(200, json_ok("indicators", object.clone()))], &[400, 404]),
        ),
    );

    // --- Grade (public) ---
    add(
        "/api/circles/{id}/grade",
        "get",
        get(
            "grade",
            "the circle's grade computed now",
            vec![circle_id.clone()],
            responses(&[(200, report.clone())], &[404]),
        ),
    );
    add(
        "/api/circles/{id}/gaps",
        "get",
        get(
            "grade",
            "where a missing category would serve the most",
            vec![
                circle_id.clone(),
                query(
                    "category",
                    "exactly one category code",
                    json!({ "type": "string", "enum": categories }),
                    true,
                ),
            ],
            responses(&[(200, json_ok("gaps", object.clone()))], &[400, 404]),
        ),
    );
    for (path, what) in [
        ("/api/circles/{id}/grade.csv", "the grade as CSV"),
        ("/api/circles/{id}/gaps.csv", "every category's gaps as CSV"),
        (
            "/api/circles/{id}/outlets.csv",
            "the circle's outlets as CSV",
        ),
    ] {
        add(
            path,
            "get",
            get(
                "grade",
                what,
                vec![circle_id.clone()],
                responses(&[(200, csv(what))], &[404]),
            ),
        );
    }
    add(
        "/api/circles/{id}/outlets.geojson",
        "get",
        get(
            "grade",
            "the circle's outlets as GeoJSON",
            vec![circle_id.clone()],
            responses(&[(200, geojson("outlets"))], &[404]),
        ),
    );
    add(
        "/api/circles/{id}/grade/history",
        "get",
        get(
            "grade",
            "the grades recorded so far",
            vec![circle_id.clone()],
            responses(&[(200, json_ok("history", object.clone()))], &[404]),
        ),
    );

    // --- Merchants ---
    let registration_form = json!({
        "required": true,
        "content": {
            "application/json": { "schema": { "$ref": "#/components/schemas/Registration" } },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["registration"],
                    "properties": {
                        "registration": { "$ref": "#/components/schemas/Registration" },
                        "shopfront": { "type": "string", "format": "binary" },
                        "licence": { "type": "string", "format": "binary" }
                    }
                },
                "encoding": { "registration": { "contentType": "application/json" } }
            }
        }
    });
    add(
        "/api/registrations",
        "post",
        post(
            "merchant",
            "a merchant's registration (pending until staff approve it)",
            vec![],
            registration_form.clone(),
            responses(
                &[(
                    201,
                    json_ok(
                        "registered",
                        json!({ "type": "object",
                                "required": ["id", "listing_id", "outlet_id", "status", "manage_url"] }),
                    ),
                )],
                &[400, 413, 415, 429],
            ),
        ),
    );
    let mut own = get(
        "merchant",
        "the owner's listing",
        vec![],
        responses(&[(200, json_ok("listing", object.clone()))], &[404]),
    );
    own["security"] = json!([{ "ownerToken": [] }]);
    add("/api/merchant/listing", "get", own);
    let mut registration_edit = registration_form;
    registration_edit["content"]["multipart/form-data"]["schema"]["properties"]
        .as_object_mut()
        .expect("properties")
        .remove("licence");
    let mut edit = post(
        "merchant",
        "the owner's edit of the listing",
        vec![],
        registration_edit,
        responses(
            &[(200, json_ok("saved", object.clone()))],
            &[400, 404, 413, 415],
        ),
    );
    edit["security"] = json!([{ "ownerToken": [] }]);
    add("/api/merchant/listing", "post", edit);
    let jpeg = |d: &str| {
        typed_ok(
            d,
            "image/jpeg",
            json!({ "type": "string", "format": "binary" }),
        )
    };
    add(
        "/api/photos/{name}",
        "get",
        get(
            "merchant",
            "a shop-front photo",
            vec![photo_name("{sha256}.jpg or {sha256}.thumb.jpg")],
            responses(&[(200, jpeg("photo"))], &[404]),
        ),
    );
    add(
        "/api/staff/photos/{name}",
        "get",
        staff(
            get(
                "staff",
                "any merchant photo (licences too)",
                vec![photo_name("{sha256}.jpg or {sha256}.thumb.jpg")],
                responses(&[(200, jpeg("photo"))], &[401, 404]),
            ),
            false,
        ),
    );
    let registration_id = path_param(
        "id",
        "a registration (review) id",
        json!({ "type": "integer", "format": "int64", "minimum": 1 }),
    );
    add(
        "/api/staff/registrations",
        "get",
        staff(
            get(
                "staff",
                "the review queue",
                vec![query(
                    "status",
                    "which reviews (default pending)",
                    json!({ "type": "string",
                            "enum": ["pending", "approved", "rejected", "withdrawn"] }),
                    false,
                )],
                responses(&[(200, json_ok("queue", object.clone()))], &[400, 401]),
            ),
            false,
        ),
    );
    add(
        "/api/staff/registrations/{id}/approve",
        "post",
        staff(
            post(
                "staff",
                "approve a registration",
                vec![registration_id.clone()],
                Value::Null,
                responses(
                    &[(200, json_ok("decided", object.clone()))],
                    &[400, 401, 403, 404, 409],
                ),
            ),
            true,
        ),
    );
    add(
        "/api/staff/registrations/{id}/reject",
        "post",
        staff(
            post(
                "staff",
                "reject a registration, with the reason the merchant reads",
                vec![registration_id],
                json_body(json!({
                    "type": "object", "additionalProperties": false,
                    "properties": { "reason": { "type": "string", "minLength": 2, "maxLength": 200 } }
                })),
                responses(
                    &[(200, json_ok("decided", object.clone()))],
                    &[400, 401, 403, 404, 409, 413, 415],
                ),
            ),
            true,
        ),
    );

    // --- Staff: session and accounts ---
    let credentials = json_body(json!({ "$ref": "#/components/schemas/Credentials" }));
    let new_account = json_body(json!({ "$ref": "#/components/schemas/NewAccount" }));
    let session = json!({ "type": "object", "required": ["username", "csrf"],
                          "properties": { "username": { "type": "string" },
                                          "csrf": { "type": "string" } } });
    add(
        "/api/staff/login",
        "post",
        post(
            "staff",
            "log in: sets the session cookie, returns the CSRF token",
            vec![],
            credentials,
            responses(
                &[(200, json_ok("logged in", session.clone()))],
                &[400, 401, 413, 415, 429],
            ),
        ),
    );
    add(
        "/api/staff/me",
        "get",
        staff(
            get(
                "staff",
                "the session's user and CSRF token",
                vec![],
                responses(&[(200, json_ok("session", session))], &[401]),
            ),
            false,
        ),
    );
    add(
        "/api/staff/logout",
        "post",
        staff(
            post(
                "staff",
                "end the session",
                vec![],
                Value::Null,
                responses(&[(200, json_ok("logged out", object.clone()))], &[401, 403]),
            ),
            true,
        ),
    );
    add(
        "/api/staff/accounts",
        "post",
        staff(
            post(
                "staff",
                "add a staff account",
                vec![],
                new_account,
                responses(
                    &[(201, json_ok("added", object.clone()))],
                    &[400, 401, 403, 409, 413, 415],
                ),
            ),
            true,
        ),
    );

    // --- Staff: circles ---
    let circle_body = json_body(json!({ "$ref": "#/components/schemas/CircleBody" }));
    add(
        "/api/staff/circles",
        "get",
        staff(
            get(
                "staff",
                "every circle with its survey and editor figures",
                vec![],
                responses(
                    &[(
                        200,
                        json_ok(
                            "circles",
                            json!({ "type": "array", "items": { "type": "object" } }),
                        ),
                    )],
                    &[401],
                ),
            ),
            false,
        ),
    );
    add(
        "/api/staff/circles",
        "post",
        staff(
            post(
                "staff",
                "create a circle",
                vec![],
                circle_body.clone(),
                responses(
                    &[(201, json_ok("created", object.clone()))],
                    &[400, 401, 403, 413, 415],
                ),
            ),
            true,
        ),
    );
    add(
        "/api/staff/circles/{id}",
        "post",
        staff(
            post(
                "staff",
                "replace a circle's names, boundary and population",
                vec![circle_id.clone()],
                circle_body,
                responses(
                    &[(200, json_ok("saved", object.clone()))],
                    &[400, 401, 403, 404, 409, 413, 415],
                ),
            ),
            true,
        ),
    );
    add(
        "/api/staff/circle-rules",
        "get",
        staff(
            get(
                "staff",
                "the bounds a drawn circle must keep",
                vec![],
                responses(&[(200, json_ok("rules", object.clone()))], &[401]),
            ),
            false,
        ),
    );

    // --- Staff: survey rounds ---
    add(
        "/api/staff/circles/{id}/rounds",
        "post",
        staff(
            post(
                "staff",
                "open a survey round",
                vec![circle_id.clone()],
                json_body(json!({
                    "type": "object", "required": ["open_mode"],
                    "properties": {
                        "population": { "type": "integer", "minimum": 1, "nullable": true },
                        "open_mode": { "type": "boolean" }
                    }
                })),
                responses(
                    &[(201, json_ok("opened", object.clone()))],
                    &[400, 401, 403, 404, 409, 413, 415],
                ),
            ),
            true,
        ),
    );
    add(
        "/api/staff/rounds/{id}/close",
        "post",
        staff(
            post(
                "staff",
                "close a round",
                vec![round_id.clone()],
                Value::Null,
                responses(
                    &[(200, json_ok("closed", object.clone()))],
                    &[401, 403, 404, 409],
                ),
            ),
            true,
        ),
    );
    add(
        "/api/staff/rounds/{id}/codes",
        "post",
        staff(
            post(
                "staff",
                "issue single-use survey codes (shown once)",
                vec![round_id.clone()],
                json_body(json!({
                    "type": "object", "required": ["count", "base_url"],
                    "properties": {
                        "count": { "type": "integer", "minimum": 1, "maximum": 500 },
                        "base_url": { "type": "string", "maxLength": 200,
                                      "pattern": "^https?://[^?#\"<> ]+$",
                                      "example": "http://127.0.0.1:8080" }
                    }
                })),
                responses(
                    &[(201, json_ok("codes", object.clone()))],
                    &[400, 401, 403, 404, 409, 413, 415],
                ),
            ),
            true,
        ),
    );
    add(
        "/api/staff/rounds/{id}/codes",
        "get",
        staff(
            get(
                "staff",
                "codes issued and used",
                vec![round_id],
                responses(
                    &[(
                        200,
                        json_ok(
                            "counts",
                            json!({ "type": "object", "required": ["issued", "used"] }),
                        ),
                    )],
                    &[401, 404],
                ),
            ),
            false,
        ),
    );
    for (path, what) in [
        (
            "/api/staff/circles/{id}/responses.csv",
            "a round's answers as CSV",
        ),
        (
            "/api/staff/circles/{id}/indicators.csv",
            "a round's indicators as CSV",
        ),
    ] {
        add(
            path,
            "get",
            staff(
                get(
                    "staff",
                    what,
                    vec![circle_id.clone(), round_q.clone()],
                    responses(&[(200, csv(what))], &[400, 401, 404]),
                ),
                false,
            ),
        );
    }

    // --- Staff: grade ---
    let entry_schema = json!({ "$ref": "#/components/schemas/GradeEntry" });
    add(
        "/api/staff/circles/{id}/grade/entries/{part}",
        "post",
        staff(
            post(
                "staff",
                "an item's staff entry, optionally with a PDF or photo as evidence",
                vec![
                    circle_id.clone(),
                    path_param(
                        "part",
                        "a staff-entered grade part, item.part",
                        json!({ "type": "string", "enum": staff_parts }),
                    ),
                ],
                json!({
                    "required": true,
                    "content": {
                        "application/json": { "schema": entry_schema },
                        "multipart/form-data": {
                            "schema": {
                                "type": "object", "required": ["entry"],
                                "properties": {
                                    "entry": entry_schema,
                                    "attachment": { "type": "string", "format": "binary" }
                                }
                            },
                            "encoding": { "entry": { "contentType": "application/json" } }
                        }
                    }
                }),
                responses(&[(200, report.clone())], &[400, 401, 403, 404, 413, 415]),
            ),
            true,
        ),
    );
    add(
        "/api/staff/evidence/{name}",
        "get",
        staff(
            get(
                "staff",
                "an attached file",
                vec![path_param(
                    "name",
                    "{sha256}.pdf or {sha256}.jpg",
                    json!({ "type": "string", "pattern": "^[0-9a-f]{64}\\.(pdf|jpg)$" }),
                )],
                responses(
                    &[(
                        200,
                        json!({ "description": "the file", "content": {
                            "application/pdf": { "schema": { "type": "string", "format": "binary" } },
                            "image/jpeg": { "schema": { "type": "string", "format": "binary" } }
                        } }),
                    )],
                    &[401, 404],
                ),
            ),
            false,
        ),
    );
    add(
        "/api/staff/circles/{id}/grade/settings",
        "post",
        staff(
            post(
                "staff",
                "the city tier and the outlet census",
                vec![circle_id.clone()],
                json_body(json!({
                    "type": "object", "required": ["city_tier"], "additionalProperties": false,
                    "properties": {
                        "city_tier": { "type": "integer", "minimum": 1, "maximum": 3 },
                        "census_outlets": { "type": "integer", "minimum": 1, "maximum": 1000000,
                                            "nullable": true }
                    }
                })),
                responses(&[(200, report)], &[400, 401, 403, 404, 413, 415]),
            ),
            true,
        ),
    );
    add(
        "/api/staff/circles/{id}/grade/evaluations",
        "post",
        staff(
            post(
                "staff",
                "record today's grade",
                vec![circle_id],
                Value::Null,
                responses(
                    &[(201, json_ok("recorded", object.clone()))],
                    &[401, 403, 404],
                ),
            ),
            true,
        ),
    );

    let mut error_responses = Map::new();
    for code in ERROR_CODES {
        error_responses.insert(format!("E{code}"), error_response(code));
    }

    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "一刻钟便民生活圈 API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON/GeoJSON API of the 15-minute convenience circle map. Errors are \
                `{error, message, message_en}`: `message` is Chinese, for residents, merchants and staff."
        },
        "tags": [
            { "name": "map" }, { "name": "walk" }, { "name": "survey" }, { "name": "circles" },
            { "name": "grade" }, { "name": "merchant" }, { "name": "staff" }
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "staffSession": { "type": "apiKey", "in": "cookie", "name": crate::staff::COOKIE },
                "csrfToken": { "type": "apiKey", "in": "header", "name": "X-CSRF-Token" },
                "ownerToken": { "type": "http", "scheme": "bearer",
                                "description": "the private management token shown once at registration" }
            },
            "responses": error_responses,
            "schemas": schemas(&categories, &repair_kinds, &services, &inputs.grade_rules.staff_entry),
        }
    })
}

fn schemas(
    categories: &Value,
    repair_kinds: &Value,
    services: &Value,
    limits: &app::domain::grade::rules::StaffEntryRules,
) -> Value {
    // (hour, minute) as read: the checks then refuse hours over 24 and minutes over 59.
    let time = json!({ "type": "array", "minItems": 2, "maxItems": 2,
                       "items": { "type": "integer", "minimum": 0, "maximum": 255 } });
    json!({
        "Error": {
            "type": "object",
            "required": ["error", "message", "message_en"],
            "properties": {
                "error": { "type": "string" },
                "message": { "type": "string", "description": "中文" },
                "message_en": { "type": "string" },
                "question": { "type": "string" },
                "fields": { "type": "array", "items": { "type": "object" } }
            }
        },
        "Health": {
            "type": "object",
            "required": ["status", "version", "dataset", "outlets"],
            "properties": {
                "status": { "type": "string", "enum": ["ok"] },
                "version": { "type": "string" },
                "dataset": { "type": "string" },
                "outlets": { "type": "integer", "minimum": 0 }
            }
        },
        "FeatureCollection": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": { "type": "string", "enum": ["FeatureCollection"] },
                "features": { "type": "array", "items": { "type": "object" } }
            }
        },
        "Outcome": {
            "type": "object",
            "required": ["status", "responses"],
            "properties": {
                "status": { "type": "string", "enum": ["recorded", "already_recorded"] },
                "responses": { "type": "integer", "minimum": 0 }
            }
        },
        "Submission": {
            "type": "object",
            "required": ["client_id", "round", "questionnaire_version", "answers"],
            "properties": {
                "client_id": { "type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$" },
                "round": { "type": "integer", "format": "int64", "minimum": 1 },
                "questionnaire_version": { "type": "integer", "minimum": 0 },
                "code": { "type": "string", "nullable": true },
                "device": { "type": "string", "minLength": 16, "maxLength": 128, "nullable": true },
                "answers": {
                    "type": "object",
                    "description": "question id → answer: 1–5 for a scale, category codes, an \
                        option code or text, as /api/survey/questionnaire says",
                    "example": { "daily_shopping": 5, "variety": 4, "opening_hours": 4,
                                 "service_quality": 5, "clean_orderly": 3, "fair_prices": 4,
                                 "good_neighbours": 5, "missing": ["bookshop"] }
                }
            }
        },
        "Credentials": {
            "type": "object",
            "required": ["username", "password"],
            "properties": {
                "username": { "type": "string" },
                "password": { "type": "string" }
            }
        },
        "NewAccount": {
            "type": "object",
            "required": ["username", "password"],
            "properties": {
                "username": { "type": "string", "minLength": 2, "maxLength": 32,
                              "description": "letters (any script), digits, _ . -" },
                "password": { "type": "string", "minLength": 10, "maxLength": 256 }
            }
        },
        "Span": {
            "type": "object",
            "required": ["open", "close"],
            "additionalProperties": false,
            "properties": { "open": time, "close": time }
        },
        "WeeklyHours": {
            "type": "object",
            "required": ["open_24h", "days"],
            "additionalProperties": false,
            "properties": {
                "open_24h": { "type": "boolean" },
                "days": {
                    "type": "array", "minItems": 7, "maxItems": 7,
                    "items": { "type": "array", "maxItems": 3,
                               "items": { "$ref": "#/components/schemas/Span" } }
                }
            }
        },
        "Registration": {
            "type": "object",
            "required": ["name", "category", "lon", "lat", "address", "phone", "hours",
                         "delivers", "credit_code"],
            "additionalProperties": false,
            "example": {
                "name": "老李配钥匙", "category": "repair", "repair_kinds": ["key"],
                "prices": [{ "item": "配普通钥匙", "price_fen": 500 }], "services": [],
                "lon": 121.4437, "lat": 31.2475, "address": "普陀区昌化路 123 号门口",
                "phone": "138 0013 8000",
                "hours": { "open_24h": false, "days": [
                    [{ "open": [8, 0], "close": [18, 0] }], [{ "open": [8, 0], "close": [18, 0] }],
                    [{ "open": [8, 0], "close": [18, 0] }], [{ "open": [8, 0], "close": [18, 0] }],
                    [{ "open": [8, 0], "close": [18, 0] }], [{ "open": [8, 0], "close": [18, 0] }],
                    [] ] },
                "brand": null, "delivers": false, "credit_code": "92310107MA1K00012L"
            },
            "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 40 },
                "category": { "type": "string", "enum": categories },
                "repair_kinds": { "type": "array", "items": { "type": "string", "enum": repair_kinds } },
                "prices": {
                    "type": "array",
                    "maxItems": 50,
                    "items": {
                        "type": "object", "required": ["item", "price_fen"],
                        "additionalProperties": false,
                        "properties": {
                            "item": { "type": "string", "minLength": 1, "maxLength": 20 },
                            "price_fen": { "type": "integer", "minimum": 1, "maximum": 1000000 }
                        }
                    }
                },
                "services": { "type": "array", "items": { "type": "string", "enum": services } },
                "lon": { "type": "number", "minimum": -180, "maximum": 180 },
                "lat": { "type": "number", "minimum": -90, "maximum": 90 },
                "address": { "type": "string", "minLength": 2, "maxLength": 80 },
                "phone": { "type": "string" },
                "hours": { "$ref": "#/components/schemas/WeeklyHours" },
                "brand": { "type": "string", "minLength": 1, "maxLength": 30, "nullable": true },
                "delivers": { "type": "boolean" },
                "credit_code": { "type": "string", "description": "统一社会信用代码 (18 characters, checked)" }
            }
        },
        "CircleBody": {
            "type": "object",
            "required": ["name_zh", "name_en", "boundary", "service_population"],
            "properties": {
                "name_zh": { "type": "string", "maxLength": 40 },
                "name_en": { "type": "string", "maxLength": 80 },
                "boundary": {
                    "type": "object", "required": ["type", "coordinates"],
                    "additionalProperties": false,
                    "properties": {
                        "type": { "type": "string", "enum": ["Polygon"] },
                        "coordinates": {
                            "type": "array", "minItems": 1, "maxItems": 1,
                            "items": { "type": "array", "minItems": 4,
                                       "items": { "type": "array", "minItems": 2, "maxItems": 2,
                                                  "items": { "type": "number" } } }
                        }
                    }
                },
                "service_population": { "type": "integer", "minimum": 0 },
                "population_note": { "type": "string", "nullable": true },
                "version": { "type": "integer", "format": "int64", "nullable": true }
            }
        },
        "GradeEntry": {
            "type": "object",
            "required": ["points", "note"],
            "additionalProperties": false,
            "properties": {
                "points": { "type": "number", "minimum": 0,
                            "description": "at most one decimal, at most the part's maximum" },
                "note": { "type": "string", "maxLength": limits.note_max_chars },
                "evidence": { "type": "string", "nullable": true,
                              "maxLength": limits.evidence_max_chars }
            }
        }
    })
}

/// `GET /api/openapi.json`: the description for the rules this server runs with, its first
/// circle as the example circle.
pub async fn serve(
    axum::extract::State(s): axum::extract::State<crate::api::AppState>,
) -> Result<axum::Json<Value>, crate::error::ApiError> {
    let circles = crate::circles::all(&s).await?;
    Ok(axum::Json(document(&Inputs {
        rules: &s.rules,
        grade_rules: &s.grade_rules,
        example_circle: circles.first().map(|c| c.id.as_str()),
    })))
}
