//! `bianmin-server backup DIR` and `restore DIR`.
//!
//! A backup folder holds the database (SQLite: a consistent snapshot taken with `VACUUM INTO`
//! while the server runs; PostgreSQL: a `pg_dump --format=custom` archive), a copy of the
//! uploads folder (merchant photos and grade evidence) and `manifest.json`: when, which backend,
//! the schema version (highest applied migration), row counts per table and every file with its
//! SHA-256. The manifest is written last, so a folder without one is an unfinished backup.
//!
//! Restore checks everything before it changes anything (every file's hash, and for SQLite
//! `PRAGMA integrity_check` plus the counts of the manifest), refuses while a server has the
//! database open, copies the uploads (content-addressed: adding files never breaks anything),
//! and then replaces the database in one step: SQLite by renaming a verified copy over the file,
//! PostgreSQL with `pg_restore --single-transaction`. A failure before that step leaves the
//! database as it was.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "database.sqlite";
const PG_FILE: &str = "database.pgdump";
const UPLOADS: &str = "uploads";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: u32,
    /// RFC 3339, UTC.
    pub created: String,
    pub server_version: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The highest applied migration.
    pub schema_version: i64,
    /// Rows per table in the backed-up database.
    pub tables: BTreeMap<String, i64>,
    pub database: FileEntry,
    pub uploads: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    /// Relative to the backup folder.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What a backup or restore did, for the command's output.
#[derive(Debug)]
pub struct Summary {
    pub manifest: Manifest,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = &self.manifest;
        let rows: i64 = m.tables.values().sum();
        write!(
            f,
            "{} database, schema version {}, {} tables, {} rows, {} upload(s) ({} bytes), taken {}",
            m.backend,
            m.schema_version,
            m.tables.len(),
            rows,
            m.uploads.len(),
            m.uploads.iter().map(|u| u.bytes).sum::<u64>(),
            m.created
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 and length of a file, read in blocks.
fn hash_file(path: &Path) -> Result<(String, u64), String> {
    let mut f = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex(&h.finalize()), total))
}

/// The hash a content-addressed upload's name claims (`<64 hex>.<ext>`), if it is one.
fn claimed_hash(name: &str) -> Option<&str> {
    let stem = name.split_once('.').map_or(name, |(s, _)| s);
    (stem.len() == 64
        && stem
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    .then_some(stem)
}

fn sync_dir(dir: &Path) {
    // Makes renames and new names in `dir` durable; not every filesystem allows it.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Copies `from` to `to` through a temporary name, synced, and returns the copy's hash.
fn copy_synced(from: &Path, to: &Path) -> Result<(String, u64), String> {
    let tmp = to.with_extension("part-copy");
    fs::copy(from, &tmp)
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), tmp.display()))?;
    File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot sync {}: {e}", tmp.display()))?;
    let hashed = hash_file(&tmp)?;
    fs::rename(&tmp, to).map_err(|e| format!("cannot rename to {}: {e}", to.display()))?;
    Ok(hashed)
}

/// The regular files of the uploads folder, by name (staging's `.tmp-*` files are not yet
/// uploads and are left out).
fn upload_names(uploads: &Path) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let entries = match fs::read_dir(uploads) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(names),
        Err(e) => return Err(format!("cannot list {}: {e}", uploads.display())),
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", uploads.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            continue;
        }
        names.push(name);
    }
    names.sort();
    Ok(names)
}

