//! What every adapter shares: event ids derived from source ids, the slug rule for names,
//! times as the sources write them, writer text cut to the event limits, and the JSON object
//! of one event.

use super::IngestError;
use crate::event::limits::{MAX_SHORT_TEXT_BYTES, MAX_TEXT_BYTES, YEARS};
use crate::event::time::{format_instant, read_instant};
use serde_json::{Map, Value};
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

/// The id of the event that plays `role` in `episode` of `source`: a UUIDv8 made of the first
/// 16 bytes of SHA-256(`source|episode|role`). The same source ids always give the same id, so
/// a repeated or retried payload names the events it already wrote.
pub fn event_id(source: &str, episode: &str, role: &str) -> Uuid {
    crate::record::derived_id(&format!("{source}|{episode}|{role}"))
}

/// The longest name logbook accepts (`[A-Za-z0-9][A-Za-z0-9._:-]{0,127}`).
pub const MAX_NAME: usize = 128;

/// Makes a valid service name of what a source calls a thing (the slug rule):
///
/// 1. a URL loses its scheme (`https://server.example.org` → `server.example.org`) and a
///    trailing `/`;
/// 2. every run of characters other than ASCII letters, digits, `.`, `_`, `:` and `-` becomes
///    one `-` (`Example API` → `Example-API`);
/// 3. leading characters that are not a letter or digit, and trailing `-`, are dropped;
/// 4. the result is cut to 128 characters.
///
/// `None` when nothing is left.
pub fn slug(text: &str) -> Option<String> {
    let text = text.trim();
    let text = match text.find("://") {
        Some(i)
            if i > 0
                && text[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) =>
        {
            &text[i + 3..]
        }
        _ => text,
    };
    let text = text.trim_end_matches('/');
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || "._:-".contains(c) {
            out.push(c);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    let start = out.find(|c: char| c.is_ascii_alphanumeric())?;
    let mut out = out[start..].to_string();
    out.truncate(MAX_NAME);
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

/// An instant as a source wrote it, read as it is meant: RFC 3339; an offset written `+0000`;
/// Uptime Kuma's offset-less UTC `2025-03-14 09:12:05.123`. `Ok(None)` for Alertmanager's
/// `0001-01-01T00:00:00Z` (Go's zero time: "unset") and for an empty string.
pub fn read_time(text: &str, field: &str) -> Result<Option<OffsetDateTime>, IngestError> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0001-01-01") {
        return Ok(None);
    }
    let mut fixed = text.to_string();
    let bytes = text.as_bytes();
    let has_offset =
        text.ends_with(['Z', 'z']) || bytes.iter().skip(19).any(|b| matches!(b, b'+' | b'-'));
    if !has_offset {
        // Uptime Kuma: UTC without an offset, date and time apart.
        fixed = format!("{}Z", text.replacen(' ', "T", 1));
    } else if let Some(sign) = fixed.len().checked_sub(5)
        && let Some(tail) = fixed.get(sign..)
        && tail.starts_with(['+', '-'])
        && tail[1..].bytes().all(|b| b.is_ascii_digit())
    {
        // `+0000`: RFC 3339 wants `+00:00`.
        fixed.insert(sign + 3, ':');
    }
    let t = read_instant(&fixed)
        .map_err(|_| IngestError::new(field, format!("`{text}` is not a time with an offset")))?;
    if !YEARS.contains(&t.year()) {
        return Err(IngestError::new(
            field,
            format!("`{text}` is outside the years logbook accepts"),
        ));
    }
    Ok(Some(t))
}

/// [`read_time`] for a field that must hold a time.
pub fn need_time(text: &str, field: &str) -> Result<OffsetDateTime, IngestError> {
    read_time(text, field)?.ok_or_else(|| IngestError::new(field, "is not set"))
}

/// An instant as an event's `at`, in the offset it was written in.
pub fn at(t: OffsetDateTime) -> Value {
    Value::String(format_instant(t))
}

