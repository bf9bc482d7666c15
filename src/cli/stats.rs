//! `logbook stats`: MTTA, MTTR, MTBF and availability for a period, per service and overall.

use super::error::CommandError;
use super::output::Out;
use super::policy::PolicyArgs;
use super::{Context, Format};
use logbook::app::stats::{self, Figures, Query};
use logbook::app::wire;
use logbook::projection::stats::{AVAILABILITY_RULE, MTBF_RULE};
use logbook::report::{csv, text};

/// Show MTTA, MTTR, MTBF and availability
///
/// Over the unplanned incidents whose impact started in the period: how many, mean time to
/// acknowledge, mean and median time to restore, mean time between outages, and availability
/// with the policy's weights (printed beside the figures). The period runs from --since (default:
/// the first commissioning or impact) to --until (default: now); a day is a day of the zone
/// (--tz), and the period is shown in it. --format csv prints a header row, then one row per
/// service and one for all services (an empty service): service, incidents, mtta_seconds,
/// mttr_seconds (mean), mttr_median_seconds, mtbf_seconds, availability_percent, period_since,
/// period_until, tz; an unknown figure is an empty cell.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook stats
  logbook stats --service mail --since 2011-01-01 --until 2011-12-31
  logbook stats --partial-weight 0.5 --include-maintenance --format json
  logbook stats --since 2011-01-01 --until 2011-12-31 --format csv > stats-2011.csv")]
pub struct Args {
    /// One service (default: every service, and all together)
    #[arg(long, short)]
    service: Option<String>,
    /// Start of the period (a day in the zone, from its midnight, or an RFC 3339 time)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// End of the period (a day in the zone, counted whole, or an RFC 3339 time)
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    #[command(flatten)]
    policy: PolicyArgs,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json, Format::Csv])?;
    let policy = ctx.policy(&args.policy)?;
    let ledger = ctx.open()?;
    let query = Query {
        service: args.service,
        since: args.since,
        until: args.until,
    };
    let figures =
        stats::figures(&ledger, &query, &policy, &ctx.zone, ctx.now).map_err(ctx.app_error())?;
    let tz = ctx.zone.name();
    if format == Format::Csv {
        return out.csv(csv::STATS, wire::stats_rows(&figures, &tz));
    }
    if format == Format::Json {
        return out.json(&wire::stats(&figures, &policy, &tz));
    }
    let Figures {
        service,
        period,
        overall,
        per_service,
    } = figures;
    out.line(format!(
        "Stats from {} to {}, times in {tz}",
        minute(period.since),
        minute(period.until),
    ))?;
    out.line("")?;
    let mut rows = per_service;
    rows.push((service.unwrap_or_else(|| "all services".into()), overall));
    out.table(&text::stats(&rows))?;
    out.line("")?;
    out.prose(format!(
        "policy: {}; ~ marks figures resting on estimated times",
        policy.describe()
    ))?;
    out.prose(format!("availability: {AVAILABILITY_RULE}"))?;
    out.prose(format!("MTBF: {MTBF_RULE}"))
}

/// A bound of the period for people: `2011-06-16 03:20 -04:00` (the JSON and CSV keep RFC 3339).
fn minute(t: time::OffsetDateTime) -> String {
    logbook::report::when(&logbook::projection::incident::Stamp {
        at: logbook::event::At::Instant(t),
        approximate: false,
    })
}
