//! Survey storage. A submission is one transaction: the code's use, the device, the response and
//! its counters are all stored, or (any refusal, any error) none of them.

use super::codes;
use crate::db::Db;
use crate::staff::audit::{self, Actor};
use app::domain::survey::{Tally, TallyKey, RESPONSES};
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub circle: String,
    pub population: u64,
    pub open_mode: bool,
    pub questionnaire_version: u32,
    pub opened_on: String,
    pub closed_on: Option<String>,
}

impl Round {
    pub fn is_open(&self) -> bool {
        self.closed_on.is_none()
    }
}

type RoundRow = (
    i64,
    String,
    i64,
    crate::db::Flag,
    i64,
    String,
    Option<String>,
);

const ROUND_COLUMNS: &str =
    "id, circle, population, open_mode, questionnaire_version, opened_on, closed_on";

fn to_round(r: RoundRow) -> Round {
    Round {
        id: r.0,
        circle: r.1,
        population: r.2.max(0) as u64,
        open_mode: r.3 .0,
        questionnaire_version: r.4.clamp(0, u32::MAX as i64) as u32,
        opened_on: r.5,
        closed_on: r.6,
    }
}

pub async fn round(db: &Db, dataset: &str, id: i64) -> Result<Option<Round>, sqlx::Error> {
    let row: Option<RoundRow> = sqlx::query_as(&format!(
        "SELECT {ROUND_COLUMNS} FROM survey_rounds WHERE dataset = $1 AND id = $2"
    ))
    .bind(dataset)
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(to_round))
}

/// The rounds of a circle, newest first.
pub async fn rounds_of(db: &Db, dataset: &str, circle: &str) -> Result<Vec<Round>, sqlx::Error> {
    let rows: Vec<RoundRow> = sqlx::query_as(&format!(
        "SELECT {ROUND_COLUMNS} FROM survey_rounds WHERE dataset = $1 AND circle = $2
         ORDER BY id DESC"
    ))
    .bind(dataset)
    .bind(circle)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(to_round).collect())
}

pub async fn open_round_of(
    db: &Db,
    dataset: &str,
    circle: &str,
) -> Result<Option<Round>, sqlx::Error> {
    Ok(rounds_of(db, dataset, circle)
        .await?
        .into_iter()
        .find(Round::is_open))
}

async fn count_on(conn: &mut AnyConnection, round: i64) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM survey_counters WHERE round = $1 AND question = $2",
    )
    .bind(round)
    .bind(RESPONSES)
    .fetch_one(conn)
    .await?;
    Ok(n.max(0) as u64)
}

/// Responses stored for the round (its `_responses` counters).
pub async fn response_count(db: &Db, round: i64) -> Result<u64, sqlx::Error> {
    count_on(&mut *db.acquire().await?, round).await
}

/// Every counter of the round.
pub async fn tally(db: &Db, round: i64) -> Result<Tally, sqlx::Error> {
    let rows: Vec<(String, String, String, i64)> =
        sqlx::query_as("SELECT question, option, band, n FROM survey_counters WHERE round = $1")
            .bind(round)
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(question, option, band, n)| {
            (
                TallyKey {
                    question,
                    option,
                    band,
                },
                n.max(0) as u64,
            )
        })
        .collect())
}

pub struct NewRound<'a> {
    pub dataset: &'a str,
    pub circle: &'a str,
    pub population: u64,
    pub open_mode: bool,
    pub questionnaire_version: u32,
    pub today: &'a str,
}

