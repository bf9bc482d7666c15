//! `logbook incidents`: every incident with its state, services and time to restore, as a
//! table, JSON or CSV.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::app::{incidents, wire};
use logbook::report::{csv, json, text};

/// List incidents
///
/// One line per incident (unplanned and maintenance): its key, kind, state, services, when
/// impact started and how long until it was restored (`~` marks an estimate). --format json
/// and csv give each incident's incident, kind, state, title, services (in CSV joined with
/// `;`), impact_start, opened, resolved and events.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook incidents
  logbook incidents --service mail
  logbook incidents --format json | jq -r '.[] | select(.state != \"resolved\") | .incident'
  logbook incidents --format csv > incidents.csv")]
pub struct Args {
    /// Only incidents that name this service
    #[arg(long, short)]
    service: Option<String>,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json, Format::Csv])?;
    let ledger = ctx.open()?;
    let list = incidents::list(&ledger, args.service.as_deref()).map_err(ctx.app_error())?;
    if format == Format::Json {
        return out.json(&wire::incidents(&list));
    }
    if format == Format::Csv {
        return out.csv(csv::INCIDENTS, list.iter().map(json::incident));
    }
    if list.is_empty() {
        eprintln!("no incidents");
        return Ok(());
    }
    out.table(&text::incidents(&list, ctx.now, &ctx.clock()))?;
    Ok(())
}
