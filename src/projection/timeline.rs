//! An incident's timeline: its effective events in time order, with `T+h:mm` offsets from the
//! start of impact where both times are instants.

use super::effective::{Correction, corrected};
use super::incident::{Incident, sort_in_time};
use super::span::Span;
use crate::event::Event;
use crate::record::Stored;
use uuid::Uuid;

/// One line of a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub seq: u64,
    pub id: Uuid,
    pub event: Event,
    /// Seconds since the start of impact (`None` when either time is only a day).
    pub offset: Option<i64>,
    /// An amendment changed this event.
    pub amended: bool,
    /// When the ledger recorded it.
    pub recorded_at: time::OffsetDateTime,
    /// Written after the incident's close although it happened before it (a late entry).
    pub late: bool,
}

/// The timeline and the corrections of one incident's stream.
pub fn timeline(stream: &[Stored], incident: &Incident) -> (Vec<Entry>, Vec<Correction>) {
    let (mut events, corrections) = corrected(stream);
    sort_in_time(&mut events);
    let start = incident.impact_start.or(Some(incident.opened));
    // The close as written: the seq of the event that closed the incident.
    let closing_seq = incident.closed.and_then(|closed| {
        events
            .iter()
            .filter(|e| e.event.at == closed.at && e.event.event_type().closes())
            .map(|e| e.seq)
            .max()
    });
    let entries: Vec<Entry> = events
        .into_iter()
        .map(|e| {
            // Follow-ups may come after the close anyway: written afterwards, they are not late.
            let late =
                closing_seq.is_some_and(|c| e.seq > c) && !e.event.event_type().after_close();
            let at = e.event.stamp();
            let offset = start
                .as_ref()
                .and_then(|s| Span::between(s, &at))
                .map(|s| s.seconds);
            Entry {
                seq: e.seq,
                id: e.id,
                event: e.event.into_owned(),
                offset,
                amended: e.amended,
                recorded_at: e.recorded_at,
                late,
            }
        })
        .collect();
    (entries, corrections)
}
