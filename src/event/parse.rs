//! Parsing one JSON line into an [`Event`], field by field, so every error names its field.

use super::{At, Body, Channel, Event, Level, Name, RestoreLevel, Source, StepState, TYPES};
use serde_json::{Map, Value};
use uuid::Uuid;

/// What a writer submitted: the event plus the fields that steer the append.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub event: Event,
    /// The writer's id for the event (makes retries idempotent).
    pub id: Option<Uuid>,
    /// Append only if the stream's latest revision is this one.
    pub expected_revision: Option<u64>,
}

/// A field that is missing, malformed or not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if field == "-" { String::new() } else { format!("{field}: ") })]
pub struct FieldError {
    /// The JSON field at fault (`-` when the line itself is at fault).
    pub field: String,
    pub message: String,
    pub hint: Option<String>,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> FieldError {
        self.hint = Some(hint.into());
        self
    }
}

/// Fields every event may carry.
pub const COMMON_FIELDS: [&str; 8] = [
    "type",
    "incident",
    "at",
    "approximate",
    "id",
    "actor",
    "summary",
    "expected_revision",
];

/// The fields of each type beyond the common ones; required ones end with `*`.
pub fn own_fields(ty: &str) -> &'static [&'static str] {
    match ty {
        "detected" => &["services*", "source", "level"],
        "impact_started" => &["services"],
        "escalated" => &["to*"],
        "vendor_engaged" => &["vendor*", "ticket", "channel"],
        "vendor_responded" => &["vendor*", "contact"],
        "diagnosed" => &["cause"],
        "impact_changed" => &["services", "level*"],
        "restore_step" => &["state"],
        "restored" => &["services", "level"],
        "announced" => &["channel", "audience", "title", "url", "text"],
        "action_item" => &["owner", "due"],
        "note" => &["text*"],
        "maintenance_scheduled" => &["services*", "window_start*", "window_end*"],
        "service_commissioned" | "service_retired" => &["service*"],
        "amended" => &["target*", "set*", "reason", "service"],
        "retracted" => &["target*", "reason", "service"],
        _ => &[],
    }
}

/// Parses one line of JSON Lines input.
pub fn parse_line(line: &str) -> Result<Submission, FieldError> {
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(map)) => parse_object(map),
        Ok(_) => Err(FieldError::new("-", "expected a JSON object, one event per line")),
        Err(e) => Err(FieldError::new("-", format!("not valid JSON: {e}"))
            .with_hint("each line must be one JSON object, e.g. {\"type\":\"acknowledged\",\"incident\":\"db-outage\",\"at\":\"2011-06-16T03:25:00-04:00\"}")),
    }
}

/// Parses one event object.
pub fn parse_object(map: Map<String, Value>) -> Result<Submission, FieldError> {
    let mut f = Fields { map };
    let ty = f.type_name()?;
    f.reject_unknown(ty)?;

    let service_event = matches!(ty, "service_commissioned" | "service_retired");
    let correction = matches!(ty, "amended" | "retracted");
    let incident = f.opt_name("incident")?;
    let service = f.opt_name("service")?;
    match (&incident, &service) {
        (Some(_), _) if service_event => {
            return Err(FieldError::new(
                "incident",
                format!("{ty} belongs to a service, not an incident"),
            )
            .with_hint("name the service with \"service\" instead"));
        }
        (None, None) if service_event => return Err(missing("service", ty)),
        (Some(_), Some(_)) => {
            return Err(FieldError::new(
                "service",
                "give either `incident` or `service`, not both",
            ));
        }
        (None, None) if correction => {
            return Err(missing("incident", ty)
                .with_hint("corrections go to the incident (or, with \"service\", the service) of the event they correct"));
        }
        (None, None) => return Err(missing("incident", ty)),
        _ => {}
    }

    let at = f.req_at("at")?;
    let approximate = f.opt_bool("approximate")?.unwrap_or(false);
    let id = f.opt_uuid("id")?;
    let actor = f.opt_text("actor")?;
    let summary = f.opt_line("summary")?;
    let expected_revision = match f.take("expected_revision") {
        None => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| {
            FieldError::new(
                "expected_revision",
                format!("must be a whole number >= 0, not {v}"),
            )
        })?),
    };
    if matches!(ty, "restore_step" | "action_item") && summary.is_none() {
        return Err(missing("summary", ty));
    }
    let body = f.body(ty)?;
    if let Body::MaintenanceScheduled {
        window_start,
        window_end,
        ..
    } = &body
        && window_end.compare(window_start).is_lt()
    {
        return Err(FieldError::new(
            "window_end",
            format!("{window_end} is before window_start {window_start}"),
        ));
    }
    let event = Event {
        body,
        incident,
        service,
        at,
        approximate,
        actor,
        summary,
    };
    Ok(Submission {
        event,
        id,
        expected_revision,
    })
}