/// Opens a round; `None` when the circle has one open already.
pub async fn open_round(
    db: &Db,
    r: &NewRound<'_>,
    by: &Actor,
) -> Result<Option<Round>, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let row: Option<RoundRow> = sqlx::query_as(&format!(
        "INSERT INTO survey_rounds
             (dataset, circle, population, open_mode, questionnaire_version, opened_on)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING
         RETURNING {ROUND_COLUMNS}"
    ))
    .bind(r.dataset)
    .bind(r.circle)
    .bind(r.population as i64)
    .bind(r.open_mode)
    .bind(i64::from(r.questionnaire_version))
    .bind(r.today)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(round) = row.map(to_round) else {
        return Ok(None);
    };
    audit::record(
        &mut tx,
        by,
        "round_opened",
        &format!("survey_round:{}", round.id),
        serde_json::json!({
            "dataset": r.dataset,
            "circle": r.circle,
            "population": r.population,
            "open_mode": r.open_mode,
            "questionnaire_version": r.questionnaire_version,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(round))
}

/// Closes an open round; `None` when it is not open (any more).
pub async fn close_round(
    db: &Db,
    dataset: &str,
    id: i64,
    today: &str,
    by: &Actor,
) -> Result<Option<Round>, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let row: Option<RoundRow> = sqlx::query_as(&format!(
        "UPDATE survey_rounds SET closed_on = $1
         WHERE dataset = $2 AND id = $3 AND closed_on IS NULL
         RETURNING {ROUND_COLUMNS}"
    ))
    .bind(today)
    .bind(dataset)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(round) = row.map(to_round) else {
        return Ok(None);
    };
    let responses = count_on(&mut tx, id).await?;
    audit::record(
        &mut tx,
        by,
        "round_closed",
        &format!("survey_round:{id}"),
        serde_json::json!({ "circle": round.circle, "responses": responses }),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(round))
}

/// Issued and used codes of a round.
pub async fn code_counts(db: &Db, round: i64) -> Result<(u64, u64), sqlx::Error> {
    let (issued, used): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE used) FROM survey_codes WHERE round = $1",
    )
    .bind(round)
    .fetch_one(db)
    .await?;
    Ok((issued.max(0) as u64, used.max(0) as u64))
}

/// Makes `count` new codes for the round and returns them in plain (the only time they exist
/// so); the database keeps their hashes.
pub async fn issue_codes(
    db: &Db,
    round: i64,
    count: u32,
    by: &Actor,
) -> Result<Vec<String>, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let mut issued = Vec::with_capacity(count as usize);
    while issued.len() < count as usize {
        let code = codes::generate();
        // 2^40 codes: a repeat within one round is rare, and simply drawn again.
        let done = sqlx::query(
            "INSERT INTO survey_codes (round, code_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(round)
        .bind(codes::hash(round, &code))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            issued.push(code);
        }
    }
    audit::record(
        &mut tx,
        by,
        "codes_issued",
        &format!("survey_round:{round}"),
        serde_json::json!({ "count": count }),
    )
    .await?;
    tx.commit().await?;
    Ok(issued)
}

/// A checked answer ready to store.
#[derive(Debug, Clone)]
pub struct Submission {
    pub round: i64,
    pub client_id: String,
    /// The day in the circle's time zone.
    pub day: String,
    pub questionnaire_version: u32,
    /// The normalised answers as JSON.
    pub answers: String,
    pub tally: Vec<TallyKey>,
    pub code: Option<String>,
    /// The device token (open mode).
    pub device: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Stored now; the round's responses.
    Recorded(u64),
    /// This client id was stored before: nothing done.
    AlreadyRecorded(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Closed,
    CodeInvalid,
    CodeUsed,
    DeviceUsed,
}

/// Whether this client id already has an answer in the round (a resend), and the count.
pub async fn already_recorded(
    db: &Db,
    round: i64,
    client_id: &str,
) -> Result<Option<u64>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    if recorded_on(&mut conn, round, client_id).await? {
        Ok(Some(count_on(&mut conn, round).await?))
    } else {
        Ok(None)
    }
}

async fn recorded_on(
    conn: &mut AnyConnection,
    round: i64,
    client_id: &str,
) -> Result<bool, sqlx::Error> {
    let found: crate::db::Flag = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM survey_responses WHERE round = $1 AND client_id = $2)",
    )
    .bind(round)
    .bind(client_id)
    .fetch_one(conn)
    .await?;
    Ok(found.0)
}

