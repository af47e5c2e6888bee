//! Outlets by bbox from the spatial index (migration 0008: SQLite R*Tree, PostgreSQL GiST) give
//! exactly what the statement before it gave: the same outlets in the same order, for many
//! bboxes and categories, bounds included, after moves, deletions and inserts, and for rows that
//! were stored before the migration. On SQLite, and on PostgreSQL when `BIANMIN_TEST_PG` names
//! a server (the test command's second pass, as for every API test).

mod common;

use app::domain::{BBox, Outlet, OutletSource, Rules};
use common::Workspace;
use server::dataset::{default_data_dir, Dataset};
use server::db::{self, Db, Durability, Location, OutletFilter};
use server::sample::Rng;
use sqlx::migrate::Migrator;
use sqlx::Row;
use std::borrow::Cow;
use std::path::Path;

fn templates() -> Vec<Outlet> {
    let rules = Rules::bundled();
    let shanghai = Dataset::open("shanghai", &default_data_dir()).unwrap();
    server::seed::initial_outlets(&shanghai, &rules, true)
        .unwrap()
        .1
}

/// Outlets in a 6 × 6 km area, clustered, with twins on the same spot and on the same
/// longitude or latitude (bbox edges fall on them), at six decimals as stored.
fn outlets(rng: &mut Rng, templates: &[Outlet], n: usize) -> Vec<Outlet> {
    let round6 = |v: f64| (v * 1e6).round() / 1e6;
    let centres: Vec<[f64; 2]> = (0..12)
        .map(|_| [121.40 + rng.unit() * 0.06, 31.21 + rng.unit() * 0.05])
        .collect();
    let mut out: Vec<Outlet> = Vec::with_capacity(n);
    for i in 0..n {
        let mut o = templates[rng.below(templates.len())].clone();
        o.osm_ref = None;
        o.source = OutletSource::Sample;
        let c = centres[rng.below(centres.len())];
        let (mut lon, mut lat) = (
            round6(c[0] + (rng.unit() - 0.5) * 0.01),
            round6(c[1] + (rng.unit() - 0.5) * 0.01),
        );
        if i > 0 && rng.below(10) == 0 {
            let twin = &out[rng.below(out.len())];
            match rng.below(3) {
                0 => (lon, lat) = (twin.lon, twin.lat),
                1 => lon = twin.lon,
                _ => lat = twin.lat,
            }
        }
        o.lon = lon;
        o.lat = lat;
        out.push(o);
    }
    out
}

/// What every query must return, computed without any index: approved outlets of the dataset
/// matching the filter, by id.
#[derive(Clone)]
struct Stored {
    id: i64,
    dataset: String,
    status: String,
    category: String,
    repair_kinds: Vec<String>,
    lon: f64,
    lat: f64,
}

async fn all_rows(db: &Db) -> Vec<Stored> {
    sqlx::query("SELECT id, dataset, status, category, repair_kinds, lon, lat FROM outlets")
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| Stored {
            id: r.get("id"),
            dataset: r.get("dataset"),
            status: r.get("status"),
            category: r.get("category"),
            repair_kinds: serde_json::from_str(&r.get::<String, _>("repair_kinds")).unwrap(),
            lon: r.get("lon"),
            lat: r.get("lat"),
        })
        .collect()
}

fn expected(rows: &[Stored], dataset: &str, f: &OutletFilter) -> Vec<i64> {
    let mut ids: Vec<i64> = rows
        .iter()
        .filter(|r| r.dataset == dataset && r.status == "approved")
        .filter(|r| f.categories.is_empty() || f.categories.contains(&r.category))
        .filter(|r| {
            f.repair_kinds.is_empty() || r.repair_kinds.iter().any(|k| f.repair_kinds.contains(k))
        })
        .filter(|r| {
            f.bbox.is_none_or(|b| {
                r.lon >= b.west && r.lon <= b.east && r.lat >= b.south && r.lat <= b.north
            })
        })
        .map(|r| r.id)
        .collect();
    ids.sort();
    ids
}

