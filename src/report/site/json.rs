//! `status.json` (DESIGN section 12, contract): the status page for programs.

use super::{Site, utc};
use crate::event::{At, Level};
use crate::projection::State;
use crate::projection::public::PublicIncident;
use serde_json::{Value, json};

/// A written time as JSON: RFC 3339 as written, or the day.
fn at(a: At) -> Value {
    serde_json::to_value(a).unwrap_or(Value::Null)
}

fn state(s: State) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

/// A figure as people read it: `decimals` places, and never `-0`.
fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let r = (x * scale).round() / scale;
    if r == 0.0 { 0.0 } else { r }
}

/// An availability: four decimals, cut rather than rounded up (99.99996 is not 100).
fn percent(p: f64) -> f64 {
    let r = (p * 10_000.0).floor() / 10_000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// `status.json`, pretty-printed, newline-terminated.
pub fn status(site: &Site) -> String {
    let services: Vec<Value> = site
        .services
        .iter()
        .map(|s| {
            let st = &s.status;
            let days: Vec<Value> = st
                .days
                .iter()
                .map(|d| {
                    json!({
                        "date": d.date.to_string(),
                        "availability_percent": d.availability_percent.map(percent),
                        "downtime_seconds": d.downtime_seconds.map(|s| round(s, 1)),
                        "level": d.level.map(Level::name),
                    })
                })
                .collect();
            json!({
                "name": st.name,
                "status": st.current.name(),
                "uptime_90d_percent": st.uptime_percent.map(percent),
                "days_since_last_outage": s.days_since_outage,
                "days": days,
            })
        })
        .collect();
    let incident = |i: &PublicIncident| {
        json!({
            "key": i.key,
            "title": i.title,
            "state": state(i.state),
            "services": i.services.iter().map(|(s, l)| json!({"name": s, "level": l.name()})).collect::<Vec<_>>(),
            "started": i.started.map(|s| at(s.at)),
            "resolved": i.ended.map(|s| at(s.at)),
            "updates": i.updates.iter().map(|u| json!({
                "at": at(u.at.at),
                "title": u.title,
                "text": u.text,
            })).collect::<Vec<_>>(),
        })
    };
    let maintenance: Vec<Value> = site
        .incidents
        .iter()
        .filter(|i| i.kind == crate::event::rules::Kind::Maintenance)
        .map(|i| {
            json!({
                "key": i.key,
                "title": i.title,
                "window_start": i.window.map(|w| at(w.0)),
                "window_end": i.window.map(|w| at(w.1)),
                "state": state(i.state),
            })
        })
        .collect();
    let value = json!({
        "generated_at": utc(site.generated_at),
        "tz": site.tz,
        "status": site.overall().name(),
        "services": services,
        "incidents": site.incidents.iter().filter(|i| i.kind != crate::event::rules::Kind::Maintenance).map(incident).collect::<Vec<_>>(),
        "maintenance": maintenance,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
