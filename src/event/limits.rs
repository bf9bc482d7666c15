//! The limits of input, in one place: how long a line and a text may be, how many services one
//! event may name, which years a time may be in, and which ids are reserved.
//!
//! They bound the work one line can cause (no line can hold the ledger for long) and keep
//! values within what every report can show. They apply to new input only ([`check_input`],
//! called by [`parse_input`]): events stored before a limit existed are still read, exported
//! and imported as they are.
//!
//! [`parse_input`]: super::parse::parse_input

use super::{At, FieldError, Problem};
use serde_json::{Map, Value};
use std::ops::RangeInclusive;
use uuid::Uuid;

/// The longest input line, in bytes, not counting its line ending. A longer line is refused
/// without being read to its end.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The longest line `import` reads, in bytes: an export may hold events stored before
/// [`MAX_LINE_BYTES`] existed, and restoring a backup must not fail on them.
pub const MAX_IMPORT_LINE_BYTES: usize = 16 * 1024 * 1024;

/// The most services one event may name in `services`.
pub const MAX_SERVICES: usize = 100;

/// The fields of free text, which may span lines: up to [`MAX_TEXT_BYTES`] each.
pub const TEXT_FIELDS: [&str; 3] = ["text", "cause", "reason"];

/// The longest value of a [`TEXT_FIELDS`] field, in bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 8 * 1024;

/// The longest value of any other string field (`summary`, `title`, `actor`, `to`, `vendor`,
/// `ticket`, `channel`, `contact`, `audience`, `url`, `owner`, ...), in bytes of UTF-8.
pub const MAX_SHORT_TEXT_BYTES: usize = 1024;

/// The fields that hold a time.
pub const TIME_FIELDS: [&str; 4] = ["at", "window_start", "window_end", "due"];

/// The years a time may be in, as written (in its own offset). Far enough either way for any
/// real incident, and far enough from the limits of date arithmetic that a report in any zone
/// can show them.
pub const YEARS: RangeInclusive<i32> = 1900..=2999;

/// Checks the limits on the fields of one input object, and on the fields an amendment's `set`
/// replaces (named `set.FIELD`). Leaves every other check to the parser: a value of the wrong
/// kind passes here and is refused there.
pub fn check_input(map: &Map<String, Value>) -> Result<(), FieldError> {
    check_fields(map, "")
}

/// The error for a line longer than `limit` bytes ([`MAX_LINE_BYTES`] for input).
pub fn line_too_long(limit: usize) -> FieldError {
    FieldError::new(
        "-",
        format!("is longer than {limit} bytes, the limit for one line"),
    )
}

fn check_fields(map: &Map<String, Value>, prefix: &str) -> Result<(), FieldError> {
    for (key, value) in map {
        let field = format!("{prefix}{key}");
        match (key.as_str(), value) {
            ("set", Value::Object(set)) if prefix.is_empty() => check_fields(set, "set.")?,
            ("services", Value::Array(items)) if items.len() > MAX_SERVICES => {
                return Err(FieldError::new(
                    &field,
                    format!(
                        "names {} services; the limit is {MAX_SERVICES}",
                        items.len()
                    ),
                )
                .with_problem(Problem::TooManyServices));
            }
            (_, Value::String(text)) => check_string(key, &field, text)?,
            _ => {}
        }
    }
    Ok(())
}

