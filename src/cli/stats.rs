//! `logbook stats`: MTTA, MTTR, MTBF and availability for a period, per service and overall.

use super::error::CommandError;
use super::output::Out;
use super::policy::PolicyArgs;
use super::streak::require_known;
use super::{Context, Format};
use logbook::event::At;
use logbook::event::time::format_instant;
use logbook::projection::Incident;
use logbook::projection::service::Service;
use logbook::projection::stats::{
    AVAILABILITY_RULE, Life, MTBF_RULE, Period, lives, selected, stats,
};
use logbook::projection::zone::Zone;
use logbook::report::{csv, json, text};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

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

/// A bound of the period, in the zone's offset: an instant as given, or a day of the zone from
/// its first instant (`end_of_day`: to its last).
fn instant(
    flag: &str,
    text: &str,
    end_of_day: bool,
    zone: &dyn Zone,
) -> Result<OffsetDateTime, CommandError> {
    match At::parse(text) {
        Some(At::Instant(t)) => Ok(zone.local(t)),
        Some(At::Day(d)) => {
            let (start, next) = zone.day_bounds(d);
            Ok(if end_of_day {
                zone.local(next - Duration::NANOSECOND)
            } else {
                start
            })
        }
        None => Err(CommandError::usage(format!(
            "{flag}: `{text}` is not a date or an RFC 3339 time"
        ))
        .hint("e.g. 2011-01-01")),
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json, Format::Csv])?;
    let policy = ctx.policy(&args.policy)?;
    let ledger = ctx.open()?;
    let (services, incidents): (Vec<Service>, Vec<Incident>) = match &args.service {
        Some(name) => {
            let (service, incidents) = (ledger.service(name)?, ledger.incidents_of(name)?);
            require_known(&service, &incidents, "stats")?;
            (vec![service], incidents)
        }
        None => (ledger.services()?, ledger.incidents()?),
    };
    let names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    let until = args
        .until
        .as_deref()
        .map(|t| instant("--until", t, true, &ctx.zone))
        .transpose()?
        .unwrap_or(ctx.zone.local(ctx.now));
    let since = match args.since.as_deref() {
        Some(t) => instant("--since", t, false, &ctx.zone)?,
        // With nothing before the end of the period (an incident dated in the future), the
        // period is empty: figures are unknown, not a usage error.
        None => earliest(&services, &incidents, &ctx.zone)
            .filter(|e| *e <= until)
            .unwrap_or(until),
    };
    if since > until {
        return Err(CommandError::usage(format!(
            "the period ends ({}) before it starts ({})",
            format_instant(until),
            format_instant(since)
        )));
    }
    let period = Period { since, until };
    // Each service's incidents, grouped once (not one pass over all incidents per service).
    let mut by_service: HashMap<&str, Vec<&Incident>> = HashMap::new();
    for i in &incidents {
        for s in &i.services {
            by_service.entry(s.as_str()).or_default().push(i);
        }
    }
    // The part of the period each service existed: availability counts only that.
    let all: Vec<&Incident> = incidents.iter().collect();
    let lives = lives(&services, &all, &period, args.since.is_some(), &ctx.zone);
    let figures = |service: Option<&str>| {
        let pool: Vec<&Incident> = match service {
            Some(s) => by_service.get(s).cloned().unwrap_or_default(),
            None => incidents.iter().collect(),
        };
        let chosen: Vec<&Incident> = pool
            .into_iter()
            .filter(|i| selected(i, service, &period, &policy))
            .collect();
        let lives: Vec<Life> = lives
            .iter()
            .filter(|l| service.is_none_or(|s| l.service == s))
            .cloned()
            .collect();
        stats(&chosen, &lives, &period, &policy, ctx.now)
    };
    let overall = figures(args.service.as_deref());
    let per_service: Vec<(String, _)> = match &args.service {
        Some(_) => Vec::new(),
        None => names
            .iter()
            .map(|s| (s.clone(), figures(Some(s))))
            .collect(),
    };
    let period =
        serde_json::json!({ "since": format_instant(since), "until": format_instant(until) });
    if format == Format::Csv {
        // Each row names its period and zone, as the JSON object does once.
        let item = |service: Option<&str>, s| {
            let mut value = json::stats(service, s);
            value["period"] = period.clone();
            value["tz"] = ctx.zone.name().into();
            value
        };
        let rows = per_service.iter().map(|(name, s)| item(Some(name), s));
        let all = item(args.service.as_deref(), &overall);
        return out.csv(csv::STATS, rows.chain([all]));
    }
    if format == Format::Json {
        let mut value = json::stats(args.service.as_deref(), &overall);
        value["period"] = period;
        value["policy"] = json::policy(&policy);
        value["rules"] = serde_json::json!({
            "availability": AVAILABILITY_RULE,
            "mtbf": MTBF_RULE,
        });
        value["tz"] = ctx.zone.name().into();
        if args.service.is_none() {
            value["services"] = per_service
                .iter()
                .map(|(name, s)| json::stats(Some(name), s))
                .collect();
        }
        return out.json(&value);
    }
    out.line(format!(
        "Stats from {} to {}, times in {}",
        format_instant(since),
        format_instant(until),
        ctx.zone.name()
    ))?;
    out.line("")?;
    let mut rows = per_service;
    rows.push((
        args.service
            .clone()
            .unwrap_or_else(|| "all services".into()),
        overall,
    ));
    out.table(&text::stats(&rows))?;
    out.line("")?;
    out.line(format!(
        "policy: {}; ~ marks figures resting on estimated times",
        policy.describe()
    ))?;
    out.line(format!("availability: {AVAILABILITY_RULE}"))?;
    out.line(format!("MTBF: {MTBF_RULE}"))
}

/// The start of the record: the first commissioning or impact among `services` (a day known
/// only as a day from its first instant in the zone).
fn earliest(
    services: &[Service],
    incidents: &[Incident],
    zone: &dyn Zone,
) -> Option<OffsetDateTime> {
    let impacts = incidents
        .iter()
        .map(|i| i.impact_start.unwrap_or(i.opened).at);
    let commissionings = services.iter().filter_map(|s| s.commissioned.map(|c| c.at));
    impacts
        .chain(commissionings)
        .map(|a| match a {
            At::Instant(t) => zone.local(t),
            At::Day(d) => zone.start_of(d),
        })
        .min()
}
