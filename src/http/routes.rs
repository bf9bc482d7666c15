//! The handlers: each checks the token's scope, reads its input, hands the ledger work to the
//! ledger thread and answers with the wire JSON of `app::wire`.

use super::Shared;
use super::auth::TokenName;
use super::error::{ApiError, json, store_error};
use super::ledger::Job;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use logbook::app::tokens::Scope;
use logbook::app::{self, wire};
use logbook::projection::Policy;
use logbook::store::{AppendContext, Ledger, Request};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::oneshot;

type Shared_ = State<Arc<Shared>>;

/// The answer, carrying the token's name for the access log.
fn answer(token: Option<TokenName>, result: Result<Response, ApiError>) -> Response {
    let mut response = result.unwrap_or_else(IntoResponse::into_response);
    if let Some(token) = token {
        response.extensions_mut().insert(token);
    }
    response
}

pub(super) fn stopping() -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
}

pub async fn healthz() -> Response {
    json(StatusCode::OK, &serde_json::json!({"status": "ok"}))
}

pub async fn not_found() -> Response {
    ApiError::not_found("no such route")
        .hint("see the README, section Serve, for the routes")
        .into_response()
}

pub async fn not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this route",
    )
    .into_response()
}

/// Content types of a body of events (parameters such as `charset` aside); none is JSON too.
const EVENT_TYPES: [&str; 5] = [
    "application/json",
    "application/x-ndjson",
    "application/jsonl",
    "application/jsonlines",
    "application/x-jsonlines",
];

fn check_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or_default();
    let mime = text.split(';').next().unwrap_or_default().trim();
    if EVENT_TYPES.iter().any(|t| mime.eq_ignore_ascii_case(t)) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("content type `{mime}` is not JSON"),
    )
    .hint("send Content-Type: application/json (one object or an array) or application/x-ndjson (JSON Lines)"))
}

/// The body, or 413 over the limit.
fn body(shared: &Shared, body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is over the limit of {} bytes", shared.body_limit),
            )
            .hint("nothing was written; send the events in smaller requests")
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "the body could not be read")
        }
    })
}

/// Appends `lines` through the ledger thread (group commit) and answers with the receipts.
async fn append(
    shared: &Shared,
    token: &TokenName,
    lines: Vec<logbook::store::Line>,
    bytes: usize,
) -> Result<Response, ApiError> {
    let appended = commit(shared, token, lines, bytes).await?;
    Ok(json(StatusCode::OK, &wire::Receipts::of(&appended)))
}

/// Appends `lines` through the ledger thread (group commit): durable when it returns `Ok`.
async fn commit(
    shared: &Shared,
    token: &TokenName,
    lines: Vec<logbook::store::Line>,
    bytes: usize,
) -> Result<Vec<logbook::store::Appended>, ApiError> {
    let request = Request {
        lines,
        ctx: AppendContext {
            now: shared.now(),
            actor: shared.actor.clone().unwrap_or_else(|| token.0.clone()),
            force: false,
            new_services: Vec::new(),
        },
    };
    let (reply, answer) = oneshot::channel();
    let job = Job::Append {
        request,
        bytes: bytes as u64,
        reply,
    };
    shared.jobs.send(job).await.map_err(|_| stopping())?;
    answer.await.map_err(|_| stopping())?
}

pub async fn events(
    State(shared): Shared_,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let token = match shared.tokens.check(&headers, Scope::Append) {
        Ok(token) => token,
        Err(e) => return e.into_response(),
    };
    let result = async {
        check_type(&headers)?;
        let bytes = body(&shared, raw)?;
        let lines = app::append::parse_body(&bytes)?;
        append(&shared, &token, lines, bytes.len()).await
    }
    .await;
    answer(Some(token), result)
}

/// A monitoring system's webhook (see [`super::hooks`]).
pub async fn hook(
    State(shared): Shared_,
    Path(source): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    // PagerDuty's Events API carries the secret in the body, as `routing_key`.
    let routing_key = (source == "pagerduty")
        .then(|| raw.as_ref().ok().and_then(|b| super::hooks::routing_key(b)))
        .flatten();
    let token = match shared
        .tokens
        .check_or(&headers, routing_key.as_deref(), Scope::Append)
    {
        Ok(token) => token,
        Err(e) => return e.into_response(),
    };
    let result = async {
        check_type(&headers)?;
        let bytes = body(&shared, raw)?;
        let (lines, ignored) = super::hooks::lines(&shared, &source, &bytes).await?;
        let appended = commit(&shared, &token, lines, bytes.len()).await?;
        // What the payload held that added nothing, and why (a repeat, an unknown episode),
        // as `logbook ingest` says it on stderr.
        let body = serde_json::json!({
            "receipts": wire::Receipts::of(&appended).receipts,
            "ignored": ignored,
        });
        Ok(json(StatusCode::OK, &body))
    }
    .await;
    answer(Some(token), result)
}

