//! Statuspage (`incidents.json`, `summary.json`, `scheduled-maintenances.json`, or one
//! `incident` of a webhook): one incident per Statuspage incident, keyed `sp-<id>`. Each
//! update's `affected_components` old/new status becomes an impact change of that component
//! (`detected`, `impact_changed`, `restored`), each update's body an `announced` on the status
//! page, and `resolved_at` a `restored` of what is still down and a `resolved`. Scheduled
//! maintenances become `maintenance_scheduled`, `_started`, `_completed` or `_cancelled`.

use super::common::{at, event, key, line, need_time, opt, read_time, slug, text};
use super::payload::Obj;
use super::{Adapted, IngestError, Intent, When};
use crate::event::Level;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;

const SOURCE: &str = "statuspage";

/// One incident update, as read.
struct Update {
    id: String,
    status: String,
    body: Option<String>,
    at: OffsetDateTime,
    /// Component (slugged name) → its new level (`None`: operational).
    changes: Vec<(String, Option<Level>)>,
}

pub fn adapt(value: &Value) -> Result<Adapted, IngestError> {
    let root = Obj::root(value, "a Statuspage export")?;
    if !["incidents", "incident", "scheduled_maintenances"]
        .iter()
        .any(|k| root.map.contains_key(*k))
    {
        return Err(IngestError::new(
            "-",
            "not a Statuspage export: it has no `incidents`, `incident` or `scheduled_maintenances`",
        ));
    }
    let page = match root.opt_obj("page")? {
        Some(p) => Obj::at(p, "page").opt_str("name")?.and_then(slug),
        None => None,
    };
    let page = page.unwrap_or_else(|| "statuspage".into());
    let mut items = root.objects("incidents")?;
    if let Some(one) = root.opt_obj("incident")? {
        items.push(("incident".into(), one));
    }
    items.extend(root.objects("scheduled_maintenances")?);
    let mut out = Adapted::default();
    for (path, map) in items {
        let inc = Obj::at(map, &path);
        let maintenance =
            inc.get("scheduled_for").is_some() || inc.opt_str("impact")? == Some("maintenance");
        if maintenance {
            maintenance_of(&inc, &page, &mut out)?;
        } else {
            incident_of(&inc, &page, &mut out)?;
        }
    }
    Ok(out)
}

fn level(status: &str, field: &str) -> Result<Option<Level>, IngestError> {
    Ok(match status {
        "operational" => None,
        "degraded_performance" => Some(Level::Degraded),
        "partial_outage" => Some(Level::PartialOutage),
        "major_outage" => Some(Level::MajorOutage),
        // Maintenance is a kind of incident in logbook, not a level an outage can take: a
        // component under maintenance inside an unplanned incident counts as degraded.
        "under_maintenance" => Some(Level::Degraded),
        other => {
            return Err(IngestError::new(
                field,
                format!("`{other}` is not a Statuspage component status"),
            ));
        }
    })
}

/// The updates of an incident, oldest first (by `display_at`, which may be backdated).
fn updates(inc: &Obj<'_>) -> Result<Vec<Update>, IngestError> {
    let mut out = Vec::new();
    for (path, map) in inc.objects("incident_updates")? {
        let u = Obj::at(map, &path);
        let when = match u.opt_str("display_at")? {
            Some(t) => read_time(t, &u.field("display_at"))?,
            None => None,
        };
        let when = match when {
            Some(t) => t,
            None => need_time(u.str("created_at")?, &u.field("created_at"))?,
        };
        let mut changes = Vec::new();
        for (cpath, c) in u.objects("affected_components")? {
            let c = Obj::at(c, &cpath);
            let name = c
                .opt_str("name")?
                .or(c.opt_str("code")?)
                .unwrap_or_default();
            let Some(service) = slug(name) else { continue };
            changes.push((
                service,
                level(c.str("new_status")?, &c.field("new_status"))?,
            ));
        }
        out.push(Update {
            id: u.id("id")?,
            status: u.opt_str("status")?.unwrap_or_default().to_string(),
            body: u.opt_str("body")?.and_then(text),
            at: when,
            changes,
        });
    }
    out.sort_by_key(|u| u.at);
    Ok(out)
}

/// The components an incident lists, slugged.
fn components(inc: &Obj<'_>) -> Result<Vec<String>, IngestError> {
    let mut out = Vec::new();
    for (path, c) in inc.objects("components")? {
        if let Some(name) = Obj::at(c, &path).opt_str("name")?.and_then(slug)
            && !out.contains(&name)
        {
            out.push(name);
        }
    }
    Ok(out)
}

fn announce(key: &str, title: &str, u: &Update, out: &mut Adapted) {
    if let Some(body) = &u.body {
        let e = event(
            "announced",
            at(u.at),
            vec![
                ("channel", json!("status_page")),
                ("title", opt(line(title))),
                ("text", json!(body)),
            ],
        );
        let role = format!("update:{}", u.id);
        out.intents
            .push(Intent::new(SOURCE, key, &role, e, When::Always));
    }
}

fn push(out: &mut Adapted, key: &str, role: &str, e: Map<String, Value>) {
    out.intents
        .push(Intent::new(SOURCE, key, role, e, When::Always));
}

