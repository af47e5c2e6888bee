//! Storage: an embedded SQLite file (WAL mode) by default, or a PostgreSQL server when
//! `DATABASE_URL` names one (a city's replicas share it). One pool type (`sqlx::Any`) serves
//! both, so every query is written once; the few places where the two dialects differ ask
//! [`backend`]. Each backend has its own migrations folder with the same versions and the same
//! meaning.

use crate::hours::HoursRow;
use app::domain::{BBox, Outlet, OutletSource, StoredOutlet};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Executor, Row};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

pub type Db = AnyPool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which engine a pool or connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The engine behind a pool (from its URL: no round trip).
pub fn backend(db: &Db) -> Backend {
    match db.connect_options().database_url.scheme() {
        "postgres" | "postgresql" => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// The engine behind a connection (inside a transaction).
pub fn conn_backend(conn: &AnyConnection) -> Backend {
    if conn.backend_name() == "PostgreSQL" {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// Where the data lives: a SQLite file, or a PostgreSQL server's URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` from `DATABASE_URL`, else the SQLite file.
    pub fn new(file: &Path, url: Option<&str>) -> Result<Location, String> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Location::File(file.to_path_buf())),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Location::Postgres(u.to_string()))
            }
            Some(u) if u.starts_with("sqlite:") => {
                let path = u.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
                let path = path.split('?').next().unwrap_or_default();
                Ok(Location::File(PathBuf::from(path)))
            }
            Some(_) => Err(
                "DATABASE_URL must start with postgres:// (or sqlite://); leave it unset for the SQLite file"
                    .into(),
            ),
        }
    }

    /// For messages: the file, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Postgres(u) => redact_url(u),
        }
    }
}

/// A URL with its password replaced by `***`, for logs and messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// How hard SQLite works to keep a commit through a power cut (its `synchronous` setting, in
/// WAL mode). Both keep every commit through a crash of the process. (PostgreSQL keeps its own
/// settings: `synchronous_commit` on the server.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// The log is synced on every commit: an acknowledged write survives a power cut.
    #[default]
    Full,
    /// The log is synced at checkpoints only: faster, but a power cut may lose the last commits.
    Normal,
}

/// Opens (creating if needed) the SQLite file and brings its schema up to date.
pub async fn open(path: &Path, durability: Durability) -> Result<Db, String> {
    connect(&Location::File(path.to_path_buf()), durability).await
}

/// Opens the database at `location` and brings its schema up to date. Servers sharing a
/// PostgreSQL database may start together: the migrator takes a lock, so one migrates.
pub async fn connect(location: &Location, durability: Durability) -> Result<Db, String> {
    sqlx::any::install_default_drivers();
    match location {
        Location::File(path) => open_sqlite(path, durability).await,
        Location::Postgres(url) => open_postgres(url).await,
    }
}

async fn open_sqlite(path: &Path, durability: Durability) -> Result<Db, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the database folder {}: {e}", dir.display()))?;
    }
    let url = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .to_url_lossy();
    let options = AnyConnectOptions::from_url(&url)
        .map_err(|e| format!("cannot open the database {}: {e}", path.display()))?;
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                for pragma in [
                    "PRAGMA journal_mode = WAL".to_string(),
                    format!("PRAGMA synchronous = {synchronous}"),
                    "PRAGMA foreign_keys = ON".to_string(),
                    "PRAGMA busy_timeout = 5000".to_string(),
                ] {
                    conn.execute(pragma.as_str()).await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", path.display()))?;
    SQLITE_MIGRATIONS
        .run(&pool)
        .await
        .map_err(|e| format!("cannot migrate the database {}: {e}", path.display()))?;
    Ok(pool)
}

async fn open_postgres(url: &str) -> Result<Db, String> {
    let shown = redact_url(url);
    let options = AnyConnectOptions::from_str(url)
        .map_err(|e| format!("cannot use the database URL {shown}: {e}"))?;
    let pool = AnyPoolOptions::new()
        .max_connections(pg_pool_size())
        // While the server is down (a restart), requests fail fast with 503 instead of queueing.
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot connect to the database {shown}: {e}"))?;
    POSTGRES_MIGRATIONS
        .run(&pool)
        .await
        .map_err(|e| format!("cannot migrate the database {shown}: {e}"))?;
    Ok(pool)
}

/// Connections per server to PostgreSQL (`BIANMIN_PG_POOL`, default 10): replicas × this must
/// stay under the server's `max_connections`.
fn pg_pool_size() -> u32 {
    std::env::var("BIANMIN_PG_POOL")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(10)
}

/// The highest migration applied (the schema's version), for backups and health.
pub async fn schema_version(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
        .fetch_one(db)
        .await
}

