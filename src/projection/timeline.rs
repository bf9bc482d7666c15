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
}

/// The timeline and the corrections of one incident's stream.
pub fn timeline(stream: &[Stored], incident: &Incident) -> (Vec<Entry>, Vec<Correction>) {
    let (mut events, corrections) = corrected(stream);
    sort_in_time(&mut events);
    let start = incident.impact_start.or(Some(incident.opened));
    let entries: Vec<Entry> = events
        .into_iter()
        .map(|e| {
            let at = e.event.stamp();
            let offset = start
                .as_ref()
                .and_then(|s| Span::between(s, &at))
                .map(|s| s.seconds);
            Entry {
                seq: e.seq,
                id: e.id,
                event: e.event,
                offset,
                amended: e.amended,
            }
        })
        .collect();
    (entries, corrections)
}
