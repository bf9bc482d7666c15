//! The incident projection: one incident's effective events folded into the instants the
//! metrics need and the impact level of each service over time. Policy-free and clock-free, so
//! it can be stored and rebuilt; figures that depend on policy or "now" are derived on query.

use super::effective::{Effective, corrected};
use crate::event::rules::{Kind, Standing};
use crate::event::{At, Body, EventType, Level, RestoreLevel};
use crate::record::Stored;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use time::{Time, UtcOffset};

/// A written time and whether it was an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub at: At,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
}

impl crate::event::Event {
    /// When the event happened, and whether that time is an estimate.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            at: self.at,
            approximate: self.approximate,
        }
    }
}

/// Where an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    PartiallyRestored,
    Restored,
    Resolved,
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
}

/// A service at one impact level from `from` until `to` (`None`: still so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    pub service: String,
    pub level: Level,
    pub from: Stamp,
    pub to: Option<Stamp>,
}

/// One vendor's part in an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vendor {
    pub vendor: String,
    pub engaged: Option<Stamp>,
    pub responded: Option<Stamp>,
    pub tickets: Vec<String>,
    pub responses: u32,
}

/// An incident's projection (stored per incident, rebuilt from its stream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub key: String,
    pub kind: Kind,
    pub title: Option<String>,
    pub services: Vec<String>,
    pub state: State,
    pub opened: Stamp,
    pub impact_start: Option<Stamp>,
    pub detected: Option<Stamp>,
    pub acknowledged: Option<Stamp>,
    pub partial_restore: Option<Stamp>,
    pub full_restore: Option<Stamp>,
    pub resolved: Option<Stamp>,
    /// When it was closed, if it is: the resolve, or a maintenance's completion or
    /// cancellation. What the append rules read (see [`Incident::standing`]).
    #[serde(default)]
    pub closed: Option<Stamp>,
    pub window: Option<(At, At)>,
    pub vendors: Vec<Vendor>,
    pub intervals: Vec<Interval>,
    pub events: u64,
    pub corrections: u64,
}

impl Incident {
    /// The incident as the append rules see it: read from this same fold, so whatever a report
    /// shows about its state, the rules agree.
    pub fn standing(&self) -> Standing {
        let closer = match (self.kind, self.state) {
            (Kind::Maintenance, State::Cancelled) => EventType::MaintenanceCancelled,
            (Kind::Maintenance, _) => EventType::MaintenanceCompleted,
            _ => EventType::Resolved,
        };
        Standing {
            kind: self.kind,
            opened: self.opened.at,
            detected: self.detected.map(|d| d.at),
            closed: self.closed.map(|c| (c.at, closer)),
            window: self.window,
            restored: [self.partial_restore, self.full_restore]
                .into_iter()
                .flatten()
                .map(|s| s.at)
                .max_by(At::compare),
        }
    }
}

/// Orders one written time on a line of instants: an instant by itself; a day-only time at the
/// end of its day in `offset` (it happened some time that day).
pub fn order_key(at: &At, offset: UtcOffset) -> i128 {
    match at {
        At::Instant(t) => t.unix_timestamp_nanos(),
        At::Day(d) => d
            .with_time(Time::MAX)
            .assume_offset(offset)
            .unix_timestamp_nanos(),
    }
}

/// Like [`order_key`], with a day-only time at the start of its day.
pub fn start_key(at: &At, offset: UtcOffset) -> i128 {
    match at {
        At::Instant(t) => t.unix_timestamp_nanos(),
        At::Day(d) => d.midnight().assume_offset(offset).unix_timestamp_nanos(),
    }
}

/// The offset an incident's times are read in: that of its first instant, else UTC.
pub fn reference_offset(events: &[Effective]) -> UtcOffset {
    events
        .iter()
        .find_map(|e| match e.event.at {
            At::Instant(t) => Some(t.offset()),
            At::Day(_) => None,
        })
        .unwrap_or(UtcOffset::UTC)
}

/// Sorts events (given in log order) into time order, totally: instants by instant; a
/// day-only event right after the last instant of the same day written before it in the log
/// (writers log as they go), else at the start of its day; ties in log order.
pub fn sort_in_time(events: &mut Vec<Effective>) {
    let offset = reference_offset(events);
    let mut last_instant: BTreeMap<time::Date, i128> = BTreeMap::new();
    let mut keyed: Vec<(i128, u64, Effective)> = Vec::with_capacity(events.len());
    for e in events.drain(..) {
        let key = match e.event.at {
            At::Instant(t) => {
                let key = t.unix_timestamp_nanos();
                last_instant.insert(t.date(), key);
                key
            }
            At::Day(d) => last_instant
                .get(&d)
                .copied()
                .unwrap_or_else(|| d.midnight().assume_offset(offset).unix_timestamp_nanos()),
        };
        keyed.push((key, e.seq, e));
    }
    keyed.sort_by_key(|(key, seq, _)| (*key, *seq));
    events.extend(keyed.into_iter().map(|(_, _, e)| e));
}