/// Copies the uploads into `dir/uploads`, checking each content-addressed name against its
/// bytes (a photo that does not match its name is damaged: the backup stops and says which).
fn backup_uploads(uploads: &Path, dir: &Path) -> Result<Vec<FileEntry>, String> {
    let target = dir.join(UPLOADS);
    fs::create_dir_all(&target).map_err(|e| format!("cannot create {}: {e}", target.display()))?;
    let mut out = Vec::new();
    for name in upload_names(uploads)? {
        let (source_hash, _) = hash_file(&uploads.join(&name))?;
        if let Some(claimed) = claimed_hash(&name) {
            if claimed != source_hash {
                return Err(format!(
                    "upload {} does not match its name (SHA-256 {source_hash}): the file is damaged; nothing was backed up",
                    uploads.join(&name).display()
                ));
            }
        }
        let (copy_hash, bytes) = copy_synced(&uploads.join(&name), &target.join(&name))?;
        if copy_hash != source_hash {
            return Err(format!(
                "the copy of upload {name} differs from the original (it changed while copying?)"
            ));
        }
        out.push(FileEntry {
            path: format!("{UPLOADS}/{name}"),
            bytes,
            sha256: copy_hash,
        });
    }
    sync_dir(&target);
    Ok(out)
}

/// A new or empty folder for a backup.
fn prepare_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        let mut entries =
            fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty: back up into a new folder",
                dir.display()
            ));
        }
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), String> {
    let text = serde_json::to_string_pretty(manifest).expect("plain data");
    let tmp = dir.join(".manifest.json.part");
    let mut f = File::create(&tmp).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    fs::rename(&tmp, dir.join(MANIFEST))
        .map_err(|e| format!("cannot write {}: {e}", dir.join(MANIFEST).display()))?;
    sync_dir(dir);
    Ok(())
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Reads the manifest and checks every file it lists against its hash and size, and that the
/// folder holds no upload it does not list. Any difference: the backup is refused.
pub fn verify(dir: &Path) -> Result<Manifest, String> {
    let path = dir.join(MANIFEST);
    let text = fs::read_to_string(&path).map_err(|e| {
        format!(
            "{} is missing or unreadable ({e}): not a complete backup",
            path.display()
        )
    })?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| format!("{} is damaged: {e}", path.display()))?;
    if manifest.format != 1 {
        return Err(format!(
            "{}: backup format {} is not one this version reads",
            path.display(),
            manifest.format
        ));
    }
    for entry in std::iter::once(&manifest.database).chain(&manifest.uploads) {
        if entry.path.contains("..") || entry.path.starts_with('/') {
            return Err(format!("{}: bad file name {}", path.display(), entry.path));
        }
        let file = dir.join(&entry.path);
        let (hash, bytes) =
            hash_file(&file).map_err(|e| format!("the backup is incomplete: {e}"))?;
        if hash != entry.sha256 || bytes != entry.bytes {
            return Err(format!(
                "the backup is damaged: {} does not match its manifest entry (SHA-256 {hash}, {bytes} bytes; expected {}, {} bytes)",
                file.display(),
                entry.sha256,
                entry.bytes
            ));
        }
    }
    Ok(manifest)
}

// ---------------------------------------------------------------------------------------------
// SQLite

/// Held by a serving process for as long as it runs (a shared lock on `DB.lock` beside the
/// database file); `restore` takes it exclusively, so it refuses while a server runs. SQLite's
/// own locks say the same only while the server has a connection open, and its pool closes idle
/// ones.
pub struct InUse {
    _file: File,
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    db.with_file_name(name)
}

/// The database's lock file (created if missing, never emptied), which servers hold shared and
/// restore holds exclusive.
fn open_lock(db: &Path) -> Result<(PathBuf, fs::File), String> {
    let path = lock_path(db);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok((path, file))
}

pub fn mark_in_use(db: &Path) -> Result<InUse, String> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the database folder {}: {e}", dir.display()))?;
    }
    let (path, file) = open_lock(db)?;
    match try_flock(&file, false) {
        Ok(true) => Ok(InUse { _file: file }),
        Ok(false) => Err(format!(
            "{} is being restored (restore holds {}); start the server when it has finished",
            db.display(),
            path.display()
        )),
        Err(e) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

/// `flock(2)` without waiting: Ok(false) when another process holds a conflicting lock. The
/// lock ends when the file is closed (also when the process dies).
#[cfg(unix)]
fn try_flock(file: &File, exclusive: bool) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    let op = if exclusive {
        libc::LOCK_EX
    } else {
        libc::LOCK_SH
    };
    // SAFETY: flock only reads the descriptor, which `file` keeps open during the call.
    let r = unsafe { libc::flock(file.as_raw_fd(), op | libc::LOCK_NB) };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    if e.kind() == std::io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(e)
    }
}

