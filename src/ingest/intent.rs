//! Intents: the events a payload means, each with the condition on the ledger's state under
//! which it is appended ([`When`]); and [`resolve`], which decides them against a [`Lookup`] of
//! the ledger. The decision is pure given the lookup's answers.

use super::common::event_id;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// When an intent becomes an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// Always (a repeat of a stored event is still left out).
    Always,
    /// Only while its incident exists and is open: a restore or resolve for an episode the
    /// ledger never saw, or one already closed, adds nothing.
    Open,
    /// Opens an episode whose key starts with `prefix`, unless one such is open (a PagerDuty
    /// trigger for a `dedup_key` that already has an open incident is a repeat).
    NoneOpen { prefix: String },
    /// Goes to the open episode whose key starts with `prefix` (PagerDuty's acknowledge and
    /// resolve name the `dedup_key`, not the incident): its `incident` and `id` are filled in
    /// then; with no open episode it adds nothing.
    OpenOf { prefix: String },
    /// Goes to the latest open episode whose key starts with `prefix` and sorts before
    /// `before` (an Alertmanager alert that fired again with a new `startsAt` while its
    /// earlier episode was never resolved: that episode ended by then); with none it adds
    /// nothing.
    OpenBefore { prefix: String, before: String },
}

/// One event a payload means.
#[derive(Debug, Clone, PartialEq)]
pub struct Intent {
    /// The event object (DESIGN section 2). It holds `incident` and `id`, except for
    /// [`When::OpenOf`], whose episode is found by [`resolve`].
    pub event: Map<String, Value>,
    pub when: When,
    /// The source and the event's role in its episode, which derive its id.
    pub source: &'static str,
    pub role: String,
}

impl Intent {
    /// An intent for the episode `key`, with its id derived from `source`, `key` and `role`.
    pub fn new(
        source: &'static str,
        key: &str,
        role: &str,
        mut event: Map<String, Value>,
        when: When,
    ) -> Intent {
        place(&mut event, source, key, role);
        Intent {
            event,
            when,
            source,
            role: role.to_string(),
        }
    }

    /// An intent for the open episode whose key starts with `prefix`.
    pub fn to_open(
        source: &'static str,
        prefix: &str,
        role: &str,
        event: Map<String, Value>,
    ) -> Intent {
        Intent {
            event,
            when: When::OpenOf {
                prefix: prefix.to_string(),
            },
            source,
            role: role.to_string(),
        }
    }

    /// An intent for the latest open episode of `prefix` that began before `before`.
    pub fn to_open_before(
        source: &'static str,
        prefix: &str,
        before: &str,
        role: &str,
        event: Map<String, Value>,
    ) -> Intent {
        Intent {
            event,
            when: When::OpenBefore {
                prefix: prefix.to_string(),
                before: before.to_string(),
            },
            source,
            role: role.to_string(),
        }
    }

    /// The key prefix a [`When::NoneOpen`], [`When::OpenOf`] or [`When::OpenBefore`] names
    /// (else empty).
    pub fn when_prefix(&self) -> &str {
        match &self.when {
            When::NoneOpen { prefix }
            | When::OpenOf { prefix }
            | When::OpenBefore { prefix, .. } => prefix,
            When::Always | When::Open => "",
        }
    }

    fn key(&self) -> Option<&str> {
        self.event.get("incident").and_then(Value::as_str)
    }

    fn type_name(&self) -> &str {
        self.event
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// Puts the incident key and the derived id into an event.
fn place(event: &mut Map<String, Value>, source: &str, key: &str, role: &str) {
    event.insert("incident".into(), Value::String(key.to_string()));
    event.insert(
        "id".into(),
        Value::String(event_id(source, key, role).to_string()),
    );
}

/// What [`resolve`] asks of the ledger.
pub trait Lookup {
    type Error;
    /// Whether an event with this id is stored.
    fn stored(&self, id: Uuid) -> Result<bool, Self::Error>;
    /// Whether the incident exists (`Some`) and is open (`Some(true)`).
    fn open(&self, key: &str) -> Result<Option<bool>, Self::Error>;
    /// The open incident whose key starts with `prefix` (the latest by key), if any.
    fn open_with_prefix(&self, prefix: &str) -> Result<Option<String>, Self::Error>;
    /// The latest open incident whose key starts with `prefix` and sorts before `before`.
    fn open_before(&self, prefix: &str, before: &str) -> Result<Option<String>, Self::Error>;
}

/// Why an intent added nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Its event is already stored (a repeat, a retry, a re-import).
    Repeat,
    /// Its episode is not in the ledger.
    UnknownEpisode,
    /// Its incident is already closed.
    Closed,
    /// An episode of the same source id is already open: a repeat of its trigger.
    AlreadyOpen,
}

/// An intent that added nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub incident: Option<String>,
    pub type_name: String,
    pub why: Why,
}

