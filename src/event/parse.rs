//! Parsing one JSON line into an [`Event`], field by field, so every error names its field.

use super::fields::{Fields, Targets, missing};
use super::limits;
use super::rules::Kind;
use super::target::TargetRef;
use super::{Body, Event, Problem};
use serde_json::{Map, Value};
use uuid::Uuid;

pub use super::suggest::suggest;

/// What a writer submitted: the event plus the fields that steer the append.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub event: Event,
    /// The writer's id for the event (makes retries idempotent).
    pub id: Option<Uuid>,
    /// Append only if the stream's latest revision is this one.
    pub expected_revision: Option<u64>,
    /// How a correction of new input named its target ([`parse_input`]). Until the store
    /// [resolves](Submission::resolve) a seq or an id prefix, the body's `target` is the nil
    /// UUID; `None` for other events and for corrections read as stored ([`parse_object`]).
    pub target: Option<TargetRef>,
}

/// A field that is missing, malformed or not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if field == "-" { String::new() } else { format!("{field}: ") })]
pub struct FieldError {
    /// The JSON field at fault (`-` when the line itself is at fault).
    pub field: String,
    pub message: String,
    /// What kind of problem it is, for the layer that advises the writer.
    pub problem: Option<Problem>,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message: message.into(),
            problem: None,
        }
    }

    pub fn with_problem(mut self, problem: Problem) -> FieldError {
        self.problem = Some(problem);
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

/// Parses one line of JSON Lines input: one JSON object, no key twice (see [`json`]).
///
/// [`json`]: super::json
pub fn parse_line(line: &str) -> Result<Submission, FieldError> {
    if line.len() > limits::MAX_LINE_BYTES {
        return Err(limits::line_too_long(limits::MAX_LINE_BYTES));
    }
    if line.starts_with('\u{feff}') {
        return Err(FieldError::new(
            "-",
            "starts with a UTF-8 byte order mark; save the file without it",
        ));
    }
    let map = super::json::read_object(line.as_bytes()).map_err(|e| {
        if e.field == "-" {
            e.with_problem(Problem::NotAnObject)
        } else {
            e
        }
    })?;
    parse_input(map)
}

/// Parses one event object of new input: [`parse_object`] after the input limits
/// ([`limits::check_input`]), except that a correction's `target` may also be a seq or an id
/// prefix ([`TargetRef`]), kept in [`Submission::target`] for the store to resolve.
pub fn parse_input(map: Map<String, Value>) -> Result<Submission, FieldError> {
    limits::check_input(&map)?;
    parse_with(map, Targets::References)
}

/// Parses one event object by every rule of its fields, but not the limits of new input, so
/// that it also reads events stored before a limit existed (and the results of amendments).
/// A correction's `target` must be a full id, as stored.
pub fn parse_object(map: Map<String, Value>) -> Result<Submission, FieldError> {
    parse_with(map, Targets::Ids)
}

fn parse_with(map: Map<String, Value>, targets: Targets) -> Result<Submission, FieldError> {
    let mut f = Fields::new(map, targets);
    let ty = f.event_type()?;
    f.reject_unknown(ty)?;

    let service_event = ty.belongs_to() == Some(Kind::Service);
    let correction = ty.is_correction();
    let incident = f.opt_name("incident")?;
    let service = f.opt_name("service")?;
    match (&incident, &service) {
        (Some(_), _) if service_event => {
            return Err(FieldError::new(
                "incident",
                format!("{ty} belongs to a service, not an incident"),
            )
            .with_problem(Problem::IncidentOnServiceEvent));
        }
        (None, None) if service_event => return Err(missing("service", ty)),
        (Some(_), Some(_)) => {
            return Err(FieldError::new(
                "service",
                "give either `incident` or `service`, not both",
            ));
        }
        (None, None) if correction => {
            return Err(missing("incident", ty).with_problem(Problem::CorrectionWithoutStream));
        }
        (None, None) => return Err(missing("incident", ty)),
        _ => {}
    }

    let at = f.req_at("at")?;
    let approximate = f.opt_bool("approximate")?.unwrap_or(false);
    let id = f.opt_uuid("id")?;
    let actor = f.opt_text("actor")?;
    let summary = f.opt_line("summary")?;
    let expected_revision = f.opt_count("expected_revision")?;
    if ty.requires_summary() && summary.is_none() {
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
        target: f.take_reference(),
    })
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
        assert_eq!(
            err(r#"{"type":"detectd"}"#).problem,
            Some(Problem::EventType {
                suggestion: Some("detected")
            })
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

    /// A note on incident `i` with `extra` fields spliced in.
    fn note(extra: &str) -> String {
        format!(r#"{{"type":"note","incident":"i","at":"2011-06-16","text":"t"{extra}}}"#)
    }

    #[test]
    fn refuses_each_bad_line_with_its_field_and_message() {
        let amend = |set: &str| {
            format!(
                r#"{{"type":"amended","incident":"i","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41","set":{set}}}"#
            )
        };
        let cases: Vec<(String, &str, &str)> = vec![
            (note(r#","at":"2011-06-17""#), "at", "duplicate field"),
            (
                amend(r#"{"at":"2011-06-16","at":"2011-06-15"}"#),
                "set.at",
                "duplicate field",
            ),
            (
                format!("{} x", note("")),
                "-",
                "trailing data after the JSON object (column 61)",
            ),
            (
                format!("\u{feff}{}", note("")),
                "-",
                "starts with a UTF-8 byte order mark; save the file without it",
            ),
            (
                note(r#","expected_revision":null"#),
                "expected_revision",
                "must be a whole number >= 0, not null",
            ),
            (
                note(r#","expected_revision":-1"#),
                "expected_revision",
                "must be a whole number >= 0, not -1",
            ),
            (
                note(r#","expected_revision":-0"#),
                "expected_revision",
                "must be a whole number >= 0, not -0.0",
            ),
            (
                note(r#","expected_revision":1.0"#),
                "expected_revision",
                "must be a whole number >= 0, not 1.0",
            ),
            (
                note(r#","expected_revision":"1""#),
                "expected_revision",
                "must be a whole number >= 0, not \"1\"",
            ),
            (
                note(r#","expected_revision":18446744073709551616"#),
                "expected_revision",
                "must be a whole number >= 0, not 1.8446744073709552e+19",
            ),
            (
                r#"{"type":"note","incident":"i","at":"2016-12-31T23:59:60Z","text":"t"}"#.into(),
                "at",
                "`2016-12-31T23:59:60Z`: leap seconds are not supported",
            ),
            (
                r#"{"type":"note","incident":"i","at":"2011-06-16T03:30:00.123456789012Z","text":"t"}"#.into(),
                "at",
                "`2011-06-16T03:30:00.123456789012Z` has more than 9 fractional digits",
            ),
            (
                note(r#","id":"00000000-0000-0000-0000-000000000000""#),
                "id",
                "the nil UUID cannot identify an event",
            ),
            (
                note(&format!(r#","summary":"{}""#, "x".repeat(1025))),
                "summary",
                "is 1025 bytes long; the limit is 1024",
            ),
            (
                r#"{"type":"note","incident":"i","at":"9999-12-31","text":"t"}"#.into(),
                "at",
                "year 9999 is outside the years logbook accepts, 1900 to 2999",
            ),
            (
                amend(r#"{"due":"9999-12-31"}"#),
                "set.due",
                "year 9999 is outside the years logbook accepts, 1900 to 2999",
            ),
            (
                note(&format!(r#","summary":"{}""#, " ".repeat(70_000))),
                "-",
                "is longer than 65536 bytes, the limit for one line",
            ),
        ];
        for (line, field, message) in &cases {
            let e = err(line);
            assert_eq!(
                (e.field.as_str(), e.message.as_str()),
                (*field, *message),
                "{line}"
            );
        }
    }

    #[test]
    fn rejects_a_window_that_ends_before_it_starts() {
        let e = err(
            r#"{"type":"maintenance_scheduled","incident":"m","at":"2011-05-20","services":["mail"],"window_start":"2011-05-30","window_end":"2011-05-28"}"#,
        );
        assert_eq!(e.field, "window_end");
    }
}
