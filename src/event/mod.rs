//! Event types: the catalogue of DESIGN section 2 as Rust values (pure, no I/O). Every rule
//! about a type (what opens or closes a stream, what may follow a close, its own fields) reads
//! one table, [`EventType`].
//!
//! Input lines are read by the strict JSON reader of [`json`], held to the [`limits`] of new
//! input, and parsed and checked field by field in [`parse`] (a correction may name its
//! [`target`] by seq or id prefix, which the store resolves); the rules that need the ledger's
//! state (an incident must be opened first, nothing after `resolved`, ...) live in [`rules`].
//! A refused line's [`FieldError`] says what kind of [`Problem`] it has; advice about it is
//! left to the command line and the HTTP layer.
//! Serialising an [`Event`] gives back the JSON fields it was written with; [`Event::write_fields`]
//! writes the same bytes directly, for the stored events' canonical bytes.

mod body;
pub(crate) mod canonical;
mod describe;
mod fields;
pub mod json;
pub mod limits;
mod names;
pub mod parse;
mod problem;
pub mod rules;
mod suggest;
pub mod target;
pub mod time;
mod type_rules;
mod types;

pub use describe::word;
pub use names::Name;
pub use parse::{FieldError, Submission, parse_input, parse_line};
pub use problem::Problem;
pub use suggest::{folded, spelled_alike};
pub use target::TargetRef;
pub use time::At;
pub use type_rules::NotBefore;
pub use types::{EventType, TYPES};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};
use uuid::Uuid;

/// One immutable fact, as written by its author (without the ledger's envelope).
///
/// It serialises with a fixed field order: `type`, `incident` or `service`, `at`,
/// `approximate`, the type's own fields (sorted), `actor`, `summary`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub body: Body,
    pub incident: Option<Name>,
    /// The service of `service_*` events, and of corrections to them.
    pub service: Option<Name>,
    pub at: At,
    pub approximate: bool,
    pub actor: Option<String>,
    pub summary: Option<String>,
}

impl Event {
    /// Writes the event's fields into an open JSON map (shared with the stored envelope).
    pub fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("type", self.type_name())?;
        if let Some(k) = &self.incident {
            map.serialize_entry("incident", k)?;
        }
        if let Some(s) = &self.service {
            map.serialize_entry("service", s)?;
        }
        map.serialize_entry("at", &self.at)?;
        if self.approximate {
            map.serialize_entry("approximate", &true)?;
        }
        if let Ok(Value::Object(fields)) = serde_json::to_value(&self.body) {
            for (k, v) in fields.iter().filter(|(k, _)| k.as_str() != "type") {
                map.serialize_entry(k, v)?;
            }
        }
        if let Some(a) = &self.actor {
            map.serialize_entry("actor", a)?;
        }
        if let Some(s) = &self.summary {
            map.serialize_entry("summary", s)?;
        }
        Ok(())
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        self.serialize_fields(&mut map)?;
        map.end()
    }
}

/// Which stream an event belongs to: an incident, or a service's own history.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stream {
    Incident(Name),
    Service(Name),
}

impl Stream {
    /// The key under which the stream is stored. Service streams get a `@` prefix, which no
    /// incident key can start with.
    pub fn key(&self) -> String {
        match self {
            Stream::Incident(k) => stream_key(Some(k.as_str()), None),
            Stream::Service(s) => stream_key(None, Some(s.as_str())),
        }
    }
}

/// The stored key of the stream of an event with this `incident` or `service`.
pub fn stream_key(incident: Option<&str>, service: Option<&str>) -> String {
    match (incident, service) {
        (Some(k), _) => k.to_string(),
        (None, Some(s)) => format!("@{s}"),
        (None, None) => String::new(),
    }
}

impl std::fmt::Display for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stream::Incident(k) => write!(f, "incident {k}"),
            Stream::Service(s) => write!(f, "service {s}"),
        }
    }
}

impl Event {
    /// The stream this event is appended to.
    pub fn stream(&self) -> Stream {
        match (&self.incident, &self.service) {
            (Some(k), _) => Stream::Incident(k.clone()),
            (None, Some(s)) => Stream::Service(s.clone()),
            // The parser guarantees one of the two; an empty name would fail validation.
            (None, None) => Stream::Incident(Name::default()),
        }
    }

    /// The event's type.
    pub fn event_type(&self) -> EventType {
        self.body.event_type()
    }

