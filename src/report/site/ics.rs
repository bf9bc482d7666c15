//! `maintenance.ics` (RFC 5545): one VEVENT per maintenance window, with a stable UID (the
//! incident's first event's id), a SEQUENCE that grows with every public change, and
//! `STATUS:CANCELLED` once cancelled. CRLF line ends; lines folded at 75 octets.

use super::{Site, utc};
use crate::event::At;
use crate::event::rules::Kind;
use crate::projection::State;
use crate::projection::public::PublicIncident;
use std::fmt::Write;

/// `maintenance.ics`.
pub fn calendar(site: &Site) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:-//logbook//{}//EN", env!("CARGO_PKG_VERSION")),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!(
            "X-WR-CALNAME:{}",
            text(&format!("{}: maintenance", site.title))
        ),
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H".to_string(),
    ];
    let mut windows: Vec<&PublicIncident> = (site.incidents.iter())
        .filter(|i| i.kind == Kind::Maintenance && i.window.is_some())
        .collect();
    windows.sort_by(|a, b| a.key.cmp(&b.key));
    for i in windows {
        event(&mut lines, site, i);
    }
    lines.push("END:VCALENDAR".to_string());
    let mut out = String::new();
    for line in lines {
        fold(&mut out, &line);
    }
    out
}

fn event(lines: &mut Vec<String>, site: &Site, i: &PublicIncident) {
    let Some((start, end)) = i.window else {
        return;
    };
    lines.push("BEGIN:VEVENT".to_string());
    lines.push(format!("UID:{}@logbook", i.id));
    lines.push(format!("DTSTAMP:{}", basic(&utc(i.last_recorded))));
    lines.push(format!("LAST-MODIFIED:{}", basic(&utc(i.last_recorded))));
    match (start, end) {
        // A window of whole days: DTEND is exclusive, so the day after the last one.
        (At::Day(a), At::Day(b)) => {
            let after = b.next_day().unwrap_or(b);
            lines.push(format!("DTSTART;VALUE=DATE:{}", date(a)));
            lines.push(format!("DTEND;VALUE=DATE:{}", date(after)));
        }
        (a, b) => {
            lines.push(format!("DTSTART:{}", basic(&utc(site.instant(a)))));
            let end = match b {
                At::Day(d) => site.zone.day_bounds(d).1,
                At::Instant(t) => t,
            };
            lines.push(format!("DTEND:{}", basic(&utc(end))));
        }
    }
    lines.push(format!("SUMMARY:{}", text(&i.title)));
    let mut description = String::new();
    let services: Vec<&str> = i.services.iter().map(|(s, _)| s.as_str()).collect();
    let _ = write!(description, "Services: {}", services.join(", "));
    for u in &i.updates {
        let _ = write!(description, "\n\n{}", site.clock.when(&u.at));
        for part in [&u.title, &u.text].into_iter().flatten() {
            let _ = write!(description, "\n{part}");
        }
    }
    lines.push(format!("DESCRIPTION:{}", text(&description)));
    let status = match i.state {
        State::Cancelled => "CANCELLED",
        State::Scheduled
        | State::InProgress
        | State::Completed
        | State::Open
        | State::PartiallyRestored
        | State::Restored
        | State::Resolved => "CONFIRMED",
    };
    lines.push(format!("STATUS:{status}"));
    lines.push(format!("SEQUENCE:{}", i.revisions));
    lines.push("CATEGORIES:MAINTENANCE".to_string());
    lines.push("TRANSP:TRANSPARENT".to_string());
    if let Some(url) = &site.url {
        lines.push(format!(
            "URL:{}/incidents/{}.html",
            url.trim_end_matches('/'),
            i.key
        ));
    }
    lines.push("END:VEVENT".to_string());
}

/// `2026-11-25T12:00:00Z` as iCalendar writes it: `20261125T120000Z`.
fn basic(rfc3339: &str) -> String {
    rfc3339.replace(['-', ':'], "")
}

fn date(d: time::Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A TEXT value: backslash, semicolon, comma and newline escaped (RFC 5545 3.3.11); other
/// control characters dropped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes one content line folded at 75 octets (never inside a UTF-8 character), CRLF-ended.
fn fold(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(60));
        fold(&mut out, &line);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(text("a,b;c\\d\ne\u{7}"), "a\\,b\\;c\\\\d\\ne");
    }
}
