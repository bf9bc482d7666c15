//! The zone of the command line (DESIGN section 5, **Zone**): what `--tz`, `LOGBOOK_TZ` and `TZ`
//! name, looked up in the system's time zone database (`/usr/share/zoneinfo`, through jiff) with
//! a copy bundled in the binary as the fallback. It gives the pure core what
//! [`logbook::projection::zone::Zone`] asks for; the environment itself is read in `mod.rs`.

use super::error::CommandError;
use logbook::projection::zone::Zone;
use std::path::Path;
use time::{Date, OffsetDateTime, UtcOffset};

/// A time zone: a fixed offset, or a zone with rules (an IANA name, a POSIX rule from `TZ`, the
/// system's `/etc/localtime`).
#[derive(Debug, Clone)]
pub enum TimeZone {
    /// `UTC` or an offset such as `-05:00`: no daylight saving time.
    Fixed(UtcOffset),
    /// A zone with rules, and the name it is shown with (`Europe/Berlin`).
    Named {
        name: String,
        tz: jiff::tz::TimeZone,
    },
}

/// Why a text names no time zone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZoneError {
    #[error("`{0}` is not an offset such as -05:00 or +05:30")]
    NotAnOffset(String),
    #[error("`{0}`: offsets run from -12:00 to +14:00")]
    OffsetOutOfRange(String),
    #[error("`{text}` is not a time zone of the time zone database")]
    UnknownName {
        text: String,
        /// A near name, for "did you mean".
        suggestion: Option<String>,
    },
}

impl TimeZone {
    pub const UTC: TimeZone = TimeZone::Fixed(UtcOffset::UTC);

    /// The zone of `--tz` and `LOGBOOK_TZ`: `UTC`, `Z`, an offset (`-05:00`, `+0530`, `+05`) or
    /// an IANA name (`Europe/Berlin`, in any case).
    pub fn parse(text: &str) -> Result<TimeZone, ZoneError> {
        if text.eq_ignore_ascii_case("utc") || text.eq_ignore_ascii_case("z") {
            return Ok(TimeZone::UTC);
        }
        if text.starts_with(['+', '-']) {
            return offset(text).map(TimeZone::Fixed);
        }
        named(text)
    }

    /// The zone of `TZ`, read as the C library reads it: empty is UTC; a leading `:` is
    /// dropped; a path into a zoneinfo directory names its zone
    /// (`/usr/share/zoneinfo/Europe/Berlin`); other paths are read as zone files; a POSIX rule
    /// (`CET-1CEST,M3.5.0,M10.5.0/3`) is taken as written; and whatever `--tz` takes.
    pub fn from_tz_env(value: &str) -> Result<TimeZone, ZoneError> {
        let text = value.strip_prefix(':').unwrap_or(value);
        if text.is_empty() {
            return Ok(TimeZone::UTC);
        }
        if let Some(name) = in_zoneinfo(text)
            && let Ok(zone) = named(name)
        {
            return Ok(zone);
        }
        let error = match TimeZone::parse(text) {
            Ok(zone) => return Ok(zone),
            Err(e) => e,
        };
        if text.starts_with('/') {
            if let Some(zone) = zone_file(text) {
                return Ok(zone);
            }
        } else if let Ok(tz) = jiff::tz::TimeZone::posix(text) {
            return Ok(TimeZone::Named {
                name: text.to_string(),
                tz,
            });
        }
        Err(error)
    }

    /// The system's zone: the zone `/etc/localtime` links to (`None` without that file).
    pub fn system() -> Option<TimeZone> {
        const LOCALTIME: &str = "/etc/localtime";
        if let Ok(target) = std::fs::read_link(LOCALTIME)
            && let Some(name) = target.to_str().and_then(in_zoneinfo)
            && let Ok(zone) = named(name)
        {
            return Some(zone);
        }
        zone_file(LOCALTIME)
    }

