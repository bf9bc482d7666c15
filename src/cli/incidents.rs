//! `logbook incidents`: every incident with its state, services and time to restore.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::report::{json, text};

/// List incidents
///
/// One line per incident (unplanned and maintenance): its key, kind, state, services, when
/// impact started and how long until it was restored (`~` marks an estimate).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook incidents
  logbook incidents --service mail
  logbook incidents --format json | jq -r '.[] | select(.state != \"resolved\") | .incident'")]
pub struct Args {
    /// Only incidents that name this service
    #[arg(long, short)]
    service: Option<String>,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let ledger = ctx.open()?;
    let mut list = match &args.service {
        Some(s) => ledger.incidents_of(s)?,
        None => ledger.incidents()?,
    };
    list.sort_by(|a, b| {
        a.impact_start
            .unwrap_or(a.opened)
            .at
            .date()
            .cmp(&b.impact_start.unwrap_or(b.opened).at.date())
            .then(a.key.cmp(&b.key))
    });
    if format == Format::Json {
        return out.json(&list.iter().map(json::incident).collect::<Vec<_>>());
    }
    if list.is_empty() {
        eprintln!("no incidents");
        return Ok(());
    }
    out.table(&text::incidents(&list, ctx.now))?;
    Ok(())
}
