//! The append rules that need the ledger's state: what a stream is, whether it is open, and
//! what a correction may target. Pure: the store passes in what it has looked up.

use super::{At, Body, Event, FieldError, Problem, Stream};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What kind of stream an incident key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Unplanned,
    Maintenance,
    Service,
}

/// What the rules need to know about a stream, kept per stream by the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamState {
    pub kind: Kind,
    /// Revision of the stream's latest event.
    pub revision: u64,
    /// `at` of the stream's first event.
    pub opened_at: At,
    /// The type of the event that closed the stream, if one did.
    pub closed_by: Option<String>,
}

/// Types that may still be appended to a closed stream.
const AFTER_CLOSE: [&str; 5] = ["announced", "action_item", "note", "amended", "retracted"];

/// Checks `event` against its stream's state and, for corrections, against the `target` event
/// as the store found it (`None`: no event has that id).
pub fn check(
    state: Option<&StreamState>,
    event: &Event,
    target: Option<&Event>,
) -> Result<(), FieldError> {
    let stream = event.stream();
    let ty = event.type_name();
    match state {
        None => check_opening(&stream, event)?,
        Some(state) => check_open_stream(&stream, state, event)?,
    }
    match &event.body {
        Body::Amended {
            target: id, set, ..
        } => {
            let target = check_target(&stream, target, &id.to_string(), ty)?;
            let amended = amend(target, set)?;
            // The corrected event must keep the rules its original kept.
            if let Some(state) = state
                && let Err(e) = check_time(&stream, state, &amended)
            {
                return Err(FieldError {
                    field: format!("set.{}", e.field),
                    ..e
                });
            }
            Ok(())
        }
        Body::Retracted { target: id, .. } => {
            let target = check_target(&stream, target, &id.to_string(), ty)?;
            if matches!(target.body, Body::Retracted { .. }) {
                return Err(FieldError::new(
                    "target",
                    "a retraction cannot itself be retracted",
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The state of a stream after `event` (already checked) is appended at `revision`.
pub fn apply(state: Option<StreamState>, event: &Event, revision: u64) -> StreamState {
    apply_parts(state, event.type_name(), event.at, revision)
}

/// [`apply`] from just what it reads: the event's type and time (for readers that do not
/// decode whole events, such as `verify`).
pub fn apply_parts(
    state: Option<StreamState>,
    type_name: &str,
    at: At,
    revision: u64,
) -> StreamState {
    let mut state = state.unwrap_or_else(|| StreamState {
        kind: kind_opened_by(type_name).unwrap_or(Kind::Unplanned),
        revision,
        opened_at: at,
        closed_by: None,
    });
    state.revision = revision;
    let closes = matches!(
        type_name,
        "resolved" | "maintenance_completed" | "maintenance_cancelled" | "service_retired"
    );
    if closes && state.closed_by.is_none() {
        state.closed_by = Some(type_name.to_string());
    }
    state
}

/// The kind of stream an event of this type opens, if it opens one.
fn kind_opened_by(type_name: &str) -> Option<Kind> {
    match type_name {
        "detected" | "impact_started" => Some(Kind::Unplanned),
        "maintenance_scheduled" => Some(Kind::Maintenance),
        "service_commissioned" | "service_retired" => Some(Kind::Service),
        _ => None,
    }
}

/// The effective event after applying an amendment's `set` to its target: the target's JSON
/// with the fields replaced, parsed again by the same rules as any input line.
pub fn amend(target: &Event, set: &serde_json::Map<String, Value>) -> Result<Event, FieldError> {
    const FIXED: [&str; 5] = ["type", "incident", "service", "id", "expected_revision"];
    if let Some(key) = set.keys().find(|k| FIXED.contains(&k.as_str())) {
        return Err(FieldError::new("set", format!("`{key}` cannot be amended"))
            .with_problem(Problem::FixedField));
    }
    let mut json = target.to_json();
    for (k, v) in set {
        json.insert(k.clone(), v.clone());
    }
    super::parse::parse_object(json)
        .map(|s| s.event)
        .map_err(|e| FieldError {
            field: format!("set.{}", e.field),
            message: format!("{} (in the amended {})", e.message, target.type_name()),
            problem: e.problem,
        })
}

fn opening_kind(event: &Event) -> Option<Kind> {
    kind_opened_by(event.type_name())
}

fn check_opening(stream: &Stream, event: &Event) -> Result<(), FieldError> {
    let ty = event.type_name();
    match stream {
        Stream::Incident(key)
            if !matches!(
                opening_kind(event),
                Some(Kind::Unplanned | Kind::Maintenance)
            ) =>
        {
            Err(FieldError::new(
                "type",
                format!("incident {key} does not exist yet, and {ty} cannot open it"),
            )
            .with_problem(Problem::NotOpened))
        }
        Stream::Service(name) if opening_kind(event) != Some(Kind::Service) => {
            Err(FieldError::new(
                "service",
                format!("service {name} has no events to correct"),
            ))
        }
        _ => Ok(()),
    }
}

fn check_open_stream(
    stream: &Stream,
    state: &StreamState,
    event: &Event,
) -> Result<(), FieldError> {
    let ty = event.type_name();
    if let Some(closer) = &state.closed_by
        && !AFTER_CLOSE.contains(&ty)
    {
        return Err(FieldError::new(
            "type",
            format!("{stream} was closed by {closer}; {ty} cannot follow it"),
        )
        .with_problem(match stream {
            Stream::Incident(_) => Problem::ClosedIncident {
                may_follow: &AFTER_CLOSE,
            },
            Stream::Service(_) => Problem::RetiredService {
                may_follow: &AFTER_CLOSE,
            },
        }));
    }
    let wrong_kind = match opening_kind(event) {
        Some(Kind::Unplanned) => state.kind == Kind::Maintenance,
        Some(Kind::Maintenance) => state.kind == Kind::Unplanned,
        _ => {
            state.kind == Kind::Unplanned
                && matches!(
                    event.body,
                    Body::MaintenanceStarted {}
                        | Body::MaintenanceCompleted {}
                        | Body::MaintenanceCancelled {}
                )
        }
    };
    if wrong_kind {
        let kind = if state.kind == Kind::Unplanned {
            "an unplanned incident"
        } else {
            "a maintenance incident"
        };
        return Err(FieldError::new(
            "type",
            format!("{stream} is {kind}; {ty} does not belong to it"),
        )
        .with_problem(Problem::MixedKinds));
    }
    check_time(stream, state, event)
}

/// `restored` and `resolved` may not precede the stream's first event.
fn check_time(stream: &Stream, state: &StreamState, event: &Event) -> Result<(), FieldError> {
    let ty = event.type_name();
    if matches!(event.body, Body::Restored { .. } | Body::Resolved {})
        && event.at.compare(&state.opened_at).is_lt()
    {
        return Err(FieldError::new(
            "at",
            format!(
                "{ty} at {} is before the first event of {stream} ({})",
                event.at, state.opened_at
            ),
        )
        .with_problem(Problem::BeforeOpening));
    }
    Ok(())
}

fn check_target<'a>(
    stream: &Stream,
    target: Option<&'a Event>,
    id: &str,
    ty: &str,
) -> Result<&'a Event, FieldError> {
    let Some(target) = target else {
        return Err(FieldError::new("target", format!("no event has id {id}"))
            .with_problem(Problem::NoSuchTarget));
    };
    if target.stream() != *stream {
        return Err(FieldError::new(
            "target",
            format!("event {id} belongs to {}, not {stream}", target.stream()),
        )
        .with_problem(Problem::OtherStream));
    }
    if ty == "amended" && matches!(target.body, Body::Amended { .. } | Body::Retracted { .. }) {
        return Err(FieldError::new(
            "target",
            format!("event {id} is a correction; amend the original event instead"),
        ));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::parse_line;

    fn ev(line: &str) -> Event {
        parse_line(line).unwrap().event
    }

    fn opened() -> (StreamState, Event) {
        let open = ev(
            r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        );
        (apply(None, &open, 0), open)
    }

    #[test]
    fn an_incident_must_be_opened_first() {
        let e = ev(r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T03:21:00-04:00"}"#);
        assert_eq!(check(None, &e, None).unwrap_err().field, "type");
        let (state, _) = opened();
        assert!(check(Some(&state), &e, None).is_ok());
    }

    #[test]
    fn only_followups_after_resolved() {
        let (state, _) = opened();
        let resolved = ev(r#"{"type":"resolved","incident":"i","at":"2011-06-16T07:05:00-04:00"}"#);
        let closed = apply(Some(state), &resolved, 1);
        assert_eq!(closed.closed_by.as_deref(), Some("resolved"));
        let late = ev(r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T08:00:00-04:00"}"#);
        assert_eq!(check(Some(&closed), &late, None).unwrap_err().field, "type");
        let note =
            ev(r#"{"type":"note","incident":"i","at":"2011-06-17","text":"COX report due"}"#);
        assert!(check(Some(&closed), &note, None).is_ok());
    }

    #[test]
    fn restored_cannot_precede_the_first_event() {
        let (state, _) = opened();
        let early = ev(r#"{"type":"restored","incident":"i","at":"2011-06-16T07:19:00Z"}"#);
        assert_eq!(check(Some(&state), &early, None).unwrap_err().field, "at");
        let later = ev(r#"{"type":"restored","incident":"i","at":"2011-06-16T07:21:00Z"}"#);
        assert!(check(Some(&state), &later, None).is_ok());
    }

    #[test]
    fn corrections_need_a_target_in_the_same_stream_and_a_valid_result() {
        let (state, open) = opened();
        let id = "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41";
        let amend_at = ev(&format!(
            r#"{{"type":"amended","incident":"i","at":"2011-06-17","target":"{id}","set":{{"at":"2011-06-16T03:10:00-04:00"}}}}"#
        ));
        assert_eq!(
            check(Some(&state), &amend_at, None).unwrap_err().field,
            "target"
        );
        assert!(check(Some(&state), &amend_at, Some(&open)).is_ok());
        let bad = ev(&format!(
            r#"{{"type":"amended","incident":"i","at":"2011-06-17","target":"{id}","set":{{"level":"sideways"}}}}"#
        ));
        assert_eq!(
            check(Some(&state), &bad, Some(&open)).unwrap_err().field,
            "set.level"
        );
        let other =
            ev(r#"{"type":"detected","incident":"j","at":"2011-06-16","services":["dns"]}"#);
        assert_eq!(
            check(Some(&state), &amend_at, Some(&other))
                .unwrap_err()
                .field,
            "target"
        );
    }

    #[test]
    fn maintenance_and_outages_do_not_mix() {
        let (state, _) = opened();
        let started =
            ev(r#"{"type":"maintenance_started","incident":"i","at":"2011-06-16T04:00:00-04:00"}"#);
        assert_eq!(
            check(Some(&state), &started, None).unwrap_err().field,
            "type"
        );
    }
}