    /// The name shown beside dates and in JSON's `tz`: `Europe/Berlin`, `UTC`, `-05:00`.
    pub fn name(&self) -> String {
        match self {
            TimeZone::Fixed(o) if *o == UtcOffset::UTC => "UTC".into(),
            TimeZone::Fixed(o) => {
                let (h, m, _) = o.as_hms();
                let sign = if o.is_negative() { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
            }
            TimeZone::Named { name, .. } => name.clone(),
        }
    }
}

impl TimeZone {
    /// The instant a clock time in this zone means; refused where the clock skips it (a gap)
    /// or shows it twice (a fold), since either reading would be a guess.
    pub fn resolve(&self, local: time::PrimitiveDateTime) -> Result<OffsetDateTime, String> {
        let tz = match self {
            TimeZone::Fixed(o) => return Ok(local.assume_offset(*o)),
            TimeZone::Named { tz, .. } => tz,
        };
        let civil = jiff::civil::DateTime::new(
            local.year() as i16,
            u8::from(local.month()) as i8,
            local.day() as i8,
            local.hour() as i8,
            local.minute() as i8,
            local.second() as i8,
            0,
        )
        .map_err(|_| "is out of range".to_string())?;
        let ambiguous = tz.to_ambiguous_timestamp(civil);
        if ambiguous.is_ambiguous() {
            return Err(format!(
                "happens twice or not at all in {} (the clock changes): write its offset",
                self.name()
            ));
        }
        ambiguous
            .unambiguous()
            .ok()
            .and_then(|ts| OffsetDateTime::from_unix_timestamp(ts.as_second()).ok())
            .ok_or_else(|| "is out of range".to_string())
    }
}

impl Zone for TimeZone {
    fn offset_at(&self, t: OffsetDateTime) -> UtcOffset {
        match self {
            TimeZone::Fixed(o) => *o,
            TimeZone::Named { tz, .. } => {
                jiff::Timestamp::new(t.unix_timestamp(), t.nanosecond() as i32)
                    .ok()
                    .and_then(|ts| UtcOffset::from_whole_seconds(tz.to_offset(ts).seconds()).ok())
                    // Beyond jiff's years (±9999) there are no rules to read: UTC.
                    .unwrap_or(UtcOffset::UTC)
            }
        }
    }

    fn start_of(&self, d: Date) -> OffsetDateTime {
        let tz = match self {
            TimeZone::Fixed(o) => return o.start_of(d),
            TimeZone::Named { tz, .. } => tz,
        };
        // jiff's "compatible" reading of midnight: after a gap that swallows it, the earlier of
        // two when the clock goes back over it. Either way, the day's first instant.
        let start =
            jiff::civil::Date::new(d.year() as i16, u8::from(d.month()) as i8, d.day() as i8)
                .ok()
                .and_then(|civil| {
                    tz.to_ambiguous_timestamp(civil.at(0, 0, 0, 0))
                        .compatible()
                        .ok()
                })
                .and_then(|ts| OffsetDateTime::from_unix_timestamp(ts.as_second()).ok());
        match start {
            Some(t) => self.local(t),
            None => d.midnight().assume_utc(),
        }
    }
}

/// `±HH:MM`, `±HHMM` or `±HH`, from -12:00 to +14:00 (the offsets in use on Earth).
fn offset(text: &str) -> Result<UtcOffset, ZoneError> {
    let bad = || ZoneError::NotAnOffset(text.to_string());
    let (negative, digits) = match text.split_at_checked(1) {
        Some(("+", rest)) => (false, rest),
        Some(("-", rest)) => (true, rest),
        _ => return Err(bad()),
    };
    let (hours, minutes) = match (digits.len(), digits.as_bytes().get(2)) {
        (2, _) => (digits, "00"),
        (4, _) => digits.split_at(2),
        (5, Some(b':')) => (&digits[..2], &digits[3..]),
        _ => return Err(bad()),
    };
    let number = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse::<i32>().ok())
            .flatten()
    };
    let (Some(hours), Some(minutes)) = (number(hours), number(minutes)) else {
        return Err(bad());
    };
    if minutes >= 60 {
        return Err(bad());
    }
    let total = (hours * 60 + minutes) * if negative { -60 } else { 60 };
    if !(-12 * 3600..=14 * 3600).contains(&total) {
        return Err(ZoneError::OffsetOutOfRange(text.to_string()));
    }
    UtcOffset::from_whole_seconds(total).map_err(|_| bad())
}