/// Elsewhere only SQLite's own exclusive lock guards a restore.
#[cfg(not(unix))]
fn try_flock(_file: &File, _exclusive: bool) -> std::io::Result<bool> {
    Ok(true)
}

async fn connect(path: &Path, read_only: bool) -> Result<SqliteConnection, String> {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// Schema version and rows per table of an SQLite database.
async fn sqlite_contents(
    conn: &mut SqliteConnection,
) -> Result<(i64, BTreeMap<String, i64>), sqlx::Error> {
    let version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *conn)
            .await?;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tables = BTreeMap::new();
    for name in names {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {quoted}"))
            .fetch_one(&mut *conn)
            .await?
            .get(0);
        tables.insert(name, n);
    }
    Ok((version.unwrap_or(0), tables))
}

async fn integrity_ok(conn: &mut SqliteConnection) -> Result<(), String> {
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| format!("integrity check failed: {e}"))?;
    if rows == ["ok"] {
        Ok(())
    } else {
        Err(format!("integrity check failed: {}", rows.join("; ")))
    }
}

/// Backs up the SQLite database `db` (a server may be running on it) and the `uploads` folder
/// into the new or empty folder `dir`.
pub async fn backup_sqlite(db: &Path, uploads: &Path, dir: &Path) -> Result<Summary, String> {
    if !db.is_file() {
        return Err(format!("no database at {}", db.display()));
    }
    prepare_dir(dir)?;
    let snapshot = dir.join(SQLITE_FILE);
    {
        // A read transaction on the live database, so writers carry on meanwhile (WAL).
        let mut conn = connect(db, true).await?;
        sqlx::query("VACUUM INTO ?")
            .bind(snapshot.to_string_lossy().into_owned())
            .execute(&mut conn)
            .await
            .map_err(|e| format!("cannot snapshot {}: {e}", db.display()))?;
        let _ = conn.close().await;
    }
    File::open(&snapshot)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot sync {}: {e}", snapshot.display()))?;
    let (schema_version, tables) = {
        let mut conn = connect(&snapshot, true).await?;
        integrity_ok(&mut conn).await?;
        let contents = sqlite_contents(&mut conn)
            .await
            .map_err(|e| format!("cannot read the snapshot: {e}"))?;
        let _ = conn.close().await;
        contents
    };
    // After the snapshot: every file a snapshot row names was published before it.
    let uploads = backup_uploads(uploads, dir)?;
    let (sha256, bytes) = hash_file(&snapshot)?;
    let manifest = Manifest {
        format: 1,
        created: now_rfc3339(),
        server_version: env!("CARGO_PKG_VERSION").into(),
        backend: "sqlite".into(),
        schema_version,
        tables,
        database: FileEntry {
            path: SQLITE_FILE.into(),
            bytes,
            sha256,
        },
        uploads,
    };
    write_manifest(dir, &manifest)?;
    Ok(Summary { manifest })
}

/// Copies the backup's uploads into `uploads` (files already there with the same name are the
/// same bytes, being named by their hash; others are written through a temporary name).
fn restore_uploads(dir: &Path, manifest: &Manifest, uploads: &Path) -> Result<(), String> {
    fs::create_dir_all(uploads).map_err(|e| format!("cannot create {}: {e}", uploads.display()))?;
    for entry in &manifest.uploads {
        let name = entry.path.trim_start_matches(&format!("{UPLOADS}/"));
        let target = uploads.join(name);
        if target.is_file() && hash_file(&target)?.0 == entry.sha256 {
            continue;
        }
        let (hash, _) = copy_synced(&dir.join(&entry.path), &target)?;
        if hash != entry.sha256 {
            return Err(format!(
                "the restored {} differs from the backup",
                target.display()
            ));
        }
    }
    sync_dir(uploads);
    Ok(())
}

