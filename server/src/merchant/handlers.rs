//! The merchant API: registering (`POST /api/registrations`), the staff's review queue and
//! decisions under `/api/staff/registrations`, and the owner's own listing under
//! `/api/merchant/listing` (token in `Authorization: Bearer …`).

use super::body::{self, Refusal};
use super::photos::Kind;
use super::store::{self, DecideError, Decision};
use super::uploads::{self, NewPhoto, Staged};
use super::{checks, owner_token};
use crate::api::AppState;
use crate::client_addr::ClientAddr;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::rate_limit::{self, Key, Limit};
use crate::staff::Staff;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// New registrations per client address: enough for a market street's shops registering on
/// one Wi-Fi in an afternoon, too few to flood the queue.
pub const REGISTRATIONS_PER_CLIENT: Limit = Limit {
    max: 10,
    period_s: 60 * 60,
};

/// The day in the dataset's zone (its first circle's), for `created_on`.
async fn today(s: &AppState) -> String {
    let tz: chrono_tz::Tz = crate::circles::first(s)
        .await
        .ok()
        .and_then(|c| c.timezone.parse().ok())
        .unwrap_or(chrono_tz::Asia::Shanghai);
    chrono::Utc::now()
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string()
}

/// `POST /api/registrations`: 201 `{id, listing_id, outlet_id, status: "pending", manage_url}`.
/// `id` is the review staff decide on; the token in `manage_url` is shown this once only.
pub async fn register(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    req: Request,
) -> Result<(StatusCode, Json<Value>), Refusal> {
    let posted = uploads::read(&s, req, &[Kind::Shopfront, Kind::Licence]).await?;
    let checked = body::check(posted.registration, &s.rules)?;
    let processed = uploads::process(posted.photos).await?;
    // Counted only for registrations that pass the checks: a merchant fixing typos is not
    // flooding anything.
    let key = Key::new(&s.security.server_key, "merchant-register", &addr);
    if let Some(wait) = rate_limit::hit(&s.db, &[(&key, REGISTRATIONS_PER_CLIENT)]).await? {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "从这个网络提交的入驻登记太多了，请 {} 分钟后再试",
                wait.div_ceil(60)
            ),
            format!("too many registrations from this network; try again in {wait} s"),
        )
        .with_retry_after(wait)
        .into());
    }
    let token = owner_token::new_token();
    // Dropped unpublished on any error below, which removes the files.
    let staged = Staged::write(&s.uploads, processed).await?;
    let created = store::create(
        &s.db,
        &s.dataset.name,
        &checked,
        &today(&s).await,
        &owner_token::hash(&token),
        &staged.photos,
    )
    .await?;
    let photos = photo_links(&staged.photos);
    staged.publish().await;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": created.review,
            "listing_id": created.listing,
            "outlet_id": created.outlet,
            "status": "pending",
            // A fragment: browsers never send it, so the token stays out of request lines and logs.
            "manage_url": format!("/merchant/manage#token={token}"),
            "photos": photos,
            "message": "登记已提交，工作人员审核通过后将显示在地图上。请保存管理链接：它只显示这一次，凭它可以修改营业时间、电话和价格。",
            "message_en": "Registration received; it appears on the map once staff approve it. Keep the management link: it is shown only this once.",
        })),
    ))
}

/// A registration id from the path: anything but a positive whole number is no registration
/// (answered in JSON like every refusal, not axum's plain-text rejection).
fn review_id(segment: &str) -> Result<i64, ApiError> {
    segment
        .parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no_such_registration",
                "没有这条入驻登记",
                format!("no registration '{segment}'"),
            )
        })
}

fn no_such_review(id: i64) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_registration",
        format!("没有编号为 {id} 的入驻登记"),
        format!("no registration {id}"),
    )
}

