//! The command line: clap definitions, the shared context (ledger path, clock, actor) and one
//! file per command. The only module that uses clap.

mod add;
mod amend;
mod append;
mod completions;
mod config;
mod context;
mod demo;
mod error;
mod export;
mod format;
mod hints;
mod import;
mod incidents;
mod ingest;
mod init;
mod input;
mod log;
mod man;
mod output;
mod panic;
mod policy;
mod progress;
mod rebuild;
mod report;
mod retract;
mod serve;
mod site;
mod sla;
mod stats;
mod streak;
mod stream;
mod timeline;
mod token;
mod verify;
mod when;
mod zone;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
pub use context::Context;
use context::Flags;
use error::{CommandError, Kind};
pub use format::Format;
use logbook::store::Ledger;
use output::Out;
use std::path::PathBuf;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Examples:
  logbook init
  echo '{\"type\":\"detected\",\"incident\":\"db-down\",\"at\":\"2026-11-25T03:20:00Z\",\"services\":[\"db\"]}' \\
    | logbook append
  logbook add acknowledged --incident db-down
  logbook log --incident db-down
  logbook amend 2 --set-at 2026-11-25T03:24:00Z --reason \"it was taken at 03:24\"
  logbook demo

Config: $XDG_CONFIG_HOME/logbook/config.toml (or LOGBOOK_CONFIG) sets timezone, actor, services,
[policy], [site] and [ingest.SOURCE]; flags and environment variables win over it.

Exit codes: 0 ok, 1 rejected input or not found, 2 usage, 3 ledger unavailable, busy or corrupt,
70 internal error (a bug in logbook: please report it).";

/// An event-sourced incident and maintenance ledger.
///
/// Every detection, escalation, vendor call, restore step and announcement is appended once, as
/// an immutable event, to a hash-chained log in one redb file.
#[derive(Debug, Parser)]
#[command(name = "logbook", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// The ledger file [default: $XDG_DATA_HOME/logbook/ledger.redb]
    #[arg(long, global = true, env = "LOGBOOK_LEDGER", value_name = "PATH")]
    ledger: Option<PathBuf>,

    #[arg(long, global = true, value_enum, default_value_t = Format::Text, help = format::GLOBAL_HELP)]
    format: Format,

    /// Seconds to wait while another logbook process holds the ledger
    #[arg(long, global = true, default_value_t = 10.0, value_name = "SECONDS")]
    wait: f64,

    /// Show table rows whole, however wide the terminal (free text is cut to fit otherwise)
    #[arg(long, global = true)]
    wide: bool,

    /// Who is writing, for events that name no actor [default: $LOGBOOK_ACTOR, else the config
    /// file's actor, else user@host]
    #[arg(long, global = true, value_name = "NAME")]
    actor: Option<String>,

    /// The time zone of calendar days and of "now": an IANA name (Europe/Berlin) or an offset
    /// (-05:00, +05:30, UTC) [default: $LOGBOOK_TZ, else the config file's timezone, else $TZ,
    /// else the system's, else UTC]
    #[arg(long, global = true, value_name = "ZONE", allow_hyphen_values = true)]
    tz: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(init::Args),
    Append(append::Args),
    Ingest(ingest::Args),
    Add(Box<add::Args>),
    Amend(amend::Args),
    Retract(retract::Args),
    Log(log::Args),
    Incidents(incidents::Args),
    Timeline(timeline::Args),
    Report(report::Args),
    Streak(streak::Args),
    Stats(stats::Args),
    Sla(sla::Args),
    Export(export::Args),
    Import(import::Args),
    Verify(verify::Args),
    Rebuild(rebuild::Args),
    Site(site::Args),
    Demo(demo::Args),
    Serve(serve::Args),
    Token(token::Args),
    Completions(completions::Args),
    Man(man::Args),
}

/// The command line: the derived definitions, with each command's own `--format`.
pub fn command() -> clap::Command {
    format::per_command(Cli::command())
}

/// Appends and imports of at least this many events compact the file afterwards, when that
/// pays (see [`Ledger::compaction_pays`]).
const COMPACT_AFTER: usize = 10_000;

/// Compacts after a large, committed append or a rebuild, where that pays; a failure only
/// leaves the file larger.
fn compact(ledger: &mut Ledger) {
    if !ledger.compaction_pays() {
        return;
    }
    if let Err(e) = ledger.compact() {
        eprintln!("warning: the events are stored, but the file could not be compacted: {e}");
    }
}