/// The statement `list_outlets` ran before 0008 (category and bbox; the same text on both).
async fn before(db: &Db, dataset: &str, f: &OutletFilter) -> Vec<i64> {
    let b = f.bbox.unwrap();
    let mut sql = String::from("SELECT id FROM outlets WHERE status = 'approved' AND dataset = $1");
    let mut n = 2;
    if !f.categories.is_empty() {
        sql.push_str(" AND category = $2");
        n = 3;
    }
    sql.push_str(&format!(
        " AND lon BETWEEN ${} AND ${} AND lat BETWEEN ${} AND ${} ORDER BY id",
        n,
        n + 1,
        n + 2,
        n + 3
    ));
    let mut q = sqlx::query_scalar(&sql).bind(dataset);
    if let Some(c) = f.categories.first() {
        q = q.bind(c.clone());
    }
    q.bind(b.west)
        .bind(b.east)
        .bind(b.south)
        .bind(b.north)
        .fetch_all(db)
        .await
        .unwrap()
}

/// Many bboxes: around outlets (edges exactly on their coordinates), small and large, empty,
/// degenerate (a point, a line), over the whole area; with and without a category.
fn queries(rng: &mut Rng, rows: &[Stored], categories: &[String]) -> Vec<OutletFilter> {
    let mut out = Vec::new();
    for i in 0..300 {
        let a = &rows[rng.below(rows.len())];
        let z = &rows[rng.below(rows.len())];
        let bbox = match i % 6 {
            // Two outlets' coordinates as the corners: both on the edges.
            0 => BBox {
                west: a.lon.min(z.lon),
                east: a.lon.max(z.lon),
                south: a.lat.min(z.lat),
                north: a.lat.max(z.lat),
            },
            // One outlet exactly: a point bbox.
            1 => BBox {
                west: a.lon,
                east: a.lon,
                south: a.lat,
                north: a.lat,
            },
            // A line through an outlet.
            2 => BBox {
                west: a.lon - 0.01,
                east: a.lon + 0.01,
                south: a.lat,
                north: a.lat,
            },
            // A 15-minute circle's bbox around an outlet, and a bigger one.
            3 | 4 => {
                let r = if i % 6 == 3 { 0.0105 } else { 0.04 };
                BBox {
                    west: a.lon - r,
                    east: a.lon + r,
                    south: a.lat - r * 0.85,
                    north: a.lat + r * 0.85,
                }
            }
            // Just beside an outlet (a hair outside): must not include it.
            _ => BBox {
                west: a.lon + 1e-9,
                east: a.lon + 0.002,
                south: a.lat - 0.002,
                north: a.lat + 0.002,
            },
        };
        let categories = if i % 2 == 0 {
            vec![]
        } else {
            vec![categories[rng.below(categories.len())].clone()]
        };
        out.push(OutletFilter {
            categories,
            repair_kinds: Vec::new(),
            bbox: Some(bbox),
        });
    }
    // The repair map's filter with a bbox.
    out.push(OutletFilter {
        categories: vec!["repair".into()],
        repair_kinds: vec!["shoe".into(), "key".into()],
        bbox: Some(BBox {
            west: 121.0,
            east: 122.0,
            south: 31.0,
            north: 32.0,
        }),
    });
    out
}

async fn check_all(db: &Db, rng: &mut Rng, stage: &str) -> usize {
    let rows = all_rows(db).await;
    let categories: Vec<String> = Rules::bundled()
        .categories
        .iter()
        .map(|c| c.code.clone())
        .collect();
    let mut non_empty = 0;
    for f in queries(rng, &rows, &categories) {
        for dataset in ["a", "b"] {
            let want = expected(&rows, dataset, &f);
            let got: Vec<i64> = db::list_outlets(db, dataset, &f)
                .await
                .unwrap()
                .iter()
                .map(|o| o.id)
                .collect();
            assert_eq!(got, want, "{stage}: dataset {dataset}, {f:?}");
            if f.repair_kinds.is_empty() {
                assert_eq!(
                    before(db, dataset, &f).await,
                    want,
                    "{stage}: before, {f:?}"
                );
            }
            non_empty += usize::from(!want.is_empty());
        }
    }
    non_empty
}

