//! Storage of listings and reviews. Each write is one transaction (the process's writer turn):
//! the outlet, the listing, the review and, for staff decisions, the audit record all change
//! together or not at all.

use super::changes;
use super::uploads::NewPhoto;
use crate::db::{self, Db};
use crate::staff::audit::{self, Actor};
use app::domain::merchant::{CheckedRegistration, Registration};
use app::domain::{Outlet, Rules};
use serde::Serialize;
use serde_json::json;
use sqlx::AnyConnection;

/// What a new registration made.
#[derive(Debug, Clone, Copy)]
pub struct Created {
    pub review: i64,
    pub listing: i64,
    pub outlet: i64,
}

/// A listing as its owner and staff see it.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub id: i64,
    pub outlet_id: i64,
    /// The outlet's status: pending (never approved yet), approved (on the map), rejected.
    pub status: String,
    pub created_on: String,
    /// The version the outlet shows (or will show once approved).
    pub registration: Registration,
}

/// One review, newest first in lists.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: i64,
    pub listing: i64,
    pub kind: String,
    pub status: String,
    /// The whole version proposed.
    pub registration: Registration,
    /// Reviewed fields it changes ("name", "category", "position", "credit_code"); empty for
    /// a new listing.
    pub changes: Vec<String>,
    pub reason: Option<String>,
    pub submitted_at: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serialises")
}

fn decode<T: serde::de::DeserializeOwned>(col: &str, text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::ColumnDecode {
        index: col.to_string(),
        source: Box::new(e),
    })
}

/// Stores a checked registration as a pending merchant outlet with its listing and review.
pub async fn create(
    db: &Db,
    dataset: &str,
    checked: &CheckedRegistration,
    created_on: &str,
    token_hash: &[u8],
    photos: &[NewPhoto],
) -> Result<Created, sqlx::Error> {
    let mut tx = db::begin_write(db).await?;
    let o = checked.to_outlet();
    let (outlet,): (i64,) = sqlx::query_as(
        "INSERT INTO outlets (dataset, name, name_en, category, repair_kinds, services, prices,
             opening_hours, phone, address, brand, delivers, open_24h, source, osm_ref, status,
             lon, lat)
         VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'merchant', NULL, 'pending', $13, $14)
         RETURNING id",
    )
    .bind(dataset)
    .bind(&o.name)
    .bind(&o.category)
    .bind(to_json(&o.repair_kinds))
    .bind(to_json(&o.services))
    .bind(to_json(&o.prices))
    .bind(&o.opening_hours)
    .bind(&o.phone)
    .bind(&o.address)
    .bind(&o.brand)
    .bind(o.delivers)
    .bind(o.open_24h)
    .bind(o.lon)
    .bind(o.lat)
    .fetch_one(&mut *tx)
    .await?;
    let registration = to_json(checked.registration());
    let (listing,): (i64,) = sqlx::query_as(
        "INSERT INTO merchant_listings
             (dataset, outlet, credit_code, registration, created_on, token_hash)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(dataset)
    .bind(outlet)
    .bind(checked.credit_code().as_str())
    .bind(&registration)
    .bind(created_on)
    .bind(token_hash)
    .fetch_one(&mut *tx)
    .await?;
    let review = insert_review(&mut tx, listing, "new", &registration, &[]).await?;
    insert_photos(&mut tx, listing, photos).await?;
    tx.commit().await?;
    Ok(Created {
        review,
        listing,
        outlet,
    })
}

async fn insert_review(
    conn: &mut AnyConnection,
    listing: i64,
    kind: &str,
    registration: &str,
    changes: &[&str],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO merchant_reviews (listing, kind, registration, changes)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(listing)
    .bind(kind)
    .bind(registration)
    .bind(to_json(&changes))
    .fetch_one(conn)
    .await
}

const LISTING_COLUMNS: &str = "l.id, l.outlet, o.status, l.created_on, l.registration";

type ListingRow = (i64, i64, String, String, String);

fn listing_of(row: ListingRow) -> Result<Listing, sqlx::Error> {
    let (id, outlet_id, status, created_on, registration) = row;
    Ok(Listing {
        id,
        outlet_id,
        status,
        created_on,
        registration: decode("registration", &registration)?,
    })
}

/// The listing whose token hashes to `token_hash`, in this dataset only.
pub async fn listing_by_token(
    db: &Db,
    dataset: &str,
    token_hash: &[u8],
) -> Result<Option<Listing>, sqlx::Error> {
    let row: Option<ListingRow> = sqlx::query_as(&format!(
        "SELECT {LISTING_COLUMNS} FROM merchant_listings l JOIN outlets o ON o.id = l.outlet
         WHERE l.dataset = $1 AND l.token_hash = $2"
    ))
    .bind(dataset)
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    row.map(listing_of).transpose()
}

