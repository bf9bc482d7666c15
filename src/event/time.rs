//! The `at` of an event: an instant with the offset it was written in, or a whole day.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// When something happened, as precisely as the writer knew it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// An instant, kept in the offset it was written in.
    Instant(OffsetDateTime),
    /// A calendar day with no time of day (`2011-02-23`).
    Day(Date),
}

/// Why a text is not an [`At`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("`{0}` is not a timestamp with an offset or a date")]
    NotATime(String),
    #[error("`{0}`: leap seconds are not supported")]
    LeapSecond(String),
    #[error("`{0}` has more than 9 fractional digits")]
    TooPrecise(String),
}

const DAY: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

impl At {
    /// Parses RFC 3339 with an offset, or a `YYYY-MM-DD` date.
    pub fn parse(text: &str) -> Option<At> {
        At::read(text).ok()
    }

    /// [`At::parse`], saying what is wrong: a leap second or more than 9 fractional digits
    /// (which a parser would otherwise move or cut off silently) get their own message.
    pub fn read(text: &str) -> Result<At, TimeError> {
        if text.len() == 10 {
            return Date::parse(text, DAY)
                .map(At::Day)
                .map_err(|_| not_a_time(text));
        }
        read_instant(text).map(At::Instant)
    }

    /// The calendar day in the offset the time was written in.
    pub fn date(&self) -> Date {
        match self {
            At::Instant(t) => t.date(),
            At::Day(d) => *d,
        }
    }

    /// Orders two times: as instants when both are instants, else by calendar day.
    pub fn compare(&self, other: &At) -> Ordering {
        match (self, other) {
            (At::Instant(a), At::Instant(b)) => a.cmp(b),
            _ => self.date().cmp(&other.date()),
        }
    }
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Instant(t) => f.write_str(&format_instant(*t)),
            At::Day(d) => f.write_str(&format_day(*d)),
        }
    }
}

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<At, D::Error> {
        let text = String::deserialize(d)?;
        At::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("bad time `{text}`")))
    }
}

impl Serialize for At {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// RFC 3339 in the instant's own offset (`2011-06-16T03:20:00-04:00`).
pub fn format_instant(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Appends what [`At`]'s `Display` writes to `out`, without building a `String` (the
/// canonical bytes of every event hold one or two times). None of these characters needs
/// escaping in a JSON string.
pub(crate) fn write_at(out: &mut Vec<u8>, at: &At) {
    let start = out.len();
    let written = match at {
        At::Instant(t) => t.format_into(out, &Rfc3339),
        At::Day(d) => d.format_into(out, DAY),
    };
    if written.is_err() {
        // Out of the formats' range (a year past 9999, an offset with seconds): as `Display`.
        out.truncate(start);
        out.extend_from_slice(at.to_string().as_bytes());
    }
}

/// [`format_instant`] appended to `out`: see [`write_at`].
pub(crate) fn write_instant(out: &mut Vec<u8>, t: OffsetDateTime) {
    write_at(out, &At::Instant(t));
}

/// `YYYY-MM-DD`.
pub fn format_day(d: Date) -> String {
    d.format(DAY).unwrap_or_else(|_| d.to_string())
}

/// Parses an RFC 3339 instant (the `recorded_at` of stored events, `LOGBOOK_NOW`).
pub fn parse_instant(text: &str) -> Option<OffsetDateTime> {
    read_instant(text).ok()
}

/// [`parse_instant`], saying what is wrong.
pub fn read_instant(text: &str) -> Result<OffsetDateTime, TimeError> {
    let parse = |t: &str| OffsetDateTime::parse(t, &Rfc3339).ok();
    let bytes = text.as_bytes();
    // RFC 3339 separates date and time with `T` (or `t`, or a space); the parser underneath
    // would take any byte there.
    if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
        return Err(not_a_time(text));
    }
    // The parser underneath reads second 60 as 59.999999999 and drops fractional digits after
    // the ninth: refuse both rather than store another time than the one written.
    if text.get(17..19) == Some("60") {
        let mut moved = text.to_string();
        moved.replace_range(17..19, "59");
        return Err(match parse(&moved) {
            Some(_) => TimeError::LeapSecond(text.to_string()),
            None => not_a_time(text),
        });
    }
    if bytes.get(19) == Some(&b'.') {
        let digits = bytes[20..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 9 {
            let mut cut = text.to_string();
            cut.replace_range(29..20 + digits, "");
            return Err(match parse(&cut) {
                Some(_) => TimeError::TooPrecise(text.to_string()),
                None => not_a_time(text),
            });
        }
    }
    parse(text).ok_or_else(|| not_a_time(text))
}

fn not_a_time(text: &str) -> TimeError {
    TimeError::NotATime(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_keep_their_offset_and_round_trip() {
        let at = At::parse("2011-06-16T03:20:00-04:00").unwrap();
        assert_eq!(at.to_string(), "2011-06-16T03:20:00-04:00");
        assert_eq!(at.date().to_string(), "2011-06-16");
    }

    #[test]
    fn days_round_trip() {
        let at = At::parse("2011-02-23").unwrap();
        assert_eq!(at, At::Day(time::macros::date!(2011 - 02 - 23)));
        assert_eq!(at.to_string(), "2011-02-23");
    }

    #[test]
    fn rejects_times_without_offset_and_impossible_days() {
        for bad in [
            "2011-06-16T03:20:00",
            "2011-02-30",
            "yesterday",
            "2011-06-16 03:20",
            "",
        ] {
            assert_eq!(At::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn says_why_a_time_is_refused() {
        let cases = [
            (
                "2016-12-31T23:59:60Z",
                "`2016-12-31T23:59:60Z`: leap seconds are not supported",
            ),
            (
                "2016-12-31T18:59:60.5-05:00",
                "`2016-12-31T18:59:60.5-05:00`: leap seconds are not supported",
            ),
            (
                "2011-06-16T03:20:00.123456789012Z",
                "`2011-06-16T03:20:00.123456789012Z` has more than 9 fractional digits",
            ),
            (
                "2011-06-16T03:20:00.1234567890+02:00",
                "`2011-06-16T03:20:00.1234567890+02:00` has more than 9 fractional digits",
            ),
            (
                "2011-06-16T25:20:60Z",
                "`2011-06-16T25:20:60Z` is not a timestamp with an offset or a date",
            ),
            (
                "2011-06-16T03:20:00.1234567890",
                "`2011-06-16T03:20:00.1234567890` is not a timestamp with an offset or a date",
            ),
            (
                "2011-02-30",
                "`2011-02-30` is not a timestamp with an offset or a date",
            ),
            ("é", "`é` is not a timestamp with an offset or a date"),
        ];
        for (text, message) in cases {
            assert_eq!(At::read(text).unwrap_err().to_string(), message, "{text}");
            assert_eq!(parse_instant(text), None, "{text}");
        }
        let nine = At::read("2011-06-16T03:20:00.123456789Z").unwrap();
        assert_eq!(nine.to_string(), "2011-06-16T03:20:00.123456789Z");
    }

    #[test]
    fn compares_instants_across_offsets_and_days_by_date() {
        let a = At::parse("2011-06-16T03:20:00-04:00").unwrap();
        let b = At::parse("2011-06-16T07:19:00Z").unwrap();
        assert_eq!(a.compare(&b), Ordering::Greater);
        let d = At::parse("2011-06-16").unwrap();
        assert_eq!(a.compare(&d), Ordering::Equal);
    }
}
