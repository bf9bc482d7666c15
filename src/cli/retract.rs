//! `logbook retract TARGET`: withdraw an earlier event named by seq or id, in the target's own
//! incident (or service).

use super::Context;
use super::amend::{Common, Correction};
use super::error::CommandError;
use super::output::Out;
use serde_json::Map;

/// Withdraw an earlier event
///
/// Appends a `retracted` event: the original stays in the log as it was written (`logbook log`
/// marks it), and reports, timelines and statistics leave it out.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  logbook retract 27 --reason "logged on the wrong incident"
  logbook retract 0190c3a2 --reason "a duplicate of 26"

TARGET is the seq that `logbook log` shows (27, or '#27' quoted for the shell), the event's
id, or the first 8 or more hex digits of its id. The retraction goes to the target's own
incident (or service); --at is the time of the retraction itself and defaults to now. To
change some fields of an event instead, use `logbook amend`."#)]
pub struct Args {
    /// The event to withdraw: its seq (27 or #27), its id, or 8+ hex digits of its id
    #[arg(value_name = "TARGET")]
    target: String,
    /// Why the event is withdrawn
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    common: Common,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let correction = Correction {
        kind: "retracted",
        target: &args.target,
        reason: &args.reason,
        common: &args.common,
        fields: Map::new(),
    };
    correction.append(ctx, out, &|_| None)
}
