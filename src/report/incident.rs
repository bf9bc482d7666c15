//! The post-incident report: everything DESIGN section 6 asks for, gathered from one
//! incident's projection and its effective events.

use super::Clock;
use crate::event::{Body, Event};
use crate::projection::effective::Correction;
use crate::projection::metrics::{Metrics, metrics};
use crate::projection::timeline::{Entry, timeline};
use crate::projection::{Incident, Policy};
use crate::record::Stored;
use time::OffsetDateTime;

/// A post-incident report, ready to render.
#[derive(Debug, Clone)]
pub struct Report {
    pub incident: Incident,
    pub metrics: Metrics,
    pub policy: Policy,
    pub timeline: Vec<Entry>,
    pub corrections: Vec<Correction>,
    /// When the report was made (closes intervals still open).
    pub now: OffsetDateTime,
    /// How its times are shown: as written until [`Report::shown_in`] names a zone.
    pub clock: Clock,
}

impl Report {
    /// The report with its times shown by `clock` (DESIGN section 6: times in the zone).
    #[must_use]
    pub fn shown_in(mut self, clock: Clock) -> Report {
        self.clock = clock;
        self
    }

    /// Timeline entries of the given types, in time order.
    pub fn entries(&self, types: &[&str]) -> impl Iterator<Item = &Entry> {
        self.timeline
            .iter()
            .filter(move |e| types.contains(&e.event.type_name()))
    }

    /// How the incident was detected: the first `detected` event.
    pub fn detection(&self) -> Option<&Event> {
        self.timeline
            .iter()
            .map(|e| &e.event)
            .find(|e| matches!(e.body, Body::Detected { .. }))
    }
}

/// Builds the report of `incident` from its stream.
pub fn build(incident: Incident, stream: &[Stored], policy: Policy, now: OffsetDateTime) -> Report {
    let (timeline, corrections) = timeline(stream, &incident);
    Report {
        metrics: metrics(&incident, now),
        incident,
        policy,
        timeline,
        corrections,
        now,
        clock: Clock::as_written(),
    }
}
