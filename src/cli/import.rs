//! `logbook import`: restore an export into an empty ledger, checking the chain.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format, input};
use logbook::event::limits::MAX_IMPORT_LINE_BYTES;
use logbook::store::AppendError;
use logbook::store::record::Chain;
use std::path::PathBuf;

/// Restore an export into an empty ledger
///
/// Reads the JSON Lines written by `logbook export` and writes every event with its original
/// seq, id, revision, recorded_at and hash, checking that seqs are dense, the append rules hold
/// and every hash matches the chain. All or nothing, into a ledger that holds no events yet.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook --ledger restored.redb init
  logbook --ledger restored.redb import ledger-backup.jsonl")]
pub struct Args {
    /// The export to read; `-` reads standard input
    #[arg(value_name = "FILE|-")]
    file: PathBuf,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    // As for append: anything but a regular file is read to its end before taking the ledger.
    let input = input::open(Some(&args.file), MAX_IMPORT_LINE_BYTES)?;
    let mut ledger = ctx.open_write()?;
    ledger.ensure_space(input.bytes(Some(&args.file)))?;
    // Each line is hashed after the one before here, beside the parsing, and the import
    // compares that with the chain it writes.
    let mut chain = Chain::default();
    let lines = input::parsed(input, move |number, text| {
        let checked = chain
            .read(text.as_bytes())
            .map_err(|error| AppendError::Rejected {
                line: number,
                error,
            })?;
        Ok((number, checked))
    });
    let count = super::write_or_shrink(&mut ledger, |ledger| Ok(ledger.import(lines)?))?;

    let head = ledger.head()?;
    let hash = logbook::store::record::hex(&head.hash);
    match format {
        Format::Json => out.json(
            &serde_json::json!({ "imported": count, "head": { "seq": head.seq, "hash": hash } }),
        ),
        _ => out.line(format!(
            "imported {count} events; head seq {} sha256 {hash}",
            head.seq
        )),
    }?;
    out.flush()?;
    if count >= super::COMPACT_AFTER as u64 {
        super::compact(&mut ledger);
    }
    Ok(())
}
