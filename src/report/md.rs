//! The post-incident report as Markdown, ready to paste into a wiki; writer text goes through
//! [`super::inert`], so it can neither carry HTML nor link anywhere but `http`, `https`, `mailto`.

use super::inert::{markdown, markdown_link};
use super::{Clock, Report, duration};
use crate::event::{Body, Level, word};
use crate::projection::Stamp;
use crate::projection::span::{Span, offset};
use std::fmt::Write;

fn stamp(c: &Clock, s: &Option<Stamp>) -> String {
    s.as_ref().map_or("—".to_string(), |s| c.when(s))
}

/// Markdown for a terminal: the escapes that keep writer text inert *in Markdown* taken off
/// again (`\(` → `(`, `&lt;` → `<`), so it reads as plain text. What keeps it inert in a
/// terminal stays: control and invisible characters are still shown escaped (`\u{1b}`).
pub fn plain(md: &str) -> String {
    const ESCAPED: &str = "\\`*_[]()!|~#-+=.";
    const ENTITIES: [(&str, char); 3] = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>')];
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(c) = rest.chars().next() {
        if c == '\\'
            && let Some(next) = rest[1..].chars().next()
            && ESCAPED.contains(next)
        {
            out.push(next);
            rest = &rest[1 + next.len_utf8()..];
            continue;
        }
        if c == '&'
            && let Some((entity, ch)) = ENTITIES.iter().find(|(e, _)| rest.starts_with(e))
        {
            out.push(*ch);
            rest = &rest[entity.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Renders the report.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let i = &r.incident;
    let m = &r.metrics;
    let _ = writeln!(o, "# Incident report: {}\n", markdown(&i.key));
    if let Some(title) = &i.title {
        let _ = writeln!(o, "> {}\n", markdown(title));
    }
    let _ = writeln!(o, "| | |\n|---|---|");
    let kind = word(&i.kind);
    let state = word(&i.state);
    let _ = writeln!(
        o,
        "| Kind | {kind} |\n| State | {} |",
        state.replace('_', " ")
    );
    let _ = writeln!(o, "| Services | {} |", markdown(&i.services.join(", ")));
    let _ = writeln!(
        o,
        "| Impact started | {} |",
        stamp(&r.clock, &i.impact_start)
    );
    let _ = writeln!(
        o,
        "| Partly restored | {} ({}) |",
        stamp(&r.clock, &i.partial_restore),
        duration(m.time_to_partial_restore)
    );
    let _ = writeln!(
        o,
        "| Restored | {} ({}) |",
        stamp(&r.clock, &i.full_restore.or(i.resolved)),
        duration(m.time_to_restore)
    );
    let _ = writeln!(o, "| Resolved | {} |", stamp(&r.clock, &i.resolved));
    if let Some((start, end)) = i.window {
        let exact = |at| Stamp {
            at,
            approximate: false,
        };
        let (start, end) = (r.clock.when(&exact(start)), r.clock.when(&exact(end)));
        let _ = writeln!(o, "| Window | {start} to {end} |");
    }
    if let Some(zone) = r.clock.name() {
        let _ = writeln!(o, "| Times in | {} |", markdown(zone));
    }

    let _ = writeln!(o, "\n## Impact\n");
    if m.impact.is_empty() {
        let _ = writeln!(o, "No impact recorded.");
    } else {
        let _ = writeln!(
            o,
            "| Service | Major outage | Partial outage | Degraded | Maintenance |\n|---|---|---|---|---|"
        );
        for imp in &m.impact {
            let level = |l: Level| match imp.levels.iter().find(|(x, _)| *x == l) {
                None => "—".to_string(),
                Some((_, None)) => "unknown (day only)".to_string(),
                Some((_, Some(s))) => {
                    let open = i
                        .intervals
                        .iter()
                        .any(|x| x.service == imp.service && x.level == l && x.to.is_none());
                    format!(
                        "{}{}",
                        crate::projection::span::human(*s),
                        if open { " (ongoing)" } else { "" }
                    )
                }
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                markdown(&imp.service),
                level(Level::MajorOutage),
                level(Level::PartialOutage),
                level(Level::Degraded),
                level(Level::Maintenance)
            );
        }
    }

    let _ = writeln!(o, "\n## Detection\n");
    match r.detection() {
        Some(e) => {
            let source = if let Body::Detected {
                source: Some(s), ..
            } = &e.body
            {
                format!(" by {}", word(s))
            } else {
                String::new()
            };
            let at = e.stamp();
            let _ = writeln!(
                o,
                "Detected{source} at {}: {}.",
                r.clock.when(&at),
                markdown(e.finding().trim_end_matches('.'))
            );
            let _ = writeln!(
                o,
                "Time to detect: {}. Time to acknowledge: {}.",
                duration(m.time_to_detect),
                duration(m.time_to_acknowledge)
            );
        }
        None => {
            let _ = writeln!(o, "No detection recorded.");
        }
    }

    let causes: Vec<_> = r.entries(&["diagnosed"]).collect();
    let _ = writeln!(o, "\n## Cause\n");
    if causes.is_empty() {
        let _ = writeln!(o, "No cause recorded.");
    }
    for e in causes {
        let _ = writeln!(
            o,
            "- {} — {}",
            r.clock.when(&e.event.stamp()),
            markdown(&e.event.describe())
        );
    }
    if let Some(plan) = super::plan(r) {
        let _ = writeln!(
            o,
            "\n## Planned and actual\n\n| | Planned | Actual | Difference |\n|---|---|---|---|"
        );
        for (what, planned, actual, diff) in plan {
            let _ = writeln!(o, "| {what} | {planned} | {actual} | {diff} |");
        }
    }

    let _ = writeln!(
        o,
        "\n## Timeline\n\n| Time | T+ | Event | Details |\n|---|---|---|---|"
    );
    for e in &r.timeline {
        let at = e.event.stamp();
        let amended = if e.amended { " (amended)" } else { "" };
        let late = if e.late {
            format!(" (late entry, recorded {})", r.clock.instant(e.recorded_at))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "| {} | {} | {}{amended}{late} | {} |",
            r.clock.when(&at),
            e.offset.map(offset).unwrap_or_default(),
            e.event.type_name(),
            markdown(&e.event.describe())
        );
    }

    if !i.vendors.is_empty() {
        let _ = writeln!(
            o,
            "\n## Vendor engagement\n\n| Vendor | Tickets | Engaged | First response | Responses | Response time |\n|---|---|---|---|---|---|"
        );
        for (v, (_, span)) in i.vendors.iter().zip(&m.vendor_response) {
            let tickets = if v.tickets.is_empty() {
                "—".to_string()
            } else {
                markdown(&v.tickets.join(", "))
            };
            let _ = writeln!(
                o,
                "| {} | {tickets} | {} | {} | {} | {} |",
                markdown(&v.vendor),
                stamp(&r.clock, &v.engaged),
                stamp(&r.clock, &v.responded),
                v.responses,
                duration(*span)
            );
        }
        let callbacks: Vec<_> = r.entries(&["vendor_responded"]).collect();
        if !callbacks.is_empty() {
            let _ = writeln!(o);
            for e in callbacks {
                let at = e.event.stamp();
                let offset = e
                    .offset
                    .map(|s| format!(" ({})", offset(s)))
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "- {}{offset}: {}",
                    r.clock.when(&at),
                    markdown(&e.event.describe())
                );
            }
        }
    }

    section(
        &mut o,
        r,
        "Restore steps",
        &["restore_step", "restored"],
        &|e| {
            let state = if let Body::RestoreStep { state: Some(s) } = &e.event.body {
                format!(" ({})", word(s))
            } else {
                String::new()
            };
            format!("{}{state}", markdown(&e.event.headline()))
        },
    );
    section(&mut o, r, "Announcements", &["announced"], &|e| {
        let Body::Announced {
            channel,
            title,
            url,
            ..
        } = &e.event.body
        else {
            return markdown(&e.event.describe());
        };
        let channel = channel
            .map(|c| word(&c))
            .unwrap_or_else(|| "announcement".into());
        let title = title
            .clone()
            .or_else(|| e.event.summary.clone())
            .unwrap_or_default();
        match url {
            Some(u) => format!("{channel}: {}", markdown_link(&title, u)),
            None => format!("{channel}: {}", markdown(&title)),
        }
    });
    section(&mut o, r, "Action items", &["action_item"], &|e| {
        let Body::ActionItem { owner, due } = &e.event.body else {
            return markdown(&e.event.describe());
        };
        let owner = owner
            .as_ref()
            .map(|o| format!(" — owner: {}", markdown(o)))
            .unwrap_or_default();
        let due = due.map(|d| format!(", due {d}")).unwrap_or_default();
        format!(
            "{}{owner}{due}",
            markdown(e.event.summary.as_deref().unwrap_or_default())
        )
    });

    let _ = writeln!(o, "\n## Metrics\n\n| Metric | Value |\n|---|---|");
    for (name, span) in [
        ("Time to detect", m.time_to_detect),
        ("Time to acknowledge", m.time_to_acknowledge),
        ("Time to partial restore", m.time_to_partial_restore),
        ("Time to restore", m.time_to_restore),
        ("Time to resolve", m.time_to_resolve),
    ] {
        let _ = writeln!(o, "| {name} | {} |", metric(span));
    }
    for (vendor, span) in &m.vendor_response {
        let _ = writeln!(o, "| {} response | {} |", markdown(vendor), metric(*span));
    }
    let _ = writeln!(
        o,
        "\nPolicy: {}. `~` marks figures that rest on estimated times; unknown means a time was recorded only to the day or not at all.",
        r.policy.describe()
    );

    if !r.corrections.is_empty() {
        let _ = writeln!(o, "\n## Corrections\n");
        for c in &r.corrections {
            let what = if c.kind == "amended" {
                format!("amended {} of", markdown(&c.fields.join(", ")))
            } else {
                "retracted".to_string()
            };
            let reason = c
                .reason
                .as_ref()
                .map(|x| format!(": {}", markdown(x)))
                .unwrap_or_default();
            let withdrawn = if c.in_effect { "" } else { " (withdrawn)" };
            let _ = writeln!(
                o,
                "- #{} {what} the {} event {}{reason}{withdrawn}",
                c.seq, c.target_type, c.target
            );
        }
    }
    o
}

fn metric(span: Option<Span>) -> String {
    match span {
        Some(s) => format!("{} ({} s)", duration(Some(s)), s.seconds),
        None => "unknown".to_string(),
    }
}

fn section(
    o: &mut String,
    r: &Report,
    title: &str,
    types: &[&str],
    // Each entry's text, already Markdown.
    line: &dyn Fn(&crate::projection::timeline::Entry) -> String,
) {
    let entries: Vec<_> = r.entries(types).collect();
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n## {title}\n");
    for e in entries {
        let at = e.event.stamp();
        let _ = writeln!(o, "- {} — {}", r.clock.when(&at), line(e));
    }
}

#[cfg(test)]
mod plain_tests {
    use super::plain;
    use crate::report::inert::markdown;

    #[test]
    fn plain_undoes_the_markdown_escapes_and_keeps_controls_escaped() {
        for text in [
            "db (via monitoring)",
            "a_b *c* [d](e) | ~f~ `g` \\ h",
            "# not a heading",
            "1. not a list",
            "&lt; is literal, so is <b> & that",
            "10% of *all*",
        ] {
            assert_eq!(plain(&markdown(text)), text, "{text}");
        }
        // A control character stays visible as an escape, never raw.
        let shown = plain(&markdown("bell\u{7}and esc\u{1b}[31m"));
        assert!(
            !shown.contains('\u{7}') && !shown.contains('\u{1b}'),
            "{shown}"
        );
    }
}