fn missing(field: &str, ty: &str) -> FieldError {
    FieldError::new(field, format!("required for {ty}"))
}

const DETECTED_LEVELS: &[(&str, Level)] = &[
    ("degraded", Level::Degraded),
    ("partial_outage", Level::PartialOutage),
    ("major_outage", Level::MajorOutage),
];
const IMPACT_LEVELS: &[(&str, Level)] = &[
    ("operational", Level::Operational),
    ("degraded", Level::Degraded),
    ("partial_outage", Level::PartialOutage),
    ("major_outage", Level::MajorOutage),
];
const SOURCES: &[(&str, Source)] = &[
    ("monitoring", Source::Monitoring),
    ("customer", Source::Customer),
    ("staff", Source::Staff),
    ("vendor", Source::Vendor),
];
const STEP_STATES: &[(&str, StepState)] =
    &[("started", StepState::Started), ("done", StepState::Done)];
const RESTORE_LEVELS: &[(&str, RestoreLevel)] = &[
    ("partial", RestoreLevel::Partial),
    ("full", RestoreLevel::Full),
];
const CHANNELS: &[(&str, Channel)] = &[
    ("blog", Channel::Blog),
    ("twitter", Channel::Twitter),
    ("status_page", Channel::StatusPage),
    ("email", Channel::Email),
    ("other", Channel::Other),
];

/// The remaining fields of one object; each accessor removes what it reads.
struct Fields {
    map: Map<String, Value>,
}