impl Skipped {
    /// What was left out and why, in words (`resolved for am-…: a repeat`).
    pub fn describe(&self) -> String {
        let what = match self.incident.as_deref() {
            Some(k) => format!("{} for {k}", self.type_name),
            None => self.type_name.clone(),
        };
        let why = match self.why {
            Why::Repeat => "already stored (a repeat)",
            Why::AlreadyOpen => "an episode of this source id is open (a repeat of its trigger)",
            Why::UnknownEpisode => "no such open episode in the ledger; nothing to do",
            Why::Closed => "the incident is already closed; left as it is",
        };
        format!("{what}: {why}")
    }
}

/// What to append, and what was left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub events: Vec<Map<String, Value>>,
    pub skipped: Vec<Skipped>,
}

/// Decides each intent, in order, against the ledger and the intents before it.
pub fn resolve<L: Lookup>(intents: Vec<Intent>, ledger: &L) -> Result<Plan, L::Error> {
    let mut plan = Plan::default();
    let mut ids = HashSet::new();
    // Incidents this payload opened and closed, and the episodes it opened per prefix.
    let mut opened = HashSet::new();
    let mut closed = HashSet::new();
    let mut by_prefix: HashMap<String, String> = HashMap::new();
    for mut intent in intents {
        let skip = |intent: &Intent, why| Skipped {
            incident: intent.key().map(str::to_string),
            type_name: intent.type_name().to_string(),
            why,
        };
        if let When::OpenOf { prefix } = &intent.when {
            let key = match by_prefix.get(prefix) {
                Some(key) => Some(key.clone()),
                None => ledger
                    .open_with_prefix(prefix)?
                    .filter(|k| !closed.contains(k)),
            };
            let Some(key) = key else {
                plan.skipped.push(skip(&intent, Why::UnknownEpisode));
                continue;
            };
            place(&mut intent.event, intent.source, &key, &intent.role);
        }
        if let When::OpenBefore { prefix, before } = &intent.when {
            let key = ledger
                .open_before(prefix, before)?
                .filter(|k| !closed.contains(k));
            let Some(key) = key else {
                // Nothing earlier is open: the usual case, and not worth a note.
                continue;
            };
            // The role names the episode that ended it, so each re-fire closes once.
            let role = format!("{}-{before}", intent.role);
            place(&mut intent.event, intent.source, &key, &role);
        }
        let key = intent.key().unwrap_or_default().to_string();
        let id = intent
            .event
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Uuid::try_parse(s).ok());
        if let Some(id) = id
            && (!ids.insert(id) || ledger.stored(id)?)
        {
            plan.skipped.push(skip(&intent, Why::Repeat));
            continue;
        }
        let verdict = match &intent.when {
            When::Always => None,
            When::OpenBefore { .. } => None,
            When::Open | When::OpenOf { .. } if opened.contains(&key) => None,
            When::Open | When::OpenOf { .. } if closed.contains(&key) => Some(Why::Closed),
            When::Open | When::OpenOf { .. } => match ledger.open(&key)? {
                None => Some(Why::UnknownEpisode),
                Some(false) => Some(Why::Closed),
                Some(true) => None,
            },
            When::NoneOpen { prefix } => {
                let open = match by_prefix.get(prefix) {
                    Some(_) => true,
                    None => ledger
                        .open_with_prefix(prefix)?
                        .is_some_and(|k| !closed.contains(&k)),
                };
                if open {
                    Some(Why::AlreadyOpen)
                } else {
                    by_prefix.insert(prefix.clone(), key.clone());
                    None
                }
            }
        };
        if let Some(why) = verdict {
            plan.skipped.push(skip(&intent, why));
            continue;
        }
        match intent.type_name() {
            "detected" | "maintenance_scheduled" | "reopened" => {
                closed.remove(&key);
                opened.insert(key);
            }
            "resolved" | "maintenance_completed" | "maintenance_cancelled" => {
                opened.remove(&key);
                by_prefix.retain(|_, k| *k != key);
                closed.insert(key);
            }
            _ => {}
        }
        plan.events.push(intent.event);
    }
    Ok(plan)
}
