//! `logbook init`: create an empty ledger.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::store::Ledger;

/// Create a new, empty ledger file
///
/// Creates the file named by --ledger (or LOGBOOK_LEDGER, or the default under
/// $XDG_DATA_HOME/logbook/) and any missing directories. An existing file is never touched.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  logbook init\n  logbook --ledger ./ops.redb init\n  logbook init --exist-ok    # in a setup script: fine if it is there"
)]
pub struct Args {
    /// Succeed without touching it when the ledger already exists (it must be a ledger)
    #[arg(long)]
    exist_ok: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let path = ctx.ledger_path()?;
    if args.exist_ok && path.exists() {
        // Opening it proves it is a ledger (not some other file at that path).
        drop(ctx.open()?);
        return match format {
            Format::Json => out.json(&serde_json::json!({ "ledger": path, "created": false })),
            _ => out.line(format!("ledger {} already exists", path.display())),
        };
    }
    Ledger::create(&path)?;
    match format {
        Format::Json => out.json(&serde_json::json!({ "ledger": path, "created": true })),
        _ => out.line(format!("created ledger {}", path.display())),
    }
}
