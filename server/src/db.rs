//! Storage: an embedded SQLite file (WAL mode) with embedded migrations.

use crate::hours::HoursRow;
use app::domain::{BBox, Outlet, OutletSource, StoredOutlet};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use std::path::Path;
use std::time::Duration;

pub type Db = SqlitePool;

/// How hard SQLite works to keep a commit through a power cut (its `synchronous` setting, in
/// WAL mode). Both keep every commit through a crash of the process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// The log is synced on every commit: an acknowledged write survives a power cut.
    #[default]
    Full,
    /// The log is synced at checkpoints only: faster, but a power cut may lose the last commits.
    Normal,
}

/// Opens (creating if needed) the database file and brings its schema up to date.
pub async fn open(path: &Path, durability: Durability) -> Result<Db, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the database folder {}: {e}", dir.display()))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match durability {
            Durability::Full => SqliteSynchronous::Full,
            Durability::Normal => SqliteSynchronous::Normal,
        })
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", path.display()))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|e| format!("cannot migrate the database {}: {e}", path.display()))?;
    Ok(pool)
}

/// SQLite has one writer at a time. This process's writers queue here, first come first served,
/// instead of in SQLite's busy handler, which polls with sleeps of up to 100 ms: under a load of
/// survey submissions that made the p99 latency 110 ms. (Another process on the same file still
/// waits in the busy handler, `busy_timeout`.)
static WRITER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A write transaction (`BEGIN IMMEDIATE`) holding this process's writer turn until it ends.
/// Dropped without `commit`, it rolls back.
pub struct WriteTx {
    // Declared first so it is dropped (rolled back) before the turn passes on.
    tx: sqlx::Transaction<'static, Sqlite>,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Ends it without writing (also what dropping it does, but this waits for the rollback).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Waits for this process's writer turn, then begins a write transaction that takes SQLite's
/// write lock at once (so its reads and writes see one state, even with another process).
pub async fn begin_write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    let turn = WRITER.lock().await;
    let tx = db.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTx { tx, _turn: turn })
}

/// What a batch write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteCounts {
    pub inserted: usize,
    pub updated: usize,
}

/// Writes outlets in one transaction: all of them or, on any error, none. OSM outlets already
/// present (same dataset and `osm_ref`) are updated in place.
pub async fn upsert_outlets(
    db: &Db,
    dataset: &str,
    outlets: &[Outlet],
) -> Result<WriteCounts, sqlx::Error> {
    let mut tx = db.begin().await?;
    let counts = write_outlets(&mut tx, dataset, outlets).await?;
    tx.commit().await?;
    Ok(counts)
}

async fn write_outlets(
    tx: &mut sqlx::SqliteConnection,
    dataset: &str,
    outlets: &[Outlet],
) -> Result<WriteCounts, sqlx::Error> {
    let mut counts = WriteCounts::default();
    for o in outlets {
        let existing: Option<i64> = match &o.osm_ref {
            Some(r) => {
                sqlx::query_scalar("SELECT id FROM outlets WHERE dataset = ? AND osm_ref = ?")
                    .bind(dataset)
                    .bind(r)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let sql = if existing.is_some() {
            "UPDATE outlets SET name = ?2, name_en = ?3, category = ?4, repair_kinds = ?5,
                 services = ?6, prices = ?7, opening_hours = ?8, phone = ?9, address = ?10,
                 brand = ?11, delivers = ?12, open_24h = ?13, source = ?14, osm_ref = ?15,
                 lon = ?16, lat = ?17, dataset = ?18,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
             WHERE id = ?1"
        } else {
            "INSERT INTO outlets (id, name, name_en, category, repair_kinds, services, prices,
                 opening_hours, phone, address, brand, delivers, open_24h, source, osm_ref,
                 lon, lat, dataset)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
        };
        sqlx::query(sql)
            .bind(existing)
            .bind(&o.name)
            .bind(&o.name_en)
            .bind(&o.category)
            .bind(json(&o.repair_kinds))
            .bind(json(&o.services))
            .bind(json(&o.prices))
            .bind(&o.opening_hours)
            .bind(&o.phone)
            .bind(&o.address)
            .bind(&o.brand)
            .bind(o.delivers)
            .bind(o.open_24h)
            .bind(o.source.as_str())
            .bind(&o.osm_ref)
            .bind(o.lon)
            .bind(o.lat)
            .bind(dataset)
            .execute(&mut *tx)
            .await?;
        if existing.is_some() {
            counts.updated += 1;
        } else {
            counts.inserted += 1;
        }
    }
    Ok(counts)
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

/// Which approved outlets to list.
#[derive(Debug, Default, Clone)]
pub struct OutletFilter {
    /// Empty means every category.
    pub categories: Vec<String>,
    /// Empty means any repair kind; otherwise outlets offering at least one of them.
    pub repair_kinds: Vec<String>,
    pub bbox: Option<BBox>,
}

pub async fn list_outlets(
    db: &Db,
    dataset: &str,
    filter: &OutletFilter,
) -> Result<Vec<StoredOutlet>, sqlx::Error> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
        "SELECT id, name, name_en, category, repair_kinds, services, prices, opening_hours,
                phone, address, brand, delivers, open_24h, source, osm_ref, lon, lat
         FROM outlets WHERE status = 'approved' AND dataset = ",
    );
    q.push_bind(dataset);
    if !filter.categories.is_empty() {
        q.push(" AND category IN (");
        let mut list = q.separated(", ");
        for c in &filter.categories {
            list.push_bind(c);
        }
        q.push(")");
    }
    if !filter.repair_kinds.is_empty() {
        q.push(" AND EXISTS (SELECT 1 FROM json_each(outlets.repair_kinds) WHERE value IN (");
        let mut list = q.separated(", ");
        for k in &filter.repair_kinds {
            list.push_bind(k);
        }
        q.push("))");
    }
    if let Some(b) = filter.bbox {
        q.push(" AND lon BETWEEN ")
            .push_bind(b.west)
            .push(" AND ")
            .push_bind(b.east);
        q.push(" AND lat BETWEEN ")
            .push_bind(b.south)
            .push(" AND ")
            .push_bind(b.north);
    }
    q.push(" ORDER BY id");
    let rows = q.build().fetch_all(db).await?;
    rows.iter().map(row_to_outlet).collect()
}

