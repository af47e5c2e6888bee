//! The circles table (migration 0006): the dataset's circles seeded once, then created and
//! edited by staff. Every write is audited in its own transaction.

use crate::db::Db;
use crate::staff::audit::{self, Actor};
use app::domain::{bbox, Circle, GeoPolygon};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A stored circle with who last changed it and its version.
#[derive(Debug, Clone, Serialize)]
pub struct StoredCircle {
    pub circle: Circle,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds what staff set, in the column order both the insert and the update use: names,
/// boundary, centre, bbox (from the boundary), population and its note.
fn bind_fields<'q>(q: Query<'q>, f: &'q CircleFields, centre: [f64; 2]) -> Query<'q> {
    let bbox = bbox::around(f.ring.iter().copied());
    q.bind(&f.name_zh)
        .bind(&f.name_en)
        .bind(boundary_json(&f.ring))
        .bind(centre[0])
        .bind(centre[1])
        .bind(bbox[0])
        .bind(bbox[1])
        .bind(bbox[2])
        .bind(bbox[3])
        .bind(f.service_population as i64)
        .bind(&f.population_note)
}

/// What staff set on a circle (checked: see `checks`). The centre and bbox follow from the
/// boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct CircleFields {
    pub name_zh: String,
    pub name_en: String,
    /// Closed outer ring, [lon, lat].
    pub ring: Vec<[f64; 2]>,
    pub service_population: u64,
    pub population_note: Option<String>,
}

const COLUMNS: &str =
    "id, name_zh, name_en, boundary, centre_lon, centre_lat, west, south, east, north,
     service_population, population_note, timezone, version, created_by, created_at,
     updated_by, updated_at";

fn from_row(row: &AnyRow) -> Result<StoredCircle, sqlx::Error> {
    let boundary: String = row.try_get("boundary")?;
    let boundary: GeoPolygon =
        serde_json::from_str(&boundary).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let population: Option<i64> = row.try_get("service_population")?;
    Ok(StoredCircle {
        circle: Circle {
            id: row.try_get("id")?,
            name_zh: row.try_get("name_zh")?,
            name_en: row.try_get("name_en")?,
            centre: [row.try_get("centre_lon")?, row.try_get("centre_lat")?],
            boundary,
            bbox: [
                row.try_get("west")?,
                row.try_get("south")?,
                row.try_get("east")?,
                row.try_get("north")?,
            ],
            service_population: population.map(|p| p as u64),
            population_note: row.try_get("population_note")?,
            timezone: row.try_get("timezone")?,
        },
        version: row.try_get("version")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_by: row.try_get("updated_by")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn boundary_json(ring: &[[f64; 2]]) -> String {
    serde_json::to_string(&GeoPolygon::new(ring.to_vec())).expect("a polygon serialises")
}

/// The dataset's circles that are not stored yet are stored (file order kept); a stored one,
/// edited or not, is left as it is. Returns how many were added.
pub async fn seed(db: &Db, dataset: &str, circles: &[Circle]) -> Result<usize, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let mut added = 0;
    for c in circles {
        let done = sqlx::query(&format!(
            "INSERT INTO circles (dataset, seq, {COLUMNS})
             VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM circles WHERE dataset = $2),
                     $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, 'dataset',
                     strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'dataset',
                     strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             ON CONFLICT (dataset, id) DO NOTHING"
        ))
        .bind(dataset)
        .bind(dataset)
        .bind(&c.id)
        .bind(&c.name_zh)
        .bind(&c.name_en)
        .bind(serde_json::to_string(&c.boundary).expect("a polygon serialises"))
        .bind(c.centre[0])
        .bind(c.centre[1])
        .bind(c.bbox[0])
        .bind(c.bbox[1])
        .bind(c.bbox[2])
        .bind(c.bbox[3])
        .bind(c.service_population.map(|p| p as i64))
        .bind(&c.population_note)
        .bind(&c.timezone)
        .execute(&mut *tx)
        .await?;
        added += done.rows_affected() as usize;
    }
    tx.commit().await?;
    Ok(added)
}

/// The dataset's circles in their order.
pub async fn list(db: &Db, dataset: &str) -> Result<Vec<StoredCircle>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM circles WHERE dataset = $1 ORDER BY seq"
    ))
    .bind(dataset)
    .fetch_all(db)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(db: &Db, dataset: &str, id: &str) -> Result<Option<StoredCircle>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM circles WHERE dataset = $1 AND id = $2"
    ))
    .bind(dataset)
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The first circle (the deployment's zone and day come from it).
pub async fn first(db: &Db, dataset: &str) -> Result<Option<StoredCircle>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM circles WHERE dataset = $1 ORDER BY seq LIMIT 1"
    ))
    .bind(dataset)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// A new circle under a free id: `base`, else `base-2`, `base-3`, … Its zone is the
