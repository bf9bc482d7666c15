//! The JSON that `logbook --format json` prints and `logbook serve` sends, in one place, one
//! item per schema in `schemas/` that both share: the append receipt (`append-receipt.v1`),
//! incidents (`incidents.v1`), the report (`report.v1`), streaks (`streak.v1`) and stats
//! (`stats.v1`); and what only the server sends: the receipts of a request and error bodies.

use super::stats::Figures;
use super::streak::Board;
use crate::event::time::format_instant;
use crate::projection::stats::{AVAILABILITY_RULE, MTBF_RULE, Stats};
use crate::projection::streak::Streaks;
use crate::projection::{Incident, Policy};
use crate::report::{Report, json};
use crate::store::Appended;
use serde::Serialize;
use serde_json::Value;

/// The receipt of one event (`append-receipt.v1`): `append --format json` prints one a line.
#[derive(Debug, Serialize)]
pub struct Receipt<'a> {
    pub id: String,
    pub seq: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<&'a str>,
    pub revision: u64,
    #[serde(rename = "type")]
    pub type_name: &'a str,
    /// `appended`, or `duplicate` for an id already stored with the same content.
    pub status: &'a str,
}

impl<'a> Receipt<'a> {
    pub fn of(a: &'a Appended) -> Receipt<'a> {
        Receipt {
            id: a.id.to_string(),
            seq: a.seq,
            incident: a.incident.as_ref().map(crate::event::Name::as_str),
            service: a.service.as_ref().map(crate::event::Name::as_str),
            revision: a.revision,
            type_name: a.type_name,
            status: if a.duplicate { "duplicate" } else { "appended" },
        }
    }
}

/// The answer to `POST /v1/events`: `{"receipts": [...]}`, in the order of the events.
#[derive(Debug, Serialize)]
pub struct Receipts<'a> {
    pub receipts: Vec<Receipt<'a>>,
}

impl<'a> Receipts<'a> {
    pub fn of(appended: &'a [Appended]) -> Receipts<'a> {
        Receipts {
            receipts: appended.iter().map(Receipt::of).collect(),
        }
    }
}

/// An error body of the server: `{"error", "hint"?, "line"?, "field"?}`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorBody {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorBody {
    pub fn new(error: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error: error.into(),
            hint: None,
            line: None,
            field: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> ErrorBody {
        self.hint = Some(hint.into());
        self
    }
}

/// The incident list (`incidents.v1`): an array of incidents.
pub fn incidents(list: &[Incident]) -> Value {
    list.iter().map(json::incident).collect()
}

/// The post-incident report (`report.v1`).
pub fn report(report: &Report) -> Value {
    json::report(report)
}

/// The streaks of one service, or of all services when `service` is `None`, naming the zone
/// of their days (`streak.v1`; also one CSV row).
pub fn streaks(service: Option<&str>, s: &Streaks, top: usize, policy: &Policy, tz: &str) -> Value {
    let mut value = json::streaks(service, s, top, policy);
    value["tz"] = tz.into();
    value
}

/// The streak board (`streak.v1`): all services together, with one object per service.
pub fn board(board: &Board, top: usize, policy: &Policy, tz: &str) -> Value {
    let mut value = streaks(None, &board.all, top, policy, tz);
    value["services"] = board
        .rows
        .iter()
        .map(|(name, s)| streaks(Some(name), s, top, policy, tz))
        .collect();
    value
}

/// The period of stats figures: `{since, until}`.
fn period(f: &Figures) -> Value {
    serde_json::json!({
        "since": format_instant(f.period.since),
        "until": format_instant(f.period.until),
    })
}

/// Stats (`stats.v1`): the overall figures with their period, policy, rules and zone, and one
/// object per service when all were asked.
pub fn stats(f: &Figures, policy: &Policy, tz: &str) -> Value {
    let mut value = json::stats(f.service.as_deref(), &f.overall);
    value["period"] = period(f);
    value["policy"] = json::policy(policy);
    value["rules"] = serde_json::json!({
        "availability": AVAILABILITY_RULE,
        "mtbf": MTBF_RULE,
    });
    value["tz"] = tz.into();
    if f.service.is_none() {
        value["services"] = f
            .per_service
            .iter()
            .map(|(name, s)| json::stats(Some(name), s))
            .collect();
    }
    value
}

/// The CSV rows of stats: one per service, then the overall one, each naming its period and
/// zone.
pub fn stats_rows(f: &Figures, tz: &str) -> Vec<Value> {
    let item = |service: Option<&str>, s: &Stats| {
        let mut value = json::stats(service, s);
        value["period"] = period(f);
        value["tz"] = tz.into();
        value
    };
    f.per_service
        .iter()
        .map(|(name, s)| item(Some(name), s))
        .chain([item(f.service.as_deref(), &f.overall)])
        .collect()
}