fn row_to_outlet(row: &sqlx::sqlite::SqliteRow) -> Result<StoredOutlet, sqlx::Error> {
    let list = |col: &str| -> Result<String, sqlx::Error> { row.try_get::<String, _>(col) };
    let decode = |col: &str, e: serde_json::Error| sqlx::Error::ColumnDecode {
        index: col.to_string(),
        source: Box::new(e),
    };
    let source: String = row.try_get("source")?;
    Ok(StoredOutlet {
        id: row.try_get("id")?,
        outlet: Outlet {
            name: row.try_get("name")?,
            name_en: row.try_get("name_en")?,
            category: row.try_get("category")?,
            repair_kinds: serde_json::from_str(&list("repair_kinds")?)
                .map_err(|e| decode("repair_kinds", e))?,
            services: serde_json::from_str(&list("services")?)
                .map_err(|e| decode("services", e))?,
            prices: serde_json::from_str(&list("prices")?).map_err(|e| decode("prices", e))?,
            opening_hours: row.try_get("opening_hours")?,
            phone: row.try_get("phone")?,
            address: row.try_get("address")?,
            brand: row.try_get("brand")?,
            delivers: row.try_get("delivers")?,
            open_24h: row.try_get("open_24h")?,
            source: OutletSource::parse(&source).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: "source".into(),
                source: format!("unknown source '{source}'").into(),
            })?,
            osm_ref: row.try_get("osm_ref")?,
            lon: row.try_get("lon")?,
            lat: row.try_get("lat")?,
        },
    })
}

pub async fn count_outlets(db: &Db, dataset: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM outlets WHERE dataset = ? AND status = 'approved'")
        .bind(dataset)
        .fetch_one(db)
        .await
}

/// How the dataset was first filled, if it was.
pub async fn dataset_load(db: &Db, dataset: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT kind, loaded_at FROM dataset_loads WHERE dataset = ?")
        .bind(dataset)
        .fetch_optional(db)
        .await?;
    row.map(|r| Ok((r.try_get("kind")?, r.try_get("loaded_at")?)))
        .transpose()
}

/// Stores the outlets and records the load, in one transaction with the outlets themselves so
/// a crash half-way leaves the dataset unloaded (and loaded again on the next start), never
/// half-loaded.
pub async fn load_dataset(
    db: &Db,
    dataset: &str,
    kind: &str,
    outlets: &[Outlet],
    summary: &str,
) -> Result<WriteCounts, sqlx::Error> {
    let mut tx = db.begin().await?;
    let counts = write_outlets(&mut tx, dataset, outlets).await?;
    sqlx::query(
        "INSERT INTO dataset_loads (dataset, kind, summary) VALUES (?, ?, ?)
         ON CONFLICT (dataset) DO UPDATE SET kind = excluded.kind, summary = excluded.summary,
             loaded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
    )
    .bind(dataset)
    .bind(kind)
    .bind(summary)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(counts)
}

/// Approved outlets that have hours text or are open around the clock, by id.
pub async fn list_hours(db: &Db, dataset: &str) -> Result<Vec<HoursRow>, sqlx::Error> {
    let rows: Vec<(i64, Option<String>, bool)> = sqlx::query_as(
        "SELECT id, opening_hours, open_24h FROM outlets
         WHERE status = 'approved' AND dataset = ? AND (opening_hours IS NOT NULL OR open_24h)
         ORDER BY id",
    )
    .bind(dataset)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, opening_hours, open_24h)| HoursRow {
            id,
            opening_hours,
            open_24h,
        })
        .collect())
}

/// The distinct names and brands of approved outlets: what a resident may type.
pub async fn list_search_texts(db: &Db, dataset: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT name FROM outlets WHERE status = 'approved' AND dataset = ?1 AND name IS NOT NULL
         UNION
         SELECT brand FROM outlets WHERE status = 'approved' AND dataset = ?1 AND brand IS NOT NULL",
    )
    .bind(dataset)
    .fetch_all(db)
    .await
}
