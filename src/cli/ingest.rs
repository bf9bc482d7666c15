//! `logbook ingest SOURCE [FILE|-]`: one payload of a monitoring system in, the events it means
//! appended in one transaction, receipts out as `append` prints them.

use super::append::{print, stored_anyway};
use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::app::append::Tally;
use logbook::event::parse_input;
use logbook::ingest::{self, Source, Why};
use logbook::store::{AppendError, Appended, Line};
use std::io::Read;
use std::path::PathBuf;

/// The largest payload read, in bytes (a Statuspage export of 50 incidents is well under).
const MAX_PAYLOAD: u64 = 32 * 1024 * 1024;

/// Append the events a monitoring system's payload means
///
/// Reads one payload of SOURCE from FILE (or standard input): an Alertmanager or Grafana
/// webhook body, an Uptime Kuma notification, a PagerDuty Events API v2 event, or a Statuspage
/// `incidents.json`, `summary.json` or scheduled maintenances. Each outage episode becomes one
/// incident whose key carries the source's own id; event ids derive from the source's ids, so
/// repeats, retries and re-imports add nothing. All events go in one transaction; a payload that
/// is not the source's format writes nothing.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  logbook ingest alertmanager payload.json
  curl -s https://www.githubstatus.com/api/v2/incidents.json | logbook ingest statuspage -
  logbook ingest uptime-kuma --format json kuma-down.json
  logbook ingest pagerduty event.json

Incident keys: am-FINGERPRINT-STARTSAT, grafana-FINGERPRINT-STARTSAT, kuma-MONITOR-DOWNTIME,
pd-DEDUPKEY-HASH-TRIGGERTIME, sp-INCIDENTID. A source that never sends "resolved" leaves its
incident open: close it with `logbook add resolved --incident KEY`."#)]
pub struct Args {
    /// The system the payload comes from
    #[arg(value_enum)]
    source: SourceArg,

    /// The payload (JSON); `-` or nothing reads standard input
    #[arg(value_name = "FILE|-")]
    file: Option<PathBuf>,

    /// Print only the summary lines, not one line per event
    #[arg(short, long)]
    quiet: bool,

    /// Accept times that look like typos (an event more than a day ahead)
    #[arg(long)]
    force: bool,

    /// A service that is new although a known one is spelled alike; repeat for several
    #[arg(long, value_name = "NAME")]
    new_service: Vec<String>,
}

/// SOURCE on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SourceArg {
    Alertmanager,
    Grafana,
    UptimeKuma,
    #[value(name = "pagerduty")]
    PagerDuty,
    Statuspage,
}

