//! Reports: projections turned into report structs, then rendered as Markdown, JSON, HTML, CSV
//! or terminal text. Pure: no I/O, no clock (the caller passes "now").

pub mod csv;
pub mod html;
pub mod incident;
pub mod inert;
pub mod json;
pub mod md;
pub mod public;
pub mod site;
pub mod sla;
pub mod text;

pub use incident::{Report, build};

use crate::event::At;
use crate::projection::Stamp;
use crate::projection::zone::Zone;
use std::sync::Arc;

/// How times are shown to people (DESIGN section 6: "times in the zone"): every instant in one
/// zone's clock, or each as it was written. Dates known only to the day stay as written.
#[derive(Clone, Default)]
pub struct Clock {
    zone: Option<(String, Arc<dyn Zone + Send + Sync>)>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Clock").field(&self.name()).finish()
    }
}

impl Clock {
    /// Each time as it was written, with its own offset.
    pub fn as_written() -> Clock {
        Clock::default()
    }

    /// Every instant as `zone`'s clock shows it; `name` names the zone (`Europe/Berlin`).
    pub fn zone(name: impl Into<String>, zone: impl Zone + Send + Sync + 'static) -> Clock {
        Clock {
            zone: Some((name.into(), Arc::new(zone))),
        }
    }

    /// The zone's name; `None` when times are shown as written.
    pub fn name(&self) -> Option<&str> {
        self.zone.as_ref().map(|(name, _)| name.as_str())
    }

    /// A time for people: `2011-06-16 03:20 -04:00`, `2011-06-16`, `~` for estimates.
    pub fn when(&self, stamp: &Stamp) -> String {
        match (&self.zone, stamp.at) {
            (Some((_, zone)), At::Instant(t)) => when(&Stamp {
                at: At::Instant(zone.local(t)),
                approximate: stamp.approximate,
            }),
            _ => when(stamp),
        }
    }

    /// `t` on the zone's clock; `None` when times are shown as written.
    pub fn local(&self, t: time::OffsetDateTime) -> Option<time::OffsetDateTime> {
        self.zone.as_ref().map(|(_, zone)| zone.local(t))
    }

    /// [`Clock::when`] of an exact instant (when the ledger recorded an event, "now").
    pub fn instant(&self, t: time::OffsetDateTime) -> String {
        self.when(&Stamp {
            at: At::Instant(t),
            approximate: false,
        })
    }
}

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
            r.clock.when(&planned),
            actual.as_ref().map_or("—".to_string(), when),
            diff,
        )
    };
    Some(vec![row("Start", start, started), row("End", end, ended)])
}
