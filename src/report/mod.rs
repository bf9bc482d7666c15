//! Reports: projections turned into report structs, then rendered as Markdown, JSON, HTML or
//! terminal text. Pure: no I/O, no clock (the caller passes "now").

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
