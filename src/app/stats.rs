//! Stats: MTTA, MTTR, MTBF and availability over a period, per service and overall.

use super::AppError;
use super::streak::require_known;
use crate::event::At;
use crate::event::time::format_instant;
use crate::projection::service::Service;
use crate::projection::stats::{Life, Period, Stats, lives, selected, stats};
use crate::projection::zone::Zone;
use crate::projection::{Incident, Policy};
use crate::store::Ledger;
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

/// What is asked: one service or all, and the bounds of the period as written (a day of the
/// zone or an RFC 3339 time).
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub service: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// The figures: overall (for the one service asked, or all), and per service when all were
/// asked.
pub struct Figures {
    pub service: Option<String>,
    pub period: Period,
    pub overall: Stats,
    pub per_service: Vec<(String, Stats)>,
}

/// A bound of the period, in the zone's offset: an instant as given, or a day of the zone from
/// its first instant (`end_of_day`: to its last).
fn instant(
    param: &'static str,
    text: &str,
    end_of_day: bool,
    zone: &dyn Zone,
) -> Result<OffsetDateTime, AppError> {
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
        None => Err(AppError::BadValue {
            param,
            value: text.to_string(),
            expected: "a date or an RFC 3339 time",
        }),
    }
}

/// Computes the figures of `query` under `policy`, days in `zone`, as of `now`.
pub fn figures(
    ledger: &Ledger,
    query: &Query,
    policy: &Policy,
    zone: &dyn Zone,
    now: OffsetDateTime,
) -> Result<Figures, AppError> {
    let (services, incidents): (Vec<Service>, Vec<Incident>) = match &query.service {
        Some(name) => {
            let (service, incidents) = (ledger.service(name)?, ledger.incidents_of(name)?);
            require_known(&service, &incidents)?;
            (vec![service], incidents)
        }
        None => (ledger.services()?, ledger.incidents()?),
    };
    let period = period(
        query.since.as_deref(),
        query.until.as_deref(),
        &services,
        &incidents,
        zone,
        now,
    )?;
    Ok(over(
        &services,
        &incidents,
        &Span {
            period,
            since_asked: query.since.is_some(),
            service: query.service.as_deref(),
        },
        policy,
        zone,
        now,
    ))
}

/// A period to count over, and for what.
pub struct Span<'a> {
    pub period: Period,
    /// The period's start was asked for (a service without a commissioning date then lives
    /// from it, not from its first incident).
    pub since_asked: bool,
    /// One service, or all.
    pub service: Option<&'a str>,
}

/// The figures of `services` and their `incidents` over `span` (what `stats` and `sla` both
/// count): the overall ones, and per service when all were asked.
pub fn over(
    services: &[Service],
    incidents: &[Incident],
    span: &Span<'_>,
    policy: &Policy,
    zone: &dyn Zone,
    now: OffsetDateTime,
) -> Figures {
    let period = span.period;
    // Each service's incidents, grouped once (not one pass over all incidents per service).
    let mut by_service: HashMap<&str, Vec<&Incident>> = HashMap::new();
    for i in incidents {
        for s in &i.services {
            by_service.entry(s.as_str()).or_default().push(i);
        }
    }
    // The part of the period each service existed: availability counts only that.
    let all: Vec<&Incident> = incidents.iter().collect();
    let lives = lives(services, &all, &period, span.since_asked, zone);
    let figures = |service: Option<&str>| {
        let pool: Vec<&Incident> = match service {
            Some(s) => by_service.get(s).cloned().unwrap_or_default(),
            None => all.clone(),
        };
        let chosen: Vec<&Incident> = pool
            .into_iter()
            .filter(|i| selected(i, service, &period, policy))
            .collect();
        let lives: Vec<Life> = lives
            .iter()
            .filter(|l| service.is_none_or(|s| l.service == s))
            .cloned()
            .collect();
        stats(&chosen, &lives, &period, policy, now)
    };
    let overall = figures(span.service);
    let per_service = match span.service {
        Some(_) => Vec::new(),
        None => crate::parallel::map(services, |s| (s.name.clone(), figures(Some(&s.name)))),
    };
    Figures {
        service: span.service.map(str::to_string),
        period,
        overall,
        per_service,
    }
}

/// The period of `--since`/`--until` (days of the zone, or RFC 3339 times): from the first
/// commissioning or impact when `since` is not given (an empty period when that is after the
/// end), to now when `until` is not given.
pub fn period(
    since: Option<&str>,
    until: Option<&str>,
    services: &[Service],
    incidents: &[Incident],
    zone: &dyn Zone,
    now: OffsetDateTime,
) -> Result<Period, AppError> {
    let until = until
        .map(|t| instant("until", t, true, zone))
        .transpose()?
        .unwrap_or(zone.local(now));
    let since = match since {
        Some(t) => instant("since", t, false, zone)?,
        // With nothing before the end of the period (an incident dated in the future), the
        // period is empty: figures are unknown, not a usage error.
        None => earliest(services, incidents, zone)
            .filter(|e| *e <= until)
            .unwrap_or(until),
    };
    if since > until {
        return Err(AppError::EmptyPeriod {
            since: format_instant(since),
            until: format_instant(until),
        });
    }
    Ok(Period { since, until })
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
