//! PagerDuty Events API v2: `trigger` opens an incident for its `dedup_key` unless one is
//! open (then it is a repeat); `acknowledge` and `resolve` go to the open incident of that
//! key. After a resolve the key is free, and the next trigger opens a new incident.

use super::common::{at, event, line, opt, read_time, slug};
use super::config::{PagerDutyConfig, level_of};
use super::payload::Obj;
use super::{Adapted, IngestError, Intent, When};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

const SOURCE: &str = "pagerduty";

/// The start of the keys of a `dedup_key`'s incidents: `pd-`, the key made a name (cut to 60
/// characters), and 8 hex digits of its SHA-256 so two keys that slug alike stay apart.
pub fn prefix(dedup_key: &str) -> String {
    let mut name = slug(dedup_key).unwrap_or_else(|| "key".into());
    name.truncate(60);
    let hash = Sha256::digest(dedup_key.as_bytes());
    let hex: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("pd-{}-{hex}-", name.trim_end_matches('-'))
}

pub fn adapt(
    value: &Value,
    config: &PagerDutyConfig,
    received: OffsetDateTime,
) -> Result<Adapted, IngestError> {
    let root = Obj::root(value, "a PagerDuty Events API v2 event")?;
    let action = match root.opt_str("event_action")? {
        Some(a) => a,
        None if root.get("event_type").is_some() => {
            return Err(IngestError::new(
                "event_action",
                "is missing: this is an Events API v1 event (`event_type`); logbook reads v2",
            ));
        }
        None => {
            return Err(IngestError::new(
                "event_action",
                "is missing: not a PagerDuty Events API v2 event",
            ));
        }
    };
    let dedup = root.opt_str("dedup_key")?.filter(|k| !k.trim().is_empty());
    let mut out = Adapted::default();
    match action {
        "trigger" => {
            let payload = root
                .opt_obj("payload")?
                .ok_or_else(|| IngestError::new("payload", "is missing: a trigger needs one"))?;
            let p = Obj::at(payload, "payload");
            let summary = p.str("summary")?;
            let system = p.str("source")?;
            let severity = p.str("severity")?;
            let when = match p.opt_str("timestamp")? {
                Some(t) => read_time(t, "payload.timestamp")?.unwrap_or(received),
                None => received,
            };
            // Without a dedup_key PagerDuty makes one up; logbook derives it from what the
            // trigger names, so a later event with the same source and summary finds it.
            let dedup = dedup.map_or_else(|| format!("{system}/{summary}"), str::to_string);
            let prefix = prefix(&dedup);
            let episode = format!("{prefix}{}", super::common::key_time(when));
            let service = slug(system).unwrap_or_else(|| "unknown".into());
            let detected = event(
                "detected",
                at(when),
                vec![
                    ("services", json!([service])),
                    ("source", json!("monitoring")),
                    (
                        "level",
                        json!(level_of(
                            &config.levels,
                            config.default_level,
                            Some(severity)
                        )),
                    ),
                    ("title", opt(line(summary))),
                ],
            );
            out.intents.push(Intent::new(
                SOURCE,
                &episode,
                "detected",
                detected,
                When::NoneOpen { prefix },
            ));
        }
        "acknowledge" | "resolve" => {
            let dedup = dedup.ok_or_else(|| {
                IngestError::new("dedup_key", format!("is missing: `{action}` needs it"))
            })?;
            let prefix = prefix(dedup);
            if action == "acknowledge" {
                let ack = event("acknowledged", at(received), vec![]);
                out.intents
                    .push(Intent::to_open(SOURCE, &prefix, "acknowledged", ack));
            } else {
                let restored = event("restored", at(received), vec![("level", json!("full"))]);
                out.intents
                    .push(Intent::to_open(SOURCE, &prefix, "restored", restored));
                if config.auto_resolve {
                    let resolved = event("resolved", at(received), vec![]);
                    out.intents
                        .push(Intent::to_open(SOURCE, &prefix, "resolved", resolved));
                }
            }
        }
        other => {
            return Err(IngestError::new(
                "event_action",
                format!("`{other}` is not trigger, acknowledge or resolve"),
            ));
        }
    }
    Ok(out)
}
