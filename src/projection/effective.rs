//! Applying corrections: `amended` replaces fields of its target, `retracted` hides it. The log
//! keeps every original; projections read the effective events.

use crate::event::{At, Body, Event, EventType, rules};
use crate::record::Stored;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// An event as projections see it: its corrections applied. Borrowed from the stored event
/// unless an amendment changed it (folding a stream copies no event it does not change).
#[derive(Debug, Clone, PartialEq)]
pub struct Effective<'s> {
    pub seq: u64,
    pub id: Uuid,
    /// When the ledger recorded it.
    pub recorded_at: time::OffsetDateTime,
    pub event: Cow<'s, Event>,
    /// At least one amendment changed it.
    pub amended: bool,
}

/// A correction found in a stream, for reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub seq: u64,
    pub at: At,
    /// `amended` or `retracted`.
    pub kind: &'static str,
    pub target: Uuid,
    /// Type of the corrected event.
    pub target_type: &'static str,
    /// Fields an amendment replaced (empty for a retraction).
    pub fields: Vec<String>,
    pub reason: Option<String>,
    /// False when a later retraction withdrew this amendment.
    pub in_effect: bool,
}

/// The events of one stream that a retraction in effect withdraws, each with the seq of that
/// retraction. A retraction is in effect unless a retraction in effect withdraws it, so
/// retracting a retraction reinstates its target. A retraction comes after its target in the
/// log, so reading the log backwards decides every retraction before its target.
pub fn retracted(stream: &[Stored]) -> HashMap<Uuid, u64> {
    let mut out = HashMap::new();
    for s in stream.iter().rev() {
        if let Body::Retracted { target, .. } = &s.event.body
            && !out.contains_key(&s.id)
        {
            out.insert(*target, s.seq);
        }
    }
    out
}

/// The effective events of one stream, in log order, and the corrections made to it.
pub fn corrected(stream: &[Stored]) -> (Vec<Effective<'_>>, Vec<Correction>) {
    let corrects =
        |s: &Stored| matches!(s.event.body, Body::Amended { .. } | Body::Retracted { .. });
    if !stream.iter().any(corrects) {
        // Nothing corrected (most streams): every event as it was written.
        let events = stream
            .iter()
            .map(|s| Effective {
                seq: s.seq,
                id: s.id,
                recorded_at: s.recorded_at,
                event: Cow::Borrowed(&s.event),
                amended: false,
            })
            .collect();
        return (events, Vec::new());
    }
    let retracted: HashSet<Uuid> = retracted(stream).into_keys().collect();
    let mut amendments: HashMap<Uuid, Vec<&Stored>> = HashMap::new();
    for s in stream {
        if let Body::Amended { target, .. } = &s.event.body
            && !retracted.contains(&s.id)
        {
            amendments.entry(*target).or_default().push(s);
        }
    }
    let types: HashMap<Uuid, &'static str> =
        stream.iter().map(|s| (s.id, s.event.type_name())).collect();

    let mut events = Vec::new();
    let mut corrections = Vec::new();
    for s in stream {
        match &s.event.body {
            Body::Amended {
                target,
                set,
                reason,
            } => corrections.push(Correction {
                seq: s.seq,
                at: s.event.at,
                kind: EventType::Amended.name(),
                target: *target,
                target_type: types.get(target).copied().unwrap_or("unknown"),
                fields: set.keys().cloned().collect(),
                reason: reason.clone(),
                in_effect: !retracted.contains(&s.id) && !retracted.contains(target),
            }),
            Body::Retracted { target, reason } => corrections.push(Correction {
                seq: s.seq,
                at: s.event.at,
                kind: EventType::Retracted.name(),
                target: *target,
                target_type: types.get(target).copied().unwrap_or("unknown"),
                fields: Vec::new(),
                reason: reason.clone(),
                in_effect: !retracted.contains(&s.id),
            }),
            _ if retracted.contains(&s.id) => {}
            _ => {
                let mut event = Cow::Borrowed(&s.event);
                let mut amended = false;
                for amendment in amendments.get(&s.id).into_iter().flatten() {
                    if let Body::Amended { set, .. } = &amendment.event.body
                        && let Ok(next) = rules::amend(&event, set)
                    {
                        event = Cow::Owned(next);
                        amended = true;
                    }
                }
                events.push(Effective {
                    seq: s.seq,
                    id: s.id,
                    recorded_at: s.recorded_at,
                    event,
                    amended,
                });
            }
        }
    }
    (events, corrections)
}