/// Restores the backup in `dir` (made by [`backup_sqlite`]) to the SQLite file `db` and the
/// `uploads` folder. Refuses — changing nothing — when the backup is incomplete or damaged or a
/// server has `db` open.
pub async fn restore_sqlite(dir: &Path, db: &Path, uploads: &Path) -> Result<Summary, String> {
    let manifest = verify(dir)?;
    if manifest.backend != "sqlite" {
        return Err(format!(
            "{} holds a {} backup; restore it with --database-url",
            dir.display(),
            manifest.backend
        ));
    }
    let folder = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    // The copy sits beside the target, so the final rename stays on one filesystem (atomic).
    let staged = folder.join(format!(
        ".{}.restore-{}",
        db.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let result = restore_staged(dir, db, uploads, &manifest, &staged).await;
    let _ = fs::remove_file(&staged);
    result.map(|()| Summary { manifest })
}

async fn restore_staged(
    dir: &Path,
    db: &Path,
    uploads: &Path,
    manifest: &Manifest,
    staged: &Path,
) -> Result<(), String> {
    let (hash, _) = copy_synced(&dir.join(&manifest.database.path), staged)?;
    if hash != manifest.database.sha256 {
        return Err("the database copy differs from the backup; nothing was changed".into());
    }
    {
        let mut conn = connect(staged, false).await?;
        integrity_ok(&mut conn)
            .await
            .map_err(|e| format!("the backup's database is damaged ({e}); nothing was changed"))?;
        let (version, tables) = sqlite_contents(&mut conn)
            .await
            .map_err(|e| format!("cannot read the backup's database: {e}"))?;
        // Tables of the database's own that the archive does not hold are left alone by
        // pg_restore --clean, so only the archive's are compared.
        let same = manifest
            .tables
            .iter()
            .all(|(name, n)| tables.get(name) == Some(n));
        if version != manifest.schema_version || !same {
            return Err(
                "the backup's database does not hold what its manifest lists; nothing was changed"
                    .into(),
            );
        }
        conn.close()
            .await
            .map_err(|e| format!("cannot close {}: {e}", staged.display()))?;
    }
    // No server may start on, or be running on, the database while it is replaced.
    let (lock, lock_file) = open_lock(db)?;
    match try_flock(&lock_file, true) {
        Ok(true) => {}
        Ok(false) => {
            return Err(format!(
                "{} is in use by a running server; stop it first (nothing was changed)",
                db.display()
            ))
        }
        Err(e) => return Err(format!("cannot lock {}: {e}", lock.display())),
    }
    if db.exists() {
        // SQLite's own exclusive lock: any other process with the file open (a server of an
        // older version, a sqlite3 shell) makes this fail at once.
        let mut conn = SqliteConnectOptions::new()
            .filename(db)
            .locking_mode(SqliteLockingMode::Exclusive)
            .busy_timeout(Duration::ZERO)
            .connect()
            .await
            .map_err(|e| format!("cannot open {}: {e}", db.display()))?;
        let taken = sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await;
        if taken.is_err() {
            let _ = conn.close().await;
            return Err(format!(
                "{} is in use by another process; stop it first (nothing was changed)",
                db.display()
            ));
        }
        sqlx::query("COMMIT")
            .execute(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
        // Folds the write-ahead log into the old file and removes it: a log left beside the
        // restored file would be replayed into it.
        sqlx::query("PRAGMA journal_mode = DELETE")
            .execute(&mut conn)
            .await
            .map_err(|e| format!("cannot checkpoint {}: {e}", db.display()))?;
        conn.close()
            .await
            .map_err(|e| format!("cannot close {}: {e}", db.display()))?;
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut side = db.as_os_str().to_os_string();
            side.push(suffix);
            let side = PathBuf::from(side);
            if side.exists() {
                fs::remove_file(&side)
                    .map_err(|e| format!("cannot remove {}: {e}", side.display()))?;
            }
        }
    }
    restore_uploads(dir, manifest, uploads)?;
    fs::rename(staged, db)
        .map_err(|e| format!("cannot move the restored database to {}: {e}", db.display()))?;
    sync_dir(db.parent().unwrap_or(Path::new(".")));
    drop(lock_file);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL, through Debian's client programs

/// `name` on PATH, else in the newest /usr/lib/postgresql/*/bin (Debian keeps them there).
pub fn pg_program(name: &str) -> Result<PathBuf, String> {
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let p = dir.join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            Some((v, e.path().join("bin").join(name)))
        })
        .filter(|(_, p)| p.is_file())
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p).ok_or_else(|| {
        format!("{name} not found on PATH or in /usr/lib/postgresql/*/bin (apt-get install postgresql-client)")
    })
}

