//! `logbook serve`: the HTTP API on the ledger (the server itself lives in `src/http/`).

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Serve the HTTP API and the live status site over HTTP
///
/// Public, without a token: the status site of `logbook site`, built live as of today in the
/// zone (GET /, /index.html, /status.json, /feed.atom, /maintenance.ics, /incidents/KEY,
/// /badges/SERVICE.svg, /badges/streak/SERVICE.svg), with a strong ETag and
/// `Cache-Control: public, max-age=60`; the config file's [site] and [policy] apply. Routes
/// of the API: GET /healthz; POST /v1/events (JSON Lines, one JSON object or an array; scope
/// append) answers {"receipts": [...]}; POST /v1/hooks/SOURCE (append); GET /v1/incidents,
/// /v1/incidents/KEY (the report), /v1/streak and /v1/stats (scope read), with the query
/// parameters of the flags (service, as_of, top, since, until, partial_weight, count_degraded,
/// include_maintenance). Requests carry `Authorization: Bearer TOKEN` (see `logbook token`).
/// Requests that arrive together are written in one transaction, each all or nothing; a 2xx
/// means the events are durable. The ledger is opened per round and closed again, so the
/// command line keeps working on it. SIGTERM or SIGINT: stop accepting, finish what is in
/// flight, exit 0. One access log line per request goes to stderr.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook serve --listen 127.0.0.1:8765
  xdg-open http://127.0.0.1:8765/
  TOKEN=$(logbook token new ci --scope append)
  curl -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\
    --data @events.jsonl http://127.0.0.1:8765/v1/events")]
pub struct Args {
    /// The address to listen on (port 0 picks a free port; the address is printed on stderr)
    #[arg(long, default_value = "127.0.0.1:8765", value_name = "ADDR")]
    listen: String,
    /// The tokens file [default: $XDG_CONFIG_HOME/logbook/tokens]
    #[arg(long, value_name = "FILE")]
    tokens: Option<PathBuf>,
    /// The largest request body, in bytes
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    body_limit: usize,
    /// Seconds a request may take before it is answered 503
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    timeout: u64,
    /// Requests handled at once; more wait their turn
    #[arg(long, default_value_t = 64, value_name = "N")]
    max_concurrent: usize,
}

pub fn run(args: Args, ctx: &Context, _out: &mut Out) -> Result<(), CommandError> {
    ctx.formats(&[Format::Text])?;
    // Fails now, with the command line's message, if there is no ledger to serve.
    drop(ctx.open()?);
    let tokens = super::token::default_path(args.tokens)?;
    if !tokens.exists() {
        eprintln!(
            "warning: no tokens file at {}: every request that needs a token is refused",
            tokens.display()
        );
        eprintln!("hint: make one with `logbook token new NAME --scope append`");
    }
    #[allow(clippy::disallowed_methods)] // a fixed clock for tests, as for every command
    let fixed_now = std::env::var_os("LOGBOOK_NOW").map(|_| ctx.now);
    let config = crate::http::Config {
        listen: args.listen,
        ledger: ctx.ledger_path()?,
        tokens,
        wait: ctx.wait,
        body_limit: args.body_limit,
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_concurrent: args.max_concurrent,
        zone: Arc::new(ctx.zone.clone()),
        tz: ctx.zone.name(),
        fixed_now,
        actor: ctx.named_actor(),
        ingest: ctx.config.ingest.clone(),
        site: super::site::settings(ctx)?.clone(),
        policy: ctx.config.policy.policy(),
    };
    crate::http::serve(config).map_err(|e| CommandError::unavailable(e.to_string()))
}
