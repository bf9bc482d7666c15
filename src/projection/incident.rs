//! The incident projection: one incident's effective events folded into the instants the
//! metrics need and the impact level of each service over time. Policy-free and clock-free, so
//! it can be stored and rebuilt; figures that depend on policy or "now" are derived on query.

use super::effective::{Effective, corrected};
use super::intervals::intervals;
pub use super::order::{order_key, reference_offset, sort_in_time, start_key};
use crate::event::rules::{Kind, Standing};
use crate::event::{At, Body, EventType, Level, RestoreLevel};
use crate::record::Stored;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use time::UtcOffset;

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
fn closed_at(events: &[Effective<'_>]) -> Option<Stamp> {
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

fn vendors(events: &[Effective<'_>]) -> Vec<Vendor> {
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