/// `GET /api/staff/registrations?status=pending|approved|rejected|withdrawn` (default
/// pending): the queue, oldest first, each with the proposed version, the live one for a
/// change, the position, the hours as OSM text and the automatic checks.
pub async fn queue(
    State(s): State<AppState>,
    _staff: Staff,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let mut status = "pending".to_string();
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match (k.as_ref(), v.as_ref()) {
            ("status", v @ ("pending" | "approved" | "rejected" | "withdrawn")) => {
                status = v.to_string()
            }
            ("status", other) => {
                return Err(ApiError::bad_request(
                    "invalid_status",
                    format!(
                        "不认识的审核状态“{other}”：可用 pending、approved、rejected、withdrawn"
                    ),
                    format!(
                        "unknown status '{other}'; use pending, approved, rejected or withdrawn"
                    ),
                ))
            }
            (other, _) => {
                return Err(ApiError::bad_request(
                    "unknown_parameter",
                    format!("不认识的查询参数：“{other}”"),
                    format!("unknown query parameter '{other}'; use status"),
                ))
            }
        }
    }
    let mut items = Vec::new();
    for (review, listing) in store::queue(&s.db, &s.dataset.name, &status).await? {
        let r = &review.registration;
        let checks = checks::run(&s, r, listing.id, listing.outlet_id).await?;
        let photos: serde_json::Map<String, Value> = store::photos_of(&s.db, listing.id)
            .await?
            .into_iter()
            .map(|(kind, hash)| (kind, staff_links(&hash)))
            .collect();
        items.push(json!({
            "id": review.id,
            "kind": review.kind,
            "status": review.status,
            "changes": review.changes,
            "reason": review.reason,
            "submitted_at": review.submitted_at,
            "decided_at": review.decided_at,
            "decided_by": review.decided_by,
            "registration": r,
            "opening_hours": r.hours.to_osm(),
            "position": { "lon": r.lon, "lat": r.lat },
            "listing": {
                "id": listing.id,
                "outlet_id": listing.outlet_id,
                "status": listing.status,
                "created_on": listing.created_on,
                // What the map shows now, for comparing a change with it.
                "current": (review.kind == "change").then_some(&listing.registration),
            },
            "checks": checks,
            "photos": photos,
        }));
    }
    Ok(Json(json!({ "status": status, "registrations": items })))
}

/// `POST /api/staff/registrations/{id}/approve` (body ignored; `{}`).
pub async fn approve(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    decide(&s, &staff, review_id(&id)?, Decision::Approve).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    #[serde(default)]
    reason: String,
}

/// The owner reads the reason: enough to act on, short enough for a phone.
const REASON_CHARS: std::ops::RangeInclusive<usize> = 2..=200;

/// `POST /api/staff/registrations/{id}/reject` `{reason}`.
pub async fn reject(
    State(s): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RejectBody>,
) -> Result<Json<Value>, ApiError> {
    let id = review_id(&id)?;
    let reason = body.reason.trim();
    let n = reason.chars().count();
    if !REASON_CHARS.contains(&n) {
        return Err(ApiError::bad_request(
            "reason_required",
            format!(
                "请填写驳回原因（{}–{} 个字），商户会看到它并据此修改",
                REASON_CHARS.start(),
                REASON_CHARS.end()
            ),
            format!(
                "a reason of {}-{} characters is required; the merchant reads it",
                REASON_CHARS.start(),
                REASON_CHARS.end()
            ),
        ));
    }
    decide(&s, &staff, id, Decision::Reject { reason }).await
}

async fn decide(
    s: &AppState,
    staff: &Staff,
    id: i64,
    decision: Decision<'_>,
) -> Result<Json<Value>, ApiError> {
    match store::decide(&s.db, &s.dataset.name, id, decision, &staff.actor()).await {
        Ok(review) => Ok(Json(json!({ "review": review }))),
        Err(DecideError::NotFound) => Err(no_such_review(id)),
        Err(DecideError::NotPending(status)) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_decided",
            format!("这条登记已经处理过了（{}），请刷新列表", status_zh(&status)),
            format!("this registration is {status} already; reload the queue"),
        )),
        Err(DecideError::Storage(e)) => Err(ApiError::storage(e)),
    }
}

fn status_zh(status: &str) -> &'static str {
    match status {
        "approved" => "已通过",
        "rejected" => "已驳回",
        "withdrawn" => "商户已撤回",
        _ => "待审核",
    }
}

/// The same answer for a missing, malformed or unknown token: nobody learns whether a listing
/// exists.
fn no_listing() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "listing_not_found",
        "管理链接无效：请使用入驻时得到的完整链接",
        "no listing for this management token",
    )
}

