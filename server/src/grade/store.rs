//! Storage of what staff set and enter for a circle's grade, and of the recorded grades. Every
//! write is audited in its own transaction.

use super::evidence::{Kind, Prepared};
use crate::db::Db;
use crate::staff::audit::{self, Actor};
use app::domain::grade::{Attachment, Grade, Points, StaffEntry};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// A circle's settings; defaults (tier 3, no census) until staff set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settings {
    pub city_tier: u8,
    pub census_outlets: Option<u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            city_tier: 3,
            census_outlets: None,
        }
    }
}

pub async fn settings(db: &Db, dataset: &str, circle: &str) -> Result<Settings, sqlx::Error> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT city_tier, census_outlets FROM circle_settings WHERE dataset = $1 AND circle = $2",
    )
    .bind(dataset)
    .bind(circle)
    .fetch_optional(db)
    .await?;
    Ok(
        row.map_or_else(Settings::default, |(tier, census)| Settings {
            city_tier: tier as u8,
            census_outlets: census.map(|c| c as u32),
        }),
    )
}

pub async fn set_settings(
    db: &Db,
    dataset: &str,
    circle: &str,
    s: Settings,
    by: &Actor,
) -> Result<(), sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query(
        "INSERT INTO circle_settings (dataset, circle, city_tier, census_outlets)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (dataset, circle)
         DO UPDATE SET city_tier = excluded.city_tier, census_outlets = excluded.census_outlets",
    )
    .bind(dataset)
    .bind(circle)
    .bind(s.city_tier as i64)
    .bind(s.census_outlets.map(i64::from))
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        by,
        "grade_settings_set",
        &format!("circle:{dataset}/{circle}"),
        json!({ "city_tier": s.city_tier, "census_outlets": s.census_outlets }),
    )
    .await?;
    tx.commit().await
}

/// The staff entries by part key.
pub async fn entries(
    db: &Db,
    dataset: &str,
    circle: &str,
) -> Result<BTreeMap<String, StaffEntry>, sqlx::Error> {
    let rows: Vec<(String, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT part, points, note, evidence FROM grade_entries WHERE dataset = $1 AND circle = $2",
    )
    .bind(dataset)
    .bind(circle)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(part, points, note, evidence)| {
            let entry = StaffEntry {
                points: Points(points.max(0) as u32),
                note,
                evidence,
            };
            (part, entry)
        })
        .collect())
}

/// Stores (or replaces) one checked entry, with the file attached to it if any (in the same
/// transaction); the audit log keeps the value it replaced.
pub async fn put_entry(
    db: &Db,
    dataset: &str,
    circle: &str,
    part: &str,
    entry: &StaffEntry,
    attachment: Option<&Prepared>,
    by: &Actor,
) -> Result<(), sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let before: Option<(i64, String)> = sqlx::query_as(
        "SELECT points, note FROM grade_entries WHERE dataset = $1 AND circle = $2 AND part = $3",
    )
    .bind(dataset)
    .bind(circle)
    .bind(part)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO grade_entries (dataset, circle, part, points, note, evidence, staff, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (dataset, circle, part) DO UPDATE SET
             points = excluded.points, note = excluded.note, evidence = excluded.evidence,
             staff = excluded.staff, actor = excluded.actor,
             at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
    )
    .bind(dataset)
    .bind(circle)
    .bind(part)
    .bind(entry.points.0 as i64)
    .bind(&entry.note)
    .bind(&entry.evidence)
    .bind(by.staff)
    .bind(&by.name)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        by,
        "grade_entry_set",
        &format!("circle:{dataset}/{circle}"),
        json!({
            "part": part,
            "points_tenths": entry.points.0,
            "note": entry.note,
            "evidence": entry.evidence,
            "attachment": attachment.map(|a| json!({ "hash": a.hash, "kind": a.kind.as_str() })),
            "before": before.map(|(p, n)| json!({ "points_tenths": p, "note": n })),
        }),
    )
    .await?;
    if let Some(a) = attachment {
        // The same file again for the same part is one attachment.
        sqlx::query(
            "INSERT INTO grade_attachments (dataset, circle, part, hash, kind, name, bytes, staff, actor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (dataset, circle, part, hash) DO NOTHING",
        )
        .bind(dataset)
        .bind(circle)
        .bind(part)
        .bind(&a.hash)
        .bind(a.kind.as_str())
        .bind(&a.name)
        .bind(a.bytes as i64)
        .bind(by.staff)
        .bind(&by.name)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The circle's attachments by part key, newest first.
pub async fn attachments(
    db: &Db,
    dataset: &str,
    circle: &str,
) -> Result<BTreeMap<String, Vec<Attachment>>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, i64, String, String)> = sqlx::query_as(
        "SELECT part, hash, kind, name, bytes, actor, at FROM grade_attachments
         WHERE dataset = $1 AND circle = $2 ORDER BY at DESC, name",
    )
    .bind(dataset)
    .bind(circle)
    .fetch_all(db)
    .await?;
    let mut out: BTreeMap<String, Vec<Attachment>> = BTreeMap::new();
    for (part, hash, kind, name, bytes, by, at) in rows {
        let (url, thumb_url) = match Kind::from_db(&kind) {
            Kind::Pdf => (format!("/api/staff/evidence/{hash}.pdf"), None),
            Kind::Image => (
                format!("/api/staff/evidence/{hash}.jpg"),
                Some(format!("/api/staff/evidence/{hash}.thumb.jpg")),
            ),
        };
        out.entry(part).or_default().push(Attachment {
            hash,
            kind,
            name,
            bytes: bytes.max(0) as u64,
            url,
            thumb_url,
            by,
            at,
        });
    }
    Ok(out)
}