/// A submission's checks and writes inside a transaction the caller ends (see `writer`):
/// every refusal comes before any write, except `DeviceUsed` after a code was used.
pub(super) async fn submit_in(
    tx: &mut AnyConnection,
    s: &Submission,
) -> Result<Result<Stored, Refused>, sqlx::Error> {
    // One statement for both checks: each one is a round trip to SQLite's thread.
    let (crate::db::Flag(recorded), crate::db::Flag(open)): (crate::db::Flag, crate::db::Flag) =
        sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM survey_responses WHERE round = $1 AND client_id = $2),
                EXISTS (SELECT 1 FROM survey_rounds WHERE id = $1 AND closed_on IS NULL)",
        )
        .bind(s.round)
        .bind(&s.client_id)
        .fetch_one(&mut *tx)
        .await?;
    if recorded {
        let n = count_on(&mut *tx, s.round).await?;
        return Ok(Ok(Stored::AlreadyRecorded(n)));
    }
    if !open {
        return Ok(Err(Refused::Closed));
    }
    if let Some(code) = &s.code {
        let hash = codes::hash(s.round, code);
        let taken = sqlx::query(
            "UPDATE survey_codes SET used = TRUE WHERE round = $1 AND code_hash = $2 AND NOT used",
        )
        .bind(s.round)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() == 0 {
            let crate::db::Flag(exists) = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM survey_codes WHERE round = $1 AND code_hash = $2)",
            )
            .bind(s.round)
            .bind(&hash)
            .fetch_one(&mut *tx)
            .await?;
            return Ok(Err(if exists {
                Refused::CodeUsed
            } else {
                Refused::CodeInvalid
            }));
        }
    }
    if let Some(device) = &s.device {
        let added = sqlx::query(
            "INSERT INTO survey_devices (round, device_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(s.round)
        .bind(device_hash(s.round, device))
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() == 0 {
            return Ok(Err(Refused::DeviceUsed));
        }
    }
    sqlx::query(
        "INSERT INTO survey_responses (round, client_id, day, questionnaire_version, answers)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(s.round)
    .bind(&s.client_id)
    .bind(&s.day)
    .bind(i64::from(s.questionnaire_version))
    .bind(&s.answers)
    .execute(&mut *tx)
    .await?;
    raise_counters(&mut *tx, s.round, &s.tally).await?;
    let n = count_on(&mut *tx, s.round).await?;
    Ok(Ok(Stored::Recorded(n)))
}

/// Adds one to each of the answer's counters (a row is made at 1 the first time), in one
/// statement.
pub async fn raise_counters(
    conn: &mut AnyConnection,
    round: i64,
    tally: &[TallyKey],
) -> Result<(), sqlx::Error> {
    if tally.is_empty() {
        return Ok(());
    }
    let mut p = crate::db::Placeholders::default();
    let rows: Vec<String> = tally
        .iter()
        .map(|_| format!("({}, 1)", p.list(4)))
        .collect();
    let sql = format!(
        "INSERT INTO survey_counters (round, question, option, band, n) VALUES {}
         ON CONFLICT (round, question, option, band) DO UPDATE SET n = survey_counters.n + 1",
        rows.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for k in tally {
        q = q
            .bind(round)
            .bind(&k.question)
            .bind(&k.option)
            .bind(&k.band);
    }
    q.execute(conn).await?;
    Ok(())
}

/// Device tokens are hashed per round: the same phone in two rounds leaves unrelated hashes.
fn device_hash(round: i64, device: &str) -> Vec<u8> {
    crate::tokens::digest(&[b"survey-device", &round.to_le_bytes(), device.as_bytes()])
}

/// One stored response, for the export.
pub struct StoredResponse {
    pub id: i64,
    pub day: String,
    pub questionnaire_version: u32,
    pub answers: String,
}

/// Up to `limit` responses of the round after response `after`, oldest first.
pub async fn responses_page(
    db: &Db,
    round: i64,
    after: i64,
    limit: u32,
) -> Result<Vec<StoredResponse>, sqlx::Error> {
    let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT id, day, questionnaire_version, answers FROM survey_responses
         WHERE round = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(round)
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, day, v, answers)| StoredResponse {
            id,
            day,
            questionnaire_version: v.clamp(0, u32::MAX as i64) as u32,
            answers,
        })
        .collect())
}