async fn owner_listing(s: &AppState, headers: &HeaderMap) -> Result<store::Listing, ApiError> {
    let token = owner_token::from_headers(headers).ok_or_else(no_listing)?;
    store::listing_by_token(&s.db, &s.dataset.name, &owner_token::hash(token))
        .await?
        .ok_or_else(no_listing)
}

async fn listing_view(s: &AppState, listing: &store::Listing) -> Result<Value, ApiError> {
    let reviews = store::reviews_of(&s.db, listing.id).await?;
    // The reason the listing itself was turned down, while it is.
    let reject_reason = (listing.status == "rejected")
        .then(|| {
            reviews
                .iter()
                .find(|r| r.kind == "new" && r.status == "rejected")
                .and_then(|r| r.reason.clone())
        })
        .flatten();
    let photos = store::photos_of(&s.db, listing.id).await?;
    let shopfront = photos
        .iter()
        .find(|(k, _)| k == "shopfront")
        .map(|(_, h)| public_links(h));
    let has_licence = photos.iter().any(|(k, _)| k == "licence");
    let pending_change = reviews
        .iter()
        .find(|r| r.kind == "change" && r.status == "pending");
    Ok(json!({
        "id": listing.id,
        "outlet_id": listing.outlet_id,
        "status": listing.status,
        "created_on": listing.created_on,
        "registration": listing.registration,
        "opening_hours": listing.registration.hours.to_osm(),
        "reject_reason": reject_reason,
        "shopfront_photo": shopfront,
        "licence_photo_uploaded": has_licence,
        "pending_change": pending_change,
        "reviews": reviews,
    }))
}

/// `GET /api/merchant/listing` with `Authorization: Bearer TOKEN`.
pub async fn own_listing(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let listing = owner_listing(&s, &headers).await?;
    Ok(Json(listing_view(&s, &listing).await?))
}

/// `POST /api/merchant/listing` with the token and a whole `Registration`: 200 `{applied,
/// review, changes, listing}` (see `store::owner_edit` for what goes live and what waits).
pub async fn edit_listing(State(s): State<AppState>, req: Request) -> Result<Json<Value>, Refusal> {
    let headers = req.headers().clone();
    // The token first: a stranger learns nothing, not even whether the body would pass.
    let listing = owner_listing(&s, &headers).await?;
    let posted = uploads::read(&s, req, &[Kind::Shopfront]).await?;
    let checked = body::check(posted.registration, &s.rules)?;
    let processed = uploads::process(posted.photos).await?;
    let staged = Staged::write(&s.uploads, processed).await?;
    let edited = store::owner_edit(&s.db, listing.id, &checked, &s.rules, &staged.photos)
        .await?
        .ok_or_else(no_listing)?;
    staged.publish().await;
    let listing = owner_listing(&s, &headers).await?;
    let message = match (&edited.review, edited.changes.is_empty()) {
        (None, _) => ("已保存，地图上已更新", "saved; the map shows it now"),
        (Some(_), true) => ("已保存，等待工作人员审核", "saved; waiting for staff review"),
        (Some(_), false) => (
            "已保存：店名、类别、位置或信用代码的修改需工作人员审核，审核前地图上仍显示原来的信息",
            "saved; the change of name, category, position or credit code waits for staff review, the map shows the approved version until then",
        ),
    };
    Ok(Json(json!({
        "applied": edited.applied,
        "review": edited.review,
        "changes": edited.changes,
        "message": message.0,
        "message_en": message.1,
        "listing": listing_view(&s, &listing).await?,
    })))
}

fn public_links(hash: &str) -> Value {
    json!({
        "url": format!("/api/photos/{hash}.jpg"),
        "thumb_url": format!("/api/photos/{hash}.thumb.jpg"),
    })
}

fn staff_links(hash: &str) -> Value {
    json!({
        "url": format!("/api/staff/photos/{hash}.jpg"),
        "thumb_url": format!("/api/staff/photos/{hash}.thumb.jpg"),
    })
}

/// The registrant's answer: the shop front's public address; the licence only as uploaded.
fn photo_links(photos: &[NewPhoto]) -> Value {
    let mut out = serde_json::Map::new();
    for p in photos {
        let v = match p.kind {
            Kind::Shopfront => public_links(&p.hash),
            Kind::Licence => json!({ "uploaded": true }),
        };
        out.insert(p.kind.as_str().to_string(), v);
    }
    Value::Object(out)
}
