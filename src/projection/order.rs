//! Written times on one line: an instant is itself; a time known only by its day sits at the
//! start or the end of that day, and among an incident's events right after the instants of
//! that day written before it.

use super::effective::Effective;
use crate::event::At;
use std::collections::BTreeMap;
use time::{Time, UtcOffset};

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
pub fn reference_offset(events: &[Effective<'_>]) -> UtcOffset {
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
pub fn sort_in_time(events: &mut Vec<Effective<'_>>) {
    let offset = reference_offset(events);
    let mut last_instant: BTreeMap<time::Date, i128> = BTreeMap::new();
    let mut keyed: Vec<(i128, u64, Effective<'_>)> = Vec::with_capacity(events.len());
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
