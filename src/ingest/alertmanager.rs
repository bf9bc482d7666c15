//! Alertmanager webhook (version 4) and Grafana's unified alerting webhook (version 1, the same
//! shape): one incident per alert episode, keyed by the alert's `fingerprint` and `startsAt`.
//! Each alert's own `status` drives it; a resolved alert restores and resolves its episode at
//! `endsAt`.

use super::common::{at, event, key, key_time, line, need_time, opt, read_time, slug, text};
use super::config::{AlertmanagerConfig, level_of};
use super::payload::Obj;
use super::{Adapted, IngestError, Intent, When};
use serde_json::{Map, Value, json};

/// Grafana's alerts about its own queries: the monitor cannot see, which is not an outage.
const BLIND: [&str; 2] = ["DatasourceNoData", "DatasourceError"];

pub fn adapt(
    value: &Value,
    config: &AlertmanagerConfig,
    grafana: bool,
) -> Result<Adapted, IngestError> {
    let (source, what, version) = if grafana {
        ("grafana", "a Grafana alerting webhook payload", "1")
    } else {
        ("alertmanager", "an Alertmanager webhook payload", "4")
    };
    let root = Obj::root(value, what)?;
    if let Some(v) = root.opt_str("version")?
        && v != version
    {
        let other = if grafana {
            "`4` is Alertmanager's: use `logbook ingest alertmanager`"
        } else {
            "`1` is Grafana's: use `logbook ingest grafana`"
        };
        return Err(IngestError::new(
            "version",
            format!("`{v}` is not the version of {what} ({version}); {other}"),
        ));
    }
    if root.get("alerts").is_none() {
        return Err(IngestError::new(
            "alerts",
            format!("is missing: not {what}"),
        ));
    }
    let mut out = Adapted::default();
    for (path, alert) in root.objects("alerts")? {
        let a = Obj::at(alert, &path);
        let status = a.str("status")?;
        let fingerprint = a.str("fingerprint")?;
        let labels = strings(a.opt_obj("labels")?);
        let starts = need_time(a.str("startsAt")?, &a.field("startsAt"))?;
        let ends = match a.opt_str("endsAt")? {
            Some(t) => read_time(t, &a.field("endsAt"))?,
            None => None,
        };
        let Some(fp) = slug(fingerprint) else {
            return Err(IngestError::new(&a.field("fingerprint"), "is empty"));
        };
        let episode = key(&[
            if grafana { "grafana" } else { "am" },
            &fp,
            &key_time(starts),
        ]);
        let alertname = labels.get("alertname").map(String::as_str);
        if grafana && alertname.is_some_and(|n| BLIND.contains(&n)) {
            out.ignored.push(format!(
                "{path} ({}): Grafana cannot query its data source; the monitor is blind, which is not an outage",
                alertname.unwrap_or_default()
            ));
            continue;
        }
        let service = config
            .service_labels
            .iter()
            .find_map(|l| labels.get(l).and_then(|v| slug(v)))
            .or_else(|| alertname.and_then(slug))
            .unwrap_or_else(|| fp.clone());
        match status {
            "firing" => {
                let level = level_of(
                    &config.levels,
                    config.default_level,
                    labels.get(&config.severity_label).map(String::as_str),
                );
                let title = match alertname {
                    Some(name) if slug(name).as_deref() == Some(service.as_str()) => line(name),
                    Some(name) => line(&format!("{name} on {service}")),
                    None => line(&format!("alert {fingerprint} on {service}")),
                };
                let detected = event(
                    "detected",
                    at(starts),
                    vec![
                        ("services", json!([service])),
                        ("source", json!("monitoring")),
                        ("level", json!(level)),
                        ("title", opt(title)),
                    ],
                );
                // The same alert firing again with a new start while its earlier episode was
                // never resolved (a resolve and re-fire inside one group_interval, or a lost
                // resolve): that episode was over by this start, at the latest.
                let prefix = format!("{}-{fp}-", if grafana { "grafana" } else { "am" });
                let over = |ty: &str, fields| {
                    let mut e = event(ty, at(starts), fields);
                    e.insert("approximate".into(), json!(true));
                    e.insert(
                        "summary".into(),
                        json!("the alert fired again with a new start; it was over by then"),
                    );
                    e
                };
                let restored = over(
                    "restored",
                    vec![("services", json!([service])), ("level", json!("full"))],
                );
                out.intents.push(Intent::to_open_before(
                    source,
                    &prefix,
                    &episode,
                    "superseded-restored",
                    restored,
                ));
                if config.auto_resolve {
                    out.intents.push(Intent::to_open_before(
                        source,
                        &prefix,
                        &episode,
                        "superseded-resolved",
                        over("resolved", vec![]),
                    ));
                }
                out.intents.push(Intent::new(
                    source,
                    &episode,
                    "detected",
                    detected,
                    When::Always,
                ));
                // Annotations change between notifications of one episode: the first copy
                // is kept (a later one has the same id and is left out as a repeat).
                if let Some(note) = annotations(a.opt_obj("annotations")?) {
                    let note = event("note", at(starts), vec![("text", json!(note))]);
                    out.intents.push(Intent::new(
                        source,
                        &episode,
                        "annotations",
                        note,
                        When::Always,
                    ));
                }
            }
            "resolved" => {
                let end = ends.ok_or_else(|| {
                    IngestError::new(
                        &a.field("endsAt"),
                        "a resolved alert must say when it ended",
                    )
                })?;
                let end = end.max(starts);
                let restored = event(
                    "restored",
                    at(end),
                    vec![("services", json!([service])), ("level", json!("full"))],
                );
                out.intents.push(Intent::new(
                    source,
                    &episode,
                    "restored",
                    restored,
                    When::Open,
                ));
                if config.auto_resolve {
                    let resolved = event("resolved", at(end), vec![]);
                    out.intents.push(Intent::new(
                        source,
                        &episode,
                        "resolved",
                        resolved,
                        When::Open,
                    ));
                }
            }
            other => {
                return Err(IngestError::new(
                    &a.field("status"),
                    format!("`{other}` is neither `firing` nor `resolved`"),
                ));
            }
        }
    }
    Ok(out)
}

/// The string values of a label or annotation set (others are left out).
fn strings(map: Option<&Map<String, Value>>) -> std::collections::BTreeMap<String, String> {
    map.into_iter()
        .flatten()
        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
        .collect()
}

/// The annotations as a note, one `name: value` a line.
fn annotations(map: Option<&Map<String, Value>>) -> Option<String> {
    let lines: Vec<String> = strings(map)
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    text(&lines.join("\n"))
}