/// Runs `read` on the ledger thread and answers with its JSON.
async fn read(
    shared: &Shared,
    read: impl FnOnce(&Ledger) -> Result<Value, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let (reply, answer) = oneshot::channel();
    let job = Job::Read(Box::new(move |ledger| {
        let _ = reply.send(ledger.map_err(store_error).and_then(read));
    }));
    shared.jobs.send(job).await.map_err(|_| stopping())?;
    let value = answer.await.map_err(|_| stopping())??;
    Ok(json(StatusCode::OK, &value))
}

/// The query parameters of the GET routes, named as the CLI's flags (`as_of` for `--as-of`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    service: Option<String>,
    as_of: Option<String>,
    top: Option<String>,
    since: Option<String>,
    until: Option<String>,
    partial_weight: Option<String>,
    count_degraded: Option<String>,
    include_maintenance: Option<String>,
}

fn bad(param: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, format!("{param}: {message}")).field(param)
}

fn flag(param: &str, value: Option<&String>) -> Result<bool, ApiError> {
    match value.map(String::as_str) {
        None | Some("false" | "0") => Ok(false),
        Some("" | "true" | "1") => Ok(true),
        Some(other) => Err(bad(param, format!("`{other}` is not true or false"))),
    }
}

impl Params {
    /// The parameters over `base` (the config file's `[policy]`), as the CLI's flags are.
    fn policy(&self, base: Policy) -> Result<Policy, ApiError> {
        let weight = match &self.partial_weight {
            Some(text) => text
                .parse()
                .map_err(|_| bad("partial_weight", format!("`{text}` is not a number")))?,
            None => base.partial_weight,
        };
        Ok(app::policy(
            weight,
            flag("count_degraded", self.count_degraded.as_ref())? || base.count_degraded,
            flag("include_maintenance", self.include_maintenance.as_ref())?
                || base.include_maintenance,
        )?)
    }
}

/// The parameters, or 400 for an unknown one.
fn params(query: Result<Query<Params>, QueryRejection>) -> Result<Params, ApiError> {
    query.map(|Query(p)| p).map_err(|e| {
        let text = e.body_text();
        let text = text
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&text);
        ApiError::new(StatusCode::BAD_REQUEST, format!("query string: {text}"))
            .hint("the parameters are those of the CLI's flags: service, as_of, top, since, until, partial_weight, count_degraded, include_maintenance")
    })
}

/// Checks the read scope, then answers with `run`'s result.
async fn guarded(
    shared: &Shared,
    headers: &HeaderMap,
    run: impl AsyncFnOnce() -> Result<Response, ApiError>,
) -> Response {
    match shared.tokens.check(headers, Scope::Read) {
        Ok(token) => answer(Some(token), run().await),
        Err(e) => e.into_response(),
    }
}

pub async fn incidents(
    State(shared): Shared_,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    guarded(&shared, &headers, async || {
        let p = params(query)?;
        read(&shared, move |ledger| {
            let list = app::incidents::list(ledger, p.service.as_deref())?;
            Ok(wire::incidents(&list))
        })
        .await
    })
    .await
}

pub async fn incident(
    State(shared): Shared_,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (now, policy) = (shared.now(), shared.site.policy);
    guarded(&shared, &headers, async || {
        read(&shared, move |ledger| {
            Ok(wire::report(&app::incidents::report(
                ledger, &key, now, policy,
            )?))
        })
        .await
    })
    .await
}

pub async fn streak(
    State(shared): Shared_,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    let (zone, tz, now) = (shared.zone.clone(), shared.tz.clone(), shared.now());
    guarded(&shared, &headers, async || {
        let p = params(query)?;
        let policy = p.policy(shared.site.policy)?;
        let top = match &p.top {
            Some(text) => text
                .parse()
                .map_err(|_| bad("top", format!("`{text}` is not a count")))?,
            None => 10,
        };
        let as_of = match &p.as_of {
            Some(text) => app::streak::as_of(text, zone.as_ref())?,
            None => zone.day_of(now),
        };
        read(&shared, move |ledger| {
            let view = app::streak::View {
                ledger,
                policy,
                zone: zone.as_ref(),
                as_of,
            };
            Ok(match &p.service {
                Some(s) => wire::streaks(Some(s), &view.service(s)?, top, &policy, &tz),
                None => wire::board(&view.board()?, top, &policy, &tz),
            })
        })
        .await
    })
    .await
}

pub async fn stats(
    State(shared): Shared_,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    let (zone, tz, now) = (shared.zone.clone(), shared.tz.clone(), shared.now());
    guarded(&shared, &headers, async || {
        let p = params(query)?;
        let policy = p.policy(shared.site.policy)?;
        let query = app::stats::Query {
            service: p.service,
            since: p.since,
            until: p.until,
        };
        read(&shared, move |ledger| {
            let figures = app::stats::figures(ledger, &query, &policy, zone.as_ref(), now)?;
            Ok(wire::stats(&figures, &policy, &tz))
        })
        .await
    })
    .await
}