/// Folds one incident's stream (in log order). `None` for an empty stream.
pub fn fold(key: &str, stream: &[Stored]) -> Option<Incident> {
    let (mut events, corrections) = corrected(stream);
    sort_in_time(&mut events);
    let first = events.first()?;
    // "First" compares times, not positions: a day-only time counts as the start of its day,
    // so it is never taken to be later than an instant of that day.
    let offset = reference_offset(&events);
    let earliest = |pred: &dyn Fn(&Body) -> bool| {
        events
            .iter()
            .filter(|e| pred(&e.event.body))
            .min_by_key(|e| (start_key(&e.event.at, offset), e.seq))
            .map(|e| e.event.stamp())
    };

    // In order of first mention; the set keeps this linear in the number of names.
    let mut services: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for e in &events {
        for s in e.event.services() {
            if seen.insert(s.as_str()) {
                services.push(s.to_string());
            }
        }
    }
    let kind = if events
        .iter()
        .any(|e| matches!(e.event.body, Body::MaintenanceScheduled { .. }))
    {
        Kind::Maintenance
    } else {
        Kind::Unplanned
    };
    // The title an opening event gives (amendable), else the first public announcement's;
    // never an arbitrary summary. Readers show the key when there is none.
    let title = events
        .iter()
        .find_map(|e| match &e.event.body {
            Body::Detected { title, .. }
            | Body::ImpactStarted { title, .. }
            | Body::MaintenanceScheduled { title, .. } => title.clone(),
            _ => None,
        })
        .or_else(|| {
            events.iter().find_map(|e| match &e.event.body {
                Body::Announced {
                    title, audience, ..
                } if audience.as_deref() != Some("internal") => title.clone(),
                _ => None,
            })
        });
    let window = events.iter().rev().find_map(|e| match &e.event.body {
        Body::MaintenanceScheduled {
            window_start,
            window_end,
            ..
        } => Some((*window_start, *window_end)),
        _ => None,
    });

    let detected = earliest(&|b| matches!(b, Body::Detected { .. }));
    let impact_start =
        earliest(&|b| matches!(b, Body::Detected { .. } | Body::ImpactStarted { .. }));
    let acknowledged = earliest(&|b| matches!(b, Body::Acknowledged {} | Body::Escalated { .. }));
    let partial_restore = earliest(&|b| {
        matches!(
            b,
            Body::Restored {
                level: Some(RestoreLevel::Partial),
                ..
            }
        )
    });
    let intervals = intervals(&events, &services);
    let full_restore = match kind {
        Kind::Maintenance => earliest(&|b| {
            matches!(
                b,
                Body::Restored {
                    level: None | Some(RestoreLevel::Full),
                    ..
                }
            )
        }),
        _ => last_restored(&intervals, offset),
    };
    // Closed by the last `resolved` not followed (in time) by a `reopened`.
    let resolved = closed_at(&events);
    let started = earliest(&|b| matches!(b, Body::MaintenanceStarted {}));
    let completed = earliest(&|b| matches!(b, Body::MaintenanceCompleted {}));
    let cancelled = earliest(&|b| matches!(b, Body::MaintenanceCancelled {}));
    let still_impacted = intervals.iter().any(|i| i.to.is_none());
    let state = match kind {
        Kind::Maintenance => match (cancelled, completed, started) {
            (Some(_), _, _) => State::Cancelled,
            (_, Some(_), _) => State::Completed,
            (_, _, Some(_)) => State::InProgress,
            _ => State::Scheduled,
        },
        _ => match (resolved, full_restore, partial_restore) {
            (Some(_), _, _) => State::Resolved,
            // A full restore of some services while others are still impacted is partial.
            (_, Some(_), _) if still_impacted => State::PartiallyRestored,
            (_, Some(_), _) => State::Restored,
            (_, _, Some(_)) => State::PartiallyRestored,
            _ => State::Open,
        },
    };

    let closed = match kind {
        Kind::Maintenance => cancelled.or(completed),
        _ => resolved,
    };
    Some(Incident {
        key: key.to_string(),
        closed,
        kind,
        title,
        opened: first.event.stamp(),
        state,
        impact_start,
        detected,
        acknowledged,
        partial_restore,
        full_restore,
        resolved,
        window,
        vendors: vendors(&events),
        intervals,
        services,
        events: stream.len() as u64,
        corrections: corrections.len() as u64,
    })
}

/// When the incident was closed, if it is: the last `resolved` in time order, unless a
/// `reopened` came after it.
fn closed_at(events: &[Effective]) -> Option<Stamp> {
    let mut closed = None;
    for e in events {
        match e.event.body {
            Body::Resolved {} => closed = Some(e.event.stamp()),
            Body::Reopened { .. } => closed = None,
            _ => {}
        }
    }
    closed
}

