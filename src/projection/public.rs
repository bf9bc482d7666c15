//! The public/internal rule (DESIGN sections 1 and 12) in one place: what of an incident may be
//! shown to anyone. Public are its title, its services and their impact levels over time, its
//! maintenance window, its state, and its `announced` events whose audience is not `internal`
//! (after amendments and retractions). Everything else — notes, diagnoses, vendors and
//! tickets, escalations, restore steps, action items, actors, summaries of other events — never
//! reaches a [`PublicIncident`], so no public output can show it.

use super::incident::{Incident, Interval, Stamp, State, order_key};
use super::timeline::timeline;
use crate::event::rules::Kind;
use crate::event::{At, Body, EventType, Level};
use crate::record::Stored;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

/// One public update: an announcement.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub at: Stamp,
    pub title: Option<String>,
    /// The announcement's text (its `text`, else its `summary`).
    pub text: Option<String>,
    /// A link, only when it is `http` or `https`.
    pub url: Option<String>,
    /// When the ledger recorded it.
    pub recorded_at: OffsetDateTime,
}

/// An incident as customers may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicIncident {
    pub key: String,
    pub kind: Kind,
    /// The incident's title, else its first announcement's, else one made of its kind and
    /// services.
    pub title: String,
    pub state: State,
    /// Each service with the worst level it reached (maintenance for maintenance).
    pub services: Vec<(String, Level)>,
    /// The impact intervals, service by service.
    pub intervals: Vec<Interval>,
    /// The start of impact (or of the maintenance work), if known.
    pub started: Option<Stamp>,
    /// When it was over: fully restored or resolved, or the maintenance completed/cancelled.
    pub ended: Option<Stamp>,
    pub window: Option<(At, At)>,
    /// Announcements, oldest first.
    pub updates: Vec<Update>,
    /// The id of the incident's first event: stable across export and import, so feeds and
    /// calendars can name the incident by it.
    pub id: Uuid,
    /// When the ledger last recorded anything public about it.
    pub last_recorded: OffsetDateTime,
    /// How many times its public face changed (events that change the window, state, impact
    /// or updates): the calendar's SEQUENCE.
    pub revisions: u32,
}

impl PublicIncident {
    /// The time it last changed for readers: its newest update, else its end, else its start.
    pub fn updated(&self) -> Stamp {
        let key = |s: &Stamp| order_key(&s.at, UtcOffset::UTC);
        self.updates
            .iter()
            .map(|u| u.at)
            .chain(self.ended)
            .chain(self.started)
            .max_by_key(key)
            .unwrap_or(Stamp {
                at: At::Instant(self.last_recorded),
                approximate: false,
            })
    }

    /// Whether it is still going on (or a maintenance still to come).
    pub fn active(&self) -> bool {
        match self.state {
            State::Open | State::PartiallyRestored | State::Scheduled | State::InProgress => true,
            State::Restored | State::Resolved | State::Completed | State::Cancelled => false,
        }
    }
}

/// The public face of `incident`, from its stream.
pub fn public(incident: &Incident, stream: &[Stored]) -> PublicIncident {
    let (entries, corrections) = timeline(stream, incident);
    let mut updates = Vec::new();
    let mut revisions = 0u32;
    let mut last_recorded = stream
        .first()
        .map_or(OffsetDateTime::UNIX_EPOCH, |s| s.recorded_at);
    for e in &entries {
        let mut changes = shows(e.event.event_type());
        if let Body::Announced {
            audience,
            title,
            url,
            text,
            ..
        } = &e.event.body
        {
            let internal = audience
                .as_deref()
                .is_some_and(|a| a.trim().eq_ignore_ascii_case("internal"));
            if internal {
                changes = false;
            } else {
                updates.push(Update {
                    at: e.event.stamp(),
                    title: title.clone(),
                    text: text.clone().or_else(|| e.event.summary.clone()),
                    url: url.clone().filter(|u| web_link(u)),
                    recorded_at: e.recorded_at,
                });
            }
        }
        if changes {
            revisions += 1;
            last_recorded = last_recorded.max(e.recorded_at);
        }
    }
    // A correction of what the public sees changes it too (a moved window, a withdrawn update).
    for c in &corrections {
        if EventType::from_name(c.target_type).is_some_and(shows) {
            revisions += 1;
            if let Some(s) = stream.iter().find(|s| s.seq == c.seq) {
                last_recorded = last_recorded.max(s.recorded_at);
            }
        }
    }
    let started = incident.impact_start.or_else(|| {
        (incident.intervals.iter().map(|i| i.from)).min_by_key(|f| order_key(&f.at, UtcOffset::UTC))
    });
    let ended = match incident.kind {
        Kind::Maintenance => incident.closed,
        Kind::Unplanned | Kind::Service => incident.full_restore.or(incident.resolved),
    };
    PublicIncident {
        key: incident.key.clone(),
        kind: incident.kind,
        title: title(incident, &updates),
        state: incident.state,
        services: worst_levels(incident),
        intervals: incident.intervals.clone(),
        started,
        ended,
        window: incident.window,
        updates,
        id: stream.first().map_or(Uuid::nil(), |s| s.id),
        last_recorded,
        revisions: revisions.saturating_sub(1),
    }
}

/// Whether events of this type change what the public sees (an `announced` one does unless
/// its audience is internal).
fn shows(ty: EventType) -> bool {
    match ty {
        EventType::Detected
        | EventType::ImpactStarted
        | EventType::ImpactChanged
        | EventType::Restored
        | EventType::Resolved
        | EventType::Reopened
        | EventType::Announced
        | EventType::MaintenanceScheduled
        | EventType::MaintenanceStarted
        | EventType::MaintenanceCompleted
        | EventType::MaintenanceCancelled => true,
        EventType::Acknowledged
        | EventType::Escalated
        | EventType::VendorEngaged
        | EventType::VendorResponded
        | EventType::Diagnosed
        | EventType::RestoreStep
        | EventType::ActionItem
        | EventType::Note
        | EventType::ServiceCommissioned
        | EventType::ServiceRetired
        | EventType::Amended
        | EventType::Retracted => false,
    }
}

/// A link a public page may carry.
fn web_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn title(incident: &Incident, updates: &[Update]) -> String {
    if let Some(t) = incident.title.as_ref().filter(|t| !t.trim().is_empty()) {
        return t.clone();
    }
    if let Some(t) = updates.iter().find_map(|u| u.title.clone()) {
        return t;
    }
    let services = incident.services.join(", ");
    match incident.kind {
        Kind::Maintenance => format!("Maintenance of {services}"),
        Kind::Unplanned | Kind::Service => format!("Disruption of {services}"),
    }
}

/// Each of the incident's services with the worst level it reached.
fn worst_levels(incident: &Incident) -> Vec<(String, Level)> {
    incident
        .services
        .iter()
        .map(|s| {
            let worst = incident
                .intervals
                .iter()
                .filter(|i| &i.service == s)
                .map(|i| i.level)
                .max_by_key(|l| severity(*l))
                .unwrap_or(match incident.kind {
                    Kind::Maintenance => Level::Maintenance,
                    Kind::Unplanned | Kind::Service => Level::Operational,
                });
            (s.clone(), worst)
        })
        .collect()
}

/// How bad a level is, for "worst wins" (a maintenance is better than any problem).
pub fn severity(level: Level) -> u8 {
    match level {
        Level::Operational => 0,
        Level::Maintenance => 1,
        Level::Degraded => 2,
        Level::PartialOutage => 3,
        Level::MajorOutage => 4,
    }
}
