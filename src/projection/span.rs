//! Durations between two written times: known only when both are instants; approximate when
//! either end is an estimate.

use super::incident::Stamp;
use crate::event::At;
use serde::Serialize;

/// A duration in seconds and whether it rests on an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub seconds: i64,
    pub approximate: bool,
}

impl Span {
    /// `to − from`, or `None` when either end is known only to the day, or when `to` is
    /// before `from` (times the writer forced past the plausibility rules): a negative
    /// duration never reaches a figure.
    pub fn between(from: &Stamp, to: &Stamp) -> Option<Span> {
        match (from.at, to.at) {
            (At::Instant(a), At::Instant(b)) if b >= a => Some(Span {
                seconds: (b - a).whole_seconds(),
                approximate: from.approximate || to.approximate,
            }),
            _ => None,
        }
    }
}

/// `3h45m`, `2d 4h`, `12m`, `45s`; negative spans get a leading `-`.
pub fn human(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    let text = match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h{m:02}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    };
    format!("{sign}{text}")
}

/// `T+3:45` style offset from the start of an incident (hours may exceed 24).
pub fn offset(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "+" };
    let s = seconds.unsigned_abs();
    format!("T{sign}{}:{:02}", s / 3600, s % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations() {
        assert_eq!(human(13_500), "3h45m");
        assert_eq!(human(12_000), "3h20m");
        assert_eq!(human(7200), "2h");
        assert_eq!(human(59), "59s");
        assert_eq!(human(90_000), "1d 1h");
        assert_eq!(human(-600), "-10m");
        assert_eq!(offset(13_500), "T+3:45");
        assert_eq!(offset(-60), "T-0:01");
        assert_eq!(offset(100 * 3600), "T+100:00");
    }
}