/// The instant the last affected service was fully restored (DESIGN section 4): the end of the
/// last impact interval of any service (a full restore naming it or naming none, else the
/// resolve), once no service is still impacted; `None` while one is.
fn last_restored(intervals: &[Interval], offset: UtcOffset) -> Option<Stamp> {
    if intervals.iter().any(|i| i.to.is_none()) {
        return None;
    }
    intervals
        .iter()
        .filter_map(|i| i.to)
        .max_by_key(|to| order_key(&to.at, offset))
}

fn vendors(events: &[Effective]) -> Vec<Vendor> {
    let mut out: Vec<Vendor> = Vec::new();
    for e in events {
        let (name, engaged, ticket) =
            if let Body::VendorEngaged { vendor, ticket, .. } = &e.event.body {
                (vendor, true, ticket.clone())
            } else if let Body::VendorResponded { vendor, .. } = &e.event.body {
                (vendor, false, None)
            } else {
                continue;
            };
        let at = e.event.stamp();
        let index = match out.iter().position(|v| &v.vendor == name) {
            Some(i) => i,
            None => {
                out.push(Vendor {
                    vendor: name.clone(),
                    engaged: None,
                    responded: None,
                    tickets: Vec::new(),
                    responses: 0,
                });
                out.len() - 1
            }
        };
        let v = &mut out[index];
        if engaged {
            v.engaged.get_or_insert(at);
            v.tickets.extend(ticket);
        } else {
            v.responded.get_or_insert(at);
            v.responses += 1;
        }
    }
    out
}

/// The impact level of each service over time, from the level-changing events in time order.
fn intervals(events: &[Effective], all: &[String]) -> Vec<Interval> {
    let detected_level = events
        .iter()
        .find_map(|e| {
            if let Body::Detected { level, .. } = &e.event.body {
                Some(level.unwrap_or(Level::MajorOutage))
            } else {
                None
            }
        })
        .unwrap_or(Level::MajorOutage);
    let mut current: BTreeMap<String, (Level, Stamp)> = BTreeMap::new();
    let mut out = Vec::new();
    for e in events {
        let named: Vec<String> = e
            .event
            .services()
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        let targets = if named.is_empty() {
            all.to_vec()
        } else {
            named
        };
        let change: Option<Box<dyn Fn(Level) -> Level>> = match &e.event.body {
            Body::Detected { level, .. } => {
                let level = level.unwrap_or(Level::MajorOutage);
                Some(Box::new(move |_| level))
            }
            Body::ImpactStarted { .. } => Some(Box::new(move |_| detected_level)),
            Body::ImpactChanged { level, .. } => {
                let level = *level;
                Some(Box::new(move |_| level))
            }
            Body::Reopened { level, .. } => {
                let level = level.unwrap_or(Level::MajorOutage);
                Some(Box::new(move |_| level))
            }
            Body::Restored {
                level: Some(RestoreLevel::Partial),
                ..
            } => Some(Box::new(|l: Level| l.min(Level::PartialOutage))),
            Body::Restored { .. }
            | Body::Resolved {}
            | Body::MaintenanceCompleted {}
            | Body::MaintenanceCancelled {} => Some(Box::new(|_| Level::Operational)),
            Body::MaintenanceStarted {} => Some(Box::new(|_| Level::Maintenance)),
            Body::Acknowledged {}
            | Body::Escalated { .. }
            | Body::VendorEngaged { .. }
            | Body::VendorResponded { .. }
            | Body::Diagnosed { .. }
            | Body::RestoreStep { .. }
            | Body::Announced { .. }
            | Body::ActionItem { .. }
            | Body::Note { .. }
            | Body::MaintenanceScheduled { .. }
            | Body::ServiceCommissioned {}
            | Body::ServiceRetired {}
            | Body::Amended { .. }
            | Body::Retracted { .. } => None,
        };
        let Some(change) = change else { continue };
        let at = e.event.stamp();
        let targets = if matches!(
            e.event.body,
            Body::Resolved {} | Body::MaintenanceCompleted {} | Body::MaintenanceCancelled {}
        ) {
            all.to_vec()
        } else {
            targets
        };
        for service in targets {
            let before = current
                .get(&service)
                .map_or(Level::Operational, |(l, _)| *l);
            let after = change(before);
            if after == before {
                continue;
            }
            if let Some((level, from)) = current.remove(&service) {
                out.push(Interval {
                    service: service.clone(),
                    level,
                    from,
                    to: Some(at),
                });
            }
            if after != Level::Operational {
                current.insert(service, (after, at));
            }
        }
    }
    for (service, (level, from)) in current {
        out.push(Interval {
            service,
            level,
            from,
            to: None,
        });
    }
    // Stable: each service keeps its intervals in time order.
    out.sort_by(|a, b| a.service.cmp(&b.service));
    out
}
