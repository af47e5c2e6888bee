//! The JSON/GeoJSON API under `/api/` (survey and staff included), the survey bundle for its
//! page paths, and the built client for every other path.

use crate::cache_headers::{self, NO_CACHE};
use crate::circles;
use crate::dataset::Dataset;
use crate::db::{self, Db, OutletFilter};
use crate::error::ApiError;
use crate::grade;
use crate::hours::{self, HoursCache};
use crate::json_body::BODY_LIMIT;
use crate::merchant;
use crate::params::Params;
use crate::search_terms;
use crate::static_files::{self, Precompressed};
use crate::walk_api;
use crate::walking::WalkNet;
use crate::{staff, survey};
use app::domain::survey::Questionnaire;
use app::domain::{ClientConfig, OutletCollection, Rules};
use axum::extract::{DefaultBodyLimit, OriginalUri, RawQuery, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeFile;
use tower_http::set_header::SetResponseHeader;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub rules: Arc<Rules>,
    pub dataset: Arc<Dataset>,
    pub client_config: Arc<ClientConfig>,
    pub walk: Arc<WalkNet>,
    /// Parsed opening hours, shared by all requests.
    pub hours: Arc<HoursCache>,
    /// The client's files compressed once (filled in the background after start).
    pub precompressed: Precompressed,
    /// The satisfaction survey's questionnaire (bundled, or the city's own).
    pub questionnaire: Arc<Questionnaire>,
    /// The circle grade's rules (the `[grade]` table of the same rules file).
    pub grade_rules: Arc<app::domain::grade::GradeRules>,
    /// Bounds for circles staff draw (the `[circles]` table of the same rules file).
    pub circle_rules: Arc<app::domain::circle_edit::CircleRules>,
    /// Stores survey answers, many per commit under load (group commit).
    pub survey_writer: crate::survey::writer::Writer,
    pub security: Arc<Security>,
    /// Where merchant photos are stored (by content hash; see `merchant::uploads`).
    pub uploads: Arc<PathBuf>,
}

/// Settings for staff sessions and rate limits.
#[derive(Debug, Clone)]
pub struct Security {
    /// The database's hash key for rate-limited values (see `tokens::server_key`).
    pub server_key: Vec<u8>,
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy only).
    pub trust_proxy: bool,
    /// Mark the staff cookie `Secure` (served over HTTPS).
    pub secure_cookies: bool,
    /// Open-mode survey answers per client address per 10 minutes.
    pub open_mode_limit: u32,
}

pub fn router(state: AppState, dist: &Path) -> Router {
    let index = dist.join("index.html");
    // Unknown paths get the client's index.html (status 200) so its own routes (/repair) load;
    // it is revalidated each time, whatever name it was asked for by.
    let fallback = SetResponseHeader::overriding(
        ServeFile::new(index),
        header::CACHE_CONTROL,
        HeaderValue::from_static(NO_CACHE),
    );
    let client = static_files::serve_dir(dist, state.precompressed.clone(), fallback);
    let pages = SurveyPages {
        survey: dist.join("s").join("index.html"),
        main: dist.join("index.html"),
    };
    let page = get(move |request: Request| pages.clone().serve(request));
    let desk_pages = SurveyPages {
        survey: dist.join("m").join("index.html"),
        main: dist.join("index.html"),
    };
    let desk = get(move |request: Request| desk_pages.clone().serve(request));
    Router::new()
        .route("/api/openapi.json", get(crate::openapi::serve))
        .route("/api/health", get(health))
        .route("/api/rules", get(rules))
        .route("/api/config", get(config))
        .route("/api/basemap", get(basemap))
        .route("/api/outlets", get(outlets))
        .route("/api/streets", get(streets_lookup))
        .route("/api/graph", get(walk_api::graph))
        .route("/api/reach", get(walk_api::reach))
        .route("/api/isochrone", get(walk_api::isochrone))
        .route("/api/coverage", get(walk_api::coverage))
        .route("/api/hours", get(hours::hours))
        .route("/api/search-terms", get(search_terms::search_terms))
        .route(
            "/api/survey/questionnaire",
            get(survey::handlers::questionnaire),
        )
        .route(
            "/api/circles/{id}/survey",
            get(survey::handlers::circle_survey),
        )
        .route(
            "/api/circles/{id}/rounds",
            get(survey::handlers::circle_rounds),
        )
        .route(
            "/api/circles/{id}/responses",
            post(survey::handlers::submit),
        )
        .route(
            "/api/circles/{id}/indicators",
            get(survey::handlers::indicators),
        )
        .merge(circles::routes())
        .merge(grade::routes())
        .merge(merchant::routes())
        .route("/api/staff/login", post(staff::handlers::login))
        .route("/api/staff/me", get(staff::handlers::me))
        .route("/api/staff/logout", post(staff::handlers::logout))
        .route("/api/staff/accounts", post(staff::handlers::add_account))
        .route(
            "/api/staff/circles/{id}/rounds",
            post(survey::admin::open_round),
        )
        .route(
            "/api/staff/rounds/{id}/close",
            post(survey::admin::close_round),
        )
        .route(
            "/api/staff/rounds/{id}/codes",
            post(survey::admin::issue_codes).get(survey::admin::code_counts),
        )
        .route(
            "/api/staff/circles/{id}/responses.csv",
            get(survey::admin::responses_csv),
        )
        .route(
            "/api/staff/circles/{id}/indicators.csv",
            get(survey::admin::indicators_csv),
        )
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", get(api_not_found))
        .route("/survey", page.clone())
        .route("/survey/", page.clone())
        .route("/survey/{*rest}", page.clone())
        .route("/indicators", page.clone())
        .route("/indicators/", page.clone())
        .route("/indicators/{*rest}", page.clone())
        // The desk bundle (dist/m/): merchant registration and listing, the staff's review and
        // circle editor. More specific than /staff/{*rest}, so these win.
        .route("/merchant", desk.clone())
        .route("/merchant/", desk.clone())
        .route("/merchant/{*rest}", desk.clone())
        .route("/staff/registrations", desk.clone())
        .route("/staff/circles", desk.clone())
        .route("/staff/circles/{*rest}", desk)
        .route("/staff", page.clone())
        .route("/staff/", page.clone())
        .route("/staff/{*rest}", page)
        .fallback_service(client)
        // Every JSON body the API reads is small.
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(finish_writes))
        // Responses already compressed (the client's precompressed files) pass through as they
        // are; API answers are compressed here.
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(cache_headers::cache_control))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The survey, indicator and staff pages: the second client bundle's `dist/s/index.html` (the
/// desk pages: the third's, `dist/m/index.html`), or the main index.html where that bundle is
/// not built. Revalidated each time, like the main
/// index.html served for the map app's own routes.
#[derive(Clone)]
struct SurveyPages {
    survey: PathBuf,
    main: PathBuf,
}

