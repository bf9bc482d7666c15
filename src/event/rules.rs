//! The append rules that need the ledger's state: what a stream is, whether it is open, and
//! what a correction may target. Pure: the store passes in what it has looked up.

use super::{At, Body, Event, EventType, FieldError, NotBefore, Problem, Stream};
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
    /// The type of the event that closed the stream, if one did (stored as its name).
    pub closed_by: Option<EventType>,
}

/// An incident as the rules see it, read from the same fold of its *effective* events
/// (amendments and retractions applied) that every report reads: whatever a report shows about
/// an incident's state, the rules agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub kind: Kind,
    /// The time of its first event (in time order).
    pub opened: At,
    /// The first `detected`, if any.
    pub detected: Option<At>,
    /// When it was closed (the last `resolved` not followed by a `reopened`, or the end of a
    /// maintenance), and by which type; `None` while it is open.
    pub closed: Option<(At, EventType)>,
    /// A maintenance's planned window.
    pub window: Option<(At, At)>,
    /// The latest restore (partial or full), if any: a resolve before it is a typo.
    pub restored: Option<At>,
}

/// What the rules are told about the append besides the stream.
#[derive(Debug, Clone, Copy)]
pub struct Check<'a> {
    /// The kept state of the stream (its revision; for service streams, whether retired).
    pub state: Option<&'a StreamState>,
    /// For an incident stream with effective events: its standing.
    pub standing: Option<&'a Standing>,
    /// For a correction: the target as the store found it (`None`: no event has that id).
    pub target: Option<&'a Event>,
    /// When the event is recorded: an `at` more than a day after it is implausible.
    pub recorded_at: time::OffsetDateTime,
    /// The writer said the times are right (`--force`): skip the plausibility rules.
    pub force: bool,
}

/// Checks `event` against its stream as the store found it.
pub fn check(event: &Event, with: &Check<'_>) -> Result<(), FieldError> {
    let stream = event.stream();
    let ty = event.event_type();
    match (&stream, with.state, with.standing) {
        (_, None, _) => check_opening(&stream, event)?,
        // Every event of the incident was retracted: it must be opened again (or corrected).
        (Stream::Incident(_), Some(_), None) if !ty.is_correction() => {
            check_opening(&stream, event)?;
        }
        (Stream::Incident(_), Some(_), None) => {}
        (Stream::Incident(_), Some(_), Some(standing)) => {
            check_incident(&stream, standing, event)?;
        }
        (Stream::Service(_), Some(state), _) => check_service(&stream, state, event)?,
    }
    if !with.force {
        plausible(&stream, with, event)?;
    }
    match &event.body {
        Body::Amended {
            target: id, set, ..
        } => {
            let target = check_target(&stream, with.target, &id.to_string(), ty)?;
            let amended = amend(target, set)?;
            // The corrected event must keep the rules its original kept.
            if !with.force
                && let Err(e) = plausible(&stream, with, &amended)
            {
                return Err(FieldError {
                    field: format!("set.{}", e.field),
                    ..e
                });
            }
            Ok(())
        }
        Body::Retracted { target: id, .. } => {
            check_target(&stream, with.target, &id.to_string(), ty).map(|_| ())
        }
        _ => Ok(()),
    }
}

fn check_incident(stream: &Stream, standing: &Standing, event: &Event) -> Result<(), FieldError> {
    let ty = event.event_type();
    match (standing.closed, &event.body) {
        (None, Body::Reopened { .. }) => {
            return Err(FieldError::new(
                "type",
                format!("{stream} is open; reopened follows only a resolved incident"),
            )
            .with_problem(Problem::NotClosed));
        }
        (Some((closed, _)), Body::Reopened { .. }) if event.at.compare(&closed).is_lt() => {
            return Err(FieldError::new(
                "at",
                format!(
                    "reopened at {} is before {stream} was resolved ({closed})",
                    event.at
                ),
            )
            .with_problem(Problem::BeforeClose));
        }
        // After the close: follow-ups, corrections and `reopened`; anything else only as a
        // late entry, when it occurred at or before the close.
        (Some((closed, closer)), _) if !ty.after_close() && event.at.compare(&closed).is_gt() => {
            return Err(FieldError::new(
                "type",
                format!(
                    "{stream} was closed by {closer} at {closed}; {ty} at {} cannot follow it",
                    event.at
                ),
            )
            .with_problem(Problem::ClosedIncident {
                may_follow: EventType::AFTER_CLOSE,
            }));
        }
        _ => {}
    }
    check_kind(stream, standing.kind, event)
}

