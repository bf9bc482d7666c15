//! Ingest adapters (DESIGN section 10), pure: the payload of a monitoring system (a webhook
//! body, or a Statuspage export) and an adapter [`Config`] in, the events it means out, as the
//! JSON objects of DESIGN section 2 that `append` reads. No I/O, no clock (the time a payload
//! was received is given), no ledger.
//!
//! What needs the ledger's state is said, not decided: each event comes as an [`Intent`] with
//! a condition ([`When`]: "only while its incident is open", "only if no episode of this
//! PagerDuty `dedup_key` is open", ...), and [`resolve`] decides against a [`Lookup`] of the
//! ledger. Event ids derive from the source's own ids ([`common::event_id`]), so a repeated,
//! retried or re-imported payload adds nothing.

mod alertmanager;
pub mod common;
mod config;
mod intent;
mod pagerduty;
mod payload;
mod statuspage;
mod uptime_kuma;

pub use config::{AlertmanagerConfig, Config, PagerDutyConfig, SeverityMap, UptimeKumaConfig};
pub use intent::{Intent, Lookup, Plan, Skipped, When, Why, resolve};

use serde_json::Value;
use time::OffsetDateTime;

/// The systems logbook takes payloads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Prometheus Alertmanager webhook, version 4.
    Alertmanager,
    /// Grafana unified alerting webhook (Alertmanager-shaped, version 1).
    Grafana,
    /// Uptime Kuma's webhook notification.
    UptimeKuma,
    /// PagerDuty Events API v2 (trigger, acknowledge, resolve).
    PagerDuty,
    /// A Statuspage page's `incidents.json`, `summary.json` or scheduled maintenances.
    Statuspage,
}

impl Source {
    /// Every source, in the order the help lists them.
    pub const ALL: [Source; 5] = [
        Source::Alertmanager,
        Source::Grafana,
        Source::UptimeKuma,
        Source::PagerDuty,
        Source::Statuspage,
    ];

    /// The source's name on the command line and in `[ingest.NAME]`.
    pub fn name(self) -> &'static str {
        match self {
            Source::Alertmanager => "alertmanager",
            Source::Grafana => "grafana",
            Source::UptimeKuma => "uptime-kuma",
            Source::PagerDuty => "pagerduty",
            Source::Statuspage => "statuspage",
        }
    }

    /// The source named `name`, if logbook knows it.
    pub fn from_name(name: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A payload that is not the source's format, naming the field at fault (`-` for the payload
/// as a whole).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if field == "-" { String::new() } else { format!("{field}: ") })]
pub struct IngestError {
    pub field: String,
    pub message: String,
}

impl IngestError {
    pub fn new(field: &str, message: impl Into<String>) -> IngestError {
        IngestError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// What one payload means.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adapted {
    /// The events, in the order they are to be appended.
    pub intents: Vec<Intent>,
    /// What the payload held that records nothing, and why (a test ping, a reminder that a
    /// monitor is still down, an alert that the monitor itself cannot see).
    pub ignored: Vec<String>,
}

/// Reads one payload of `source`. `received` is when it arrived: the time of events whose
/// source gives none (PagerDuty's acknowledge and resolve).
pub fn adapt(
    source: Source,
    payload: &[u8],
    config: &Config,
    received: OffsetDateTime,
) -> Result<Adapted, IngestError> {
    let value: Value = serde_json::from_slice(payload)
        .map_err(|e| IngestError::new("-", format!("not JSON: {e}")))?;
    match source {
        Source::Alertmanager => alertmanager::adapt(&value, &config.alertmanager, false),
        Source::Grafana => alertmanager::adapt(&value, &config.grafana, true),
        Source::UptimeKuma => uptime_kuma::adapt(&value, &config.uptime_kuma),
        Source::PagerDuty => pagerduty::adapt(&value, &config.pagerduty, received),
        Source::Statuspage => statuspage::adapt(&value),
    }
}
