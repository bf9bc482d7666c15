//! `logbook report KEY`: the post-incident report as Markdown, JSON or HTML.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::app::{incidents, wire};
use logbook::projection::Incident;
use logbook::report::{html, md};
use logbook::store::Ledger;

/// Write a post-incident report
///
/// The blameless-postmortem shape: title, impact, detection, cause, timeline with local times
/// and T+ offsets, vendor engagement, restore steps, announcements, action items, metrics with
/// their policy, and the corrections made. Text for the terminal (the default: the Markdown
/// without its escapes), Markdown for wikis (--format md), JSON for tools, or one
/// self-contained HTML page for sharing. It is internal: it names people, vendors and notes;
/// --public writes the version for customers.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook report 2011-06-16-upstream-routing
  logbook report 2011-06-16-upstream-routing --format html > routing.html
  logbook report 2011-06-16-upstream-routing --format json | jq .metrics
  logbook report 2011-06-16-upstream-routing --public --format html > for-customers.html")]
pub struct Args {
    /// The incident key
    key: String,
    /// The customer version: title, services and impact with times, the public
    /// announcements and the restore figures; nothing internal (no notes, diagnoses, vendors,
    /// tickets, escalations, actors)
    #[arg(long)]
    public: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Md, Format::Json, Format::Html])?;
    let ledger = ctx.open()?;
    if args.public {
        let report = incidents::public_report(&ledger, &args.key, ctx.now, ctx.clock())
            .map_err(ctx.app_error())?;
        return match format {
            Format::Json => out.json_pretty(&report.json()),
            Format::Html => out.line(report.html()),
            Format::Md => out.line(report.markdown().trim_end()),
            Format::Text | Format::Csv => out.line(md::plain(&report.markdown()).trim_end()),
        };
    }
    // An incident's figures do not depend on the policy; the report prints the one in force.
    let policy = ctx.config.policy.policy();
    let report = incidents::report(&ledger, &args.key, ctx.now, policy)
        .map_err(ctx.app_error())?
        .shown_in(ctx.clock());
    match format {
        Format::Json => out.json_pretty(&wire::report(&report)),
        Format::Html => out.line(html::render(&report)),
        // Csv is refused above.
        Format::Md => out.line(md::render(&report).trim_end()),
        // Csv is refused above; text is the Markdown without its escapes.
        Format::Text | Format::Csv => out.line(md::plain(&md::render(&report)).trim_end()),
    }
}

/// The incident named `key`, or a "not found" error that suggests a near key.
pub fn find(ledger: &Ledger, key: &str) -> Result<Incident, CommandError> {
    incidents::find(ledger, key).map_err(|e| CommandError::from_app(e, "report"))
}
