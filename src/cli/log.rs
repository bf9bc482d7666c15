//! `logbook log`: the stored events, filtered, as aligned text or JSON Lines.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::event::{At, Name, TYPES};
use logbook::store::Stored;

/// Show the log, oldest first
///
/// One line per event: seq, when it happened (~ marks an estimate), incident or service, type
/// and what it says. --format json prints each stored event as a JSON line (as `export` does).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook log
  logbook log --incident 2011-06-16-upstream-routing
  logbook log --service mail --since 2011-01-01 --until 2011-12-31
  logbook log --type vendor_engaged --type vendor_responded --format json")]
pub struct Args {
    /// Only this incident
    #[arg(long, short)]
    incident: Option<String>,
    /// Only events naming this service
    #[arg(long, short)]
    service: Option<String>,
    /// Only events of this type (repeat for several)
    #[arg(long = "type", short = 't', value_name = "TYPE", value_parser = clap::builder::PossibleValuesParser::new(TYPES))]
    types: Vec<String>,
    /// Only events that happened on or after this day or time
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only events that happened on or before this day or time
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
}

struct Filter {
    incident: Option<Name>,
    service: Option<Name>,
    types: Vec<String>,
    since: Option<At>,
    until: Option<At>,
}

impl Filter {
    fn new(args: Args) -> Result<Filter, CommandError> {
        let name = |flag: &str, v: Option<String>| {
            v.map(|v| Name::parse(&v).map_err(|e| CommandError::usage(format!("{flag}: {e}"))))
                .transpose()
        };
        let time = |flag: &str, v: Option<String>| {
            v.map(|v| {
                At::parse(&v).ok_or_else(|| {
                    CommandError::usage(format!("{flag}: `{v}` is not a date or an RFC 3339 time"))
                        .hint("e.g. 2011-06-16 or 2011-06-16T03:00:00-04:00")
                })
            })
            .transpose()
        };
        Ok(Filter {
            incident: name("--incident", args.incident)?,
            service: name("--service", args.service)?,
            types: args.types,
            since: time("--since", args.since)?,
            until: time("--until", args.until)?,
        })
    }

    fn matches(&self, s: &Stored) -> bool {
        let e = &s.event;
        self.incident
            .as_ref()
            .is_none_or(|k| e.incident.as_ref() == Some(k))
            && self
                .service
                .as_ref()
                .is_none_or(|svc| e.services().contains(&svc))
            && (self.types.is_empty() || self.types.iter().any(|t| t == e.type_name()))
            && self.since.is_none_or(|t| e.at.compare(&t).is_ge())
            && self.until.is_none_or(|t| e.at.compare(&t).is_le())
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let filter = Filter::new(args)?;
    let ledger = ctx.open()?;
    let mut rows = Vec::new();
    let mut keep = |stored: Stored| {
        if filter.matches(&stored) {
            rows.push(stored);
        }
        Ok::<_, CommandError>(())
    };
    match &filter.incident {
        // One incident: read its stream through the index, not the whole log.
        Some(key) => ledger
            .stream(key.as_str())?
            .into_iter()
            .try_for_each(&mut keep)?,
        None => ledger.for_each(&mut keep)?,
    }
    if format == Format::Json {
        for s in &rows {
            out.bytes_line(&s.encode())?;
        }
        return Ok(());
    }
    if rows.is_empty() {
        eprintln!("no events match");
        return Ok(());
    }
    out.table(&rows.iter().map(row).collect::<Vec<_>>())?;
    Ok(())
}

/// One text row: seq, at, stream, type, description.
pub fn row(s: &Stored) -> Vec<String> {
    let e = &s.event;
    let at = format!("{}{}", if e.approximate { "~" } else { " " }, e.at);
    let stream = match (&e.incident, &e.service) {
        (Some(k), _) => k.to_string(),
        (None, Some(svc)) => format!("service {svc}"),
        (None, None) => String::new(),
    };
    vec![
        format!("{:>4}", s.seq),
        at,
        stream,
        e.type_name().to_string(),
        e.describe(),
    ]
}