fn run(program: &str, args: &[&str]) -> Result<String, String> {
    let path = pg_program(program)?;
    let out = Command::new(&path)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{program} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn pg_tables(url: &str) -> Result<Vec<String>, String> {
    let names = run(
        "psql",
        &[
            "-X",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
        ],
    )?;
    Ok(names
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// Queries for the schema version and the rows of each table, as `name<TAB>number` lines.
fn pg_count_sql(tables: &[String]) -> String {
    let mut sql = String::from(
        "SELECT '_version', COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success;\n",
    );
    for n in tables {
        let q = n.replace('"', "\"\"");
        let lit = n.replace('\'', "''");
        sql.push_str(&format!("SELECT '{lit}', COUNT(*) FROM public.\"{q}\";\n"));
    }
    sql
}

fn parse_counts(out: &str) -> Result<(i64, BTreeMap<String, i64>), String> {
    let mut version = 0;
    let mut tables = BTreeMap::new();
    for line in out.lines() {
        if let Some((name, n)) = line.split_once('\t') {
            let n: i64 = n.trim().parse().map_err(|_| format!("psql said: {line}"))?;
            if name == "_version" {
                version = n;
            } else {
                tables.insert(name.to_string(), n);
            }
        }
    }
    Ok((version, tables))
}

/// Schema version and rows per table (schema `public`), in one read-only transaction.
fn pg_contents(url: &str) -> Result<(i64, BTreeMap<String, i64>), String> {
    let tables = pg_tables(url)?;
    let sql = format!(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n{}COMMIT;\n",
        pg_count_sql(&tables)
    );
    let out = run(
        "psql",
        &[
            "-X",
            "-At",
            "-F",
            "\t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            &sql,
        ],
    )?;
    parse_counts(&out)
}

/// Dumps the database at `url` to `file` and counts its rows in the same snapshot: a psql
/// session exports its transaction's snapshot, runs `pg_dump --snapshot` on it, then counts in
/// that transaction, so the manifest's counts are exactly the archive's even under writes.
fn pg_dump_and_count(url: &str, file: &Path) -> Result<(i64, BTreeMap<String, i64>), String> {
    const FAILED: &str = "BIANMIN_PG_DUMP_FAILED";
    let tables = pg_tables(url)?;
    let script = format!(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n\
         SELECT pg_export_snapshot() AS bianmin_snapshot \\gset\n\
         \\setenv BIANMIN_SNAPSHOT :bianmin_snapshot\n\
         \\! \"$BIANMIN_PG_DUMP\" --format=custom --no-owner --snapshot=\"$BIANMIN_SNAPSHOT\" --file=\"$BIANMIN_DUMP_FILE\" --dbname=\"$BIANMIN_DB_URL\" || echo {FAILED}\n\
         {}COMMIT;\n",
        pg_count_sql(&tables)
    );
    let psql = pg_program("psql")?;
    let mut child = Command::new(&psql)
        .args(["-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", url])
        .env("BIANMIN_PG_DUMP", pg_program("pg_dump")?)
        .env("BIANMIN_DUMP_FILE", file)
        .env("BIANMIN_DB_URL", url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", psql.display()))?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(script.as_bytes())
        .map_err(|e| format!("psql: {e}"))?;
    let out = child.wait_with_output().map_err(|e| format!("psql: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || stdout.contains(FAILED) || !file.is_file() {
        return Err(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    parse_counts(&stdout)
}

/// Backs up the PostgreSQL database at `url` (`pg_dump --format=custom`) and the `uploads`
/// folder into the new or empty folder `dir`. The manifest's counts come from the dump's own
/// snapshot.
pub async fn backup_postgres(url: &str, uploads: &Path, dir: &Path) -> Result<Summary, String> {
    prepare_dir(dir)?;
    let dump = dir.join(PG_FILE);
    let (url_owned, dump_owned) = (url.to_string(), dump.clone());
    let (schema_version, tables) =
        tokio::task::spawn_blocking(move || pg_dump_and_count(&url_owned, &dump_owned))
            .await
            .map_err(|e| e.to_string())??;
    File::open(&dump)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot sync {}: {e}", dump.display()))?;
    let uploads = backup_uploads(uploads, dir)?;
    let (sha256, bytes) = hash_file(&dump)?;
    let manifest = Manifest {
        format: 1,
        created: now_rfc3339(),
        server_version: env!("CARGO_PKG_VERSION").into(),
        backend: "postgres".into(),
        schema_version,
        tables,
        database: FileEntry {
            path: PG_FILE.into(),
            bytes,
            sha256,
        },
        uploads,
    };
    write_manifest(dir, &manifest)?;
    Ok(Summary { manifest })
}

/// Restores the backup in `dir` (made by [`backup_postgres`]) into the database at `url`:
/// `pg_restore --clean --if-exists --single-transaction`, so the database ends either as it
/// was or as the backup. Refuses while other sessions (a server) are connected to it.
pub async fn restore_postgres(dir: &Path, url: &str, uploads: &Path) -> Result<Summary, String> {
    let manifest = verify(dir)?;
    if manifest.backend != "postgres" {
        return Err(format!(
            "{} holds a {} backup; restore it with --db",
            dir.display(),
            manifest.backend
        ));
    }
    let dump = dir.join(&manifest.database.path);
    let dump_arg = dump.to_string_lossy().into_owned();
    // The archive's table of contents reads: it is a pg_dump archive, whole.
    run("pg_restore", &["--list", &dump_arg])
        .map_err(|e| format!("the backup's archive is damaged: {e}"))?;
    let others = run(
        "psql",
        &[
            "-X",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        ],
    )?;
    if others.trim() != "0" {
        return Err(format!(
            "the database is in use: {} other session(s) are connected (a running server?); stop them first (nothing was changed)",
            others.trim()
        ));
    }
    restore_uploads(dir, &manifest, uploads)?;
    let url_owned = url.to_string();
    tokio::task::spawn_blocking(move || {
        run(
            "pg_restore",
            &[
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                &url_owned,
                &dump_arg,
            ],
        )
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("{e} (the transaction was rolled back: the database is as it was)"))?;
    let (version, tables) = pg_contents(url)?;
    // Tables of the database's own that the archive does not hold are left alone by
    // pg_restore --clean, so only the archive's are compared.
    let same = manifest
        .tables
        .iter()
        .all(|(name, n)| tables.get(name) == Some(n));
    if version != manifest.schema_version || !same {
        return Err(format!(
            "pg_restore finished, but the database does not hold what the manifest lists (schema version {version}, expected {}; rows {tables:?}, expected {:?})",
            manifest.schema_version, manifest.tables
        ));
    }
    Ok(Summary { manifest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_addressed_names() {
        let h = "a".repeat(64);
        assert_eq!(claimed_hash(&format!("{h}.jpg")), Some(h.as_str()));
        assert_eq!(claimed_hash(&format!("{}.jpg", "A".repeat(64))), None);
        assert_eq!(claimed_hash("notes.txt"), None);
    }
}
