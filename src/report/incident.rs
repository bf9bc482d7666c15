//! The post-incident report: everything DESIGN section 6 asks for, gathered from one
//! incident's projection and its effective events.

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
}

impl Report {
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
    }
}