async fn listing_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Listing>, sqlx::Error> {
    let row: Option<ListingRow> = sqlx::query_as(&format!(
        "SELECT {LISTING_COLUMNS} FROM merchant_listings l JOIN outlets o ON o.id = l.outlet
         WHERE l.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(listing_of).transpose()
}

const REVIEW_COLUMNS: &str = "r.id, r.listing, r.kind, r.status, r.registration, r.changes,
     r.reason, r.submitted_at, r.decided_at, r.decided_actor";

type ReviewRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

fn review_of(row: ReviewRow) -> Result<Review, sqlx::Error> {
    let (id, listing, kind, status, registration, changes, reason, submitted_at, decided_at, by) =
        row;
    Ok(Review {
        id,
        listing,
        kind,
        status,
        registration: decode("registration", &registration)?,
        changes: decode("changes", &changes)?,
        reason,
        submitted_at,
        decided_at,
        decided_by: by,
    })
}

/// A listing's reviews, newest first.
pub async fn reviews_of(db: &Db, listing: i64) -> Result<Vec<Review>, sqlx::Error> {
    let rows: Vec<ReviewRow> = sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM merchant_reviews r WHERE r.listing = $1 ORDER BY r.id DESC"
    ))
    .bind(listing)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(review_of).collect()
}

/// The dataset's reviews in one status with their listings, oldest first (the queue's order).
pub async fn queue(
    db: &Db,
    dataset: &str,
    status: &str,
) -> Result<Vec<(Review, Listing)>, sqlx::Error> {
    let rows: Vec<ReviewRow> = sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM merchant_reviews r
         JOIN merchant_listings l ON l.id = r.listing
         WHERE l.dataset = $1 AND r.status = $2 ORDER BY r.id LIMIT 500"
    ))
    .bind(dataset)
    .bind(status)
    .fetch_all(db)
    .await?;
    let mut conn = db.acquire().await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let review = review_of(row)?;
        if let Some(listing) = listing_by_id(&mut conn, review.listing).await? {
            out.push((review, listing));
        }
    }
    Ok(out)
}

/// Other listings of the dataset with the same credit code (one licence, several shops is
/// possible, but staff should look).
pub async fn same_credit_code(
    db: &Db,
    dataset: &str,
    credit_code: &str,
    except_listing: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM merchant_listings WHERE dataset = $1 AND credit_code = $2 AND id <> $3
         ORDER BY id",
    )
    .bind(dataset)
    .bind(credit_code)
    .bind(except_listing)
    .fetch_all(db)
    .await
}

/// Approved outlets of a category in a small box around a point: candidates for "already on
/// the map" (the caller measures the distance).
pub async fn approved_near(
    db: &Db,
    dataset: &str,
    category: &str,
    lonlat: [f64; 2],
    except_outlet: i64,
) -> Result<Vec<(i64, Option<String>, f64, f64)>, sqlx::Error> {
    // 0.001° is 111 m of latitude and still 95 m of longitude at 31° N: a box around the
    // caller's 50 m radius, which it then measures exactly.
    let d = 0.001;
    sqlx::query_as(
        "SELECT id, name, lon, lat FROM outlets
         WHERE dataset = $1 AND status = 'approved' AND category = $2 AND id <> $3
           AND lon BETWEEN $4 AND $5 AND lat BETWEEN $6 AND $7",
    )
    .bind(dataset)
    .bind(category)
    .bind(except_outlet)
    .bind(lonlat[0] - d)
    .bind(lonlat[0] + d)
    .bind(lonlat[1] - d)
    .bind(lonlat[1] + d)
    .fetch_all(db)
    .await
}

/// A staff decision on a pending review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision<'a> {
    Approve,
    Reject { reason: &'a str },
}

/// Why a decision was not stored.
#[derive(Debug)]
pub enum DecideError {
    NotFound,
    /// Decided already (by someone else, or withdrawn by the owner): the status it has.
    NotPending(String),
    Storage(sqlx::Error),
}

impl From<sqlx::Error> for DecideError {
    fn from(e: sqlx::Error) -> Self {
        DecideError::Storage(e)
    }
}

