//! Hints for refused lines: the command line's advice for each kind of [`Problem`] the core
//! reports (DESIGN section 7), naming `logbook` commands where they help.

use logbook::event::parse::COMMON_FIELDS;
use logbook::event::{Problem, TYPES};

/// The `hint:` line for a problem.
pub fn hint(problem: &Problem) -> String {
    match problem {
        Problem::NotAnObject => "each line must be one JSON object, e.g. {\"type\":\"acknowledged\",\"incident\":\"db-outage\",\"at\":\"2011-06-16T03:25:00-04:00\"}".into(),
        Problem::NotUtf8 => "save the file as UTF-8".into(),
        Problem::EventType { suggestion } => did_you_mean(
            *suggestion,
            format!("valid types: {}", TYPES.join(", ")),
        ),
        Problem::UnknownField {
            ty,
            fields,
            suggestion,
        } => {
            let fields = if fields.is_empty() {
                "none".to_string()
            } else {
                fields.join(", ")
            };
            did_you_mean(
                *suggestion,
                format!(
                    "fields of {ty}: {fields}; common fields: {}",
                    COMMON_FIELDS[1..].join(", ")
                ),
            )
        }
        Problem::NullPrecondition { field } => {
            format!("leave `{field}` out to append without the check")
        }
        Problem::MultiLine | Problem::ShortTextTooLong => {
            "put longer text in a note's \"text\"".into()
        }
        Problem::NotAUuid => {
            "write it as 8-4-4-4-12 hex digits, e.g. 0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41".into()
        }
        Problem::BadName => {
            "keys look like 2011-06-16-upstream-routing: [A-Za-z0-9][A-Za-z0-9._:-]{0,127}".into()
        }
        Problem::NotAServiceList => "a list of service names, e.g. [\"mail\", \"web-1\"]".into(),
        Problem::NotATime => "write an RFC 3339 time with its offset, e.g. 2011-06-16T03:20:00-04:00 or 2011-06-16T07:20:00Z, or a day, e.g. 2011-06-16".into(),
        Problem::LeapSecond => "write the second before it, e.g. 23:59:59".into(),
        Problem::TooPrecise => "keep at most 9 digits after the point (nanoseconds)".into(),
        Problem::NoTime => {
            "when it happened, e.g. 2011-06-16T03:20:00-04:00 or 2011-06-16".into()
        }
        Problem::SetNotAnObject => {
            "e.g. \"set\": {\"at\": \"2011-06-16T03:10:00-04:00\"}".into()
        }
        Problem::TooManyServices => {
            "later events (impact_changed, restored) can name other services".into()
        }
        Problem::TextTooLong => "put more in several notes".into(),
        Problem::ReservedId => {
            "leave `id` out and logbook assigns one, or use a random UUID (uuidgen)".into()
        }
        Problem::IncidentOnServiceEvent => "name the service with \"service\" instead".into(),
        Problem::CorrectionWithoutStream => "corrections go to the incident (or, with \"service\", the service) of the event they correct".into(),
        Problem::FixedField => "retract the event and append a corrected one instead".into(),
        Problem::NotOpened => "open an incident with detected, impact_started or maintenance_scheduled; check the key for typos with `logbook log --incident KEY`".into(),
        Problem::ClosedIncident { may_follow } => format!(
            "an event that happened before the close is accepted as a late entry; after it only {} may follow (reopened: the impact came back)",
            may_follow.join(", ")
        ),
        Problem::RetiredService { may_follow } => {
            format!("only {} may follow a retirement", may_follow.join(", "))
        }
        Problem::MixedKinds => "record an outage during maintenance (or maintenance after an outage) as its own incident".into(),
        Problem::BeforeOpening => "check the date and offset; if the first event's time is wrong, amend it; if both times are right, append with --force".into(),
        Problem::Implausible => "check the date and offset; if the time is right, append with --force".into(),
        Problem::NotClosed => "record more impact with impact_changed while the incident is open".into(),
        Problem::BeforeClose => "date the reopening at or after the resolve, or amend the resolve".into(),
        Problem::NotATarget => "name the event by its seq as `logbook log` shows it (27, or \"#27\"), by its id, or by the first 8 or more hex digits of its id".into(),
        Problem::NoSuchTarget => {
            "`logbook log` shows each event's seq, `logbook log --format json` its id".into()
        }
        Problem::AmbiguousTarget => "or name the event by its seq, which `logbook log` shows".into(),
        Problem::OtherStream => "a correction goes to the stream of the event it corrects".into(),
        Problem::NearService => "use the known name; if it really is another service, say so with --new-service NAME".into(),
        Problem::NearVendor => "use the vendor's name as the incident already spells it, so its response time can be measured".into(),
        Problem::Retracted => "retracting a retraction reinstates the event it withdrew".into(),
        Problem::IdReused => "an id names one event for good: reuse it only to retry the very same event, or leave it out".into(),
        Problem::StaleRevision => "another writer appended first: read the stream again (logbook log --incident KEY --format json) and retry".into(),
    }
}

/// `hint`, led by "did you mean ...?" when there is a suggestion.
fn did_you_mean(suggestion: Option<&str>, hint: String) -> String {
    match suggestion {
        Some(s) => format!("did you mean `{s}`? {hint}"),
        None => hint,
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::CommandError;
    use logbook::event::{FieldError, Problem};
    use logbook::store::AppendError;

    #[test]
    fn a_refused_line_shows_the_hint_for_its_problem_then_that_nothing_was_written() {
        let error = FieldError::new("-", "is not valid UTF-8").with_problem(Problem::NotUtf8);
        let err = CommandError::from(AppendError::Rejected { line: 3, error });
        assert_eq!(
            err.render(),
            "error: line 3: is not valid UTF-8\nhint: save the file as UTF-8\nhint: nothing was written: an append is all or nothing\n"
        );
        let error = FieldError::new("type", "required");
        let err = CommandError::from(AppendError::Rejected { line: 1, error });
        assert_eq!(
            err.hints,
            ["nothing was written: an append is all or nothing"]
        );
    }
}
