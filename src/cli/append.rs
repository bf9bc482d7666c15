//! `logbook append`: JSON Lines in, one transaction, a receipt per event out.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format, input};
use logbook::app::append::{self, Outcome, Tally};
use logbook::app::wire::Receipt;
use logbook::event::limits::MAX_LINE_BYTES;
use logbook::event::parse_line;
use logbook::store::{AppendError, Appended, Line};
use std::path::PathBuf;

/// Append events written as JSON Lines
///
/// Reads one JSON event per line from FILE (or standard input) and appends them all in one
/// transaction: if any line is rejected, nothing is written. Each event gets a global seq, a
/// revision within its incident, and an id (unless it brings its own; re-appending the same id
/// with the same content is a no-op, so retries are safe).
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  echo '{"type":"detected","incident":"2011-06-16-upstream-routing","at":"2011-06-16T03:20:00-04:00","services":["dns"],"source":"monitoring"}' | logbook append
  logbook append events.jsonl
  monitoring-hook | logbook append --format json -

Fields of every event: type, incident, at (RFC 3339 with offset, or YYYY-MM-DD), and optionally
approximate, id, actor, summary, expected_revision. See the README for every type."#)]
pub struct Args {
    /// JSON Lines file to read; `-` or nothing reads standard input
    #[arg(value_name = "FILE|-")]
    file: Option<PathBuf>,

    /// Print only the summary line, not one line per event
    #[arg(short, long)]
    quiet: bool,

    /// Accept times that look like typos (an acknowledgement before the detection, an event
    /// more than a day ahead): the writer vouches that they are right
    #[arg(long)]
    force: bool,

    /// A service that is new although a known one is spelled alike (Web1 beside web1);
    /// repeat for several
    #[arg(long, value_name = "NAME")]
    new_service: Vec<String>,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    // A pipe or FIFO may come from a slow producer: it is read to its end before taking the
    // ledger, so other writers are not kept waiting. A regular file is read while appending.
    let input = input::open(args.file.as_deref(), MAX_LINE_BYTES)?;
    let mut ledger = ctx.open_write()?;
    ledger.ensure_space(input.bytes(args.file.as_deref()))?;
    // The close below makes the append durable (one sync fewer than a durable commit and a
    // close), before any receipt says it is stored.
    ledger.leave_durability_to_close();
    let mut lines = input::parsed(input, |number, text| {
        let submission = parse_line(text).map_err(|error| AppendError::Rejected {
            line: number,
            error,
        })?;
        Ok(Line { number, submission })
    });
    // Receipts are printed after the commit; a quiet text append keeps only the tally.
    let keep = format == Format::Json || !args.quiet;
    let Outcome { receipts, tally } = super::write_or_shrink(&mut ledger, |ledger| {
        let context = ctx.append_context(args.force, &args.new_service);
        let appended = append::append(ledger, lines.by_ref(), &context, keep);
        // Nothing was written; the lines not yet read are still checked, so one run names
        // every malformed line (up to a limit), not just the first.
        appended.map_err(|e| with_later_bad_lines(e.into(), lines.by_ref()))
    })?;
    ledger.close()?;
    // The events are durable: say so before tidying the file, which may fail harmlessly (and
    // is left for later if another writer took the file meanwhile).
    print(&receipts, &tally, format, args.quiet, out)
        .and_then(|()| out.flush())
        .map_err(|e| stored_anyway(e, &tally))?;
    if tally.new >= super::COMPACT_AFTER as u64
        && let Ok(mut ledger) = logbook::store::Ledger::open(
            &ctx.ledger_path()?,
            std::time::Duration::ZERO,
            logbook::store::Access::Write,
        )
    {
        super::compact(&mut ledger);
    }
    Ok(())
}

/// Prints the receipts of a committed one-event append (`add`, `amend`, `retract`); an output
/// failure says the event is stored.
pub fn receipts(appended: &[Appended], format: Format, out: &mut Out) -> Result<(), CommandError> {
    let tally = Tally::of(appended);
    print(appended, &tally, format, false, out)
        .and_then(|()| out.flush())
        .map_err(|e| stored_anyway(e, &tally))
}

/// Lines that are malformed are reported together, up to this many.
const BAD_LINES_SHOWN: usize = 20;

/// Adds to the error of a refused append the malformed lines after it (their fields are
/// checked on their own; the ledger's rules only up to the first refusal).
fn with_later_bad_lines(
    mut error: CommandError,
    rest: impl Iterator<Item = Result<Line, AppendError>>,
) -> CommandError {
    if error.kind != super::error::Kind::Rejected {
        return error;
    }
    let mut more = 0usize;
    for line in rest {
        if let Err(AppendError::Rejected { line, error: e }) = line {
            more += 1;
            if more < BAD_LINES_SHOWN {
                error.details.push(format!("line {line}: {e}"));
            }
        }
    }
    if more >= BAD_LINES_SHOWN {
        error
            .details
            .push(format!("... and {} more", more + 1 - BAD_LINES_SHOWN));
    }
    if more > 0 {
        error.message = format!("{} (and {more} more malformed lines below)", error.message);
    }
    error
}

/// An output failure after the commit: the events are stored, and the error must say so (a
/// script that retries on exit 3 would otherwise append them again). A closed pipe stays quiet.
pub fn stored_anyway(e: CommandError, tally: &Tally) -> CommandError {
    if e.kind == super::error::Kind::BrokenPipe {
        return e;
    }
    let mut err = CommandError::unavailable(format!(
        "{tally}, but the receipts could not be written: {}",
        e.message
    ));
    err.causes = e.causes;
    err.hint("the events are stored: do not append them again; `logbook log` shows them")
}

/// Prints receipts: JSON lines, or aligned text (unless `quiet`) and the tally.
pub fn print(
    appended: &[Appended],
    tally: &Tally,
    format: Format,
    quiet: bool,
    out: &mut Out,
) -> Result<(), CommandError> {
    if format == Format::Json {
        for a in appended {
            out.json(&Receipt::of(a))?;
        }
        return Ok(());
    }
    if !quiet {
        let rows: Vec<Vec<String>> = appended
            .iter()
            .map(|a| {
                let stream = match (&a.incident, &a.service) {
                    (Some(k), _) => k.to_string(),
                    (None, Some(s)) => format!("service {s}"),
                    (None, None) => String::new(),
                };
                let status = if a.duplicate { "already stored" } else { "" };
                vec![
                    format!("#{}", a.seq),
                    stream,
                    format!("rev {}", a.revision),
                    a.type_name.to_string(),
                    a.id.to_string(),
                    status.to_string(),
                ]
            })
            .collect();
        out.table(&rows)?;
    }
    out.line(tally.to_string())
}
