//! 一刻钟便民生活圈 server. `bianmin-server` serves the app; subcommands import OSM data, check
//! rules files and add staff accounts. Every option can also be set by environment variable
//! (shown in `--help`).

use server::staff::{audit::Actor, auth};
use server::{api, backup, dataset, db, import, ops, seed, tokens, walking};

use app::domain::circle_edit::CircleRules;
use app::domain::grade::GradeRules;
use app::domain::survey::questionnaire::DEFAULT_SURVEY_TOML;
use app::domain::survey::Questionnaire;
use app::domain::{ClientConfig, Rules};
use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "bianmin-server",
    version,
    about = "一刻钟便民生活圈: map API and app server"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    serve: ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args)]
struct Common {
    /// SQLite database file (created if missing).
    #[arg(
        long,
        env = "BIANMIN_DB",
        default_value = "var/bianmin.db",
        global = true
    )]
    db: PathBuf,
    /// PostgreSQL instead of the SQLite file: `postgres://user:password@host:port/database`.
    /// Several servers (replicas behind a load balancer) may share one database: sessions,
    /// rate limits and survey codes live in it, not in a server's memory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// Dataset: `shanghai` (default), `helsinki`, or a folder with walk_network.geojson,
    /// basemap.geojson and optionally pois.geojson and circles.json.
    #[arg(
        long,
        env = "BIANMIN_DATASET",
        default_value = "shanghai",
        global = true
    )]
    dataset: String,
    /// Where the bundled datasets live.
    #[arg(long, env = "BIANMIN_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Rules file (TOML); the bundled app/rules.toml when not given.
    #[arg(long, env = "BIANMIN_RULES", global = true)]
    rules: Option<PathBuf>,
    /// SQLite's `synchronous` setting (WAL mode). `full`: every commit is synced to disk before
    /// it is acknowledged, so a resident's answer that got a success reply survives a power
    /// cut. `normal`: faster writes that survive a crash of the server but may lose the last
    /// commits on power loss.
    #[arg(
        long,
        env = "BIANMIN_SYNC",
        value_enum,
        default_value = "full",
        global = true
    )]
    sync: SyncMode,
}

impl Common {
    /// The database these flags name: `--database-url` when given, else the SQLite file.
    fn location(&self) -> Result<db::Location, String> {
        db::Location::new(&self.db, self.database_url.as_deref())
    }

    async fn open_db(&self) -> Result<db::Db, String> {
        db::connect(&self.location()?, self.sync.into()).await
    }