impl Fields {
    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    fn type_name(&mut self) -> Result<&'static str, FieldError> {
        let hint = format!("valid types: {}", TYPES.join(", "));
        let Some(value) = self.take("type") else {
            return Err(FieldError::new("type", "required").with_hint(hint));
        };
        let Some(text) = value.as_str() else {
            return Err(
                FieldError::new("type", format!("must be a string, not {value}")).with_hint(hint),
            );
        };
        match TYPES.iter().find(|t| **t == text) {
            Some(t) => Ok(t),
            None => {
                let message = format!("unknown event type `{text}`");
                let hint = match suggest(text, TYPES.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? {hint}"),
                    None => hint,
                };
                Err(FieldError::new("type", message).with_hint(hint))
            }
        }
    }

    fn reject_unknown(&self, ty: &str) -> Result<(), FieldError> {
        let own: Vec<&str> = own_fields(ty)
            .iter()
            .map(|f| f.trim_end_matches('*'))
            .collect();
        let known = || COMMON_FIELDS.iter().copied().chain(own.iter().copied());
        let Some(unknown) = self.map.keys().find(|k| !known().any(|f| f == k.as_str())) else {
            return Ok(());
        };
        let fields = if own.is_empty() {
            "none".to_string()
        } else {
            own.join(", ")
        };
        let hint = format!(
            "fields of {ty}: {fields}; common fields: {}",
            COMMON_FIELDS[1..].join(", ")
        );
        let hint = match suggest(unknown, known()) {
            Some(s) => format!("did you mean `{s}`? {hint}"),
            None => hint,
        };
        Err(FieldError::new(unknown, format!("unknown field for {ty}")).with_hint(hint))
    }

    fn opt_text(&mut self, key: &str) -> Result<Option<String>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => {
                Err(FieldError::new(key, "must not be empty"))
            }
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(FieldError::new(key, format!("must be a string, not {v}"))),
        }
    }

    fn req_text(&mut self, key: &str, ty: &str) -> Result<String, FieldError> {
        self.opt_text(key)?.ok_or_else(|| missing(key, ty))
    }

    /// A string of one line (summaries show in one-line listings).
    fn opt_line(&mut self, key: &str) -> Result<Option<String>, FieldError> {
        let text = self.opt_text(key)?;
        if text.as_deref().is_some_and(|t| t.contains(['\n', '\r'])) {
            return Err(FieldError::new(key, "must be one line")
                .with_hint("put longer text in a note's \"text\""));
        }
        Ok(text)
    }

    fn opt_bool(&mut self, key: &str) -> Result<Option<bool>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(v) => Err(FieldError::new(
                key,
                format!("must be true or false, not {v}"),
            )),
        }
    }

    fn opt_uuid(&mut self, key: &str) -> Result<Option<Uuid>, FieldError> {
        let Some(text) = self.opt_text(key)? else {
            return Ok(None);
        };
        let hyphenated = text.len() == 36;
        Uuid::try_parse(&text)
            .ok()
            .filter(|_| hyphenated)
            .map(Some)
            .ok_or_else(|| {
                FieldError::new(key, format!("`{text}` is not a UUID")).with_hint(
                    "write it as 8-4-4-4-12 hex digits, e.g. 0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41",
                )
            })
    }

    fn opt_name(&mut self, key: &str) -> Result<Option<Name>, FieldError> {
        let Some(text) = self.opt_text(key)? else {
            return Ok(None);
        };
        Name::parse(&text).map(Some).map_err(|e| {
            FieldError::new(key, e).with_hint(
                "keys look like 2011-06-16-upstream-routing: [A-Za-z0-9][A-Za-z0-9._:-]{0,127}",
            )
        })
    }

    fn opt_names(&mut self, key: &str) -> Result<Option<Vec<Name>>, FieldError> {
        let Some(value) = self.take(key) else {
            return Ok(None);
        };
        let hint = "a list of service names, e.g. [\"mail\", \"web-1\"]";
        let Value::Array(items) = value else {
            return Err(FieldError::new(
                key,
                format!("must be a list of service names, not {value}"),
            )
            .with_hint(hint));
        };
        if items.is_empty() {
            return Err(FieldError::new(key, "must name at least one service").with_hint(hint));
        }
        let mut names: Vec<Name> = Vec::with_capacity(items.len());
        for item in items {
            let name = item
                .as_str()
                .ok_or_else(|| FieldError::new(key, format!("must hold strings, not {item}")))
                .and_then(|t| {
                    Name::parse(t).map_err(|e| FieldError::new(key, format!("service name {e}")))
                })?;
            if names.contains(&name) {
                return Err(FieldError::new(key, format!("names `{name}` twice")));
            }
            names.push(name);
        }
        Ok(Some(names))
    }

    fn req_names(&mut self, key: &str, ty: &str) -> Result<Vec<Name>, FieldError> {
        self.opt_names(key)?.ok_or_else(|| missing(key, ty))
    }

    fn opt_at(&mut self, key: &str) -> Result<Option<At>, FieldError> {
        let Some(value) = self.take(key) else {
            return Ok(None);
        };
        let hint = "write an RFC 3339 time with its offset, e.g. 2011-06-16T03:20:00-04:00 or 2011-06-16T07:20:00Z, or a day, e.g. 2011-06-16";
        let Some(text) = value.as_str() else {
            return Err(
                FieldError::new(key, format!("must be a string, not {value}")).with_hint(hint),
            );
        };
        match At::parse(text) {
            Some(at) => Ok(Some(at)),
            None => Err(FieldError::new(
                key,
                format!("`{text}` is not a timestamp with an offset or a date"),
            )
            .with_hint(hint)),
        }
    }

    fn req_at(&mut self, key: &str) -> Result<At, FieldError> {
        self.opt_at(key)?.ok_or_else(|| {
            FieldError::new(key, "required")
                .with_hint("when it happened, e.g. 2011-06-16T03:20:00-04:00 or 2011-06-16")
        })
    }

    fn opt_enum<T: Copy>(
        &mut self,
        key: &str,
        values: &[(&str, T)],
    ) -> Result<Option<T>, FieldError> {
        let Some(value) = self.take(key) else {
            return Ok(None);
        };
        let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
        let found = value
            .as_str()
            .and_then(|t| values.iter().find(|(n, _)| *n == t));
        match found {
            Some((_, v)) => Ok(Some(*v)),
            None => Err(FieldError::new(
                key,
                format!("{value} is not one of {}", names.join(", ")),
            )),
        }
    }

    fn req_enum<T: Copy>(
        &mut self,
        key: &str,
        ty: &str,
        values: &[(&str, T)],
    ) -> Result<T, FieldError> {
        self.opt_enum(key, values)?.ok_or_else(|| missing(key, ty))
    }

    /// Builds the type's body from its own fields. Exhaustive over [`TYPES`].
    fn body(&mut self, ty: &str) -> Result<Body, FieldError> {
        Ok(match ty {
            "detected" => Body::Detected {
                services: self.req_names("services", ty)?,
                source: self.opt_enum("source", SOURCES)?,
                level: self.opt_enum("level", DETECTED_LEVELS)?,
            },
            "impact_started" => Body::ImpactStarted {
                services: self.opt_names("services")?,
            },
            "acknowledged" => Body::Acknowledged {},
            "escalated" => Body::Escalated {
                to: self.req_text("to", ty)?,
            },
            "vendor_engaged" => Body::VendorEngaged {
                vendor: self.req_text("vendor", ty)?,
                ticket: self.opt_text("ticket")?,
                channel: self.opt_text("channel")?,
            },
            "vendor_responded" => Body::VendorResponded {
                vendor: self.req_text("vendor", ty)?,
                contact: self.opt_text("contact")?,
            },
            "diagnosed" => Body::Diagnosed {
                cause: self.opt_text("cause")?,
            },
            "impact_changed" => Body::ImpactChanged {
                services: self.opt_names("services")?,
                level: self.req_enum("level", ty, IMPACT_LEVELS)?,
            },
            "restore_step" => Body::RestoreStep {
                state: self.opt_enum("state", STEP_STATES)?,
            },
            "restored" => Body::Restored {
                services: self.opt_names("services")?,
                level: self.opt_enum("level", RESTORE_LEVELS)?,
            },
            "resolved" => Body::Resolved {},
            "announced" => Body::Announced {
                channel: self.opt_enum("channel", CHANNELS)?,
                audience: self.opt_text("audience")?,
                title: self.opt_text("title")?,
                url: self.opt_text("url")?,
                text: self.opt_text("text")?,
            },
            "action_item" => Body::ActionItem {
                owner: self.opt_text("owner")?,
                due: self.opt_at("due")?,
            },
            "note" => Body::Note {
                text: self.req_text("text", ty)?,
            },
            "maintenance_scheduled" => Body::MaintenanceScheduled {
                services: self.req_names("services", ty)?,
                window_start: self
                    .opt_at("window_start")?
                    .ok_or_else(|| missing("window_start", ty))?,
                window_end: self
                    .opt_at("window_end")?
                    .ok_or_else(|| missing("window_end", ty))?,
            },
            "maintenance_started" => Body::MaintenanceStarted {},
            "maintenance_completed" => Body::MaintenanceCompleted {},
            "maintenance_cancelled" => Body::MaintenanceCancelled {},
            "service_commissioned" => Body::ServiceCommissioned {},
            "service_retired" => Body::ServiceRetired {},
            "amended" => {
                let target = self
                    .opt_uuid("target")?
                    .ok_or_else(|| missing("target", ty))?;
                let set = match self.take("set") {
                    None => return Err(missing("set", ty)),
                    Some(Value::Object(m)) if m.is_empty() => {
                        return Err(FieldError::new("set", "must replace at least one field"));
                    }
                    Some(Value::Object(m)) => m,
                    Some(v) => {
                        return Err(FieldError::new(
                            "set",
                            format!("must be an object of replaced fields, not {v}"),
                        )
                        .with_hint("e.g. \"set\": {\"at\": \"2011-06-16T03:10:00-04:00\"}"));
                    }
                };
                Body::Amended {
                    target,
                    set,
                    reason: self.opt_text("reason")?,
                }
            }
            "retracted" => Body::Retracted {
                target: self
                    .opt_uuid("target")?
                    .ok_or_else(|| missing("target", ty))?,
                reason: self.opt_text("reason")?,
            },
            other => {
                return Err(FieldError::new(
                    "type",
                    format!("unknown event type `{other}`"),
                ));
            }
        })
    }
}