/// Runs a write that may fail; if it failed and the file grew (redb grows it during the
/// transaction, and on a full disk the pages it wrote keep the disk full), gives the space
/// back by compacting, so a failed append leaves the file and the disk as they were.
fn write_or_shrink<T>(
    ledger: &mut Ledger,
    write: impl FnOnce(&Ledger) -> Result<T, CommandError>,
) -> Result<T, CommandError> {
    let size = |l: &Ledger| std::fs::metadata(l.path()).map(|m| m.len()).ok();
    let before = size(ledger);
    let result = write(ledger);
    if result.is_err() && size(ledger) > before {
        // Best effort: the append already failed and says so; a failed compaction only
        // leaves the file larger.
        let _ = ledger.compact();
    }
    result
}

pub fn main() -> ExitCode {
    let parsed = command().try_get_matches().and_then(|m| {
        // Whether --ledger was typed (not taken from LOGBOOK_LEDGER): the demo writes only
        // into a ledger named on its command line.
        let typed = m.value_source("ledger") == Some(clap::parser::ValueSource::CommandLine);
        let name = m.subcommand_name().unwrap_or_default().to_string();
        Cli::from_arg_matches(&m).map(|cli| (cli, typed, name))
    });
    let (cli, ledger_typed, name) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let code = if e.use_stderr() {
                Kind::Usage.exit_code()
            } else {
                0
            };
            // clap's errors quote the command line: shown inert, like every other error.
            if e.use_stderr() {
                use std::io::Write;
                let text = e.render().to_string();
                let _ = std::io::stderr()
                    .write_all(logbook::report::inert::terminal_lines(&text).as_bytes());
            } else {
                let _ = e.print();
            }
            return ExitCode::from(code);
        }
    };
    // A panic is a bug in logbook (exit 70), never blamed on the ledger, unless the storage
    // engine raised it reading the file; the user sees one error line, not a backtrace
    // (RUST_BACKTRACE=1 shows it).
    panic::install();
    let ledger = cli.ledger.clone();
    let outcome = std::panic::catch_unwind(|| run(cli, ledger_typed, name));
    let error = match outcome {
        Ok(Ok(())) => return ExitCode::SUCCESS,
        Ok(Err(e)) => e,
        Err(payload) => panic::error(payload.as_ref(), ledger.as_deref()),
    };
    use std::io::Write;
    let _ = std::io::stderr().write_all(error.render().as_bytes());
    ExitCode::from(error.kind.exit_code())
}

fn run(cli: Cli, ledger_typed: bool, name: String) -> Result<(), CommandError> {
    // Generated from the command line alone: no ledger, clock or zone needed.
    let command = match cli.command {
        Command::Completions(args) => return completions::run(args, cli.format),
        Command::Man(args) => return man::run(args, cli.format),
        command => command,
    };
    let ctx = Context::new(Flags {
        ledger: cli.ledger,
        ledger_typed,
        command: name,
        format: cli.format,
        wait: cli.wait,
        actor: cli.actor,
        tz: cli.tz,
    })?;
    let mut out = if cli.wide {
        Out::new().wide()
    } else {
        Out::new()
    };
    match command {
        Command::Init(args) => init::run(args, &ctx, &mut out),
        Command::Append(args) => append::run(args, &ctx, &mut out),
        Command::Ingest(args) => ingest::run(args, &ctx, &mut out),
        Command::Add(args) => add::run(*args, &ctx, &mut out),
        Command::Amend(args) => amend::run(args, &ctx, &mut out),
        Command::Retract(args) => retract::run(args, &ctx, &mut out),
        Command::Log(args) => log::run(args, &ctx, &mut out),
        Command::Incidents(args) => incidents::run(args, &ctx, &mut out),
        Command::Timeline(args) => timeline::run(args, &ctx, &mut out),
        Command::Report(args) => report::run(args, &ctx, &mut out),
        Command::Streak(args) => streak::run(args, &ctx, &mut out),
        Command::Stats(args) => stats::run(args, &ctx, &mut out),
        Command::Sla(args) => sla::run(args, &ctx, &mut out),
        Command::Rebuild(args) => rebuild::run(args, &ctx, &mut out),
        Command::Export(args) => export::run(args, &ctx, &mut out),
        Command::Import(args) => import::run(args, &ctx, &mut out),
        Command::Verify(args) => verify::run(args, &ctx, &mut out),
        Command::Site(args) => site::run(args, &ctx, &mut out),
        Command::Demo(args) => demo::run(args, &ctx, &mut out),
        Command::Serve(args) => serve::run(args, &ctx, &mut out),
        Command::Token(args) => token::run(args, &ctx, &mut out),
        Command::Completions(_) | Command::Man(_) => Ok(()),
    }?;
    out.flush()
}