impl SurveyPages {
    async fn serve(self, request: Request) -> Response {
        let file = if tokio::fs::try_exists(&self.survey).await.unwrap_or(false) {
            self.survey
        } else {
            self.main
        };
        let mut response = match ServeFile::new(file).oneshot(request).await {
            Ok(r) => r.into_response(),
            Err(never) => match never {},
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
        response
    }
}

/// A request that may write runs to its end in a task of its own: a phone on a weak network
/// that hangs up mid-request must not cancel a transaction halfway (sqlx then hands the
/// connection back in an unusable state) or lose an answer the server was about to store.
async fn finish_writes(req: axum::extract::Request, next: middleware::Next) -> Response {
    if req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD {
        return next.run(req).await;
    }
    match tokio::spawn(next.run(req)).await {
        Ok(response) => response,
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}

async fn api_not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(uri.path())
}

async fn health(State(s): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let outlets = db::count_outlets(&s.db, &s.dataset.name)
        .await
        .map_err(ApiError::storage)?;
    Ok(Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "dataset": s.dataset.name,
        "outlets": outlets,
        "database": match db::backend(&s.db) {
            db::Backend::Sqlite => "sqlite",
            db::Backend::Postgres => "postgresql",
        },
    })))
}

async fn rules(State(s): State<AppState>) -> Json<Rules> {
    Json((*s.rules).clone())
}

async fn config(State(s): State<AppState>) -> Json<ClientConfig> {
    Json((*s.client_config).clone())
}

async fn basemap(State(s): State<AppState>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/geo+json")],
        s.dataset.basemap.clone(),
    )
        .into_response()
}

/// `GET /api/streets?q=康定路 1000 弄`: the streets an address typed by hand names, each with a
/// point on it, so the registration form can put its pin there.
async fn streets_lookup(
    State(s): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<crate::streets::StreetMatch>>, ApiError> {
    let p = Params::parse(query.as_deref(), &["q"])?;
    let q = p.one("q").unwrap_or("");
    if q.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "query_too_long",
            "地址太长了，请只输入路名和门牌号",
            "q: at most 100 characters",
        ));
    }
    Ok(Json(s.dataset.streets.lookup(q, 5)))
}

async fn outlets(
    State(s): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(query.as_deref(), &["category", "repair_kind", "bbox"])?;
    let filter = OutletFilter {
        categories: p.categories(&s.rules)?,
        repair_kinds: p.repair_kinds(&s.rules)?,
        bbox: p.bbox()?,
    };
    let list = db::list_outlets(&s.db, &s.dataset.name, &filter)
        .await
        .map_err(ApiError::storage)?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        Json(OutletCollection::new(list)),
    )
        .into_response())
}
