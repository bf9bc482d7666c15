//! `logbook verify`: check the chain, the indexes and the projections; print the head.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::store::Depth;
use logbook::store::record::hex;

/// Check the hash chain, every stored event, the indexes and the projections
///
/// Recomputes every event's hash from its content and the hash before it and checks that seqs
/// are dense and that each stored value is exactly the bytes its hash covers. Unless --quick,
/// also decodes every event strictly, and refolds the log to check the id and stream indexes
/// and every projection (incidents, services, stream states) that queries read: damage any
/// query could meet, verify meets first.
///
/// Prints the head (last seq and its hash). Keep it somewhere else: a later verify that ends
/// at the same head proves nothing before it was changed. What verify cannot prove alone: that
/// nobody rewrote the whole chain from some event on (only a head kept elsewhere shows that).
/// Exits 3 when anything is wrong.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook verify
  logbook verify --quick
  logbook verify --format json | jq -r .head.hash >> ~/ledger-heads.txt")]
pub struct Args {
    /// Check only the chain, the seqs and the shape of each stored value (skips the strict
    /// decoding, the indexes and the projections)
    #[arg(long)]
    quick: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let ledger = ctx.open().map_err(in_verify)?;
    let bar = super::progress::events(ledger.event_count()?, "verifying");
    let depth = if args.quick {
        Depth::Quick
    } else {
        Depth::Full
    };
    let report = ledger
        .verify_with(depth, &|done| bar.set_position(done))
        .map_err(|e| in_verify(e.into()))?;
    bar.finish_and_clear();
    let hash = hex(&report.head.hash);
    if format == Format::Json {
        let problems: Vec<_> = report
            .problems
            .iter()
            .map(|p| serde_json::json!({ "seq": p.seq, "problem": p.what }))
            .collect();
        out.json(&serde_json::json!({
            "ok": report.problems.is_empty(),
            "checked": if report.full { "full" } else { "quick" },
            "events": report.events,
            "streams": report.streams,
            "head": { "seq": report.head.seq, "hash": hash },
            "problems": problems,
        }))?;
    } else if report.problems.is_empty() {
        let what = if report.full {
            format!(
                "{} event{} in {} stream{}; chain, events, indexes and projections intact",
                report.events,
                plural(report.events),
                report.streams,
                plural(report.streams)
            )
        } else {
            format!(
                "{} event{}; chain intact (quick: indexes and projections not checked)",
                report.events,
                plural(report.events)
            )
        };
        out.line(format!("ok: {what}"))?;
        out.line(format!("head: seq {} sha256 {hash}", report.head.seq))?;
    }
    if report.problems.is_empty() {
        return Ok(());
    }
    out.flush()?;
    let mut err = CommandError::unavailable(format!(
        "ledger {} is corrupt: {} problem{}",
        ledger.path().display(),
        report.problems.len(),
        plural(report.problems.len() as u64)
    ));
    for p in &report.problems {
        err = err.detail(p.to_string());
    }
    // Projections are derived: when only they disagree with a sound log, refolding them is
    // the repair (a ledger written by an older logbook needs it once).
    let only_projections = report.problems.iter().all(|p| p.derived);
    if only_projections {
        return Err(err.hint(
            "the log itself is sound: `logbook rebuild` refolds the projections from it (a ledger written by an older logbook needs that once)",
        ));
    }
    Err(err.hint("restore it from an export you trust with `logbook import`, then compare heads"))
}

/// An error met while verifying: the advice to run `logbook verify` is no help here.
fn in_verify(mut e: CommandError) -> CommandError {
    e.hints.retain(|h| !h.contains("`logbook verify`"));
    if e.hints.is_empty() && e.kind == super::error::Kind::Unavailable {
        e.hints.push(
            "restore it from an export you trust with `logbook import` into a new ledger".into(),
        );
    }
    e
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
