//! `logbook verify`: check the chain and the indexes, print the head.

use super::error::{CommandError, exit};
use super::output::Out;
use super::{Context, Format};
use logbook::store::record::hex;

/// Check the hash chain, the seqs and the indexes
///
/// Recomputes every event's hash from its content and the hash before it, checks that seqs are
/// dense and that the id and stream indexes agree with the log. Prints the head (last seq and
/// its hash): keep it somewhere else, and a later verify proves nothing before it was changed.
/// Exits 3 when anything is wrong.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook verify
  logbook verify --format json | jq -r .head.hash >> ~/ledger-heads.txt")]
pub struct Args {}

pub fn run(_: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let ledger = ctx.open()?;
    let bar = super::progress::events(ledger.event_count()?, "verifying");
    let report = ledger.verify_with(&|done| bar.set_position(done))?;
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
            "events": report.events,
            "streams": report.streams,
            "head": { "seq": report.head.seq, "hash": hash },
            "problems": problems,
        }))?;
    } else if report.problems.is_empty() {
        out.line(format!(
            "ok: {} event{} in {} stream{}; chain and indexes intact",
            report.events,
            plural(report.events),
            report.streams,
            plural(report.streams)
        ))?;
        out.line(format!("head: seq {} sha256 {hash}", report.head.seq))?;
    }
    if report.problems.is_empty() {
        return Ok(());
    }
    out.flush()?;
    let mut err = CommandError::new(
        exit::UNAVAILABLE,
        format!(
            "ledger {} is corrupt: {} problem{}",
            ledger.path().display(),
            report.problems.len(),
            plural(report.problems.len() as u64)
        ),
    );
    for p in &report.problems {
        err = err.detail(p.to_string());
    }
    Err(err.hint("restore it from an export you trust with `logbook import`, then compare heads"))
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
