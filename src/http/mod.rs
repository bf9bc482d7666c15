//! `logbook serve`: the HTTP API of DESIGN section 11 and the live status site ([`site`]) — routes, bearer tokens and scopes,
//! errors as HTTP statuses with JSON bodies, a body limit, a request timeout, a concurrency
//! limit and an access log on stderr. The only module that uses axum and tokio: the ledger is
//! used from one plain thread ([`ledger`]), so nothing async reaches the core.
//!
//! Sharing the ledger with the command line: redb lets one process hold the file at a time,
//! so the server never keeps it open. The ledger thread opens it for one round (every request
//! waiting at that moment: one write transaction for all appends, then the reads) and closes
//! it again. A CLI command that finds it busy waits with its backoff for at most that round;
//! a round that finds it held by a CLI command waits likewise, up to `--wait`, then answers
//! 503 with `Retry-After`.

mod auth;
mod error;
mod hooks;
mod ledger;
mod routes;
mod site;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use error::ApiError;
use logbook::projection::zone::Zone;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::{Semaphore, mpsc};

/// How the server runs.
pub struct Config {
    pub listen: String,
    pub ledger: PathBuf,
    pub tokens: PathBuf,
    /// How long a round waits for a ledger another process holds.
    pub wait: Duration,
    pub body_limit: usize,
    pub timeout: Duration,
    pub max_concurrent: usize,
    /// The zone of calendar days (streaks, stats) and its name.
    pub zone: Arc<dyn Zone + Send + Sync>,
    pub tz: String,
    /// A fixed "now" (`LOGBOOK_NOW`, for tests); else the system clock at each request.
    pub fixed_now: Option<OffsetDateTime>,
    /// The actor of events that name none (`--actor`); else the token's name.
    pub actor: Option<String>,
    /// How webhook payloads map to events (`[ingest.SOURCE]` of the config file).
    pub ingest: logbook::ingest::Config,
    /// The status site's title, address and services (`[site]` of the config file).
    pub site: logbook::app::site::Settings,
    /// The policy of the site's figures (`[policy]` of the config file).
    pub policy: logbook::projection::Policy,
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("cannot start the server: {0}")]
    Start(std::io::Error),
}

/// What every handler shares.
pub struct Shared {
    tokens: auth::TokenStore,
    jobs: mpsc::Sender<ledger::Job>,
    body_limit: usize,
    timeout: Duration,
    limit: Semaphore,
    zone: Arc<dyn Zone + Send + Sync>,
    tz: String,
    fixed_now: Option<OffsetDateTime>,
    actor: Option<String>,
    ingest: logbook::ingest::Config,
    /// The status site's settings and the last site built.
    site: Arc<site::SiteState>,
}

impl Shared {
    /// "Now": the fixed time, or the system clock to the millisecond.
    #[allow(clippy::disallowed_methods)] // the server's clock, injected by LOGBOOK_NOW in tests
    fn now(&self) -> OffsetDateTime {
        self.fixed_now.unwrap_or_else(|| {
            let now = OffsetDateTime::now_utc();
            now.replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
                .unwrap_or(now)
        })
    }
}

/// Runs the server until SIGTERM or SIGINT, then finishes the requests in flight and returns.
pub fn serve(config: Config) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Start)?;
    let (jobs, thread) = ledger::start(config.ledger, config.wait).map_err(ServeError::Start)?;
    let shared = Arc::new(Shared {
        tokens: auth::TokenStore::new(config.tokens),
        jobs,
        body_limit: config.body_limit,
        timeout: config.timeout,
        limit: Semaphore::new(config.max_concurrent.max(1)),
        zone: config.zone,
        tz: config.tz,
        fixed_now: config.fixed_now,
        actor: config.actor,
        ingest: config.ingest,
        site: Arc::new(site::SiteState::new(config.site, config.policy)),
    });
    let app = router(shared);
    let addr = config.listen;
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|source| ServeError::Listen {
                addr: addr.clone(),
                source,
            })?;
        let bound = listener.local_addr().map_err(ServeError::Start)?;
        eprintln!("logbook serve: listening on http://{bound}");
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(ServeError::Start)
    });
    // Every request is answered and every sender dropped: the ledger thread ends once its
    // queue is empty.
    drop(runtime);
    let _ = thread.join();
    eprintln!("logbook serve: stopped");
    served
}

fn router(shared: Arc<Shared>) -> Router {
    let limit = shared.body_limit;
    Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/", get(site::index))
        .route("/index.html", get(site::index))
        .route("/status.json", get(site::status))
        .route("/feed.atom", get(site::feed))
        .route("/maintenance.ics", get(site::calendar))
        .route("/incidents/{key}", get(site::incident))
        .route("/badges/{file}", get(site::badge))
        .route("/badges/streak/{file}", get(site::streak))
        .route("/v1/events", post(routes::events))
        .route("/v1/hooks/{source}", post(routes::hook))
        .route("/v1/incidents", get(routes::incidents))
        .route("/v1/incidents/{key}", get(routes::incident))
        .route("/v1/streak", get(routes::streak))
        .route("/v1/stats", get(routes::stats))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(shared.clone(), around))
        .with_state(shared)
}

/// Around every request: the concurrency limit, the timeout and the access log line.
async fn around(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let run = async {
        let _permit = shared.limit.acquire().await.ok();
        next.run(request).await
    };
    let response = match tokio::time::timeout(shared.timeout, run).await {
        Ok(response) => response,
        Err(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the request took too long")
            .hint("an append may have been stored: retrying with the same event ids is safe")
            .into_response(),
    };
    let token = response
        .extensions()
        .get::<auth::TokenName>()
        .map_or("-", |t| t.0.as_str());
    eprintln!(
        "{method} {path} {} {:.1}ms token={token}",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// Resolves at SIGTERM or SIGINT.
async fn shutdown() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        // Without signal handlers the server runs until it is killed.
        return std::future::pending().await;
    };
    std::future::poll_fn(|cx| {
        if term.poll_recv(cx).is_ready() || int.poll_recv(cx).is_ready() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    eprintln!("logbook serve: stopping: finishing the requests in flight");
}