impl SourceArg {
    fn source(self) -> Source {
        match self {
            SourceArg::Alertmanager => Source::Alertmanager,
            SourceArg::Grafana => Source::Grafana,
            SourceArg::UptimeKuma => Source::UptimeKuma,
            SourceArg::PagerDuty => Source::PagerDuty,
            SourceArg::Statuspage => Source::Statuspage,
        }
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let source = args.source.source();
    let payload = read(args.file.as_ref())?;
    // The adapter's configuration: config.toml's [ingest.SOURCE], else the defaults.
    let adapted = ingest::adapt(source, &payload, &ctx.config.ingest, ctx.now).map_err(|e| {
        CommandError::rejected(format!("{} payload: {e}", source.name())).hint(format!(
            "is it really a payload of {}? nothing was written",
            source.name()
        ))
    })?;
    for why in &adapted.ignored {
        eprintln!("note: {}", logbook::report::inert::terminal(why));
    }
    let mut ledger = ctx.open_write()?;
    let plan = ingest::resolve(adapted.intents, &ledger)?;
    for s in &plan.skipped {
        if let Some(text) = skipped_note(s) {
            eprintln!("note: {}", logbook::report::inert::terminal(&text));
        }
    }
    let mut lines = plan.events.into_iter().enumerate().map(|(i, map)| {
        let submission =
            parse_input(map).map_err(|error| AppendError::Rejected { line: i + 1, error })?;
        Ok(Line {
            number: i + 1,
            submission,
        })
    });
    let mut receipts = Vec::new();
    let mut tally = Tally::default();
    super::write_or_shrink(&mut ledger, |ledger| {
        ledger
            .append_each(
                lines.by_ref(),
                &ctx.append_context(args.force, &args.new_service),
                &mut |a| {
                    tally.add(&a);
                    receipts.push(a);
                },
            )
            .map_err(|e| {
                let mut err: CommandError = e.into();
                err.message = format!("{} payload, event {}", source.name(), err.message);
                err
            })
    })?;
    let summary = summary(&receipts, &plan.skipped);
    print(&receipts, &tally, format, args.quiet, out)
        .and_then(|()| match format {
            Format::Json => Ok(()),
            _ => out.line(&summary),
        })
        .and_then(|()| out.flush())
        .map_err(|e| stored_anyway(e, &tally))
}

/// Reads the whole payload from `file`, or standard input for `-` or nothing.
fn read(file: Option<&PathBuf>) -> Result<Vec<u8>, CommandError> {
    let stdin = file.is_none_or(|f| f.as_os_str() == "-");
    let (name, reader): (String, Box<dyn Read>) = if stdin {
        ("standard input".into(), Box::new(std::io::stdin()))
    } else {
        let path = file.expect("a file unless stdin");
        let f = std::fs::File::open(path)
            .map_err(|e| CommandError::rejected(format!("cannot read {}: {e}", path.display())))?;
        (path.display().to_string(), Box::new(f))
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_PAYLOAD + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CommandError::rejected(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 > MAX_PAYLOAD {
        return Err(CommandError::rejected(format!(
            "{name} is larger than {MAX_PAYLOAD} bytes, the limit for one payload"
        )));
    }
    Ok(bytes)
}

/// What the person should know about an intent that added nothing (repeats are only counted).
fn skipped_note(s: &ingest::Skipped) -> Option<String> {
    // Repeats are counted in the summary line, not named one by one.
    match s.why {
        Why::Repeat | Why::AlreadyOpen => None,
        Why::UnknownEpisode | Why::Closed => Some(s.describe()),
    }
}

/// "2 incidents opened, 1 restored, 3 repeats ignored".
fn summary(receipts: &[Appended], skipped: &[ingest::Skipped]) -> String {
    let new = |types: &[&str]| {
        receipts
            .iter()
            .filter(|a| !a.duplicate && types.contains(&a.type_name))
            .count()
    };
    let repeats = receipts.iter().filter(|a| a.duplicate).count()
        + skipped
            .iter()
            .filter(|s| matches!(s.why, Why::Repeat | Why::AlreadyOpen))
            .count();
    const NAMED: [&str; 7] = [
        "detected",
        "maintenance_scheduled",
        "acknowledged",
        "restored",
        "resolved",
        "maintenance_completed",
        "maintenance_cancelled",
    ];
    let others = receipts
        .iter()
        .filter(|a| !a.duplicate && !NAMED.contains(&a.type_name))
        .count();
    let count = |why: Why| skipped.iter().filter(|s| s.why == why).count();
    let parts = [
        (
            new(&["detected", "maintenance_scheduled"]),
            "incident opened",
            "incidents opened",
        ),
        (new(&["acknowledged"]), "acknowledged", "acknowledged"),
        (new(&["restored"]), "restored", "restored"),
        (
            new(&["resolved", "maintenance_completed", "maintenance_cancelled"]),
            "resolved",
            "resolved",
        ),
        (others, "other event", "other events"),
        (repeats, "repeat ignored", "repeats ignored"),
        (
            count(Why::UnknownEpisode),
            "for an unknown episode ignored",
            "for unknown episodes ignored",
        ),
        (
            count(Why::Closed),
            "for a closed incident ignored",
            "for closed incidents ignored",
        ),
    ];
    let said: Vec<String> = parts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
    if said.is_empty() {
        "nothing new".into()
    } else {
        said.join(", ")
    }
}