/// One writer at a time, on either engine: everything that reads then writes (counters, codes,
/// versions, the one pending review) was written for SQLite's single writer, and keeping that
/// rule on PostgreSQL keeps the same behaviour for every replica without a retry loop.
/// This process's writers queue here, first come first served, instead of in SQLite's busy
/// handler, which polls with sleeps of up to 100 ms: under a load of survey submissions that
/// made the p99 latency 110 ms. (Another process waits in SQLite's `busy_timeout`, or on the
/// PostgreSQL advisory lock.)
static WRITER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The advisory lock key every replica's writers take on PostgreSQL (any fixed number).
const PG_WRITE_LOCK: i64 = 0x0062_6961_6e6d_696e; // "bianmin"

/// A write transaction holding this process's writer turn (and on PostgreSQL the database-wide
/// writer lock) until it ends. Dropped without `commit`, it rolls back.
pub struct WriteTx {
    // Declared first so it is dropped (rolled back) before the turn passes on.
    tx: sqlx::Transaction<'static, Any>,
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
    type Target = AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Waits for this process's writer turn, then begins a write transaction that holds the
/// database's write lock from its first statement (so its reads and writes see one state, even
/// with another process): SQLite's `BEGIN IMMEDIATE`, PostgreSQL's transaction-scoped advisory
/// lock.
pub async fn begin_write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    let turn = WRITER.lock().await;
    let tx = match backend(db) {
        Backend::Sqlite => db.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => {
            let mut tx = db.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(PG_WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            tx
        }
    };
    Ok(WriteTx { tx, _turn: turn })
}

/// A boolean column or expression: SQLite stores 0/1, PostgreSQL a `boolean`. Decodes either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl sqlx::Type<Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <bool as sqlx::Type<Any>>::type_info()
    }
    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <bool as sqlx::Type<Any>>::compatible(ty) || <i64 as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match <i64 as sqlx::Decode<Any>>::decode(value.clone()) {
            Ok(n) => Ok(Flag(n != 0)),
            Err(_) => <bool as sqlx::Decode<Any>>::decode(value).map(Flag),
        }
    }
}

/// Numbered placeholders (`$1`, `$2`, …) for SQL built piece by piece: both engines read them
/// (sqlx's `QueryBuilder` writes `?` for `Any`, which PostgreSQL does not).
#[derive(Debug, Default)]
pub struct Placeholders(usize);

impl Placeholders {
    /// One more placeholder.
    pub fn one(&mut self) -> String {
        self.0 += 1;
        format!("${}", self.0)
    }

    /// `n` placeholders separated by commas.
    pub fn list(&mut self, n: usize) -> String {
        (0..n).map(|_| self.one()).collect::<Vec<_>>().join(", ")
    }
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
    let mut tx = begin_write(db).await?;
    let counts = write_outlets(&mut tx, dataset, outlets).await?;
    tx.commit().await?;
    Ok(counts)
}

/// The outlet columns written by an import, in bind order after the id.
const OUTLET_COLUMNS: &str = "name, name_en, category, repair_kinds, services, prices, \
     opening_hours, phone, address, brand, delivers, open_24h, source, osm_ref, lon, lat, dataset";

