//! `POST /v1/hooks/SOURCE`: monitoring webhooks (DESIGN section 10). The payload goes through
//! the same adapter as `logbook ingest SOURCE` ([`logbook::ingest`]); what it means is decided
//! against the ledger on the ledger thread, then appended like the lines of `POST /v1/events`
//! (all or nothing, group commit). A payload that is not the source's format is a 400 naming
//! the field, and nothing is written.

use super::Shared;
use super::error::{ApiError, store_error};
use super::ledger::Job;
use super::routes::stopping;
use axum::http::StatusCode;
use logbook::event::parse_input;
use logbook::ingest::{self, Source};
use logbook::store::Line;
use tokio::sync::oneshot;

/// The body's `routing_key`, if it is a JSON object that has one.
pub fn routing_key(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("routing_key")?.as_str().map(str::to_string)
}

/// The lines that the payload `body` of webhook `source` stands for, and what it held that
/// adds nothing, in words.
pub async fn lines(
    shared: &Shared,
    source: &str,
    body: &[u8],
) -> Result<(Vec<Line>, Vec<String>), ApiError> {
    let Some(source) = Source::from_name(source) else {
        let names: Vec<&str> = Source::ALL.iter().map(|s| s.name()).collect();
        return Err(ApiError::not_found(format!("unknown source {source}"))
            .hint(format!("sources: {}", names.join(", "))));
    };
    let mut adapted = ingest::adapt(source, body, &shared.ingest, shared.now()).map_err(|e| {
        let mut error = ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("{} payload: {e}", source.name()),
        )
        .hint(format!(
            "is it really a payload of {}? nothing was written",
            source.name()
        ));
        if e.field != "-" {
            error = error.field(e.field.clone());
        }
        error
    })?;
    // What the payload means depends on what the ledger holds (is the episode open? is the
    // event stored?): decided where the ledger is.
    let (reply, answer) = oneshot::channel();
    let intents = std::mem::take(&mut adapted.intents);
    let job = Job::Read(Box::new(move |ledger| {
        let plan = ledger
            .map_err(store_error)
            .and_then(|l| ingest::resolve(intents, l).map_err(|e| store_error(&e)));
        let _ = reply.send(plan);
    }));
    shared.jobs.send(job).await.map_err(|_| stopping())?;
    let plan = answer.await.map_err(|_| stopping())??;
    let ignored: Vec<String> = adapted
        .ignored
        .iter()
        .cloned()
        .chain(plan.skipped.iter().map(ingest::Skipped::describe))
        .collect();
    let lines = plan
        .events
        .into_iter()
        .enumerate()
        .map(|(i, map)| {
            let submission = parse_input(map).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("{} payload, event {}: {e}", source.name(), i + 1),
                )
                .field(e.field.clone())
            })?;
            Ok(Line {
                number: i + 1,
                submission,
            })
        })
        .collect::<Result<Vec<Line>, ApiError>>()?;
    Ok((lines, ignored))
}