fn check_string(key: &str, field: &str, text: &str) -> Result<(), FieldError> {
    let (limit, problem) = if TEXT_FIELDS.contains(&key) {
        (MAX_TEXT_BYTES, Problem::TextTooLong)
    } else {
        (MAX_SHORT_TEXT_BYTES, Problem::ShortTextTooLong)
    };
    if text.len() > limit {
        return Err(FieldError::new(
            field,
            format!("is {} bytes long; the limit is {limit}", text.len()),
        )
        .with_problem(problem));
    }
    if TIME_FIELDS.contains(&key)
        && let Some(at) = At::parse(text)
        && !YEARS.contains(&at.date().year())
    {
        return Err(FieldError::new(
            field,
            format!(
                "year {} is outside the years logbook accepts, {} to {}",
                at.date().year(),
                YEARS.start(),
                YEARS.end()
            ),
        ));
    }
    if key == "id"
        && let Ok(id) = Uuid::try_parse(text)
        && (id.is_nil() || id.is_max())
    {
        let which = if id.is_nil() { "nil" } else { "max" };
        return Err(
            FieldError::new(field, format!("the {which} UUID cannot identify an event"))
                .with_problem(Problem::ReservedId),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str) -> Result<(), FieldError> {
        match serde_json::from_str(json).unwrap() {
            Value::Object(map) => check_input(&map),
            _ => unreachable!(),
        }
    }

    #[test]
    fn refuses_what_is_over_a_limit_naming_the_field() {
        let services =
            |n: usize| serde_json::to_string(&(0..n).map(|i| format!("s{i}")).collect::<Vec<_>>());
        let cases: Vec<(String, &str, String)> = vec![
            (
                format!(r#"{{"services":{}}}"#, services(101).unwrap()),
                "services",
                "names 101 services; the limit is 100".into(),
            ),
            (
                format!(r#"{{"set":{{"services":{}}}}}"#, services(200).unwrap()),
                "set.services",
                "names 200 services; the limit is 100".into(),
            ),
            (
                format!(r#"{{"text":"{}"}}"#, "x".repeat(8193)),
                "text",
                "is 8193 bytes long; the limit is 8192".into(),
            ),
            (
                format!(r#"{{"cause":"{}"}}"#, "é".repeat(4097)),
                "cause",
                "is 8194 bytes long; the limit is 8192".into(),
            ),
            (
                format!(r#"{{"summary":"{}"}}"#, "x".repeat(1025)),
                "summary",
                "is 1025 bytes long; the limit is 1024".into(),
            ),
            (
                format!(r#"{{"set":{{"title":"{}"}}}}"#, "x".repeat(1025)),
                "set.title",
                "is 1025 bytes long; the limit is 1024".into(),
            ),
            (
                r#"{"at":"9999-12-31T23:59:59Z"}"#.into(),
                "at",
                "year 9999 is outside the years logbook accepts, 1900 to 2999".into(),
            ),
            (
                r#"{"window_end":"3000-01-01"}"#.into(),
                "window_end",
                "year 3000 is outside the years logbook accepts, 1900 to 2999".into(),
            ),
            (
                r#"{"due":"1899-12-31T23:59:59+14:00"}"#.into(),
                "due",
                "year 1899 is outside the years logbook accepts, 1900 to 2999".into(),
            ),
            (
                r#"{"set":{"at":"0001-01-01"}}"#.into(),
                "set.at",
                "year 1 is outside the years logbook accepts, 1900 to 2999".into(),
            ),
            (
                r#"{"id":"00000000-0000-0000-0000-000000000000"}"#.into(),
                "id",
                "the nil UUID cannot identify an event".into(),
            ),
            (
                r#"{"id":"FFFFFFFF-FFFF-ffff-ffff-ffffffffffff"}"#.into(),
                "id",
                "the max UUID cannot identify an event".into(),
            ),
        ];
        for (json, field, message) in &cases {
            let e = check(json).expect_err(json);
            assert_eq!((e.field.as_str(), &e.message), (*field, message), "{json}");
        }
    }

    #[test]
    fn accepts_what_is_at_a_limit_and_leaves_the_rest_to_the_parser() {
        let names: Vec<String> = (0..100).map(|i| format!("s{i}")).collect();
        for ok in [
            format!(
                r#"{{"services":{}}}"#,
                serde_json::to_string(&names).unwrap()
            ),
            format!(r#"{{"text":"{}"}}"#, "x".repeat(8192)),
            format!(r#"{{"url":"{}"}}"#, "é".repeat(512)),
            r#"{"at":"1900-01-01","due":"2999-12-31T23:59:59.999999999-12:00"}"#.into(),
            r#"{"at":"not a time","services":"web","text":7,"id":"nil"}"#.into(),
            r#"{"target":"00000000-0000-0000-0000-000000000000"}"#.into(),
        ] {
            assert_eq!(check(&ok), Ok(()), "{ok}");
        }
    }
}
