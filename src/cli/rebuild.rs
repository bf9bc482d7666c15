//! `logbook rebuild`: drop the projections and fold the log again.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};

/// Rebuild every projection from the log
///
/// Drops the projection tables (incident summaries, the service index, the stream states the
/// append rules use) and folds every stream of the log again, in one transaction. The log
/// itself is not touched; every query answers the same afterwards. The replaced projections'
/// pages are reused by later writes; a file small enough to compact quickly is compacted
/// afterwards, so they are given back.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook rebuild")]
pub struct Args {}

pub fn run(_: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let mut ledger = ctx.open_write()?;
    let bar = super::progress::events(0, "rebuilding");
    let done = ledger.rebuild_with(&|streams, total| {
        bar.set_length(total);
        bar.set_position(streams);
    })?;
    bar.finish_and_clear();
    // Committed: the old projections' pages are free; give them back where that pays (a
    // failure only leaves the file larger, and says so).
    super::compact(&mut ledger);
    match format {
        Format::Json => {
            out.json(&serde_json::json!({ "streams": done.streams, "incidents": done.incidents }))
        }
        _ => out.line(format!(
            "rebuilt the projections of {} stream{} ({} incident{})",
            done.streams,
            if done.streams == 1 { "" } else { "s" },
            done.incidents,
            if done.incidents == 1 { "" } else { "s" }
        )),
    }
}