/// An instant for an incident key: UTC, `20250314T091205.123Z` (fractions only when present).
pub fn key_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let mut out = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if t.nanosecond() > 0 {
        let frac = format!("{:09}", t.nanosecond());
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// An incident key: `prefix-` + the parts, each made a name by [`slug`], cut to 128 bytes.
pub fn key(parts: &[&str]) -> String {
    let joined: Vec<String> = parts.iter().filter_map(|p| slug(p)).collect();
    let mut key = joined.join("-");
    key.truncate(MAX_NAME);
    key.trim_end_matches('-').to_string()
}

/// One line of writer text for `summary`, `title` and other short fields: line breaks and
/// control characters become spaces, runs of space one, cut to the limit. `None` if blank.
pub fn line(text: &str) -> Option<String> {
    let flat: Vec<&str> = text
        .split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let flat = flat.join(" ");
    (!flat.is_empty()).then(|| cut(&flat, MAX_SHORT_TEXT_BYTES))
}

/// Free text (`text`, `cause`), cut to its limit. `None` if blank.
pub fn text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| cut(text, MAX_TEXT_BYTES))
}

/// `text` cut to at most `limit` bytes on a character boundary, ending in `...` when cut.
fn cut(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit - 3;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// One event object: `type`, `at` and the fields given (a `null` field is left out).
pub fn event(ty: &str, at_value: Value, fields: Vec<(&str, Value)>) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("type".into(), Value::String(ty.into()));
    map.insert("at".into(), at_value);
    for (k, v) in fields {
        if !v.is_null() {
            map.insert(k.into(), v);
        }
    }
    map
}

/// A string value, or `null` for `None`.
pub fn opt(text: Option<String>) -> Value {
    text.map_or(Value::Null, Value::String)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_documented_rule() {
        assert_eq!(
            slug("https://server.example.org").as_deref(),
            Some("server.example.org")
        );
        assert_eq!(
            slug("https://server.example.org/").as_deref(),
            Some("server.example.org")
        );
        assert_eq!(slug("Example API").as_deref(), Some("Example-API"));
        assert_eq!(slug("  --web 1 (eu)").as_deref(), Some("web-1-eu"));
        assert_eq!(slug("localhost:8081").as_deref(), Some("localhost:8081"));
        assert_eq!(slug("Café").as_deref(), Some("Caf"));
        assert_eq!(slug("!!!"), None);
        assert_eq!(slug(&"a".repeat(300)).map(|s| s.len()), Some(128));
    }

    #[test]
    fn times_are_read_as_each_source_means_them() {
        let t = |s: &str| read_time(s, "f").unwrap().map(format_instant);
        assert_eq!(
            t("2025-03-14 09:12:05.123").as_deref(),
            Some("2025-03-14T09:12:05.123Z")
        );
        assert_eq!(
            t("2015-07-17T08:42:58.315+0000").as_deref(),
            Some("2015-07-17T08:42:58.315Z")
        );
        assert_eq!(
            t("2015-07-17T08:42:58-0430").as_deref(),
            Some("2015-07-17T08:42:58-04:30")
        );
        assert_eq!(t("0001-01-01T00:00:00Z"), None);
        assert!(read_time("yesterday", "f").is_err());
        assert!(read_time("9999-01-01T00:00:00Z", "f").is_err());
    }

    #[test]
    fn ids_and_keys_are_stable() {
        assert_eq!(event_id("a", "b", "c"), event_id("a", "b", "c"));
        assert_ne!(event_id("a", "b", "c"), event_id("a", "b", "d"));
        assert_eq!(event_id("a", "b", "c").get_version_num(), 8);
        let t = read_time("2023-06-12T08:24:38.326Z", "f").unwrap().unwrap();
        assert_eq!(key_time(t), "20230612T082438.326Z");
        assert_eq!(line("a\n b\t\tc").as_deref(), Some("a b c"));
        assert_eq!(line(&"é".repeat(600)).map(|l| l.len() <= 1024), Some(true));
    }
}
