//! `logbook timeline KEY`: one incident's events in time order with `T+` offsets.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::projection::timeline::timeline;
use logbook::report::{json, text};

/// Show an incident's timeline
///
/// Its events in the order they happened (not the order they were written), with corrections
/// applied, local times as written, `~` for estimates and `T+h:mm` from the start of impact.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook timeline 2011-06-16-upstream-routing
  logbook timeline 2011-06-16-upstream-routing --format json")]
pub struct Args {
    /// The incident key
    key: String,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let ledger = ctx.open()?;
    let incident = super::report::find(&ledger, &args.key)?;
    let stream = ledger.stream(&args.key)?;
    let (entries, _) = timeline(&stream, &incident);
    if format == Format::Json {
        return out.json(&serde_json::json!({
            "incident": incident.key,
            "timeline": entries.iter().map(json::entry).collect::<Vec<_>>(),
        }));
    }
    out.table_text_last(&text::timeline(&entries, &ctx.clock()))?;
    Ok(())
}
