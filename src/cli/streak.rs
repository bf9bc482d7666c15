//! `logbook streak`: days since the last outage, the current run and the record, per service
//! and across all services.

use super::error::CommandError;
use super::output::Out;
use super::policy::PolicyArgs;
use super::{Context, Format};
use logbook::event::At;
use logbook::projection::service::Service;
use logbook::projection::streak::{self, Streaks};
use logbook::projection::zone::{self, Zone};
use logbook::projection::{Incident, Policy};
use logbook::report::{csv, json, text};
use logbook::store::Ledger;
use time::Date;

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
        Some(text) => At::parse(text)
            .map(|a| zone::day(&a, &ctx.zone))
            .ok_or_else(|| {
                CommandError::usage(format!("--as-of: `{text}` is not a date"))
                    .hint("e.g. --as-of 2011-12-28")
            })?,
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
    let json = |service: Option<&str>, s: &Streaks| {
        let mut value = json::streaks(service, s, args.top, &policy);
        value["tz"] = tz.as_str().into();
        value
    };
    if let Some(service) = &args.service {
        let streaks = view.service(service)?;
        if format == Format::Csv {
            return out.csv(csv::STREAK, [json(Some(service), &streaks)]);
        }
        if format == Format::Json {
            return out.json(&json(Some(service), &streaks));
        }
        return print_service(service, &streaks, args.top, &policy, &tz, out);
    }
    let (board, all) = view.board()?;
    if format == Format::Csv {
        let rows = board.iter().map(|(name, s)| json(Some(name), s));
        return out.csv(csv::STREAK, rows.chain([json(None, &all)]));
    }
    if format == Format::Json {
        let mut value = json(None, &all);
        value["services"] = board.iter().map(|(name, s)| json(Some(name), s)).collect();
        return out.json(&value);
    }
    let mut rows = board;
    rows.push(("all services".to_string(), all));
    out.line(format!("Uptime streaks as of {as_of}, days in {tz}"))?;
    out.line("")?;
    out.table(&text::board(&rows))?;
    out.line("")?;
    out.line(format!("policy: {}", policy.describe()))
}

/// "Not found" for a service that no incident names and that has no history of its own.
pub fn require_known(
    service: &Service,
    incidents: &[Incident],
    command: &str,
) -> Result<(), CommandError> {
    if incidents.is_empty() && service.commissioned.is_none() && service.retired.is_none() {
        return Err(
            CommandError::rejected(format!("no service {}", service.name))
                .hint(format!("`logbook {command}` shows every service")),
        );
    }
    Ok(())
}

/// Computes streaks from the projections, by calendar day in `zone`.
pub struct View<'a> {
    pub ledger: &'a Ledger,
    pub policy: Policy,
    pub zone: &'a dyn Zone,
    pub as_of: Date,
}

impl View<'_> {
    /// The streaks of one service, by name ("not found" when logbook knows nothing of it).
    pub fn service(&self, name: &str) -> Result<Streaks, CommandError> {
        let service = self.ledger.service(name)?;
        let incidents = self.ledger.incidents_of(name)?;
        require_known(&service, &incidents, "streak")?;
        Ok(self.streaks(&service, &incidents))
    }

    fn streaks(&self, service: &Service, incidents: &[Incident]) -> Streaks {
        let name = service.name.as_str();
        let outages = incidents
            .iter()
            .filter_map(|i| streak::outage(i, Some(name), &self.policy, Some(self.zone)))
            .collect();
        let commissioned = service
            .commissioned
            .map(|c| streak::day(&c, Some(self.zone)));
        let as_of = service.retired.map_or(self.as_of, |r| {
            streak::day(&r, Some(self.zone)).min(self.as_of)
        });
        streak::streaks(commissioned, outages, as_of)
    }

    /// One row per service, and all services together: any service's outage breaks that run,
    /// whose first run starts at the earliest commissioning only when every service's
    /// commissioning is known.
    pub fn board(&self) -> Result<(Vec<(String, Streaks)>, Streaks), CommandError> {
        let services = self.ledger.services()?;
        let mut rows = Vec::with_capacity(services.len());
        for service in &services {
            let incidents = self.ledger.incidents_of(&service.name)?;
            rows.push((service.name.clone(), self.streaks(service, &incidents)));
        }
        let outages = rows
            .iter()
            .flat_map(|(_, s)| s.outages.iter().cloned())
            .collect();
        let commissioned = if services.iter().all(|s| s.commissioned.is_some()) {
            services
                .iter()
                .filter_map(|s| s.commissioned.map(|c| streak::day(&c, Some(self.zone))))
                .min()
        } else {
            None
        };
        Ok((rows, streak::streaks(commissioned, outages, self.as_of)))
    }
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
    out.line(format!("policy: {}", policy.describe()))
}
