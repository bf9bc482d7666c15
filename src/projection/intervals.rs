//! The impact intervals of an incident: each service's level over time, from the
//! level-changing events in time order.

use super::effective::Effective;
use super::incident::{Interval, Stamp};
use crate::event::{Body, Level, RestoreLevel};
use std::collections::BTreeMap;

/// The impact level of each service over time, from the level-changing events in time order.
pub(super) fn intervals(events: &[Effective<'_>], all: &[String]) -> Vec<Interval> {
    let detected_level = events
        .iter()
        .find_map(|e| {
            if let Body::Detected { level, .. } = &e.event.body {
                Some(level.unwrap_or(Level::MajorOutage))
            } else {
                None
            }
        })
        .unwrap_or(Level::MajorOutage);
    let mut current: BTreeMap<String, (Level, Stamp)> = BTreeMap::new();
    let mut out = Vec::new();
    for e in events {
        let named: Vec<String> = e
            .event
            .services()
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        let targets = if named.is_empty() {
            all.to_vec()
        } else {
            named
        };
        let change: Option<Box<dyn Fn(Level) -> Level>> = match &e.event.body {
            Body::Detected { level, .. } => {
                let level = level.unwrap_or(Level::MajorOutage);
                Some(Box::new(move |_| level))
            }
            Body::ImpactStarted { .. } => Some(Box::new(move |_| detected_level)),
            Body::ImpactChanged { level, .. } => {
                let level = *level;
                Some(Box::new(move |_| level))
            }
            Body::Reopened { level, .. } => {
                let level = level.unwrap_or(Level::MajorOutage);
                Some(Box::new(move |_| level))
            }
            Body::Restored {
                level: Some(RestoreLevel::Partial),
                ..
            } => Some(Box::new(|l: Level| l.min(Level::PartialOutage))),
            Body::Restored { .. }
            | Body::Resolved {}
            | Body::MaintenanceCompleted {}
            | Body::MaintenanceCancelled {} => Some(Box::new(|_| Level::Operational)),
            Body::MaintenanceStarted {} => Some(Box::new(|_| Level::Maintenance)),
            Body::Acknowledged {}
            | Body::Escalated { .. }
            | Body::VendorEngaged { .. }
            | Body::VendorResponded { .. }
            | Body::Diagnosed { .. }
            | Body::RestoreStep { .. }
            | Body::Announced { .. }
            | Body::ActionItem { .. }
            | Body::Note { .. }
            | Body::MaintenanceScheduled { .. }
            | Body::ServiceCommissioned {}
            | Body::ServiceRetired {}
            | Body::Amended { .. }
            | Body::Retracted { .. } => None,
        };
        let Some(change) = change else { continue };
        let at = e.event.stamp();
        let targets = if matches!(
            e.event.body,
            Body::Resolved {} | Body::MaintenanceCompleted {} | Body::MaintenanceCancelled {}
        ) {
            all.to_vec()
        } else {
            targets
        };
        for service in targets {
            let before = current
                .get(&service)
                .map_or(Level::Operational, |(l, _)| *l);
            let after = change(before);
            if after == before {
                continue;
            }
            if let Some((level, from)) = current.remove(&service) {
                out.push(Interval {
                    service: service.clone(),
                    level,
                    from,
                    to: Some(at),
                });
            }
            if after != Level::Operational {
                current.insert(service, (after, at));
            }
        }
    }
    for (service, (level, from)) in current {
        out.push(Interval {
            service,
            level,
            from,
            to: None,
        });
    }
    // Stable: each service keeps its intervals in time order.
    out.sort_by(|a, b| a.service.cmp(&b.service));
    out
}