/// The closest candidate within a small edit distance, for "did you mean" hints.
pub fn suggest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (distance(word, c), c))
        .filter(|(d, c)| *d <= if c.len() < 5 { 1 } else { 2 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != *cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: &str) -> FieldError {
        parse_line(line).expect_err(line)
    }

    #[test]
    fn parses_a_detection_and_writes_it_back_unchanged() {
        let line = r#"{"type":"detected","incident":"x","at":"2011-06-16T03:20:00-04:00","approximate":true,"services":["dns"],"source":"monitoring","summary":"DNS fails"}"#;
        let sub = parse_line(line).unwrap();
        assert_eq!(serde_json::to_string(&sub.event).unwrap(), line);
    }

    #[test]
    fn names_the_field_at_fault() {
        assert_eq!(err(r#"{"type":"detectd"}"#).field, "type");
        assert!(
            err(r#"{"type":"detectd"}"#)
                .hint
                .unwrap()
                .starts_with("did you mean `detected`?")
        );
        assert_eq!(
            err(r#"{"type":"detected","incident":"x","at":"2011-06-16","servces":["a"]}"#).field,
            "servces"
        );
        assert_eq!(
            err(r#"{"type":"detected","incident":"x","at":"2011-06-16"}"#).field,
            "services"
        );
        assert_eq!(
            err(r#"{"type":"note","incident":"x","at":"16/6/2011","text":"t"}"#).field,
            "at"
        );
        assert_eq!(
            err(r#"{"type":"note","incident":"bad key","at":"2011-06-16","text":"t"}"#).field,
            "incident"
        );
        assert_eq!(
            err(r#"{"type":"restore_step","incident":"x","at":"2011-06-16"}"#).field,
            "summary"
        );
        assert_eq!(
            err(r#"{"type":"service_commissioned","incident":"x","at":"2011-06-16"}"#).field,
            "incident"
        );
        assert_eq!(err("[1]").field, "-");
        assert_eq!(err("{").field, "-");
    }

    #[test]
    fn rejects_a_window_that_ends_before_it_starts() {
        let e = err(
            r#"{"type":"maintenance_scheduled","incident":"m","at":"2011-05-20","services":["mail"],"window_start":"2011-05-30","window_end":"2011-05-28"}"#,
        );
        assert_eq!(e.field, "window_end");
    }

    #[test]
    fn suggests_near_names_only() {
        assert_eq!(
            suggest("servces", ["services", "source"].into_iter()),
            Some("services")
        );
        assert_eq!(suggest("zzzzzz", ["services", "source"].into_iter()), None);
    }
}