async fn write_outlets(
    tx: &mut AnyConnection,
    dataset: &str,
    outlets: &[Outlet],
) -> Result<WriteCounts, sqlx::Error> {
    let mut counts = WriteCounts::default();
    let update = format!(
        "UPDATE outlets SET ({OUTLET_COLUMNS}, updated_at) =
             ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
              strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
         WHERE id = $1"
    );
    // The id is left to the database (a new row gets the next one on either engine).
    let insert = format!(
        "INSERT INTO outlets ({OUTLET_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    );
    for o in outlets {
        let existing: Option<i64> = match &o.osm_ref {
            Some(r) => {
                sqlx::query_scalar("SELECT id FROM outlets WHERE dataset = $1 AND osm_ref = $2")
                    .bind(dataset)
                    .bind(r)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let q = match existing {
            Some(id) => sqlx::query(&update).bind(id),
            None => sqlx::query(&insert),
        };
        q.bind(&o.name)
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
    let mut p = Placeholders::default();
    let engine = backend(db);
    // With a bbox, SQLite starts from the R*Tree (migration 0008): left to itself, its planner
    // would scan outlets by dataset instead. PostgreSQL's planner picks the GiST index itself.
    let from = match (filter.bbox.is_some(), engine) {
        (true, Backend::Sqlite) => {
            "outlets_rtree CROSS JOIN outlets ON outlets.id = outlets_rtree.id"
        }
        _ => "outlets",
    };
    let mut sql = format!(
        "SELECT outlets.id, name, name_en, category, repair_kinds, services, prices,
                opening_hours, phone, address, brand, delivers, open_24h, source, osm_ref, lon, lat
         FROM {from} WHERE status = 'approved' AND dataset = {}",
        p.one()
    );
    if !filter.categories.is_empty() {
        sql += &format!(" AND category IN ({})", p.list(filter.categories.len()));
    }
    if !filter.repair_kinds.is_empty() {
        let kinds = p.list(filter.repair_kinds.len());
        sql += &match engine {
            Backend::Sqlite => format!(
                " AND EXISTS (SELECT 1 FROM json_each(outlets.repair_kinds) WHERE value IN ({kinds}))"
            ),
            Backend::Postgres => format!(
                " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(outlets.repair_kinds::jsonb) AS k(value) WHERE k.value IN ({kinds}))"
            ),
        };
    }
    if filter.bbox.is_some() {
        let (w, e, s, n) = (p.one(), p.one(), p.one(), p.one());
        // The index finds candidates and the exact bounds decide, so the outlets are the same as
        // without it: the R*Tree keeps single-precision boxes rounded outwards (PostgreSQL's
        // `<@` is exact since version 12, but was fuzzy before).
        sql += &match engine {
            Backend::Sqlite => format!(
                " AND outlets_rtree.west <= {e} AND outlets_rtree.east >= {w}
                  AND outlets_rtree.south <= {n} AND outlets_rtree.north >= {s}"
            ),
            Backend::Postgres => {
                format!(" AND point(lon, lat) <@ box(point({w}, {s}), point({e}, {n}))")
            }
        };
        sql += &format!(" AND lon BETWEEN {w} AND {e} AND lat BETWEEN {s} AND {n}");
    }
    sql += " ORDER BY outlets.id";
    let mut q = sqlx::query(&sql).bind(dataset);
    for c in &filter.categories {
        q = q.bind(c);
    }
    for k in &filter.repair_kinds {
        q = q.bind(k);
    }
    if let Some(b) = filter.bbox {
        q = q.bind(b.west).bind(b.east).bind(b.south).bind(b.north);
    }
    let rows = q.fetch_all(db).await?;
    rows.iter().map(row_to_outlet).collect()
}

fn row_to_outlet(row: &sqlx::any::AnyRow) -> Result<StoredOutlet, sqlx::Error> {
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
            delivers: row.try_get::<Option<Flag>, _>("delivers")?.map(|f| f.0),
            open_24h: row.try_get::<Flag, _>("open_24h")?.0,
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
    sqlx::query_scalar("SELECT COUNT(*) FROM outlets WHERE dataset = $1 AND status = 'approved'")
        .bind(dataset)
        .fetch_one(db)
        .await
}

/// How the dataset was first filled, if it was.
pub async fn dataset_load(db: &Db, dataset: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT kind, loaded_at FROM dataset_loads WHERE dataset = $1")
        .bind(dataset)
        .fetch_optional(db)
        .await?;
    row.map(|r| Ok((r.try_get("kind")?, r.try_get("loaded_at")?)))
        .transpose()
}

/// Stores the outlets and records the load, in one transaction with the outlets themselves so
/// a crash half-way leaves the dataset unloaded (and loaded again on the next start), never
/// half-loaded. `None` when another server sharing the database loaded it first.
pub async fn load_dataset(
    db: &Db,
    dataset: &str,
    kind: &str,
    outlets: &[Outlet],
    summary: &str,
) -> Result<Option<WriteCounts>, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    // Checked again under the write lock: replicas starting together load once.
    let loaded: Option<String> =
        sqlx::query_scalar("SELECT kind FROM dataset_loads WHERE dataset = $1")
            .bind(dataset)
            .fetch_optional(&mut *tx)
            .await?;
    if loaded.is_some() {
        return Ok(None);
    }
    let counts = write_outlets(&mut tx, dataset, outlets).await?;
    sqlx::query(
        "INSERT INTO dataset_loads (dataset, kind, summary) VALUES ($1, $2, $3)
         ON CONFLICT (dataset) DO UPDATE SET kind = excluded.kind, summary = excluded.summary,
             loaded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
    )
    .bind(dataset)
    .bind(kind)
    .bind(summary)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(counts))
}

/// Approved outlets that have hours text or are open around the clock, by id.
pub async fn list_hours(db: &Db, dataset: &str) -> Result<Vec<HoursRow>, sqlx::Error> {
    let rows: Vec<(i64, Option<String>, Flag)> = sqlx::query_as(
        "SELECT id, opening_hours, open_24h FROM outlets
         WHERE status = 'approved' AND dataset = $1 AND (opening_hours IS NOT NULL OR open_24h)
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
            open_24h: open_24h.0,
        })
        .collect())
}

/// The distinct names and brands of approved outlets: what a resident may type.
pub async fn list_search_texts(db: &Db, dataset: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT name FROM outlets WHERE status = 'approved' AND dataset = $1 AND name IS NOT NULL
         UNION
         SELECT brand FROM outlets WHERE status = 'approved' AND dataset = $1 AND brand IS NOT NULL",
    )
    .bind(dataset)
    .fetch_all(db)
    .await
}