/// Loads two datasets, hides some outlets (pending, rejected), checks; then moves, deletes and
/// adds outlets and checks again.
async fn exercise(db: &Db, seed: u64) {
    let mut rng = Rng(seed);
    let templates = templates();
    db::load_dataset(
        db,
        "a",
        "sample",
        &outlets(&mut rng, &templates, 3000),
        "test",
    )
    .await
    .unwrap();
    db::load_dataset(
        db,
        "b",
        "sample",
        &outlets(&mut rng, &templates, 500),
        "test",
    )
    .await
    .unwrap();
    sqlx::query("UPDATE outlets SET status = 'pending' WHERE id % 11 = 0")
        .execute(db)
        .await
        .unwrap();
    sqlx::query("UPDATE outlets SET status = 'rejected' WHERE id % 13 = 0")
        .execute(db)
        .await
        .unwrap();
    let found = check_all(db, &mut rng, "loaded").await;
    assert!(found > 300, "too few queries found outlets: {found}");

    // A merchant moves the pin; outlets close; new ones open.
    sqlx::query("UPDATE outlets SET lon = lon + 0.003, lat = lat - 0.002 WHERE id % 5 = 0")
        .execute(db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM outlets WHERE id % 7 = 0")
        .execute(db)
        .await
        .unwrap();
    db::upsert_outlets(db, "a", &outlets(&mut rng, &templates, 400))
        .await
        .unwrap();
    check_all(db, &mut rng, "after moves").await;
}

/// Migrations up to 0007 only (the schema before the spatial index), from the source folder.
async fn migrator_before(folder: &str) -> Migrator {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    let mut m = Migrator::new(dir).await.unwrap();
    assert!(
        m.migrations.iter().any(|x| x.version == 8),
        "no 0008 in {folder}"
    );
    m.migrations = Cow::Owned(
        m.migrations
            .iter()
            .filter(|x| x.version < 8)
            .cloned()
            .collect(),
    );
    m
}

async fn open(ws: &Workspace) -> Db {
    db::connect(&ws.location(), Durability::Normal)
        .await
        .unwrap()
}

#[tokio::test]
async fn index_answers_as_before() {
    let ws = Workspace::new();
    let db = open(&ws).await;
    exercise(&db, 1).await;
    if ws.is_pg() {
        // With statistics, as a running server has them, the planner takes the GiST index.
        sqlx::raw_sql("ANALYZE outlets").execute(&db).await.unwrap();
        let plan: Vec<String> = sqlx::query(
            "EXPLAIN SELECT id FROM outlets WHERE status = 'approved' AND dataset = 'a'
             AND point(lon, lat) <@ box(point(121.41, 31.22), point(121.43, 31.24))
             AND lon BETWEEN 121.41 AND 121.43 AND lat BETWEEN 31.22 AND 31.24",
        )
        .fetch_all(&db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
        assert!(
            plan.iter().any(|l| l.contains("outlets_position_gist")),
            "{plan:#?}"
        );
    } else {
        // The triggers kept one box per outlet, around its exact position.
        let stray: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM outlets_rtree) - (SELECT COUNT(*) FROM outlets)
                  + (SELECT COUNT(*) FROM outlets o LEFT JOIN outlets_rtree r ON r.id = o.id
                     WHERE r.id IS NULL OR NOT (r.west <= o.lon AND o.lon <= r.east
                                                AND r.south <= o.lat AND o.lat <= r.north))",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(stray, 0);
    }
}

#[tokio::test]
async fn index_holds_rows_stored_before_it() {
    let ws = Workspace::new();
    sqlx::any::install_default_drivers();
    let (url, folder) = match ws.location() {
        Location::File(path) => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            (format!("sqlite://{}?mode=rwc", path.display()), "sqlite")
        }
        Location::Postgres(url) => (url, "postgres"),
    };
    let pre = Db::connect(&url).await.unwrap();
    migrator_before(folder).await.run(&pre).await.unwrap();
    let mut rng = Rng(77);
    db::load_dataset(
        &pre,
        "a",
        "sample",
        &outlets(&mut rng, &templates(), 2000),
        "test",
    )
    .await
    .unwrap();
    pre.close().await;
    let db = open(&ws).await;
    let found = check_all(&db, &mut rng, "migrated").await;
    assert!(found > 200, "too few queries found outlets: {found}");
}