    /// The event type's name, as written in `type`.
    pub fn type_name(&self) -> &'static str {
        self.body.type_name()
    }

    /// The event as a JSON object, as it would be written.
    pub fn to_json(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    }

    /// Services this event names (`services`, or `service` for service events).
    pub fn services(&self) -> Vec<&Name> {
        let list = match &self.body {
            Body::Detected { services, .. } | Body::MaintenanceScheduled { services, .. } => {
                Some(services)
            }
            Body::ImpactStarted { services, .. }
            | Body::ImpactChanged { services, .. }
            | Body::Restored { services, .. }
            | Body::Reopened { services, .. } => services.as_ref(),
            Body::Acknowledged {}
            | Body::Escalated { .. }
            | Body::VendorEngaged { .. }
            | Body::VendorResponded { .. }
            | Body::Diagnosed { .. }
            | Body::RestoreStep { .. }
            | Body::Resolved {}
            | Body::Announced { .. }
            | Body::ActionItem { .. }
            | Body::Note { .. }
            | Body::MaintenanceStarted {}
            | Body::MaintenanceCompleted {}
            | Body::MaintenanceCancelled {}
            | Body::ServiceCommissioned {}
            | Body::ServiceRetired {}
            | Body::Amended { .. }
            | Body::Retracted { .. } => None,
        };
        match list {
            Some(l) => l.iter().collect(),
            None => self.service.iter().collect(),
        }
    }
}

/// Impact level of a service at an instant, from none to worst (maintenance last).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Operational,
    Degraded,
    PartialOutage,
    MajorOutage,
    Maintenance,
}

impl Level {
    /// The level as events write it (`major_outage`).
    pub const fn name(self) -> &'static str {
        match self {
            Level::Operational => "operational",
            Level::Degraded => "degraded",
            Level::PartialOutage => "partial_outage",
            Level::MajorOutage => "major_outage",
            Level::Maintenance => "maintenance",
        }
    }
}

/// Who noticed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Monitoring,
    Customer,
    Staff,
    Vendor,
}

/// Progress of a restore step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Started,
    Done,
}

/// How far a `restored` event brought the service back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreLevel {
    Partial,
    Full,
}

/// Where an announcement was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Blog,
    Twitter,
    StatusPage,
    Email,
    Other,
}

/// The type of an event and its own fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    Detected {
        services: Vec<Name>,
        #[serde(skip_serializing_if = "Option::is_none")]
        source: Option<Source>,
        #[serde(skip_serializing_if = "Option::is_none")]
        level: Option<Level>,
        /// The incident's name in reports and on the status page.
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    ImpactStarted {
        #[serde(skip_serializing_if = "Option::is_none")]
        services: Option<Vec<Name>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    Acknowledged {},
    Escalated {
        to: String,
    },
    VendorEngaged {
        vendor: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        ticket: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
    },
    VendorResponded {
        vendor: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        contact: Option<String>,
    },
    Diagnosed {
        #[serde(skip_serializing_if = "Option::is_none")]
        cause: Option<String>,
    },
    ImpactChanged {
        #[serde(skip_serializing_if = "Option::is_none")]
        services: Option<Vec<Name>>,
        level: Level,
    },
    /// `summary` (a common field) is required for this type.
    RestoreStep {
        #[serde(skip_serializing_if = "Option::is_none")]
        state: Option<StepState>,
    },
    Restored {
        #[serde(skip_serializing_if = "Option::is_none")]
        services: Option<Vec<Name>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        level: Option<RestoreLevel>,
    },
    Resolved {},
    /// The impact came back after `resolved`: the incident is open again.
    Reopened {
        #[serde(skip_serializing_if = "Option::is_none")]
        services: Option<Vec<Name>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        level: Option<Level>,
    },
    Announced {
        #[serde(skip_serializing_if = "Option::is_none")]
        channel: Option<Channel>,
        #[serde(skip_serializing_if = "Option::is_none")]
        audience: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// `summary` (a common field) is required for this type.
    ActionItem {
        #[serde(skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        due: Option<At>,
    },
    Note {
        text: String,
    },
    MaintenanceScheduled {
        services: Vec<Name>,
        window_start: At,
        window_end: At,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    MaintenanceStarted {},
    MaintenanceCompleted {},
    MaintenanceCancelled {},
    /// `service` (a common field) names the service.
    ServiceCommissioned {},
    /// `service` (a common field) names the service.
    ServiceRetired {},
    Amended {
        target: Uuid,
        set: Map<String, Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Retracted {
        target: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}
