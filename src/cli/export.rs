//! `logbook export`: every stored event, envelope included, as JSON Lines.

use super::error::CommandError;
use super::output::Out;
use super::stream::{Batches, Direction};
use super::{Context, Format};
use logbook::store::record;

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
    // In batches, each checked against the chain before it is written: an export never holds
    // the ledger while its reader is slow, and never carries bytes the hash does not cover.
    let mut batches = Batches::new(ctx, Direction::OldestFirst)?;
    let mut prev = record::GENESIS;
    let mut expect = 1;
    while let Some(batch) = batches.next(ctx, |ledger, range| {
        let path = ledger.path().display().to_string();
        let batch = ledger.raw_range(range)?;
        for (seq, bytes) in &batch {
            let linked = record::split(bytes)
                .filter(|(canonical, hash)| record::chain(&prev, canonical) == *hash);
            match linked {
                Some((_, hash)) if *seq == expect => {
                    prev = hash;
                    expect += 1;
                }
                _ => {
                    return Err(CommandError::unavailable(format!(
                        "ledger {path} is corrupt: event {expect} does not match the hash chain"
                    ))
                    .hint("run `logbook verify` to see what is damaged"));
                }
            }
        }
        Ok(batch)
    })? {
        for (_, bytes) in &batch {
            out.bytes_line(bytes)?;
        }
        out.flush()?;
    }
    Ok(())
}
