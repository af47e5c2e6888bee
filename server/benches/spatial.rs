//! Outlets by bbox and by 15-minute walking reach at city scale, from a spatial index, measured
//! against PostGIS on the same data in one run.
//!
//!   bash bench/spatial.sh        (starts PostgreSQL via scripts/pg.sh, then this bench)
//!   SPATIAL_BENCH_PG_URL=postgres://… cargo bench -p server --bench spatial
//!
//! 100,000 outlets (fixed seed) over a 40 × 40 km city: neighbourhood clusters of uneven size
//! around a dense centre over a thin background, the category mix and fields of the server's
//! sample set (every category of app/rules.toml). The same rows go, through the server's own
//! `db::load_dataset`, into
//!   (a) SQLite with migration 0008's R*Tree — the server's `db::list_outlets` (ours);
//!   (b) a copy of that SQLite file with 0008 undone, queried as `list_outlets` did before it
//!       (the B-tree on dataset, status, lon, lat) — the baseline;
//!   (c) PostgreSQL with 0008's core GiST index on `point(lon, lat)` — `db::list_outlets`
//!       (ours), and a copy of that database with 0008 undone, queried as before (reference);
//!   (d) PostGIS on that PostgreSQL table: a `geography(Point)` column with a GiST index,
//!       queried with `ST_DWithin(geog, ST_MakePoint(lon, lat)::geography, r)`, and a
//!       `geometry(Point, 4326)` column with a GiST index for the bbox (`&& ST_MakeEnvelope`).
//! Query kinds, each from the same fixed points: the 15-minute walk neighbourhood (1,125 m; ours
//! is the circle's bbox from the index, then the exact WGS-84 geodesic distance, as PostGIS
//! computes it) and the circle's bbox alone, each with every category and with one category.
//! Every engine must return the same outlets in the same order for every query (asserted).
//!
//! Settings by environment: SPATIAL_BENCH_PG_URL (a server whose `postgres` database can create
//! databases; required), SPATIAL_BENCH_OUTLETS (100000), SPATIAL_BENCH_POINTS (1000),
//! SPATIAL_BENCH_RESULTS (a Markdown file whose spatial section is replaced; bench/spatial.sh
//! passes bench/RESULTS.md).

use app::domain::{BBox, Outlet, OutletSource, Rules, StoredOutlet};
use geo::{Distance, Geodesic, Point};
use server::dataset::{default_data_dir, Dataset};
use server::db::{self, Db, Durability, Location, OutletFilter};
use server::sample::Rng;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const MARK_START: &str = "<!-- spatial-bench:start -->";
const MARK_END: &str = "<!-- spatial-bench:end -->";
const DATASET: &str = "bench";
const PG_DATABASE: &str = "bianmin_spatial_bench";
/// 15 minutes at the rules' 4.5 km/h.
const WALK_M: f64 = 1_125.0;
/// The city: central Shanghai, 40 km across.
const CENTRE: [f64; 2] = [121.47, 31.23];
const HALF_SIDE_M: f64 = 20_000.0;
const M_PER_DEG_LAT: f64 = 110_574.0;
/// A degree of longitude at the equator on the WGS-84 ellipsoid: (π/180)·a.
const M_PER_DEG_LON_EQ: f64 = 111_319.49;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A standard normal deviate (Box–Muller) from the sample set's generator.
trait Normal {
    fn normal(&mut self) -> f64;
}

impl Normal for Rng {
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(f64::MIN_POSITIVE);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.unit()).cos()
    }
}

fn m_per_deg_lon(lat: f64) -> f64 {
    M_PER_DEG_LON_EQ * lat.to_radians().cos()
}

/// A point `dx`, `dy` metres east and north of the city centre, clamped to the city, at the
/// precision the server stores (six decimals, ~0.1 m).
fn offset(dx: f64, dy: f64) -> [f64; 2] {
    let dx = dx.clamp(-HALF_SIDE_M, HALF_SIDE_M);
    let dy = dy.clamp(-HALF_SIDE_M, HALF_SIDE_M);
    let round6 = |v: f64| (v * 1e6).round() / 1e6;
    [
        round6(CENTRE[0] + dx / m_per_deg_lon(CENTRE[1])),
        round6(CENTRE[1] + dy / M_PER_DEG_LAT),
    ]
}