/// An IANA zone by name: from the system's database, else from the bundled copy.
fn named(text: &str) -> Result<TimeZone, ZoneError> {
    if let Some(tz) = system_zone_file(text) {
        return Ok(TimeZone::Named {
            name: text.to_string(),
            tz,
        });
    }
    let found = jiff::tz::db()
        .get(text)
        .or_else(|_| jiff::tz::TimeZoneDatabase::bundled().get(text))
        .ok()
        .filter(|tz| !tz.is_unknown());
    match found {
        Some(tz) => Ok(TimeZone::Named {
            name: tz.iana_name().unwrap_or(text).to_string(),
            tz,
        }),
        None => Err(ZoneError::UnknownName {
            text: text.to_string(),
            suggestion: suggestion(text),
        }),
    }
}

/// The system's file of zone `name` when the name is written exactly as the file is named
/// (`Europe/Berlin`). Every command resolves its zone, and jiff's database lists the whole
/// zoneinfo directory on its first lookup (a fifth of a small command's time); other
/// spellings, `TZDIR` and a missing system database still go through it.
#[allow(clippy::disallowed_methods)] // TZDIR is the C library's; jiff's database reads it
fn system_zone_file(name: &str) -> Option<jiff::tz::TimeZone> {
    let plain = |part: &str| !part.is_empty() && part != "." && part != "..";
    if std::env::var_os("TZDIR").is_some()
        || name.starts_with("right/")
        || !name.split('/').all(plain)
    {
        return None;
    }
    let data = std::fs::read(Path::new("/usr/share/zoneinfo").join(name)).ok()?;
    jiff::tz::TimeZone::tzif(name, &data).ok()
}

/// A name near `text`: one a small edit away, or the one whose city it is (`Berlin`).
fn suggestion(text: &str) -> Option<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .collect();
    if names.is_empty() {
        names = jiff::tz::TimeZoneDatabase::bundled()
            .available()
            .map(|n| n.as_str().to_string())
            .collect();
    }
    names.sort();
    let city = |n: &&String| {
        n.rsplit('/')
            .next()
            .is_some_and(|c| c.eq_ignore_ascii_case(&text.replace(' ', "_")))
    };
    if let Some(name) = names.iter().find(city) {
        return Some(name.clone());
    }
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let near = logbook::event::parse::suggest(
        &text.to_ascii_lowercase(),
        lower.iter().map(String::as_str),
    )?;
    let i = lower.iter().position(|n| n == near)?;
    Some(names[i].clone())
}

/// The zone name in a path into a zoneinfo directory (`…/zoneinfo/Europe/Berlin`).
fn in_zoneinfo(path: &str) -> Option<&str> {
    const NEEDLE: &str = "zoneinfo/";
    path.rfind(NEEDLE).map(|i| &path[i + NEEDLE.len()..])
}

/// A zone file (TZif) read from `path`, named by its path.
fn zone_file(path: &str) -> Option<TimeZone> {
    let data = std::fs::read(path).ok()?;
    let tz = jiff::tz::TimeZone::tzif(path, &data).ok()?;
    Some(TimeZone::Named {
        name: path.to_string(),
        tz,
    })
}

/// A usage error (exit 2) for a zone given by `source` (`--tz`, `LOGBOOK_TZ`), with a hint.
pub fn usage(source: &str, error: ZoneError) -> CommandError {
    let hint = hint(&error);
    CommandError::usage(format!("{source}: {error}")).hint(hint)
}

/// What to write instead.
pub fn hint(error: &ZoneError) -> String {
    let forms = "a zone is an IANA name such as Europe/Berlin or America/New_York, an offset \
                 such as -05:00 or +05:30, or UTC";
    match error {
        ZoneError::UnknownName {
            suggestion: Some(name),
            ..
        } => format!("did you mean `{name}`? {forms}"),
        _ => forms.into(),
    }
}

#[cfg(test)]
mod tests;
