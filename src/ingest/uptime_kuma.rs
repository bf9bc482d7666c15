//! Uptime Kuma's webhook notification: an important DOWN beat opens an incident keyed by the
//! monitor id and the beat's time; the UP beat names that time as `lastDownTime` and restores
//! (and resolves) it. A test notification (`heartbeat: null`) records nothing.

use super::common::{at, event, key, key_time, line, need_time, opt, read_time, slug, text};
use super::config::UptimeKumaConfig;
use super::payload::Obj;
use super::{Adapted, IngestError, Intent, When};
use serde_json::{Value, json};

const SOURCE: &str = "uptime-kuma";

pub fn adapt(value: &Value, config: &UptimeKumaConfig) -> Result<Adapted, IngestError> {
    let root = Obj::root(value, "an Uptime Kuma webhook payload")?;
    if !root.map.contains_key("heartbeat") {
        return Err(IngestError::new(
            "heartbeat",
            "is missing: not an Uptime Kuma webhook payload",
        ));
    }
    let mut out = Adapted::default();
    let Some(heartbeat) = root.opt_obj("heartbeat")? else {
        out.ignored
            .push("a test notification (heartbeat is null): nothing to record".into());
        return Ok(out);
    };
    let hb = Obj::at(heartbeat, "heartbeat");
    let monitor = root
        .opt_obj("monitor")?
        .ok_or_else(|| IngestError::new("monitor", "is missing"))?;
    let monitor = Obj::at(monitor, "monitor");
    let id = match hb.get("monitorID") {
        Some(_) => hb.id("monitorID")?,
        None => monitor.id("id")?,
    };
    let status = match hb.get("status") {
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| IngestError::new("heartbeat.status", "must be 0, 1, 2 or 3"))?;
    let time = need_time(hb.str("time")?, "heartbeat.time")?;
    let name = monitor
        .opt_str("name")?
        .or(monitor.opt_str("pathName")?)
        .unwrap_or_default();
    let service = slug(name).unwrap_or_else(|| format!("monitor-{id}"));
    let important = hb.opt_bool("important")?.unwrap_or(true);
    match status {
        0 if !important => out.ignored.push(format!(
            "monitor {id} ({service}) is still down (a reminder): nothing new"
        )),
        0 => {
            let episode = key(&["kuma", &id, &key_time(time)]);
            let detected = event(
                "detected",
                at(time),
                vec![
                    ("services", json!([service])),
                    ("source", json!("monitoring")),
                    ("level", json!(config.level)),
                    ("title", opt(line(&format!("{service} is down")))),
                ],
            );
            out.intents.push(Intent::new(
                SOURCE,
                &episode,
                "detected",
                detected,
                When::Always,
            ));
            let msg = hb.opt_str("msg")?.filter(|m| m.trim() != "N/A");
            if let Some(msg) = msg.and_then(text) {
                let note = event("note", at(time), vec![("text", json!(msg))]);
                out.intents
                    .push(Intent::new(SOURCE, &episode, "message", note, When::Always));
            }
        }
        1 => {
            let down = match hb.opt_str("lastDownTime")? {
                Some(t) => read_time(t, "heartbeat.lastDownTime")?,
                None => None,
            };
            let Some(down) = down else {
                out.ignored.push(format!(
                    "monitor {id} ({service}) is up, but the beat has no lastDownTime: which outage ended is unknown"
                ));
                return Ok(out);
            };
            let episode = key(&["kuma", &id, &key_time(down)]);
            let restored = event(
                "restored",
                at(time.max(down)),
                vec![("services", json!([service])), ("level", json!("full"))],
            );
            out.intents.push(Intent::new(
                SOURCE,
                &episode,
                "restored",
                restored,
                When::Open,
            ));
            if config.auto_resolve {
                let resolved = event("resolved", at(time.max(down)), vec![]);
                out.intents.push(Intent::new(
                    SOURCE,
                    &episode,
                    "resolved",
                    resolved,
                    When::Open,
                ));
            }
        }
        2 | 3 => out.ignored.push(format!(
            "monitor {id} ({service}) is {}: Uptime Kuma opens no outage for it",
            if status == 2 {
                "pending"
            } else {
                "in maintenance"
            }
        )),
        other => {
            return Err(IngestError::new(
                "heartbeat.status",
                format!("`{other}` is not 0 (down), 1 (up), 2 (pending) or 3 (maintenance)"),
            ));
        }
    }
    Ok(out)
}
