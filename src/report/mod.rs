//! Reports: projections turned into report structs, then rendered as Markdown, JSON, HTML, CSV
//! or terminal text. Pure: no I/O, no clock (the caller passes "now").

pub mod csv;
pub mod html;
pub mod incident;
pub mod inert;
pub mod json;
pub mod md;
pub mod text;

pub use incident::{Report, build};

use crate::event::At;
use crate::projection::Stamp;

/// A time as written, for people: `2011-06-16 03:20 -04:00`, `2011-06-16`, `~` for estimates.
pub fn when(stamp: &Stamp) -> String {
    let mark = if stamp.approximate { "~" } else { "" };
    match stamp.at {
        At::Instant(t) => {
            let offset = t.offset();
            let (h, m, _) = offset.as_hms();
            let zone = if offset.is_utc() {
                "UTC".to_string()
            } else {
                format!(
                    "{}{:02}:{:02}",
                    if offset.is_negative() { '-' } else { '+' },
                    h.abs(),
                    m.abs()
                )
            };
            format!(
                "{mark}{} {:02}:{:02} {zone}",
                t.date(),
                t.hour(),
                t.minute()
            )
        }
        At::Day(d) => format!("{mark}{d}"),
    }
}

/// A duration for people, `~` marking one that rests on an estimate; `unknown` when null.
pub fn duration(span: Option<crate::projection::span::Span>) -> String {
    match span {
        Some(s) => format!(
            "{}{}",
            if s.approximate { "~" } else { "" },
            crate::projection::span::human(s.seconds)
        ),
        None => "unknown".to_string(),
    }
}

/// When the ledger recorded an event, for people: `2026-11-25 12:00 UTC`.
pub fn recorded(at: time::OffsetDateTime) -> String {
    when(&Stamp {
        at: At::Instant(at),
        approximate: false,
    })
}

/// A maintenance's window against what happened: rows of (what, planned, actual, difference);
/// `None` for an unplanned incident.
pub fn plan(r: &Report) -> Option<Vec<(&'static str, String, String, String)>> {
    let (start, end) = r.incident.window?;
    let first = |ty: &[&str]| r.entries(ty).next().map(|e| e.event.stamp());
    let started = first(&["maintenance_started"]);
    let ended = first(&["maintenance_completed", "maintenance_cancelled"]);
    let row = |what, planned: At, actual: Option<Stamp>| {
        let planned = Stamp {
            at: planned,
            approximate: false,
        };
        let diff = match actual.and_then(|a| {
            crate::projection::span::Span::between(&planned, &a)
                .map(|s| s.seconds)
                .or_else(|| {
                    crate::projection::span::Span::between(&a, &planned).map(|s| -s.seconds)
                })
        }) {
            Some(0) => "on time".to_string(),
            Some(s) if s > 0 => format!("{} late", crate::projection::span::human(s)),
            Some(s) => format!("{} early", crate::projection::span::human(-s)),
            None => "—".to_string(),
        };
        (
            what,
            when(&planned),
            actual.as_ref().map_or("—".to_string(), when),
            diff,
        )
    };
    Some(vec![row("Start", start, started), row("End", end, ended)])
}