    /// How to name this database on the command line, for hints.
    fn db_flag(&self) -> String {
        match self.location() {
            Ok(db::Location::Postgres(_)) => "DATABASE_URL=… bianmin-server".to_string(),
            _ => format!("bianmin-server --db {}", self.db.display()),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum SyncMode {
    Full,
    Normal,
}

impl From<SyncMode> for db::Durability {
    fn from(s: SyncMode) -> Self {
        match s {
            SyncMode::Full => db::Durability::Full,
            SyncMode::Normal => db::Durability::Normal,
        }
    }
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "BIANMIN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The built client (Trunk's output folder).
    #[arg(long, env = "BIANMIN_DIST", default_value = "dist")]
    dist: PathBuf,
    /// Raster tile URL template for deployments with a tile server; without it the client
    /// draws the dataset's bundled GeoJSON basemap.
    #[arg(long, env = "BIANMIN_TILE_URL")]
    tile_url: Option<String>,
    /// Attribution HTML for those tiles.
    #[arg(long, env = "BIANMIN_TILE_ATTRIBUTION")]
    tile_attribution: Option<String>,
    /// The satisfaction survey's questionnaire (TOML, like app/survey.toml, which is used when
    /// not given): a city's own questions.
    #[arg(long, env = "BIANMIN_SURVEY")]
    survey: Option<PathBuf>,
    /// Behind a reverse proxy: rate-limit by the client address the proxy appends to
    /// X-Forwarded-For instead of the connection's address. Never without such a proxy (the
    /// header is the client's to forge).
    #[arg(long, env = "BIANMIN_TRUST_PROXY", value_parser = BoolishValueParser::new())]
    trust_proxy: bool,
    /// Mark the staff session cookie `Secure` (when the site is served over HTTPS).
    #[arg(long, env = "BIANMIN_SECURE_COOKIES", value_parser = BoolishValueParser::new())]
    secure_cookies: bool,
    /// Open-mode survey answers accepted per client address in 10 minutes (one estate on one
    /// Wi-Fi shares an address: raise it for a survey event).
    #[arg(long, env = "BIANMIN_OPEN_MODE_LIMIT", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    open_mode_limit: u32,
    /// Folder for merchant photos (shop fronts and licences); `uploads` next to the database
    /// file when not given.
    #[arg(long, env = "BIANMIN_UPLOADS", global = true)]
    uploads: Option<PathBuf>,
    /// Seconds a client has to send a request's headers; also how long an idle keep-alive
    /// connection stays open. Slow clients (slowloris) are cut off after it.
    #[arg(long, env = "BIANMIN_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds from a request's headers to its response (the body's upload included); slower
    /// requests are answered 408.
    #[arg(long, env = "BIANMIN_REQUEST_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// Open client connections at most; more wait in the listen queue until one closes.
    #[arg(long, env = "BIANMIN_MAX_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: u64,
    /// Seconds in-flight requests may take to finish after SIGTERM or Ctrl-C before the
    /// server stops anyway.
    #[arg(long, env = "BIANMIN_SHUTDOWN_GRACE", default_value_t = 30)]
    shutdown_grace: u64,
}

impl ServeArgs {
    /// The uploads folder: `--uploads`, else `uploads` beside the database file.
    fn uploads_dir(&self, db: &Path) -> PathBuf {
        self.uploads.clone().unwrap_or_else(|| {
            db.parent()
                .unwrap_or_else(|| Path::new("."))
                .join("uploads")
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the API (the default).
    Serve,
    /// Import OpenStreetMap POIs (.geojson or .osm.pbf) into the dataset's outlets.
    Import {
        file: PathBuf,
        /// Read and map only; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check a rules file and print what it defines.
    CheckRules { file: PathBuf },
    /// Staff accounts (survey administration).
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Back up the database and the uploads folder into DIR (new or empty), while the server
    /// may be running: a consistent database snapshot, the uploads, and manifest.json with
    /// hashes and row counts.
    Backup { dir: PathBuf },
    /// Restore a backup made by `backup` over the database and into the uploads folder. Stop
    /// the server first; a damaged or incomplete backup is refused and changes nothing.
    Restore { dir: PathBuf },
    /// Time the walking engine on the dataset (JSON; bench/compare.py runs the peers beside it).
    BenchWalk {
        /// Origins for the 15-minute searches.
        #[arg(long, default_value_t = 200)]
        origins: usize,
        /// Repetitions; medians are reported.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Write the JSON here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Synthetic grids of 10k, 100k and 1M nodes instead of the dataset.
        #[arg(long)]
        growth: bool,
    },
}

#[derive(Subcommand)]
enum StaffAction {
    /// Add a staff account. The password (at least 10 characters) is read from
    /// BIANMIN_STAFF_PASSWORD or, when that is unset, from standard input (one line; not
    /// echoed on a terminal). There is no default password.
    Add {
        username: String,
        /// Set a new password for an existing account instead (and end its sessions).
        #[arg(long)]
        reset: bool,
    },
}

fn load_rules(path: Option<&Path>) -> Result<(Rules, GradeRules, CircleRules), String> {
    match path {
        None => {
            let rules = Rules::bundled();
            let grade = GradeRules::bundled(&rules);
            Ok((rules, grade, CircleRules::bundled()))
        }
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            let rules = Rules::from_toml(&text).map_err(|e| format!("{}: {e}", p.display()))?;
            // The grade's table is checked against the categories the same file defines.
            let grade = GradeRules::from_toml(&text, &rules).map_err(|e| {
                format!(
                    "{}: [grade]: {e} (a city's rules file needs the [grade] table: copy it from app/rules.toml)",
                    p.display()
                )
            })?;
            let circles = CircleRules::from_toml(&text).map_err(|e| {
                format!(
                    "{}: [circles]: {e} (a city's rules file needs the [circles] table: copy it from app/rules.toml)",
                    p.display()
                )
            })?;
            Ok((rules, grade, circles))
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(e) = ops::logging::init() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let c = &cli.common;
    let (rules, grade_rules, circle_rules) = load_rules(c.rules.as_deref())?;
    let data_dir = c.data_dir.clone().unwrap_or_else(dataset::default_data_dir);
    match cli.command {
        Some(Command::CheckRules { file }) => {
            let (r, _, _) = load_rules(Some(&file))?;
            println!(
                "{}: ok — {} categories ({} required basic, {} graded quality), {} repair kinds, {} services; rings {}/{} min; {} km/h",
                file.display(),
                r.categories.len(),
                r.categories.iter().filter(|c| c.required).count(),
                r.categories.iter().filter(|c| c.graded).count(),
                r.repair_kinds.len(),
                r.services.len(),
                r.rings.doorstep_minutes,
                r.rings.around_home_minutes,
                r.walking.speed_kmh
            );
            Ok(())
        }
        Some(Command::Import { file, dry_run }) => {
            let ds = dataset::Dataset::open(&c.dataset, &data_dir)?;
            eprintln!("reading {} …", file.display());
            let report = import::import_file(&file, &rules, false)?;
            print!("{}", report.summary(&rules));
            if dry_run {
                println!("dry run: nothing stored");
                return Ok(());
            }
            let db = c.open_db().await?;
            let counts = db::upsert_outlets(&db, &ds.name, &report.outlets)
                .await
                .map_err(|e| format!("nothing stored, the import was rolled back: {e}"))?;
            println!(
                "stored in {} (dataset '{}'): {} new, {} updated",
                c.location()?.describe(),
                ds.name,
                counts.inserted,
                counts.updated
            );
            Ok(())
        }
        Some(Command::BenchWalk {
            origins,
            rounds,
            out,
            growth,
        }) => {
            let report = if growth {
                server::walkbench::growth()
            } else {
                let setup = server::walkbench::Setup::load(&c.dataset, &data_dir)?;
                server::walkbench::run(&setup, origins, rounds)
            };
            let text = serde_json::to_string_pretty(&report).expect("plain data");
            match out {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                None => println!("{text}"),
            }
            Ok(())
        }
        Some(Command::Staff {
            action: StaffAction::Add { username, reset },
        }) => staff_add(c, &username, reset).await,
        Some(Command::Backup { dir }) => {
            let uploads = cli.serve.uploads_dir(&c.db);
            let location = c.location()?;
            let done = match &location {
                db::Location::File(path) => backup::backup_sqlite(path, &uploads, &dir).await?,
                db::Location::Postgres(url) => backup::backup_postgres(url, &uploads, &dir).await?,
            };
            println!(
                "backed up {} to {}: {done}",
                location.describe(),
                dir.display()
            );
            Ok(())
        }
        Some(Command::Restore { dir }) => {
            let uploads = cli.serve.uploads_dir(&c.db);
            let location = c.location()?;
            let done = match &location {
                db::Location::File(path) => backup::restore_sqlite(&dir, path, &uploads).await?,
                db::Location::Postgres(url) => {
                    backup::restore_postgres(&dir, url, &uploads).await?
                }
            };
            println!(
                "restored {} from {}: {done}",
                location.describe(),
                dir.display()
            );
            Ok(())
        }
        Some(Command::Serve) | None => {
            serve(
                &cli.common,
                &cli.serve,
                rules,
                (grade_rules, circle_rules),
                &data_dir,
            )
            .await
        }
    }
}

/// The password for `staff add`: BIANMIN_STAFF_PASSWORD, else one line of standard input.
fn read_password(username: &str) -> Result<String, String> {
    if let Ok(p) = std::env::var("BIANMIN_STAFF_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("password for {username}: "))
            .map_err(|e| format!("cannot read the password: {e}"));
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn staff_add(c: &Common, username: &str, reset: bool) -> Result<(), String> {
    auth::check_username(username).map_err(|e| e.message_en)?;
    let db = c.open_db().await?;
    let exists = auth::find_account(&db, username)
        .await
        .map_err(|e| e.to_string())?
        .is_some();
    match (exists, reset) {
        (true, false) => {
            return Err(format!(
                "staff account '{username}' exists already; nothing changed (use --reset to set a new password)"
            ))
        }
        (false, true) => {
            return Err(format!(
                "no staff account '{username}' to reset; add it without --reset"
            ))
        }
        _ => {}
    }
    let password = read_password(username)?;
    auth::check_password(&password).map_err(|e| format!("{}; nothing changed", e.message_en))?;
    let hash = auth::hash_password(&password);
    let actor = Actor::command_line();
    let done = if reset {
        auth::reset_password(&db, username, &hash, &actor)
            .await
            .map_err(|e| e.to_string())?
    } else {
        auth::add_account(&db, username, &hash, &actor)
            .await
            .map_err(|e| e.to_string())?
            .is_some()
    };
    if !done {
        return Err(format!(
            "staff account '{username}' changed meanwhile; try again"
        ));
    }
    if reset {
        println!("set a new password for staff account '{username}' and ended its sessions");
    } else {
        println!(
            "added staff account '{username}' to {}; log in at /staff",
            c.location()?.describe()
        );
    }
    Ok(())
}

fn load_questionnaire(path: Option<&Path>, rules: &Rules) -> Result<Questionnaire, String> {
    match path {
        None => Questionnaire::from_toml(DEFAULT_SURVEY_TOML, rules)
            .map_err(|e| format!("the bundled questionnaire does not fit the rules: {e}")),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            Questionnaire::from_toml(&text, rules).map_err(|e| format!("{}: {e}", p.display()))
        }
    }
}

async fn serve(
    c: &Common,
    s: &ServeArgs,
    rules: Rules,
    (grade_rules, circle_rules): (GradeRules, CircleRules),
    data_dir: &Path,
) -> Result<(), String> {
    let ds = dataset::Dataset::open(&c.dataset, data_dir)?;
    let questionnaire = load_questionnaire(s.survey.as_deref(), &rules)?;
    // Held while serving on a SQLite file, so `restore` refuses to replace it under us.
    let _in_use = match c.location()? {
        db::Location::File(path) => Some(backup::mark_in_use(&path)?),
        db::Location::Postgres(_) => None,
    };
    let db = c.open_db().await?;
    let uploads = s.uploads_dir(&c.db);
    std::fs::create_dir_all(&uploads).map_err(|e| {
        format!(
            "cannot create the uploads folder {}: {e}",
            uploads.display()
        )
    })?;
    let server_key = tokens::server_key(&db)
        .await
        .map_err(|e| format!("cannot read the server key: {e}"))?;
    let loaded = seed::ensure_loaded(&db, &ds, &rules, false).await?;
    eprintln!("{loaded}");
    // Only circles not stored yet: a staff edit outlives restarts and re-imports.
    let added = server::circles::store::seed(&db, &ds.name, &ds.circles)
        .await
        .map_err(|e| format!("cannot store the dataset's circles: {e}"))?;
    if added > 0 {
        eprintln!("stored {added} circle(s) of dataset '{}'", ds.name);
    }
    if server::staff::auth::account_count(&db).await.unwrap_or(0) == 0 {
        // No default account exists, by design: the first one is made on the command line.
        eprintln!(
            "no staff account yet: add the first with `{} staff add NAME` (staff pages: /staff)",
            c.db_flag()
        );
    }
    if !s.dist.join("index.html").is_file() {
        tracing::warn!(
            "no built client at {}/index.html: the API works, the map page does not (build it with `trunk build --release`)",
            s.dist.display()
        );
    }
    let walk = walking::WalkNet::new(&ds.network)
        .map_err(|e| format!("dataset '{}': walk_network.geojson: {e}", ds.name))?;
    eprintln!(
        "walk graph: {} nodes, {} edges, {} bytes prebuilt",
        walk.graph.node_count(),
        walk.graph.edge_count(),
        walk.bytes.len()
    );
    let precompressed = server::static_files::Precompressed::default();
    {
        // Seconds of brotli at its best setting: in the background, while already serving.
        let (p, base) = (
            precompressed.clone(),
            server::static_files::served_base(&s.dist),
        );
        tokio::task::spawn_blocking(move || eprintln!("{}", p.fill(&base)));
    }
    let state = api::AppState {
        walk: Arc::new(walk),
        hours: Default::default(),
        precompressed,
        survey_writer: server::survey::writer::Writer::start(db.clone()),
        db,
        rules: Arc::new(rules),
        client_config: Arc::new(ClientConfig {
            dataset: ds.name.clone(),
            tile_url: s.tile_url.clone(),
            tile_attribution: s.tile_attribution.clone(),
        }),
        dataset: Arc::new(ds),
        questionnaire: Arc::new(questionnaire),
        grade_rules: Arc::new(grade_rules),
        circle_rules: Arc::new(circle_rules),
        security: Arc::new(api::Security {
            server_key,
            trust_proxy: s.trust_proxy,
            secure_cookies: s.secure_cookies,
            open_mode_limit: s.open_mode_limit,
        }),
        uploads: Arc::new(uploads),
    };
    let listener = tokio::net::TcpListener::bind(s.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", s.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!("serving dataset '{}' on http://{addr}", state.dataset.name);
    let pool = state.db.clone();
    let app = api::router(state, &s.dist).layer(axum::middleware::from_fn_with_state(
        Duration::from_secs(s.request_timeout),
        ops::serve::request_timeout,
    ));
    let app = ops::metrics::instrument(app, Default::default(), pool);
    let limits = ops::serve::Limits {
        header_read_timeout: Duration::from_secs(s.header_timeout),
        max_connections: usize::try_from(s.max_connections).unwrap_or(usize::MAX),
        shutdown_grace: Duration::from_secs(s.shutdown_grace),
    };
    ops::serve::serve(listener, app, limits, shutdown_signal()).await;
    Ok(())
}

/// Ctrl-C or SIGTERM (what service managers send): finish in-flight requests, then stop.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("shutting down");
}