/// Neighbourhood centres (metres from the city centre) with their spread and weight: denser
/// and bigger towards the centre, as in a real city.
fn neighbourhoods(rng: &mut Rng, n: usize) -> Vec<([f64; 2], f64, f64)> {
    (0..n)
        .map(|_| {
            let c = [rng.normal() * 7_000.0, rng.normal() * 7_000.0];
            let spread = 150.0 + rng.unit() * 650.0;
            // A few big centres, many small ones.
            let weight = rng.unit().powi(3) + 0.02;
            (c, spread, weight)
        })
        .collect()
}

/// 85 % of outlets in neighbourhood clusters, 15 % spread evenly over the city. Each copies the
/// fields of a sample outlet chosen at random, so the category mix is the sample set's.
fn city(templates: &[Outlet], n: usize, seed: u64) -> (Vec<Outlet>, Vec<[f64; 2]>) {
    let mut rng = Rng(seed);
    let hoods = neighbourhoods(&mut rng, 400);
    let total: f64 = hoods.iter().map(|h| h.2).sum();
    let pick = |rng: &mut Rng| {
        let mut x = rng.unit() * total;
        for h in &hoods {
            if x < h.2 {
                return h;
            }
            x -= h.2;
        }
        hoods.last().expect("neighbourhoods")
    };
    let outlets = (0..n)
        .map(|i| {
            let pos = if rng.unit() < 0.85 {
                let (c, spread, _) = pick(&mut rng);
                offset(c[0] + rng.normal() * spread, c[1] + rng.normal() * spread)
            } else {
                offset(
                    (rng.unit() * 2.0 - 1.0) * HALF_SIDE_M,
                    (rng.unit() * 2.0 - 1.0) * HALF_SIDE_M,
                )
            };
            let mut o = templates[rng.below(templates.len())].clone();
            o.name = o.name.map(|name| format!("{name}·{i}"));
            o.osm_ref = None;
            o.source = OutletSource::Sample;
            o.lon = pos[0];
            o.lat = pos[1];
            o
        })
        .collect();
    // Where residents ask from: mostly in neighbourhoods, some anywhere.
    let points = (0..env_num("SPATIAL_BENCH_POINTS", 1000))
        .map(|_| {
            if rng.unit() < 0.9 {
                let (c, spread, _) = pick(&mut rng);
                offset(
                    c[0] + rng.normal() * spread * 1.5,
                    c[1] + rng.normal() * spread * 1.5,
                )
            } else {
                offset(
                    (rng.unit() * 2.0 - 1.0) * HALF_SIDE_M,
                    (rng.unit() * 2.0 - 1.0) * HALF_SIDE_M,
                )
            }
        })
        .collect();
    (outlets, points)
}