/// Approves or rejects a pending review of the dataset, with its audit record. Approving a new
/// listing puts its outlet on the map; approving a change writes the proposed version to the
/// outlet. Rejecting a new listing marks its outlet rejected; rejecting a change leaves the
/// approved version as it is.
pub async fn decide(
    db: &Db,
    dataset: &str,
    review_id: i64,
    decision: Decision<'_>,
    by: &Actor,
) -> Result<Review, DecideError> {
    let mut tx = db::begin_write(db).await?;
    let row: Option<ReviewRow> = sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM merchant_reviews r
         JOIN merchant_listings l ON l.id = r.listing
         WHERE r.id = $1 AND l.dataset = $2"
    ))
    .bind(review_id)
    .bind(dataset)
    .fetch_optional(&mut *tx)
    .await?;
    let review = review_of(row.ok_or(DecideError::NotFound)?)?;
    if review.status != "pending" {
        return Err(DecideError::NotPending(review.status));
    }
    let listing = listing_by_id(&mut tx, review.listing)
        .await?
        .ok_or(DecideError::NotFound)?;
    let (status, reason) = match decision {
        Decision::Approve => ("approved", None),
        Decision::Reject { reason } => ("rejected", Some(reason)),
    };
    match (review.kind.as_str(), decision) {
        ("new", _) => set_outlet_status(&mut tx, listing.outlet_id, status).await?,
        (_, Decision::Approve) => {
            write_version(&mut tx, &listing, &review.registration).await?;
        }
        (_, Decision::Reject { .. }) => {}
    }
    sqlx::query(
        "UPDATE merchant_reviews SET status = $1, reason = $2, decided_by = $3, decided_actor = $4,
             decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = $5",
    )
    .bind(status)
    .bind(reason)
    .bind(by.staff)
    .bind(&by.name)
    .bind(review.id)
    .execute(&mut *tx)
    .await?;
    let action = match (review.kind.as_str(), status) {
        ("new", "approved") => "merchant_listing_approved",
        ("new", _) => "merchant_listing_rejected",
        (_, "approved") => "merchant_change_approved",
        _ => "merchant_change_rejected",
    };
    audit::record(
        &mut tx,
        by,
        action,
        &format!("merchant_review:{}", review.id),
        json!({
            "listing": listing.id,
            "outlet": listing.outlet_id,
            "name": review.registration.name,
            "changes": review.changes,
            "reason": reason,
        }),
    )
    .await?;
    let decided = sqlx::query_as::<_, ReviewRow>(&format!(
        "SELECT {REVIEW_COLUMNS} FROM merchant_reviews r WHERE r.id = $1"
    ))
    .bind(review.id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(review_of(decided)?)
}

/// The outlet a version shows. Only stored versions come here, and they passed the checks, so
/// the fields are the normalised ones (the same as `CheckedRegistration::to_outlet`).
fn to_outlet_fields(r: &Registration) -> Outlet {
    Outlet {
        name: Some(r.name.clone()),
        name_en: None,
        category: r.category.clone(),
        repair_kinds: r.repair_kinds.clone(),
        services: r.services.clone(),
        prices: r.prices.clone(),
        opening_hours: r.hours.to_osm(),
        phone: Some(r.phone.clone()),
        address: Some(r.address.clone()),
        brand: r.brand.clone(),
        delivers: Some(r.delivers),
        open_24h: r.hours.open_24h,
        source: app::domain::OutletSource::Merchant,
        osm_ref: None,
        lon: r.lon,
        lat: r.lat,
    }
}

