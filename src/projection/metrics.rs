//! Incident metrics (DESIGN section 4), derived from an [`Incident`] projection. Unknown
//! values are `None`, never 0: a duration needs two instants.

use super::incident::{Incident, Stamp};
use super::span::Span;
use crate::event::{At, Level};
use time::OffsetDateTime;

/// The figures of one incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub time_to_detect: Option<Span>,
    pub time_to_acknowledge: Option<Span>,
    pub time_to_partial_restore: Option<Span>,
    pub time_to_restore: Option<Span>,
    pub time_to_resolve: Option<Span>,
    pub vendor_response: Vec<(String, Option<Span>)>,
    pub impact: Vec<Impact>,
}

/// Seconds a service spent at each level (`None`: an end is known only to the day).
#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    pub service: String,
    pub levels: Vec<(Level, Option<i64>)>,
    /// Still at that level now (the figure runs to `now`).
    pub ongoing: bool,
}

fn span(from: &Option<Stamp>, to: &Option<Stamp>) -> Option<Span> {
    match (from, to) {
        (Some(a), Some(b)) => Span::between(a, b),
        _ => None,
    }
}

/// Time to acknowledge (from detection).
pub fn time_to_acknowledge(incident: &Incident) -> Option<Span> {
    span(&incident.detected, &incident.acknowledged)
}

/// Time to restore: from the start of impact to the full restore, or to the resolve when no
/// restore was written.
pub fn time_to_restore(incident: &Incident) -> Option<Span> {
    span(
        &incident.impact_start,
        &incident.full_restore.or(incident.resolved),
    )
}

/// Computes the metrics; `now` closes intervals that are still open.
pub fn metrics(incident: &Incident, now: OffsetDateTime) -> Metrics {
    let start = &incident.impact_start;
    Metrics {
        time_to_detect: span(start, &incident.detected),
        time_to_acknowledge: time_to_acknowledge(incident),
        time_to_partial_restore: span(start, &incident.partial_restore),
        time_to_restore: time_to_restore(incident),
        time_to_resolve: span(start, &incident.resolved),
        vendor_response: incident
            .vendors
            .iter()
            .map(|v| (v.vendor.clone(), span(&v.engaged, &v.responded)))
            .collect(),
        impact: impact(incident, now),
    }
}

fn impact(incident: &Incident, now: OffsetDateTime) -> Vec<Impact> {
    let now = Stamp {
        at: At::Instant(now),
        approximate: false,
    };
    let mut out: Vec<Impact> = Vec::new();
    for i in &incident.intervals {
        let seconds = Span::between(&i.from, i.to.as_ref().unwrap_or(&now)).map(|s| s.seconds);
        let entry = match out.iter_mut().position(|x| x.service == i.service) {
            Some(p) => &mut out[p],
            None => {
                out.push(Impact {
                    service: i.service.clone(),
                    levels: Vec::new(),
                    ongoing: false,
                });
                out.last_mut().expect("just pushed")
            }
        };
        entry.ongoing |= i.to.is_none();
        match entry.levels.iter_mut().find(|(l, _)| *l == i.level) {
            Some((_, total)) => *total = total.zip(seconds).map(|(a, b)| a + b),
            None => entry.levels.push((i.level, seconds)),
        }
    }
    for e in &mut out {
        e.levels.sort_by_key(|(l, _)| std::cmp::Reverse(*l));
    }
    out
}