/// A bbox holding every point within `r` metres (geodesic) of `p`: a degree of latitude is at
/// least 110,574 m, one of longitude at least (π/180)·a·cos φ; 0.1 % to spare covers the
/// difference between a parallel and the geodesic at this size.
fn circle_bbox(p: [f64; 2], r: f64) -> BBox {
    let dlat = r / M_PER_DEG_LAT * 1.001;
    let far = (p[1].abs() + dlat).min(89.0);
    let dlon = r / m_per_deg_lon(far) * 1.001;
    BBox {
        west: p[0] - dlon,
        south: p[1] - dlat,
        east: p[0] + dlon,
        north: p[1] + dlat,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Walk,
    WalkCategory,
    Bbox,
    BboxCategory,
}

impl Kind {
    const ALL: [Kind; 4] = [
        Kind::Walk,
        Kind::WalkCategory,
        Kind::Bbox,
        Kind::BboxCategory,
    ];
    fn label(self) -> &'static str {
        match self {
            Kind::Walk => "15-minute walk (1,125 m), every category",
            Kind::WalkCategory => "15-minute walk (1,125 m), one category",
            Kind::Bbox => "circle's bbox, every category",
            Kind::BboxCategory => "circle's bbox, one category",
        }
    }
    fn walk(self) -> bool {
        matches!(self, Kind::Walk | Kind::WalkCategory)
    }
    fn category(self) -> bool {
        matches!(self, Kind::WalkCategory | Kind::BboxCategory)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Engine {
    SqliteRtree,
    SqliteBtree,
    PgGist,
    PgBtree,
    PostGis,
}

impl Engine {
    const ALL: [Engine; 5] = [
        Engine::SqliteRtree,
        Engine::SqliteBtree,
        Engine::PgGist,
        Engine::PgBtree,
        Engine::PostGis,
    ];
    fn label(self) -> &'static str {
        match self {
            Engine::SqliteRtree => "SQLite R*Tree (ours)",
            Engine::SqliteBtree => "SQLite B-tree (before)",
            Engine::PgGist => "PostgreSQL GiST (ours)",
            Engine::PgBtree => "PostgreSQL B-tree (before)",
            Engine::PostGis => "PostGIS",
        }
    }
}

const COLUMNS: &str = "id, name, name_en, category, repair_kinds, services, prices, opening_hours,
     phone, address, brand, delivers, open_24h, source, osm_ref, lon, lat";

/// The rows as `db::list_outlets` decodes them (the same work for every engine).
fn decode(row: &AnyRow) -> StoredOutlet {
    let list = |col: &str| row.try_get::<String, _>(col).expect(col);
    let source: String = row.try_get("source").expect("source");
    StoredOutlet {
        id: row.try_get("id").expect("id"),
        outlet: Outlet {
            name: row.try_get("name").expect("name"),
            name_en: row.try_get("name_en").expect("name_en"),
            category: row.try_get("category").expect("category"),
            repair_kinds: serde_json::from_str(&list("repair_kinds")).expect("repair_kinds"),
            services: serde_json::from_str(&list("services")).expect("services"),
            prices: serde_json::from_str(&list("prices")).expect("prices"),
            opening_hours: row.try_get("opening_hours").expect("opening_hours"),
            phone: row.try_get("phone").expect("phone"),
            address: row.try_get("address").expect("address"),
            brand: row.try_get("brand").expect("brand"),
            delivers: row
                .try_get::<Option<db::Flag>, _>("delivers")
                .expect("delivers")
                .map(|f| f.0),
            open_24h: row.try_get::<db::Flag, _>("open_24h").expect("open_24h").0,
            source: OutletSource::parse(&source).expect("source"),
            osm_ref: row.try_get("osm_ref").expect("osm_ref"),
            lon: row.try_get("lon").expect("lon"),
            lat: row.try_get("lat").expect("lat"),
        },
    }
}

/// The statement `list_outlets` ran before migration 0008 (same text on both engines).
async fn list_before(db: &Db, category: Option<&str>, b: BBox) -> Vec<StoredOutlet> {
    let mut sql =
        format!("SELECT {COLUMNS} FROM outlets WHERE status = 'approved' AND dataset = $1");
    let mut n = 2;
    if category.is_some() {
        sql.push_str(" AND category IN ($2)");
        n = 3;
    }
    sql.push_str(&format!(
        " AND lon BETWEEN ${} AND ${} AND lat BETWEEN ${} AND ${} ORDER BY id",
        n,
        n + 1,
        n + 2,
        n + 3
    ));
    let mut q = sqlx::query(&sql).bind(DATASET);
    if let Some(c) = category {
        q = q.bind(c);
    }
    let rows = q
        .bind(b.west)
        .bind(b.east)
        .bind(b.south)
        .bind(b.north)
        .fetch_all(db)
        .await
        .expect("query before 0008");
    rows.iter().map(decode).collect()
}

/// PostGIS: `ST_DWithin` on geography for the walk, `&& ST_MakeEnvelope` on geometry for the
/// bbox (with the same inclusive bounds as ours: `&&` compares single-precision boxes).
async fn list_postgis(
    db: &Db,
    category: Option<&str>,
    p: [f64; 2],
    b: BBox,
    walk: bool,
) -> Vec<StoredOutlet> {
    let mut sql =
        format!("SELECT {COLUMNS} FROM outlets WHERE status = 'approved' AND dataset = $1");
    let mut n = 2;
    if category.is_some() {
        sql.push_str(" AND category IN ($2)");
        n = 3;
    }
    if walk {
        sql.push_str(&format!(
            " AND ST_DWithin(geog, ST_MakePoint(${}, ${})::geography, ${}) ORDER BY id",
            n,
            n + 1,
            n + 2
        ));
    } else {
        sql.push_str(&format!(
            " AND geom && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)
              AND lon BETWEEN ${w} AND ${e} AND lat BETWEEN ${s} AND ${n} ORDER BY id",
            w = n,
            s = n + 1,
            e = n + 2,
            n = n + 3
        ));
    }
    let mut q = sqlx::query(&sql).bind(DATASET);
    if let Some(c) = category {
        q = q.bind(c);
    }
    let q = if walk {
        q.bind(p[0]).bind(p[1]).bind(WALK_M)
    } else {
        q.bind(b.west).bind(b.south).bind(b.east).bind(b.north)
    };
    let rows = q.fetch_all(db).await.expect("PostGIS query");
    rows.iter().map(decode).collect()
}

struct Dbs {
    sqlite: Db,
    pg: Db,
    /// Copies of the same data with migration 0008 undone: the schema as it was before.
    sqlite_before: Db,
    pg_before: Db,
}

/// One query; returns the ids in the order the engine gave them.
async fn run(dbs: &Dbs, engine: Engine, kind: Kind, p: [f64; 2], category: &str) -> Vec<i64> {
    let b = circle_bbox(p, WALK_M);
    let cat = kind.category().then_some(category);
    let rows = match engine {
        Engine::SqliteRtree | Engine::PgGist => {
            let filter = OutletFilter {
                categories: cat.map(|c| vec![c.to_string()]).unwrap_or_default(),
                repair_kinds: Vec::new(),
                bbox: Some(b),
            };
            let db = if engine == Engine::SqliteRtree {
                &dbs.sqlite
            } else {
                &dbs.pg
            };
            db::list_outlets(db, DATASET, &filter)
                .await
                .expect("list_outlets")
        }
        Engine::SqliteBtree => list_before(&dbs.sqlite_before, cat, b).await,
        Engine::PgBtree => list_before(&dbs.pg_before, cat, b).await,
        Engine::PostGis => return ids(list_postgis(&dbs.pg, cat, p, b, kind.walk()).await),
    };
    if kind.walk() {
        let here = Point::new(p[0], p[1]);
        ids(rows
            .into_iter()
            .filter(|o| Geodesic.distance(here, Point::new(o.outlet.lon, o.outlet.lat)) <= WALK_M)
            .collect())
    } else {
        ids(rows)
    }
}

fn ids(rows: Vec<StoredOutlet>) -> Vec<i64> {
    rows.iter().map(|o| o.id).collect()
}

fn pct(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 1.0 {
        format!("{ms:.3} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `postgres://…/postgres` with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let cut = base
        .rfind('/')
        .filter(|i| *i > base.find("://").map_or(0, |s| s + 2));
    let mut out = match cut {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => format!("{base}/{name}"),
    };
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Undoes migration 0008 in a copy of the data: the schema `list_outlets` ran on before.
const SQLITE_BEFORE: &str = "DROP TRIGGER outlets_rtree_insert; DROP TRIGGER outlets_rtree_update;
    DROP TRIGGER outlets_rtree_delete; DROP TABLE outlets_rtree;
    CREATE INDEX outlets_dataset_position ON outlets (dataset, status, lon, lat)";
const PG_BEFORE: &str = "DROP INDEX outlets_position_gist;
    CREATE INDEX outlets_dataset_position ON outlets (dataset, status, lon, lat)";

async fn setup(outlets: &[Outlet], dir: &std::path::Path, pg_url: &str) -> (Dbs, String) {
    sqlx::any::install_default_drivers();
    let t = Instant::now();
    let sqlite_path = dir.join("spatial.db");
    let sqlite = db::open(&sqlite_path, Durability::Normal)
        .await
        .expect("SQLite");
    db::load_dataset(&sqlite, DATASET, "sample", outlets, "spatial bench")
        .await
        .expect("load SQLite");
    let sqlite_load = t.elapsed();
    let before_path = dir.join("spatial-before.db");
    sqlx::query("VACUUM INTO $1")
        .bind(before_path.to_str().expect("temp path"))
        .execute(&sqlite)
        .await
        .expect("copy the SQLite file");
    // Opened without the server's migrator, which would put 0008 back.
    let sqlite_before = Db::connect(&format!("sqlite://{}", before_path.display()))
        .await
        .expect("SQLite copy");
    sqlx::raw_sql(SQLITE_BEFORE)
        .execute(&sqlite_before)
        .await
        .expect("undo 0008 on SQLite");

    let admin = Db::connect(pg_url)
        .await
        .expect("PostgreSQL (SPATIAL_BENCH_PG_URL)");
    let before_db = format!("{PG_DATABASE}_before");
    for stmt in [
        format!("DROP DATABASE IF EXISTS {PG_DATABASE}"),
        format!("DROP DATABASE IF EXISTS {before_db}"),
        format!("CREATE DATABASE {PG_DATABASE}"),
    ] {
        sqlx::raw_sql(&stmt)
            .execute(&admin)
            .await
            .expect("bench database");
    }
    let version: String = sqlx::query_scalar("SELECT version()")
        .fetch_one(&admin)
        .await
        .expect("version");
    let t = Instant::now();
    let pg_url_bench = with_database(pg_url, PG_DATABASE);
    let pg = db::connect(&Location::Postgres(pg_url_bench.clone()), Durability::Full)
        .await
        .expect("PostgreSQL bench database");
    db::load_dataset(&pg, DATASET, "sample", outlets, "spatial bench")
        .await
        .expect("load PostgreSQL");
    let pg_load = t.elapsed();
    // The copy needs the original without connections.
    pg.close().await;
    sqlx::raw_sql(&format!(
        "CREATE DATABASE {before_db} TEMPLATE {PG_DATABASE}"
    ))
    .execute(&admin)
    .await
    .expect("copy the PostgreSQL database");
    admin.close().await;
    let pg = Db::connect(&pg_url_bench)
        .await
        .expect("PostgreSQL bench database");
    let pg_before = Db::connect(&with_database(pg_url, &before_db))
        .await
        .expect("PostgreSQL copy");
    sqlx::raw_sql(PG_BEFORE)
        .execute(&pg_before)
        .await
        .expect("undo 0008 on PostgreSQL");
    sqlx::raw_sql("VACUUM ANALYZE outlets")
        .execute(&pg_before)
        .await
        .expect("analyze the copy");
    // PostGIS beside the server's own schema: the same table, two more columns and their
    // indexes, so ours and PostGIS read the same heap.
    let t = Instant::now();
    for stmt in [
        "CREATE EXTENSION IF NOT EXISTS postgis",
        "ALTER TABLE outlets ADD COLUMN geog geography(Point, 4326), ADD COLUMN geom geometry(Point, 4326)",
        "UPDATE outlets SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326), geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography",
        "CREATE INDEX outlets_geog ON outlets USING gist (geog)",
        "CREATE INDEX outlets_geom ON outlets USING gist (geom)",
        "VACUUM ANALYZE outlets",
    ] {
        sqlx::raw_sql(stmt).execute(&pg).await.expect(stmt);
    }
    let postgis_setup = t.elapsed();
    let postgis: String = sqlx::query_scalar("SELECT postgis_lib_version()")
        .fetch_one(&pg)
        .await
        .expect("postgis version");
    let pg_version = version.split(" on ").next().unwrap_or(&version).to_string();
    let note = format!(
        "Loading through `db::load_dataset`: SQLite {:.1} s, PostgreSQL {:.1} s; PostGIS columns and indexes {:.1} s. {pg_version}, PostGIS {postgis}.",
        sqlite_load.as_secs_f64(),
        pg_load.as_secs_f64(),
        postgis_setup.as_secs_f64()
    );
    (
        Dbs {
            sqlite,
            pg,
            sqlite_before,
            pg_before,
        },
        note,
    )
}

/// What the planner does with each statement, checked so a figure never comes from the wrong
/// index.
async fn check_plans(dbs: &Dbs, p: [f64; 2]) {
    let b = circle_bbox(p, WALK_M);
    let pg_plan = |sql: String| async move {
        let rows = sqlx::query(&format!("EXPLAIN {sql}"))
            .fetch_all(&dbs.pg)
            .await
            .expect("explain");
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).expect("plan line"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let postgis = pg_plan(format!(
        "SELECT id FROM outlets WHERE status = 'approved' AND dataset = 'bench'
         AND ST_DWithin(geog, ST_MakePoint({}, {})::geography, {WALK_M})",
        p[0], p[1]
    ))
    .await;
    assert!(
        postgis.contains("outlets_geog"),
        "PostGIS walk plan:\n{postgis}"
    );
    let envelope = pg_plan(format!(
        "SELECT id FROM outlets WHERE status = 'approved' AND dataset = 'bench'
         AND geom && ST_MakeEnvelope({}, {}, {}, {}, 4326)",
        b.west, b.south, b.east, b.north
    ))
    .await;
    assert!(
        envelope.contains("outlets_geom"),
        "PostGIS bbox plan:\n{envelope}"
    );
}

#[derive(Default)]
struct Figures {
    times: BTreeMap<(Kind, Engine), Vec<Duration>>,
    rows: BTreeMap<Kind, Vec<usize>>,
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(bench());
}

async fn bench() {
    let pg_url = std::env::var("SPATIAL_BENCH_PG_URL")
        .expect("SPATIAL_BENCH_PG_URL=postgres://… (bash bench/spatial.sh starts one)");
    let n = env_num("SPATIAL_BENCH_OUTLETS", 100_000);
    let rules = Rules::bundled();
    let shanghai = Dataset::open("shanghai", &default_data_dir()).expect("bundled Shanghai");
    let (_, templates, _) =
        server::seed::initial_outlets(&shanghai, &rules, true).expect("sample outlets");
    let (outlets, points) = city(&templates, n, 0x5eed_0007);
    let categories: Vec<&str> = rules.categories.iter().map(|c| c.code.as_str()).collect();
    let dir = tempfile::tempdir().expect("temp dir");
    eprintln!("loading {} outlets …", group(outlets.len()));
    let (dbs, load_note) = setup(&outlets, dir.path(), &pg_url).await;
    check_plans(&dbs, points[0]).await;

    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut figures = Figures::default();
    for kind in Kind::ALL {
        eprintln!("{} …", kind.label());
        // Warm-up: caches and prepared statements, untimed.
        for (i, p) in points.iter().take(50).enumerate() {
            for engine in Engine::ALL {
                run(&dbs, engine, kind, *p, categories[i % categories.len()]).await;
            }
        }
        // Each point asks every engine in turn (the first one rotating), so a burst of load
        // on the machine falls on all of them alike.
        let mut rows = Vec::with_capacity(points.len());
        for (i, p) in points.iter().enumerate() {
            let category = categories[i % categories.len()];
            let mut reference: Option<(Engine, Vec<i64>)> = None;
            for k in 0..Engine::ALL.len() {
                let engine = Engine::ALL[(i + k) % Engine::ALL.len()];
                let t = Instant::now();
                let got = run(&dbs, engine, kind, *p, category).await;
                figures
                    .times
                    .entry((kind, engine))
                    .or_default()
                    .push(t.elapsed());
                match &reference {
                    None => reference = Some((engine, got)),
                    Some((first, want)) => assert_eq!(
                        &got,
                        want,
                        "{} differs from {} for {} at {p:?} ({category})",
                        engine.label(),
                        first.label(),
                        kind.label()
                    ),
                }
            }
            rows.push(reference.map_or(0, |(_, ids)| ids.len()));
        }
        assert!(
            rows.iter().any(|r| *r > 0),
            "{}: every answer empty",
            kind.label()
        );
        figures.rows.insert(kind, rows);
    }
    for times in figures.times.values_mut() {
        times.sort();
    }
    let load = format!(
        "load average (1, 5, 15 min) {} before the queries, {} after",
        load_before
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    report(
        &figures,
        n,
        points.len(),
        categories.len(),
        &load_note,
        &load,
    );
}

fn report(
    f: &Figures,
    outlets: usize,
    points: usize,
    categories: usize,
    load_note: &str,
    load: &str,
) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    let mut md = format!(
        "{MARK_START}\n# Spatial queries at city scale: ours against PostGIS\n\n\
Generated by `bash bench/spatial.sh` (`cargo bench -p server --bench spatial`) on {date}; machine: {cpu}, {cores} cores, {load}. \
{outlets_fmt} outlets (fixed seed) over a 40 × 40 km city (central Shanghai): 400 neighbourhood clusters of uneven size \
around a dense centre, 15 % spread evenly; the category mix and fields of the server's sample set ({categories} categories \
of app/rules.toml). The same rows are loaded through the server's `db::load_dataset` into SQLite (WAL) and PostgreSQL; \
PostGIS columns (`geography(Point)` and `geometry(Point, 4326)`, each with a GiST index) are added to that same \
PostgreSQL table. {load_note}\n\n\
{points} fixed query points (90 % in neighbourhoods); the category queries cycle through every category. One query at a \
time, every engine in turn for each point (the first one rotating), after 50 untimed warm-up points; latency is the whole call as the server makes it (statement, rows \
decoded into outlets, and for ours the exact distance). **Every engine returned the same outlets in the same order for \
every query (asserted).**\n\n\
- *ours*: `db::list_outlets` with the circle's bbox (migration 0008: SQLite R*Tree `outlets_rtree`, PostgreSQL core \
GiST on `point(lon, lat)` queried with `<@ box`), then for the walk the exact WGS-84 geodesic distance ≤ 1,125 m \
(Karney, as PostGIS computes it on geography).\n\
- *before*: a copy of the same database with 0008 undone (its B-tree on dataset, status, lon, lat back), queried with \
the statement `list_outlets` ran before 0008; the walk filtered by the same exact distance.\n\
- *PostGIS*: `ST_DWithin(geog, ST_MakePoint(lon, lat)::geography, 1125)` for the walk; `geom && ST_MakeEnvelope(w, s, e, n, 4326)` \
(plus the same inclusive lon/lat bounds, since `&&` compares single-precision boxes) for the bbox.\n\n",
        outlets_fmt = group(outlets),
    );
    md.push_str(
        "| query | rows (mean / max) | engine | median | p99 | PostGIS ÷ this (median) | PostGIS ÷ this (p99) |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for kind in Kind::ALL {
        let rows = &f.rows[&kind];
        let mean = rows.iter().sum::<usize>() as f64 / rows.len() as f64;
        let max = rows.iter().max().copied().unwrap_or(0);
        let peer = &f.times[&(kind, Engine::PostGis)];
        for (i, engine) in Engine::ALL.into_iter().enumerate() {
            let t = &f.times[&(kind, engine)];
            let (m, p) = (pct(t, 0.5), pct(t, 0.99));
            let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
            let (rm, rp) = if engine == Engine::PostGis {
                ("—".to_string(), "—".to_string())
            } else {
                let mark = if matches!(engine, Engine::SqliteRtree | Engine::PgGist) {
                    "**"
                } else {
                    ""
                };
                (
                    format!("{mark}{:.2}×{mark}", ratio(pct(peer, 0.5), m)),
                    format!("{mark}{:.2}×{mark}", ratio(pct(peer, 0.99), p)),
                )
            };
            let (label, rows_cell) = if i == 0 {
                (kind.label().to_string(), format!("{mean:.0} / {max}"))
            } else {
                (String::new(), String::new())
            };
            md.push_str(&format!(
                "| {label} | {rows_cell} | {} | {} | {} | {rm} | {rp} |\n",
                engine.label(),
                ms(m),
                ms(p)
            ));
        }
    }
    md.push_str("\nA ratio above 1 means PostGIS took longer than that engine.\n");
    md.push_str(MARK_END);
    md.push('\n');
    println!("{md}");
    if let Ok(path) = std::env::var("SPATIAL_BENCH_RESULTS") {
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        let new = match (old.find(MARK_START), old.find(MARK_END)) {
            (Some(a), Some(b)) if a < b => {
                format!(
                    "{}{}{}",
                    &old[..a],
                    md.trim_end(),
                    &old[b + MARK_END.len()..]
                )
            }
            _ => format!("{}\n\n{}", old.trim_end(), md),
        };
        std::fs::write(&path, new).expect("write results");
        eprintln!("wrote {path}");
    }
}
