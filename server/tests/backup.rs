//! `bianmin-server backup` and `restore` on a running server's SQLite file with data and an
//! upload: the data and files come back exactly; a damaged or incomplete backup, or a server
//! still running, is refused and the database is untouched. With BIANMIN_TEST_PG they run on
//! PostgreSQL (pg_dump / pg_restore); the PostgreSQL functions are also tested on their own,
//! on that server or, without it, on our own (scripts/pg.sh, port 55442).

mod common;

use common::*;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Staff enter a grade item with a PDF as evidence (one row each in two tables, one upload).
async fn grade_entry(staff: &StaffSession, note: &str, pdf: Option<&[u8]>) {
    let mut form = Form::new().part(
        "entry",
        Part::text(json!({ "points": 8, "note": note }).to_string())
            .mime_str("application/json")
            .unwrap(),
    );
    if let Some(bytes) = pdf {
        form = form.part(
            "attachment",
            Part::bytes(bytes.to_vec())
                .file_name("纪要.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    }
    let r = reqwest::Client::new()
        .post(format!(
            "{}/api/staff/circles/{CIRCLE}/grade/entries/harmony.harmony",
            staff.base
        ))
        .header("cookie", &staff.cookie)
        .header("x-csrf-token", &staff.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

/// Rows per table of the workspace's database (either engine), for the tables `names`.
async fn counts(ws: &Workspace, names: &[String]) -> BTreeMap<String, i64> {
    let pool = open_db(ws).await;
    let mut out = BTreeMap::new();
    for n in names {
        let c: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM \"{n}\""))
            .fetch_one(&pool)
            .await
            .unwrap();
        out.insert(n.clone(), c);
    }
    // Closed at once: a session left open would count as a server to a PostgreSQL restore.
    pool.close().await;
    out
}

async fn entry_note(ws: &Workspace) -> String {
    let pool = open_db(ws).await;
    let note = sqlx::query_scalar("SELECT note FROM grade_entries WHERE part = 'harmony.harmony'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    note
}

fn manifest_tables(dir: &Path) -> BTreeMap<String, i64> {
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    serde_json::from_value(m["tables"].clone()).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn file_hash(path: &Path) -> String {
    sha256_hex(&std::fs::read(path).unwrap())
}

#[tokio::test]
async fn backup_of_a_running_server_restores_data_and_uploads_exactly() {
    let (ws, s, staff) = staff_server().await;
    grade_entry(&staff, "居民议事会记录：无投诉", Some(PDF)).await;
    let round = staff.open_round(1000, false).await;
    staff.issue_codes(round, 20).await;
    let pdf_name = format!("{}.pdf", sha256_hex(PDF));
    assert!(uploads(&ws).contains(&pdf_name));

    // Backed up while the server runs.
    let dir = ws.path("backup-1");
    let (ok, out) = run(&ws, &["backup", dir.to_str().unwrap()]);
    assert!(ok, "{out}");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["backend"],
        if ws.is_pg() { "postgres" } else { "sqlite" }
    );
    // The highest migration of this engine's folder.
    let newest = std::fs::read_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite"),
    )
    .unwrap()
    .filter_map(|e| {
        e.unwrap()
            .file_name()
            .to_str()?
            .get(..4)?
            .parse::<i64>()
            .ok()
    })
    .max()
    .unwrap();
    assert_eq!(manifest["schema_version"], newest);
    assert_eq!(manifest["tables"]["survey_codes"], 20);
    assert_eq!(manifest["tables"]["grade_attachments"], 1);
    let files = manifest["uploads"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["path"], format!("uploads/{pdf_name}"));
    assert_eq!(files[0]["sha256"], sha256_hex(PDF));
    assert_eq!(
        file_hash(&dir.join("uploads").join(&pdf_name)),
        sha256_hex(PDF)
    );
    let manifest_counts = manifest_tables(&dir);
    let names: Vec<String> = manifest_counts.keys().cloned().collect();
    let before = counts(&ws, &names).await;
    assert_eq!(manifest_counts, before);

    // Changes after the backup, including a lost upload.
    grade_entry(&staff, "改过的记录", None).await;
    staff.issue_codes(round, 5).await;
    std::fs::remove_file(ws.path("var/uploads").join(&pdf_name)).unwrap();
    assert_ne!(counts(&ws, &names).await, before);

    // Not while the server runs.
    let (ok, out) = run(&ws, &["restore", dir.to_str().unwrap()]);
    assert!(!ok && out.contains("in use"), "{out}");
    assert_eq!(entry_note(&ws).await, "改过的记录");

    s.stop();
    let (ok, out) = restore_when_disconnected(&ws, &dir).await;
    assert!(ok, "{out}");
    // No leftovers beside the database: no staged copy, and no old write-ahead log (it would be
    // replayed into the restored file).
    let leftovers: Vec<String> = std::fs::read_dir(ws.path("var"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restore") || n.ends_with("-wal"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(counts(&ws, &names).await, before);
    assert_eq!(entry_note(&ws).await, "居民议事会记录：无投诉");
    assert_eq!(
        file_hash(&ws.path("var/uploads").join(&pdf_name)),
        sha256_hex(PDF)
    );

    // The restored database serves: the staff see the entry with its evidence again.
    let s = ws.start("shanghai");
    let staff = s.login("wang", STAFF_PASSWORD).await;
    let (status, grade) = staff.get(&format!("/api/circles/{CIRCLE}/grade")).await;
    assert_eq!(status, StatusCode::OK, "{grade}");
    assert!(
        grade.to_string().contains("居民议事会记录：无投诉"),
        "{grade}"
    );
    let (status, _, bytes) = get_bytes(
        s.url(&format!("/api/staff/evidence/{pdf_name}")),
        Some(&staff.cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
}

/// `restore DIR`, retried for a moment while it says the database is in use: a stopped
/// server's PostgreSQL sessions, or this test's SQLite connections, end in the background.
async fn restore_when_disconnected(ws: &Workspace, dir: &Path) -> (bool, String) {
    for _ in 0..40 {
        let (ok, out) = run(ws, &["restore", dir.to_str().unwrap()]);
        if ok || !out.contains("in use") {
            return (ok, out);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    run(ws, &["restore", dir.to_str().unwrap()])
}

/// A stopped server's workspace with data, and a fresh backup of it.
async fn backed_up() -> (Workspace, PathBuf) {
    let (ws, s, staff) = staff_server().await;
    grade_entry(&staff, "备份里的记录", Some(PDF)).await;
    let dir = ws.path("backup");
    let (ok, out) = run(&ws, &["backup", dir.to_str().unwrap()]);
    assert!(ok, "{out}");
    grade_entry(&staff, "备份后的记录", None).await;
    s.stop();
    (ws, dir)
}

/// Restoring `dir` fails with a message containing `says`, and the database is untouched.
async fn refused(ws: &Workspace, dir: &Path, says: &str) {
    refused_saying_one_of(ws, dir, &[says]).await
}

async fn refused_saying_one_of(ws: &Workspace, dir: &Path, says: &[&str]) {
    // Every table's rows, and one row's content, before and after. (Not the file's bytes: a
    // connection closing in the background may fold the write-ahead log into it meanwhile.)
    let names: Vec<String> = match std::fs::read_to_string(dir.join("manifest.json")) {
        Ok(_) => manifest_tables(dir).into_keys().collect(),
        Err(_) => manifest_tables(&dir.with_file_name("backup-intact"))
            .into_keys()
            .collect(),
    };
    let before = counts(ws, &names).await;
    let (ok, out) = restore_when_disconnected(ws, dir).await;
    assert!(!ok, "{out}");
    assert!(says.iter().any(|s| out.contains(s)), "{out}");
    assert_eq!(counts(ws, &names).await, before);
    assert_eq!(entry_note(ws).await, "备份后的记录");
    let staged: Vec<String> = std::fs::read_dir(ws.path("var"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restore"))
        .collect();
    assert!(staged.is_empty(), "{staged:?}");
}

#[tokio::test]
async fn a_damaged_backup_is_refused_and_the_database_untouched() {
    let (ws, dir) = backed_up().await;
    let db_copy = dir.join(if ws.is_pg() {
        "database.pgdump"
    } else {
        "database.sqlite"
    });
    let original = std::fs::read(&db_copy).unwrap();

    // One byte changed in the database copy.
    let mut bytes = original.clone();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&db_copy, &bytes).unwrap();
    refused(&ws, &dir, "damaged").await;

    // Damaged *and* the manifest's hash updated to match: SQLite's integrity check finds it.
    // (A PostgreSQL archive damaged so is refused by pg_restore inside its transaction.)
    let mut bytes = original.clone();
    for b in &mut bytes[4096..4096 + 200] {
        *b = 0xff;
    }
    std::fs::write(&db_copy, &bytes).unwrap();
    let mpath = dir.join("manifest.json");
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(&mpath).unwrap()).unwrap();
    let good = manifest.clone();
    manifest["database"]["sha256"] = sha256_hex(&bytes).into();
    std::fs::write(&mpath, manifest.to_string()).unwrap();
    refused_saying_one_of(&ws, &dir, &["damaged", "rolled back"]).await;
    std::fs::write(&mpath, good.to_string()).unwrap();
    std::fs::write(&db_copy, &original).unwrap();

    // A damaged upload.
    let upload = dir.join("uploads").join(format!("{}.pdf", sha256_hex(PDF)));
    std::fs::write(&upload, b"%PDF-1.4 something else").unwrap();
    refused(&ws, &dir, "damaged").await;
    std::fs::write(&upload, PDF).unwrap();

    // No manifest: an unfinished backup. (A copy of the folder keeps the table names.)
    copy_dir(&dir, &dir.with_file_name("backup-intact"));
    std::fs::rename(&mpath, dir.join("manifest.moved")).unwrap();
    refused(&ws, &dir, "not a complete backup").await;
    std::fs::rename(dir.join("manifest.moved"), &mpath).unwrap();

    // Put right, the same backup restores.
    let (ok, out) = restore_when_disconnected(&ws, &dir).await;
    assert!(ok, "{out}");
    assert_eq!(entry_note(&ws).await, "备份里的记录");
}

#[tokio::test]
async fn backup_refuses_a_folder_that_is_not_empty() {
    let (ws, dir) = backed_up().await;
    let (ok, out) = run(&ws, &["backup", dir.to_str().unwrap()]);
    assert!(!ok && out.contains("not empty"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL through the library functions, with uploads elsewhere and a restore refused while
// another session is connected (the tests above run on PostgreSQL too when BIANMIN_TEST_PG is
// set, through the command line).

const PG_PORT: &str = "55442";

fn pg_url(db: &str) -> String {
    let url = test_pg().unwrap_or_else(start_pg);
    psql(&url, &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    psql(&url, &format!("CREATE DATABASE {db}"));
    url.rsplit_once('/')
        .map(|(base, _)| format!("{base}/{db}"))
        .unwrap()
}

/// The test command's PostgreSQL server when it gives one (BIANMIN_TEST_PG), else our own.
fn start_pg() -> String {
    let out = std::process::Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg.sh"))
        .args(["start", PG_PORT])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/pg.sh start {PG_PORT}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(url.starts_with("postgres://"), "{url}");
    url
}

fn psql(url: &str, sql: &str) -> String {
    let psql = server::backup::pg_program("psql").unwrap();
    let out = std::process::Command::new(psql)
        .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn wait_until(mut ok: impl FnMut() -> bool) {
    for _ in 0..100 {
        if ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("timed out waiting");
}

#[tokio::test]
async fn postgres_backup_and_restore() {
    let url = pg_url("ops_backup_test");
    // A schema like the server's migrations make (its version table included).
    psql(
        &url,
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, success BOOLEAN NOT NULL);
         INSERT INTO _sqlx_migrations VALUES (1, 'outlets', true), (2, 'survey', true);
         CREATE TABLE outlets (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);
         INSERT INTO outlets (name) SELECT '网点' || g FROM generate_series(1, 500) g;",
    );
    let tmp = tempfile::tempdir().unwrap();
    let uploads = tmp.path().join("uploads");
    std::fs::create_dir(&uploads).unwrap();
    let name = format!("{}.pdf", sha256_hex(PDF));
    std::fs::write(uploads.join(&name), PDF).unwrap();
    let dir = tmp.path().join("pg-backup");
    let done = server::backup::backup_postgres(&url, &uploads, &dir)
        .await
        .unwrap();
    assert_eq!(done.manifest.backend, "postgres");
    assert_eq!(done.manifest.schema_version, 2);
    assert_eq!(done.manifest.tables["outlets"], 500);
    assert_eq!(done.manifest.uploads.len(), 1);

    psql(
        &url,
        "DELETE FROM outlets WHERE id > 100; UPDATE outlets SET name = '改了' WHERE id = 7",
    );
    std::fs::remove_file(uploads.join(&name)).unwrap();

    // While another session is connected (a server), restore refuses. The session idles (a
    // psql waiting on its input), so it ends as soon as psql does.
    let psql_bin = server::backup::pg_program("psql").unwrap();
    let mut holder = std::process::Command::new(psql_bin)
        .args(["-X", "-q", "-d", &url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let others = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'";
    wait_until(|| psql(&url, others) == "1");
    let err = server::backup::restore_postgres(&dir, &url, &uploads)
        .await
        .unwrap_err();
    drop(holder.stdin.take());
    let _ = holder.wait();
    assert!(err.contains("in use"), "{err}");
    wait_until(|| psql(&url, others) == "0");
    assert_eq!(psql(&url, "SELECT count(*) FROM outlets"), "100");

    // A damaged archive is refused before anything changes.
    let dump = dir.join("database.pgdump");
    let original = std::fs::read(&dump).unwrap();
    let mut bad = original.clone();
    let n = bad.len();
    bad[n / 2] ^= 0xff;
    std::fs::write(&dump, &bad).unwrap();
    let err = server::backup::restore_postgres(&dir, &url, &uploads)
        .await
        .unwrap_err();
    assert!(err.contains("damaged"), "{err}");
    assert_eq!(psql(&url, "SELECT count(*) FROM outlets"), "100");
    std::fs::write(&dump, &original).unwrap();

    let done = server::backup::restore_postgres(&dir, &url, &uploads)
        .await
        .unwrap();
    assert_eq!(done.manifest.tables["outlets"], 500);
    assert_eq!(psql(&url, "SELECT count(*) FROM outlets"), "500");
    assert_eq!(psql(&url, "SELECT name FROM outlets WHERE id = 7"), "网点7");
    assert_eq!(std::fs::read(uploads.join(&name)).unwrap(), PDF);
}
