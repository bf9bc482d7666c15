//! `logbook export`: every stored event, envelope included, as JSON Lines.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};

/// Write every stored event as JSON Lines
///
/// Each line is one stored event exactly as the ledger keeps it: seq, id, revision,
/// recorded_at, the event's fields and the chain hash. `logbook import` restores it into an
/// empty ledger; export → import → export is byte-identical.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook export > ledger-backup.jsonl
  logbook export | gzip > ledger-$(date +%F).jsonl.gz")]
pub struct Args {}

pub fn run(_: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    ctx.formats(&[Format::Text, Format::Json])?;
    let ledger = ctx.open()?;
    ledger.for_each_raw(|_, bytes| out.bytes_line(bytes))
}
