//! The status site, live (DESIGN sections 11 and 12): the files `logbook site` would write,
//! answered without a token from a site built on the ledger thread as of today in the zone.
//!
//! Caching: the built site (every file rendered, with its ETag) is kept per ledger head and
//! day, so a reload only reads the ledger's head; it is built again when either moves, or
//! after [`MAX_AGE`] (what is still open, and `generated_at`, follow "now" within a day). The
//! ETag is a hash of the response's bytes, not of (head, day, config): the bytes depend on
//! "now" as well, and a strong ETag must change exactly when the bytes do — so a rebuild that
//! gives the same bytes keeps every client's copy valid (304), and hashing costs one pass over
//! the files per build, not per request.

use super::Shared;
use super::error::{ApiError, store_error};
use super::ledger::Job;
use super::routes::stopping;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use logbook::app::site::{self, Settings};
use logbook::event::Name;
use logbook::projection::Policy;
use logbook::store::Ledger;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::Date;
use tokio::sync::oneshot;

/// How long browsers and proxies may keep a page, and how long a built site is answered
/// while the ledger's head and the day stay the same.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// What the site is built from besides the ledger, and the last site built.
pub struct SiteState {
    pub settings: Settings,
    pub policy: Policy,
    cache: Mutex<Option<Arc<Built>>>,
}

impl SiteState {
    pub fn new(settings: Settings, policy: Policy) -> SiteState {
        SiteState {
            settings,
            policy,
            cache: Mutex::new(None),
        }
    }
}

/// A built site: every file by its path (`index.html`, `incidents/KEY.html`).
pub struct Built {
    /// The ledger's head (last seq) and the day it was built for.
    seq: u64,
    day: Date,
    at: Instant,
    files: HashMap<String, Page>,
}

/// One file, ready to answer.
struct Page {
    bytes: Bytes,
    etag: HeaderValue,
    content_type: &'static str,
}

/// The content type of a site file, by its extension.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("atom") => "application/atom+xml",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// A strong ETag: the first 128 bits of the bytes' SHA-256, in hex and quotes.
fn etag(bytes: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

impl Built {
    fn of(site: &logbook::report::site::Site, seq: u64) -> Built {
        let files = site
            .files()
            .into_iter()
            .map(|f| {
                let page = Page {
                    etag: etag(&f.bytes),
                    content_type: content_type(&f.path),
                    bytes: Bytes::from(f.bytes),
                };
                (f.path, page)
            })
            .collect();
        Built {
            seq,
            day: site.as_of,
            at: Instant::now(),
            files,
        }
    }
}

/// The site as of `now`, built on the ledger thread unless the cached one still holds.
async fn current(shared: &Shared) -> Result<Arc<Built>, ApiError> {
    let now = shared.now();
    let zone = shared.zone.clone();
    let tz = shared.tz.clone();
    let state = shared.site.clone();
    let (reply, answer) = oneshot::channel();
    let job = Job::Read(Box::new(move |ledger| {
        let built = ledger
            .map_err(store_error)
            .and_then(|ledger| build(ledger, &state, &zone, &tz, now));
        let _ = reply.send(built);
    }));
    shared.jobs.send(job).await.map_err(|_| stopping())?;
    answer.await.map_err(|_| stopping())?
}

/// On the ledger thread: the cached site if the head and the day are those it was built for
/// (and it is younger than [`MAX_AGE`]), else a new one, kept for the next request.
fn build(
    ledger: &Ledger,
    state: &SiteState,
    zone: &Arc<dyn logbook::projection::zone::Zone + Send + Sync>,
    tz: &str,
    now: time::OffsetDateTime,
) -> Result<Arc<Built>, ApiError> {
    let seq = ledger.head()?.seq;
    let day = zone.day_of(now);
    let mut cache = state
        .cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(built) = cache.as_ref()
        && built.seq == seq
        && built.day == day
        && built.at.elapsed() < MAX_AGE
    {
        return Ok(built.clone());
    }
    let inputs = site::Inputs {
        zone,
        tz,
        settings: &state.settings,
        policy: state.policy,
        as_of: day,
        now,
    };
    let site = site::build(ledger, &inputs)?;
    let built = Arc::new(Built::of(&site, seq));
    *cache = Some(built.clone());
    Ok(built)
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak tags compare by their value.
fn matches(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let want = etag.to_str().unwrap_or_default();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == want)
}

/// Answers with the first of `paths` the current site has: 200, 304 when the client has it
/// already, else 404.
async fn file(shared: &Shared, headers: &HeaderMap, paths: Vec<String>) -> Response {
    if paths.is_empty() {
        return missing();
    }
    let built = match current(shared).await {
        Ok(built) => built,
        Err(e) => return e.into_response(),
    };
    let Some(page) = paths.iter().find_map(|p| built.files.get(p)) else {
        return missing();
    };
    let fresh = matches(headers, &page.etag);
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = (StatusCode::OK, page.bytes.clone()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(page.content_type),
        );
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, page.etag.clone());
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    response
}

fn missing() -> Response {
    ApiError::not_found("no such page")
        .hint("the status site has /, /status.json, /feed.atom, /maintenance.ics, /incidents/KEY and /badges/SERVICE.svg")
        .into_response()
}

/// A path segment that names an incident or a service (`[A-Za-z0-9][A-Za-z0-9._:-]*`): no
/// `..`, no slash, nothing a file system would read as a path.
fn name(segment: &str) -> Option<&str> {
    Name::parse(segment).ok().map(|_| segment)
}

type SharedState = State<Arc<Shared>>;
type Segment = Result<Path<String>, PathRejection>;

pub async fn index(State(shared): SharedState, headers: HeaderMap) -> Response {
    file(&shared, &headers, vec!["index.html".into()]).await
}

pub async fn status(State(shared): SharedState, headers: HeaderMap) -> Response {
    file(&shared, &headers, vec!["status.json".into()]).await
}

pub async fn feed(State(shared): SharedState, headers: HeaderMap) -> Response {
    file(&shared, &headers, vec!["feed.atom".into()]).await
}

pub async fn calendar(State(shared): SharedState, headers: HeaderMap) -> Response {
    file(&shared, &headers, vec!["maintenance.ics".into()]).await
}

/// `/incidents/KEY.html` (as the pages link it) or `/incidents/KEY`.
pub async fn incident(State(shared): SharedState, headers: HeaderMap, key: Segment) -> Response {
    let mut paths = Vec::new();
    if let Ok(Path(key)) = key {
        let keys = [key.strip_suffix(".html"), Some(key.as_str())];
        paths.extend(
            keys.into_iter()
                .flatten()
                .filter_map(name)
                .map(|k| format!("incidents/{k}.html")),
        );
    }
    file(&shared, &headers, paths).await
}

/// `/badges/SERVICE.svg`: the uptime badge.
pub async fn badge(State(shared): SharedState, headers: HeaderMap, file_: Segment) -> Response {
    let paths = svg(file_).map(|s| format!("badges/{s}.svg"));
    file(&shared, &headers, paths.into_iter().collect()).await
}

/// `/badges/streak/SERVICE.svg`: the days-without-outage badge.
pub async fn streak(State(shared): SharedState, headers: HeaderMap, file_: Segment) -> Response {
    let paths = svg(file_).map(|s| format!("badges/streak/{s}.svg"));
    file(&shared, &headers, paths.into_iter().collect()).await
}

/// The service of `SERVICE.svg`.
fn svg(segment: Segment) -> Option<String> {
    let Path(segment) = segment.ok()?;
    let service = segment.strip_suffix(".svg")?;
    name(service).map(str::to_string)
}
