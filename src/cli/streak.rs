//! `logbook streak`: days since the last outage, the current run and the record, per service
//! and across all services.

use super::error::CommandError;
use super::output::Out;
use super::policy::PolicyArgs;
use super::{Context, Format};
use logbook::app::streak::{self, View};
use logbook::app::wire;
use logbook::projection::Policy;
use logbook::projection::streak::Streaks;
use logbook::projection::zone::Zone;
use logbook::report::{csv, text};

/// Show uptime streaks: days since the last outage, and the record
///
/// A run is the number of calendar days from the end of one outage (or the service's
/// commissioning) to the start of the next (or the as-of date), days of the zone (--tz). Only unplanned incidents that
/// reached partial_outage or major_outage break a run; degraded service and maintenance do not
/// (change that with the policy flags). The current run counts toward the record. --format csv
/// prints a header row, then one row per service and one for all services (an empty service):
/// service, days_since_last_outage, current_streak_days, record_days, record_from, record_to,
/// ongoing_outage, as_of, tz; an unknown value is an empty cell.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook streak
  logbook streak --service mail --as-of 2011-12-28
  logbook streak --service web-1 --top 3 --format json | jq .record
  logbook streak --as-of 2011-12-28 --format csv > streaks.csv")]
pub struct Args {
    /// One service (default: a board of every service, and all of them together)
    #[arg(long, short)]
    service: Option<String>,
    /// Answer for this day (in the zone) instead of today
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Show at most N runs
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    #[command(flatten)]
    policy: PolicyArgs,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json, Format::Csv])?;
    let policy = ctx.policy(&args.policy)?;
    let as_of = match &args.as_of {
        Some(text) => streak::as_of(text, &ctx.zone).map_err(ctx.app_error())?,
        None => ctx.zone.day_of(ctx.now),
    };
    let ledger = ctx.open()?;
    let view = View {
        ledger: &ledger,
        policy,
        zone: &ctx.zone,
        as_of,
    };
    let tz = ctx.zone.name();
    // Each object names the zone its days are in (JSON `tz`).
    let json =
        |service: Option<&str>, s: &Streaks| wire::streaks(service, s, args.top, &policy, &tz);
    if let Some(service) = &args.service {
        let streaks = view.service(service).map_err(ctx.app_error())?;
        if format == Format::Csv {
            return out.csv(csv::STREAK, [json(Some(service), &streaks)]);
        }
        if format == Format::Json {
            return out.json(&json(Some(service), &streaks));
        }
        return print_service(service, &streaks, args.top, &policy, &tz, out);
    }
    let board = view.board().map_err(ctx.app_error())?;
    if format == Format::Csv {
        let rows = board.rows.iter().map(|(name, s)| json(Some(name), s));
        return out.csv(csv::STREAK, rows.chain([json(None, &board.all)]));
    }
    if format == Format::Json {
        return out.json(&wire::board(&board, args.top, &policy, &tz));
    }
    let mut rows = board.rows;
    rows.push(("all services".to_string(), board.all));
    out.line(format!("Uptime streaks as of {as_of}, days in {tz}"))?;
    out.line("")?;
    out.table(&text::board(&rows))?;
    out.line("")?;
    out.prose(format!("policy: {}", policy.describe()))
}

fn print_service(
    name: &str,
    s: &Streaks,
    top: usize,
    policy: &Policy,
    tz: &str,
    out: &mut Out,
) -> Result<(), CommandError> {
    out.line(format!("{name}, as of {}, days in {tz}", s.as_of))?;
    let last = s
        .outages
        .iter()
        .filter(|o| o.start <= s.as_of)
        .max_by_key(|o| o.start);
    let since = match (s.ongoing, s.days_since_last_outage, last) {
        (true, _, Some(o)) => format!("an outage is going on ({}, since {})", o.incident, o.start),
        (_, Some(d), Some(o)) => format!(
            "{d} (last outage {}, ended {})",
            o.incident,
            o.end.map_or("-".into(), |e| e.to_string())
        ),
        _ => "no outage recorded".to_string(),
    };
    let current = match s.current_streak_days {
        Some(d) => format!("{d} days"),
        None => "unknown (no commissioning date and no outage)".into(),
    };
    let record = match &s.record {
        Some(r) => format!(
            "{} days, {} to {}{}",
            r.days,
            r.from,
            r.to,
            if r.current { " (the current run)" } else { "" }
        ),
        None => "none yet".into(),
    };
    out.table(&[
        vec!["  days since last outage".into(), since],
        vec!["  current run".into(), current],
        vec!["  record".into(), record],
    ])?;
    out.line("")?;
    out.table(&text::runs(s, top))?;
    out.line("")?;
    out.prose(format!("policy: {}", policy.describe()))
}
