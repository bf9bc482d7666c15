//! `--at` as people type it (DESIGN section 5): an RFC 3339 time or a day, as in JSON input; or,
//! read in the zone, a time without seconds or without an offset (`2026-11-28T02:10`,
//! `2026-11-28 02:10`), a clock time today (`14:00`), `today 09:30`, `yesterday 14:00`, `now`, or
//! a time back from now (`-15m`, `-2h`, `-1d`, `-90s`). Each becomes the RFC 3339 time the event
//! stores, in the zone's offset at that instant.

use super::error::CommandError;
use super::zone::TimeZone;
use logbook::event::At;
use logbook::event::time::format_instant;
use logbook::projection::zone::Zone;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// The time `text` means, written as an event stores it. `flag` names the flag in errors.
pub fn at(
    text: &str,
    flag: &str,
    zone: &TimeZone,
    now: OffsetDateTime,
) -> Result<String, CommandError> {
    let text = text.trim();
    if At::parse(text).is_some() {
        return Ok(text.to_string());
    }
    let instant = read(text, zone, now).map_err(|why| {
        CommandError::rejected(format!("{flag}: `{text}` {why}"))
            .hint(
                "e.g. 2026-11-28T02:10:00+01:00, 2026-11-28 02:10 (in the zone), 14:00, yesterday 14:00, -15m",
            )
            .hint("nothing was written")
    })?;
    Ok(format_instant(zone.local(instant)))
}

fn read(text: &str, zone: &TimeZone, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    if text.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(back) = text.strip_prefix('-') {
        return ago(back).map(|d| now - d);
    }
    let today = zone.day_of(now);
    let not_a_time = || "is not a time logbook reads".to_string();
    let (day, clock) = match text.split_once(' ') {
        Some((word, clock)) if word.eq_ignore_ascii_case("today") => (today, clock),
        Some((word, clock)) if word.eq_ignore_ascii_case("yesterday") => {
            (today.previous_day().ok_or("is out of range")?, clock)
        }
        Some((day, clock)) if day.len() == 10 => (date(day)?, clock),
        Some(_) => return Err(not_a_time()),
        None if text.len() > 10 && matches!(text.as_bytes()[10], b'T' | b't') => {
            return with_offset_or_local(date(&text[..10])?, &text[11..], zone);
        }
        None if text.eq_ignore_ascii_case("today") || text.eq_ignore_ascii_case("yesterday") => {
            return Err(format!("needs a clock time, e.g. {text} 14:00"));
        }
        None if text.contains(':') && text.len() <= 8 => (today, text),
        None => return Err(not_a_time()),
    };
    local(day, clock_time(clock)?, zone)
}

/// `HH:MM` or `HH:MM:SS`, then an offset (`Z`, `+01:00`) or none (the zone's).
fn with_offset_or_local(day: Date, rest: &str, zone: &TimeZone) -> Result<OffsetDateTime, String> {
    let split = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, offset) = rest.split_at(split);
    let clock = clock_time(clock)?;
    if offset.is_empty() {
        return local(day, clock, zone);
    }
    let Ok(TimeZone::Fixed(offset)) = TimeZone::parse(offset) else {
        return Err(format!(
            "has an offset `{offset}` that is not like +01:00 or Z"
        ));
    };
    Ok(PrimitiveDateTime::new(day, clock).assume_offset(offset))
}

fn date(text: &str) -> Result<Date, String> {
    match At::parse(text) {
        Some(At::Day(d)) => Ok(d),
        _ => Err(format!("has a day `{text}` that is not like 2026-11-28")),
    }
}

fn clock_time(text: &str) -> Result<Time, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |s: &str| {
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u8>().ok())
            .flatten()
    };
    let (h, m, s) = match parts.as_slice() {
        [h, m] => (number(h), number(m), Some(0)),
        [h, m, s] => (number(h), number(m), number(s)),
        _ => (None, None, None),
    };
    match (h, m, s) {
        (Some(h), Some(m), Some(s)) => {
            Time::from_hms(h, m, s).map_err(|_| format!("has a clock time `{text}` out of range"))
        }
        _ => Err(format!(
            "has a clock time `{text}` that is not like 14:00 or 14:00:30"
        )),
    }
}

/// A day and a clock time in the zone; refused where the clock skips or repeats it.
fn local(day: Date, clock: Time, zone: &TimeZone) -> Result<OffsetDateTime, String> {
    zone.resolve(PrimitiveDateTime::new(day, clock))
}

/// `15m`, `2h`, `1d`, `90s`: how far back.
fn ago(text: &str) -> Result<Duration, String> {
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number
        .parse()
        .map_err(|_| "is not a time back from now like -15m, -2h or -1d".to_string())?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err("is not a time back from now like -15m, -2h or -1d".into()),
    };
    n.checked_mul(seconds)
        .filter(|s| *s <= 100 * 366 * 86_400)
        .map(Duration::seconds)
        .ok_or_else(|| "is too far back".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-28 13:05:30 UTC);

    fn berlin() -> TimeZone {
        TimeZone::parse("Europe/Berlin").unwrap()
    }

    #[test]
    fn people_type_times_without_seconds_offsets_or_dates() {
        let z = berlin();
        let cases = [
            ("2026-11-28T02:10:00+01:00", "2026-11-28T02:10:00+01:00"),
            ("2026-11-28", "2026-11-28"),
            ("2026-11-28T02:10+01:00", "2026-11-28T02:10:00+01:00"),
            ("2026-11-28T02:10Z", "2026-11-28T03:10:00+01:00"),
            ("2026-11-28T02:10", "2026-11-28T02:10:00+01:00"),
            ("2026-07-28 02:10", "2026-07-28T02:10:00+02:00"),
            ("14:00", "2026-11-28T14:00:00+01:00"),
            ("today 09:30", "2026-11-28T09:30:00+01:00"),
            ("yesterday 14:00", "2026-11-27T14:00:00+01:00"),
            ("now", "2026-11-28T14:05:30+01:00"),
            ("-15m", "2026-11-28T13:50:30+01:00"),
            ("-2h", "2026-11-28T12:05:30+01:00"),
            ("-1d", "2026-11-27T14:05:30+01:00"),
        ];
        for (typed, stored) in cases {
            assert_eq!(at(typed, "--at", &z, NOW).unwrap(), stored, "{typed}");
        }
    }

    #[test]
    fn times_that_the_clock_skips_or_repeats_are_refused() {
        let z = berlin();
        for typed in [
            "2026-03-29T02:30",
            "2026-10-25 02:30",
            "25:00",
            "-15x",
            "yesterday",
            "2026-13-01 10:00",
        ] {
            assert!(at(typed, "--at", &z, NOW).is_err(), "{typed}");
        }
        // With its offset written, a repeated hour is clear.
        assert!(at("2026-10-25T02:30+01:00", "--at", &z, NOW).is_ok());
    }
}