/// deployment's (the first circle's).
pub async fn create(
    db: &Db,
    dataset: &str,
    base: &str,
    f: &CircleFields,
    centre: [f64; 2],
    timezone: &str,
    by: &Actor,
) -> Result<StoredCircle, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let taken: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM circles WHERE dataset = $1 AND (id = $2 OR id LIKE $3 ESCAPE '\\')",
    )
    .bind(dataset)
    .bind(base)
    .bind(format!(
        "{}-%",
        base.replace('%', "\\%").replace('_', "\\_")
    ))
    .fetch_all(&mut *tx)
    .await?;
    let id = (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !taken.contains(id))
        .expect("an unbounded range has a free id");
    let sql = format!(
        "INSERT INTO circles (dataset, seq, {COLUMNS}, created_staff, updated_staff)
         VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM circles WHERE dataset = $2),
                 $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16,
                 strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), $17,
                 strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), $18, $19)"
    );
    let q = sqlx::query(&sql).bind(dataset).bind(dataset).bind(&id);
    bind_fields(q, f, centre)
        .bind(timezone)
        .bind(&by.name)
        .bind(&by.name)
        .bind(by.staff)
        .bind(by.staff)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        by,
        "circle_created",
        &format!("circle:{dataset}/{id}"),
        fields_json(
            &f.name_zh,
            &f.name_en,
            &f.ring,
            f.service_population,
            &f.population_note,
        ),
    )
    .await?;
    commit_and_read(tx, dataset, &id).await
}

/// What the audit log keeps of a circle's staff-set fields.
fn fields_json<P: Serialize, N: Serialize>(
    name_zh: &str,
    name_en: &str,
    boundary: &[[f64; 2]],
    population: P,
    note: &N,
) -> serde_json::Value {
    json!({
        "name_zh": name_zh, "name_en": name_en, "boundary": boundary,
        "service_population": population, "population_note": note,
    })
}

/// Reads the circle back as stored, inside the write, then commits.
async fn commit_and_read(
    mut tx: crate::db::WriteTx,
    dataset: &str,
    id: &str,
) -> Result<StoredCircle, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM circles WHERE dataset = $1 AND id = $2"
    ))
    .bind(dataset)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let stored = from_row(&row)?;
    tx.commit().await?;
    Ok(stored)
}

/// Why an edit was not stored.
#[derive(Debug)]
pub enum EditRefused {
    Unknown,
    /// Someone saved the circle since the version the edit was made on.
    Stale {
        current: i64,
    },
    Storage(sqlx::Error),
}

impl From<sqlx::Error> for EditRefused {
    fn from(e: sqlx::Error) -> Self {
        EditRefused::Storage(e)
    }
}

/// Replaces a circle's fields; the audit log keeps what it replaced. `expected`: the version
/// the staff member edited, when the page says.
pub async fn update(
    db: &Db,
    dataset: &str,
    id: &str,
    f: &CircleFields,
    centre: [f64; 2],
    expected: Option<i64>,
    by: &Actor,
) -> Result<StoredCircle, EditRefused> {
    let mut tx = crate::db::begin_write(db).await?;
    let before = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM circles WHERE dataset = $1 AND id = $2"
    ))
    .bind(dataset)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(before) = before.as_ref().map(from_row).transpose()? else {
        return Err(EditRefused::Unknown);
    };
    if expected.is_some_and(|v| v != before.version) {
        return Err(EditRefused::Stale {
            current: before.version,
        });
    }
    let q = sqlx::query(
        "UPDATE circles SET name_zh = $1, name_en = $2, boundary = $3, centre_lon = $4,
             centre_lat = $5, west = $6, south = $7, east = $8, north = $9, service_population = $10,
             population_note = $11, updated_by = $12, updated_staff = $13,
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), version = version + 1
         WHERE dataset = $14 AND id = $15",
    );
    bind_fields(q, f, centre)
        .bind(&by.name)
        .bind(by.staff)
        .bind(dataset)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let b = &before.circle;
    audit::record(
        &mut tx,
        by,
        "circle_edited",
        &format!("circle:{dataset}/{id}"),
        json!({
            "version": before.version + 1,
            "before": fields_json(
                &b.name_zh,
                &b.name_en,
                b.boundary.outer(),
                b.service_population,
                &b.population_note,
            ),
            "after": fields_json(
                &f.name_zh,
                &f.name_en,
                &f.ring,
                f.service_population,
                &f.population_note,
            ),
        }),
    )
    .await?;
    Ok(commit_and_read(tx, dataset, id).await?)
}
