//! JSON renderings (field names are the contract of DESIGN section 5; unknown values are
//! `null`, never 0).

use super::Report;
use crate::event::{At, Body, Level};
use crate::projection::span::{Span, offset};
use crate::projection::stats::{Seconds, Stats};
use crate::projection::streak::{Run, Streaks};
use crate::projection::timeline::Entry;
use crate::projection::{Incident, Policy, Stamp};
use serde_json::{Value, json};

fn seconds(span: Option<Span>) -> Value {
    span.map_or(Value::Null, |s| json!(s.seconds))
}

fn stamp(s: &Option<Stamp>) -> Value {
    s.map_or(Value::Null, |s| json!(s.at))
}

/// The policy object printed beside figures.
pub fn policy(p: &Policy) -> Value {
    json!({
        "major_outage_weight": 1.0,
        "partial_outage_weight": p.partial_weight,
        "degraded_weight": p.weight(Level::Degraded),
        "count_degraded": p.count_degraded,
        "include_maintenance": p.include_maintenance,
        "description": p.describe(),
    })
}

/// One timeline entry.
pub fn entry(e: &Entry) -> Value {
    json!({
        "seq": e.seq,
        "id": e.id,
        "at": e.event.at,
        "approximate": e.event.approximate,
        "offset": e.offset.map(offset),
        "offset_seconds": e.offset,
        "type": e.event.type_name(),
        "text": e.event.describe(),
        "actor": e.event.actor,
        "amended": e.amended,
        "late": e.late,
        "recorded_at": crate::event::time::format_instant(e.recorded_at),
    })
}

/// The incident summary used by `incidents` and at the top of a report.
pub fn incident(i: &Incident) -> Value {
    json!({
        "incident": i.key,
        "kind": i.kind,
        "title": i.title,
        "state": i.state,
        "services": i.services,
        "opened": i.opened.at,
        "impact_start": stamp(&i.impact_start),
        "resolved": stamp(&i.resolved),
        "events": i.events,
    })
}

/// The post-incident report.
pub fn report(r: &Report) -> Value {
    let m = &r.metrics;
    let approximate: Vec<&str> = [
        ("time_to_detect", m.time_to_detect),
        ("time_to_acknowledge", m.time_to_acknowledge),
        ("time_to_partial_restore", m.time_to_partial_restore),
        ("time_to_restore", m.time_to_restore),
        ("time_to_resolve", m.time_to_resolve),
    ]
    .into_iter()
    .filter(|(_, s)| s.is_some_and(|s| s.approximate))
    .map(|(n, _)| n)
    .collect();
    let impact: Vec<Value> = m
        .impact
        .iter()
        .map(|i| {
            let level = |l: Level| {
                i.levels
                    .iter()
                    .find(|(x, _)| *x == l)
                    .map_or(json!(0), |(_, s)| json!(s))
            };
            json!({
                "service": i.service,
                "major_outage_seconds": level(Level::MajorOutage),
                "partial_outage_seconds": level(Level::PartialOutage),
                "degraded_seconds": level(Level::Degraded),
                "maintenance_seconds": level(Level::Maintenance),
                "ongoing": i.ongoing,
            })
        })
        .collect();
    let mut out = incident(&r.incident);
    out["metrics"] = json!({
        "time_to_detect_seconds": seconds(m.time_to_detect),
        "time_to_acknowledge_seconds": seconds(m.time_to_acknowledge),
        "time_to_partial_restore_seconds": seconds(m.time_to_partial_restore),
        "time_to_restore_seconds": seconds(m.time_to_restore),
        "time_to_resolve_seconds": seconds(m.time_to_resolve),
        "vendor_response": m.vendor_response.iter().map(|(v, s)| json!({"vendor": v, "seconds": seconds(*s)})).collect::<Vec<_>>(),
        "approximate": approximate,
        "impact": impact,
    });
    out["policy"] = policy(&r.policy);
    out["detection"] = match r.detection() {
        Some(e) => json!({
            "at": e.at,
            "approximate": e.approximate,
            "source": if let Body::Detected { source, .. } = &e.body { json!(source) } else { Value::Null },
            "summary": e.summary,
        }),
        None => Value::Null,
    };
    out["vendors"] = r
        .incident
        .vendors
        .iter()
        .map(|v| {
            json!({
                "vendor": v.vendor,
                "tickets": v.tickets,
                "engaged": stamp(&v.engaged),
                "first_response": stamp(&v.responded),
                "responses": v.responses,
            })
        })
        .collect();
    out["restore_steps"] = r
        .timeline
        .iter()
        .filter_map(|e| {
            let Body::RestoreStep { state } = &e.event.body else { return None };
            Some(json!({"at": e.event.at, "approximate": e.event.approximate, "summary": e.event.summary, "state": state}))
        })
        .collect();
    out["announcements"] = r
        .timeline
        .iter()
        .filter_map(|e| {
            let Body::Announced { channel, audience, title, url, text } = &e.event.body else { return None };
            Some(json!({
                "at": e.event.at, "approximate": e.event.approximate, "channel": channel, "audience": audience,
                "title": title, "url": url, "text": text, "summary": e.event.summary,
            }))
        })
        .collect();
    out["action_items"] = r
        .timeline
        .iter()
        .filter_map(|e| {
            let Body::ActionItem { owner, due } = &e.event.body else {
                return None;
            };
            Some(json!({"at": e.event.at, "summary": e.event.summary, "owner": owner, "due": due}))
        })
        .collect();
    out["timeline"] = r.timeline.iter().map(entry).collect();
    out["corrections"] = json!(r.corrections);
    out
}

fn run(r: &Run) -> Value {
    json!({"days": r.days, "from": At::Day(r.from), "to": At::Day(r.to), "current": r.current})
}

/// The streaks of one service (or all: `service` null).
pub fn streaks(service: Option<&str>, s: &Streaks, top: usize, policy_: &Policy) -> Value {
    json!({
        "service": service,
        "as_of": At::Day(s.as_of),
        "days_since_last_outage": s.days_since_last_outage,
        "current_streak_days": s.current_streak_days,
        "ongoing_outage": s.ongoing,
        "record": s.record.as_ref().map(run),
        "streaks": s.runs.iter().take(top).map(run).collect::<Vec<_>>(),
        "outages": s.outages.iter().map(|o| json!({"incident": o.incident, "start": At::Day(o.start), "end": o.end.map(At::Day)})).collect::<Vec<_>>(),
        "policy": policy(policy_),
    })
}

fn secs(s: Option<Seconds>) -> Value {
    s.map_or(Value::Null, |s| json!(s.seconds))
}

/// The stats of one service (or all: `service` null).
pub fn stats(service: Option<&str>, s: &Stats) -> Value {
    json!({
        "service": service,
        "incidents": s.incidents,
        "outages": s.outages,
        "mtta_seconds": secs(s.mtta),
        "mttr_seconds": secs(s.mttr_mean),
        "mttr_median_seconds": secs(s.mttr_median),
        "mtbf_seconds": secs(s.mtbf),
        "availability_percent": s.availability_percent.map(|a| (a * 1000.0).round() / 1000.0),
        "unmeasured_outages": s.unmeasured_outages,
    })
}