fn check_service(stream: &Stream, state: &StreamState, event: &Event) -> Result<(), FieldError> {
    let ty = event.event_type();
    if let Some(closer) = state.closed_by
        && !ty.after_retired()
    {
        return Err(FieldError::new(
            "type",
            format!("{stream} was closed by {closer}; {ty} cannot follow it"),
        )
        .with_problem(Problem::RetiredService {
            may_follow: EventType::AFTER_RETIRED,
        }));
    }
    check_kind(stream, state.kind, event)
}

fn check_kind(stream: &Stream, kind: Kind, event: &Event) -> Result<(), FieldError> {
    let ty = event.event_type();
    // Outage events in a maintenance, or the other way round (service events never reach an
    // incident stream: the parser sees to that).
    let wrong_kind = matches!(
        (ty.belongs_to(), kind),
        (Some(Kind::Unplanned), Kind::Maintenance) | (Some(Kind::Maintenance), Kind::Unplanned)
    );
    if wrong_kind {
        let kind = if kind == Kind::Unplanned {
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
    Ok(())
}

/// Times that are almost certainly typos (DESIGN section 2), refused unless forced: a response
/// or an end before the incident began (an acknowledgement before the detection), a maintenance
/// started more than a day before its window, anything more than a day after it is recorded.
fn plausible(stream: &Stream, with: &Check<'_>, event: &Event) -> Result<(), FieldError> {
    let ty = event.type_name();
    let day = time::Duration::DAY;
    let ahead = match event.at {
        At::Instant(t) => with.recorded_at.checked_add(day).is_some_and(|l| t > l),
        // A day is ahead when it starts more than a day after the recording's day.
        At::Day(d) => with
            .recorded_at
            .date()
            .next_day()
            .is_some_and(|tomorrow| d > tomorrow),
    };
    if ahead {
        return Err(FieldError::new(
            "at",
            format!(
                "{ty} at {} is more than a day after it is recorded ({})",
                event.at,
                super::time::format_instant(with.recorded_at)
            ),
        )
        .with_problem(Problem::Implausible));
    }
    let Some(standing) = with.standing else {
        return Ok(());
    };
    if let (EventType::Resolved, Some(restored)) = (event.event_type(), standing.restored)
        && event.at.compare(&restored).is_lt()
    {
        return Err(FieldError::new(
            "at",
            format!(
                "resolved at {} is before the restore at {restored} in {stream}",
                event.at
            ),
        )
        .with_problem(Problem::BeforeOpening));
    }
    let (bound, what) = match (event.event_type().not_before(), standing.detected) {
        (Some(NotBefore::Detection), Some(detected)) => (detected, "its detection"),
        (Some(NotBefore::Detection | NotBefore::FirstEvent), _) => {
            (standing.opened, "its first event")
        }
        (None, _) => return Ok(()),
    };
    if event.at.compare(&bound).is_lt() {
        return Err(FieldError::new(
            "at",
            format!(
                "{ty} at {} is before {what} in {stream} ({bound})",
                event.at
            ),
        )
        .with_problem(Problem::BeforeOpening));
    }
    if let (Body::MaintenanceStarted {}, Some((At::Instant(start), _)), At::Instant(t)) =
        (&event.body, standing.window, event.at)
        && start.checked_sub(day).is_some_and(|limit| t < limit)
    {
        return Err(FieldError::new(
            "at",
            format!(
                "maintenance_started at {} is more than a day before its window ({})",
                event.at,
                super::time::format_instant(start)
            ),
        )
        .with_problem(Problem::Implausible));
    }
    Ok(())
}

/// The state of a stream after `event` (already checked) is appended at `revision`.
pub fn apply(state: Option<StreamState>, event: &Event, revision: u64) -> StreamState {
    apply_parts(state, event.event_type(), event.at, revision)
}

/// [`apply`] from just what it reads: the event's type and time (for readers that do not
/// decode whole events, such as `verify`).
pub fn apply_parts(
    state: Option<StreamState>,
    ty: EventType,
    at: At,
    revision: u64,
) -> StreamState {
    let mut state = state.unwrap_or_else(|| StreamState {
        kind: ty.opens().unwrap_or(Kind::Unplanned),
        revision,
        opened_at: at,
        closed_by: None,
    });
    state.revision = revision;
    if ty.closes() && state.closed_by.is_none() {
        state.closed_by = Some(ty);
    }
    state
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

fn check_opening(stream: &Stream, event: &Event) -> Result<(), FieldError> {
    let ty = event.event_type();
    match stream {
        Stream::Incident(key)
            if !matches!(ty.opens(), Some(Kind::Unplanned | Kind::Maintenance)) =>
        {
            Err(FieldError::new(
                "type",
                format!("incident {key} does not exist yet, and {ty} cannot open it"),
            )
            .with_problem(Problem::NotOpened))
        }
        Stream::Service(name) if ty.opens() != Some(Kind::Service) => Err(FieldError::new(
            "service",
            format!("service {name} has no events to correct"),
        )),
        _ => Ok(()),
    }
}

fn check_target<'a>(
    stream: &Stream,
    target: Option<&'a Event>,
    id: &str,
    ty: EventType,
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
    if ty == EventType::Amended && target.event_type().is_correction() {
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

    const NOW: time::OffsetDateTime = time::macros::datetime!(2011-06-20 12:00 UTC);

    /// Checks `e` against an incident opened by `open` (and closed at `closed`, if given).
    fn check_with(
        open: &Event,
        closed: Option<&str>,
        e: &Event,
        target: Option<&Event>,
    ) -> Result<(), FieldError> {
        check_forced(open, closed, e, target, false)
    }

    fn check_forced(
        open: &Event,
        closed: Option<&str>,
        e: &Event,
        target: Option<&Event>,
        force: bool,
    ) -> Result<(), FieldError> {
        let state = apply(None, open, 0);
        let standing = Standing {
            kind: open.event_type().opens().unwrap(),
            opened: open.at,
            detected: matches!(open.body, Body::Detected { .. }).then_some(open.at),
            closed: closed.map(|c| (At::parse(c).unwrap(), EventType::Resolved)),
            window: None,
            restored: None,
        };
        check(
            e,
            &Check {
                state: Some(&state),
                standing: Some(&standing),
                target,
                recorded_at: NOW,
                force,
            },
        )
    }

    fn opened() -> Event {
        ev(
            r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        )
    }

    #[test]
    fn an_incident_must_be_opened_first() {
        let e = ev(r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T03:21:00-04:00"}"#);
        let first = Check {
            state: None,
            standing: None,
            target: None,
            recorded_at: NOW,
            force: false,
        };
        assert_eq!(check(&e, &first).unwrap_err().field, "type");
        assert!(check_with(&opened(), None, &e, None).is_ok());
    }

    #[test]
    fn after_the_close_only_followups_late_entries_and_reopened() {
        let closed = Some("2011-06-16T07:05:00-04:00");
        let late = ev(r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T08:00:00-04:00"}"#);
        assert_eq!(
            check_with(&opened(), closed, &late, None)
                .unwrap_err()
                .field,
            "type"
        );
        // It happened before the close: a late entry, accepted whenever it is written.
        let forgotten = ev(
            r#"{"type":"restore_step","incident":"i","at":"2011-06-16T05:20:00-04:00","summary":"reboot"}"#,
        );
        assert!(check_with(&opened(), closed, &forgotten, None).is_ok());
        let note =
            ev(r#"{"type":"note","incident":"i","at":"2011-06-17","text":"COX report due"}"#);
        assert!(check_with(&opened(), closed, &note, None).is_ok());
        let reopened = ev(r#"{"type":"reopened","incident":"i","at":"2011-06-16T09:00:00-04:00"}"#);
        assert!(check_with(&opened(), closed, &reopened, None).is_ok());
        assert_eq!(
            check_with(&opened(), None, &reopened, None)
                .unwrap_err()
                .field,
            "type"
        );
        let too_early =
            ev(r#"{"type":"reopened","incident":"i","at":"2011-06-16T07:00:00-04:00"}"#);
        assert_eq!(
            check_with(&opened(), closed, &too_early, None)
                .unwrap_err()
                .field,
            "at"
        );
    }

    #[test]
    fn implausible_times_are_refused_unless_forced() {
        let early = ev(r#"{"type":"restored","incident":"i","at":"2011-06-16T07:19:00Z"}"#);
        assert_eq!(
            check_with(&opened(), None, &early, None).unwrap_err().field,
            "at"
        );
        let later = ev(r#"{"type":"restored","incident":"i","at":"2011-06-16T07:21:00Z"}"#);
        assert!(check_with(&opened(), None, &later, None).is_ok());
        let ack = ev(r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T02:27:00-04:00"}"#);
        let err = check_with(&opened(), None, &ack, None).unwrap_err();
        assert_eq!(err.problem, Some(Problem::BeforeOpening));
        let ahead = ev(r#"{"type":"note","incident":"i","at":"2062-06-16","text":"x"}"#);
        let ahead_at =
            ev(r#"{"type":"note","incident":"i","at":"2062-06-16T00:00:00Z","text":"x"}"#);
        assert_eq!(
            check_with(&opened(), None, &ahead, None)
                .unwrap_err()
                .problem,
            Some(Problem::Implausible),
            "a day ahead is as implausible as an instant"
        );
        assert_eq!(
            check_with(&opened(), None, &ahead_at, None)
                .unwrap_err()
                .problem,
            Some(Problem::Implausible)
        );
        assert!(check_forced(&opened(), None, &ahead_at, None, true).is_ok());
        assert!(check_forced(&opened(), None, &ack, None, true).is_ok());
    }

    #[test]
    fn corrections_need_a_target_in_the_same_stream_and_a_valid_result() {
        let open = opened();
        let id = "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41";
        let amend_at = ev(&format!(
            r#"{{"type":"amended","incident":"i","at":"2011-06-17","target":"{id}","set":{{"at":"2011-06-16T03:10:00-04:00"}}}}"#
        ));
        assert_eq!(
            check_with(&open, None, &amend_at, None).unwrap_err().field,
            "target"
        );
        assert!(check_with(&open, None, &amend_at, Some(&open)).is_ok());
        let bad = ev(&format!(
            r#"{{"type":"amended","incident":"i","at":"2011-06-17","target":"{id}","set":{{"level":"sideways"}}}}"#
        ));
        assert_eq!(
            check_with(&open, None, &bad, Some(&open))
                .unwrap_err()
                .field,
            "set.level"
        );
        let other =
            ev(r#"{"type":"detected","incident":"j","at":"2011-06-16","services":["dns"]}"#);
        assert_eq!(
            check_with(&open, None, &amend_at, Some(&other))
                .unwrap_err()
                .field,
            "target"
        );
    }

    #[test]
    fn a_stream_state_stores_its_closer_by_name() {
        let state = apply(
            Some(apply(None, &opened(), 0)),
            &ev(r#"{"type":"resolved","incident":"i","at":"2011-06-16T07:05:00-04:00"}"#),
            1,
        );
        assert_eq!(state.closed_by, Some(EventType::Resolved));
        let json = serde_json::to_value(&state).unwrap();
        assert_eq!(json["closed_by"], "resolved");
        assert_eq!(serde_json::from_value::<StreamState>(json).unwrap(), state);
    }

    #[test]
    fn maintenance_and_outages_do_not_mix() {
        let started =
            ev(r#"{"type":"maintenance_started","incident":"i","at":"2011-06-16T04:00:00-04:00"}"#);
        assert_eq!(
            check_with(&opened(), None, &started, None)
                .unwrap_err()
                .field,
            "type"
        );
    }
}