/// Whether a stored attachment has this hash (only those files are served).
pub async fn attachment_exists(db: &Db, hash: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM grade_attachments WHERE hash = $1")
        .bind(hash)
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

/// A recorded grade, without the whole grade (see [`evaluation`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationRow {
    pub id: i64,
    pub evaluated_on: String,
    /// Tenths, like every grade score.
    pub facilities: Points,
    pub service: Points,
    pub type_code: Option<String>,
    pub stars: u8,
    pub recorded_by: String,
}

/// Records today's grade for the circle; a second record the same day replaces the first.
pub async fn record_evaluation(
    db: &Db,
    dataset: &str,
    circle: &str,
    day: &str,
    grade: &Grade,
    by: &Actor,
) -> Result<i64, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let json_grade = serde_json::to_string(grade).expect("a grade serialises");
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO grade_evaluations
             (dataset, circle, evaluated_on, facilities, service, type_code, stars, grade, staff, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (dataset, circle, evaluated_on) DO UPDATE SET
             facilities = excluded.facilities, service = excluded.service,
             type_code = excluded.type_code, stars = excluded.stars, grade = excluded.grade,
             staff = excluded.staff, actor = excluded.actor
         RETURNING id",
    )
    .bind(dataset)
    .bind(circle)
    .bind(day)
    .bind(grade.facilities.total.0 as i64)
    .bind(grade.service.total.0 as i64)
    .bind(grade.result.circle_type.as_ref().map(|t| t.code.clone()))
    .bind(grade.result.stars as i64)
    .bind(json_grade)
    .bind(by.staff)
    .bind(&by.name)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        by,
        "grade_recorded",
        &format!("circle:{dataset}/{circle}"),
        json!({
            "evaluation": id,
            "evaluated_on": day,
            "facilities_tenths": grade.facilities.total.0,
            "service_tenths": grade.service.total.0,
            "type": grade.result.circle_type.as_ref().map(|t| t.code.clone()),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One row of `grade_evaluations` without the whole grade.
#[derive(sqlx::FromRow)]
struct EvaluationSql {
    id: i64,
    evaluated_on: String,
    facilities: i64,
    service: i64,
    type_code: Option<String>,
    stars: i64,
    actor: String,
}

/// The circle's recorded grades, newest date first.
pub async fn evaluations(
    db: &Db,
    dataset: &str,
    circle: &str,
) -> Result<Vec<EvaluationRow>, sqlx::Error> {
    let rows: Vec<EvaluationSql> = sqlx::query_as(
        "SELECT id, evaluated_on, facilities, service, type_code, stars, actor
         FROM grade_evaluations WHERE dataset = $1 AND circle = $2
         ORDER BY evaluated_on DESC",
    )
    .bind(dataset)
    .bind(circle)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| EvaluationRow {
            id: r.id,
            evaluated_on: r.evaluated_on,
            facilities: Points(r.facilities.max(0) as u32),
            service: Points(r.service.max(0) as u32),
            type_code: r.type_code,
            stars: r.stars.clamp(0, 5) as u8,
            recorded_by: r.actor,
        })
        .collect())
}
