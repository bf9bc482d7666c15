//! `POST /v1/hooks/SOURCE`: the seam where monitoring webhooks (Alertmanager, Grafana, Uptime
//! Kuma, ...) come in. The ingest adapters (`src/ingest/`) turn a source's payload into lines
//! to append; until they are wired in here, every source is unknown.

use super::error::ApiError;
use logbook::store::Line;

/// The lines that the payload `body` of webhook `source` stands for, or why there are none.
/// The caller appends them like the lines of `POST /v1/events` (all or nothing, group commit).
pub fn lines(source: &str, body: &[u8]) -> Result<Vec<Line>, ApiError> {
    // Wire the ingest adapters in here: match `source` to an adapter and give it `body`.
    let _ = body;
    Err(ApiError::not_found(format!("unknown source {source}"))
        .hint("see the README for the webhook sources logbook understands"))
}