async fn set_outlet_status(
    conn: &mut AnyConnection,
    outlet: i64,
    status: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outlets SET status = $1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = $2",
    )
    .bind(status)
    .bind(outlet)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes a version to the listing and its outlet (the outlet's status is left alone).
async fn write_version(
    conn: &mut AnyConnection,
    listing: &Listing,
    registration: &Registration,
) -> Result<(), sqlx::Error> {
    let o = to_outlet_fields(registration);
    sqlx::query(
        "UPDATE outlets SET name = $1, category = $2, repair_kinds = $3, services = $4, prices = $5,
             opening_hours = $6, phone = $7, address = $8, brand = $9, delivers = $10, open_24h = $11,
             lon = $12, lat = $13, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = $14",
    )
    .bind(&o.name)
    .bind(&o.category)
    .bind(to_json(&o.repair_kinds))
    .bind(to_json(&o.services))
    .bind(to_json(&o.prices))
    .bind(&o.opening_hours)
    .bind(&o.phone)
    .bind(&o.address)
    .bind(&o.brand)
    .bind(o.delivers)
    .bind(o.open_24h)
    .bind(o.lon)
    .bind(o.lat)
    .bind(listing.outlet_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE merchant_listings SET registration = $1, credit_code = $2 WHERE id = $3")
        .bind(to_json(registration))
        .bind(&registration.credit_code)
        .bind(listing.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What an owner's edit did.
#[derive(Debug, Clone, Serialize)]
pub struct Edited {
    /// The immediate fields are on the outlet now (on the map if it is approved).
    pub applied: bool,
    /// The review the edit waits in, if any ("new" while the listing is unreviewed or was
    /// rejected, "change" for a reviewed field of an approved one).
    pub review: Option<i64>,
    pub changes: Vec<String>,
}

/// Applies an owner's checked version to their listing (found by token in the handler and read
/// again here, inside the transaction, so a staff decision in between is seen):
/// - not approved yet: the version replaces the one waiting for review (a rejected listing
///   goes back into the queue);
/// - approved, no reviewed field changed: written to the live outlet at once (a waiting change
///   the owner has taken back is withdrawn);
/// - approved with a new name, category, credit code or position: the immediate fields go
///   live at once where the approved version stays valid with them, and the whole version waits
///   for review as a change.
pub async fn owner_edit(
    db: &Db,
    listing_id: i64,
    checked: &CheckedRegistration,
    rules: &Rules,
    photos: &[NewPhoto],
) -> Result<Option<Edited>, sqlx::Error> {
    let mut tx = db::begin_write(db).await?;
    let Some(listing) = listing_by_id(&mut tx, listing_id).await? else {
        return Ok(None);
    };
    let proposed = checked.registration();
    let proposed_json = to_json(proposed);
    let pending: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM merchant_reviews WHERE listing = $1 AND status = 'pending'",
    )
    .bind(listing.id)
    .fetch_optional(&mut *tx)
    .await?;
    let edited = if listing.status != "approved" {
        write_version(&mut tx, &listing, proposed).await?;
        let review = match pending {
            Some(id) => {
                sqlx::query("UPDATE merchant_reviews SET registration = $1, submitted_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = $2")
                    .bind(&proposed_json)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                id
            }
            None => {
                set_outlet_status(&mut tx, listing.outlet_id, "pending").await?;
                insert_review(&mut tx, listing.id, "new", &proposed_json, &[]).await?
            }
        };
        Edited {
            applied: false,
            review: Some(review),
            changes: vec![],
        }
    } else {
        let reviewed = changes::reviewed(&listing.registration, proposed);
        if reviewed.is_empty() {
            write_version(&mut tx, &listing, proposed).await?;
            if let Some(id) = pending {
                sqlx::query(
                    "UPDATE merchant_reviews SET status = 'withdrawn',
                         decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                     WHERE id = $1",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            Edited {
                applied: true,
                review: None,
                changes: vec![],
            }
        } else {
            let live = changes::immediate_part(&listing.registration, proposed);
            // A category change may bring price lines the old category does not allow (or
            // drop ones it needs): then nothing goes live before the review.
            let applied = match live.check(rules) {
                Ok(live_checked) => {
                    write_version(&mut tx, &listing, live_checked.registration()).await?;
                    true
                }
                Err(_) => false,
            };
            let review = match pending {
                Some(id) => {
                    sqlx::query(
                        "UPDATE merchant_reviews SET registration = $1, changes = $2,
                             submitted_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                         WHERE id = $3",
                    )
                    .bind(&proposed_json)
                    .bind(to_json(&reviewed))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                None => {
                    insert_review(&mut tx, listing.id, "change", &proposed_json, &reviewed).await?
                }
            };
            Edited {
                applied,
                review: Some(review),
                changes: reviewed.iter().map(|c| c.to_string()).collect(),
            }
        }
    };
    // A new shop-front photo is like the hours: shown at once.
    insert_photos(&mut tx, listing.id, photos).await?;
    tx.commit().await?;
    Ok(Some(edited))
}

async fn insert_photos(
    conn: &mut AnyConnection,
    listing: i64,
    photos: &[NewPhoto],
) -> Result<(), sqlx::Error> {
    for p in photos {
        sqlx::query(
            "INSERT INTO merchant_photos (listing, kind, hash, width, height, bytes)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(listing)
        .bind(p.kind.as_str())
        .bind(&p.hash)
        .bind(i64::from(p.width))
        .bind(i64::from(p.height))
        .bind(p.bytes as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Whether a stored photo of one of these kinds has this hash.
pub async fn photo_exists(db: &Db, hash: &str, kinds: &[&str]) -> Result<bool, sqlx::Error> {
    if kinds.is_empty() {
        return Ok(false);
    }
    let mut p = crate::db::Placeholders::default();
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM merchant_photos WHERE hash = {} AND kind IN ({}))",
        p.one(),
        p.list(kinds.len())
    );
    let mut q = sqlx::query_scalar(&sql).bind(hash);
    for k in kinds {
        q = q.bind(*k);
    }
    let found: crate::db::Flag = q.fetch_one(db).await?;
    Ok(found.0)
}

/// A listing's current photos: the newest hash of each kind.
pub async fn photos_of(db: &Db, listing: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, hash FROM merchant_photos p
         WHERE listing = $1 AND id = (SELECT max(id) FROM merchant_photos
                                     WHERE listing = p.listing AND kind = p.kind)
         ORDER BY kind",
    )
    .bind(listing)
    .fetch_all(db)
    .await
}