fn incident_of(inc: &Obj<'_>, page: &str, out: &mut Adapted) -> Result<(), IngestError> {
    let id = inc.id("id")?;
    let key = key(&["sp", &id]);
    let title = inc.str("name")?;
    let updates = updates(inc)?;
    let started = match inc.opt_str("started_at")? {
        Some(t) => read_time(t, &inc.field("started_at"))?,
        None => None,
    };
    let started = match started {
        Some(t) => t,
        None => need_time(inc.str("created_at")?, &inc.field("created_at"))?,
    };
    let first = updates.first().map_or(started, |u| u.at);
    let status = inc.opt_str("status")?.unwrap_or_default();
    let resolved_at = match inc.opt_str("resolved_at")? {
        Some(t) => read_time(t, &inc.field("resolved_at"))?,
        None => None,
    }
    .or_else(|| {
        let last = updates.iter().rev().find(|u| u.status == "resolved");
        last.map(|u| u.at)
    })
    .filter(|_| matches!(status, "resolved" | "postmortem"))
    .map(|t| t.max(first));

    // The opening: the components the first update takes down, at its time; else every
    // component the incident names, at the level of its impact; else the page itself.
    let mut state: BTreeMap<String, Level> = BTreeMap::new();
    let opening: Vec<(String, Level)> = updates
        .first()
        .map(|u| {
            u.changes
                .iter()
                .filter_map(|(c, l)| l.map(|l| (c.clone(), l)))
                .collect()
        })
        .unwrap_or_default();
    let (services, worst) = if opening.is_empty() {
        let mut named = components(inc)?;
        for (c, _) in updates.iter().flat_map(|u| &u.changes) {
            if !named.contains(c) {
                named.push(c.clone());
            }
        }
        if named.is_empty() {
            named.push(page.to_string());
        }
        let impact = match inc.opt_str("impact")? {
            Some("critical") => Level::MajorOutage,
            Some("major") => Level::PartialOutage,
            _ => Level::Degraded,
        };
        (named, impact)
    } else {
        let worst = opening
            .iter()
            .map(|(_, l)| *l)
            .max()
            .unwrap_or(Level::MajorOutage);
        (opening.iter().map(|(c, _)| c.clone()).collect(), worst)
    };
    let detected = event(
        "detected",
        at(first),
        vec![
            ("services", json!(services)),
            ("source", json!("staff")),
            ("level", json!(worst)),
            ("title", opt(line(title))),
        ],
    );
    push(out, &key, "detected", detected);
    for s in &services {
        state.insert(s.clone(), worst);
    }
    for u in &updates {
        if resolved_at.is_none_or(|r| u.at <= r) {
            for (c, new) in &u.changes {
                let old = state.get(c).copied();
                if old == *new {
                    continue;
                }
                let role = format!("impact:{}:{c}", u.id);
                let e = match new {
                    None => event(
                        "restored",
                        at(u.at),
                        vec![("services", json!([c])), ("level", json!("full"))],
                    ),
                    Some(l) => event(
                        "impact_changed",
                        at(u.at),
                        vec![("services", json!([c])), ("level", json!(l))],
                    ),
                };
                push(out, &key, &role, e);
                match new {
                    Some(l) => state.insert(c.clone(), *l),
                    None => state.remove(c),
                };
            }
        }
        announce(&key, title, u, out);
    }
    if let Some(end) = resolved_at {
        let down: Vec<&String> = state.keys().collect();
        if !down.is_empty() {
            let e = event(
                "restored",
                at(end),
                vec![("services", json!(down)), ("level", json!("full"))],
            );
            push(out, &key, "restored", e);
        }
        push(out, &key, "resolved", event("resolved", at(end), vec![]));
    }
    Ok(())
}

fn maintenance_of(inc: &Obj<'_>, page: &str, out: &mut Adapted) -> Result<(), IngestError> {
    let id = inc.id("id")?;
    let key = key(&["sp", &id]);
    let title = inc.str("name")?;
    let updates = updates(inc)?;
    let start = need_time(inc.str("scheduled_for")?, &inc.field("scheduled_for"))?;
    let end = match inc.opt_str("scheduled_until")? {
        Some(t) => read_time(t, &inc.field("scheduled_until"))?,
        None => None,
    }
    .unwrap_or(start)
    .max(start);
    let created = match inc.opt_str("created_at")? {
        Some(t) => read_time(t, &inc.field("created_at"))?,
        None => None,
    };
    let opened = [created, updates.first().map(|u| u.at)]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(start);
    let mut services = components(inc)?;
    for (c, _) in updates.iter().flat_map(|u| &u.changes) {
        if !services.contains(c) {
            services.push(c.clone());
        }
    }
    if services.is_empty() {
        services.push(page.to_string());
    }
    let scheduled = event(
        "maintenance_scheduled",
        at(opened),
        vec![
            ("services", json!(services)),
            ("window_start", at(start)),
            ("window_end", at(end)),
            ("title", opt(line(title))),
        ],
    );
    push(out, &key, "scheduled", scheduled);
    let mut started = false;
    let mut closed = false;
    for u in &updates {
        let step = match u.status.as_str() {
            "in_progress" if !started && !closed => Some(("maintenance_started", "started")),
            "completed" if !closed => Some(("maintenance_completed", "completed")),
            "cancelled" if !closed => Some(("maintenance_cancelled", "cancelled")),
            _ => None,
        };
        if let Some((ty, role)) = step {
            started = true;
            closed = role != "started";
            push(out, &key, role, event(ty, at(u.at), vec![]));
        }
        announce(&key, title, u, out);
    }
    if !closed && inc.opt_str("status")? == Some("completed") {
        let when = match inc.opt_str("resolved_at")? {
            Some(t) => read_time(t, &inc.field("resolved_at"))?,
            None => None,
        }
        .unwrap_or(end)
        .max(opened);
        push(
            out,
            &key,
            "completed",
            event("maintenance_completed", at(when), vec![]),
        );
    }
    Ok(())
}
