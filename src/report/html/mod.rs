//! The post-incident report as one self-contained HTML page: inline CSS, an inline SVG timeline,
//! no scripts, fonts or links to other hosts; every text taken from events is escaped
//! ([`super::inert::html`]).

use super::inert::html as escape;
use super::{Clock, Report, duration};
use crate::event::{At, Body, Event, word};
use crate::projection::span::{Span, human, offset};
use crate::projection::timeline::Entry;
use crate::projection::{Interval, Stamp};
use std::fmt::Write;

mod chart;
pub mod sla;
mod style;
use chart::chart;
use style::{LEVELS, STYLE, colour, swatch};

fn exact(at: At) -> Stamp {
    Stamp {
        at,
        approximate: false,
    }
}

/// A written time, escaped, in a no-wrap span; `—` when unknown.
fn time(c: &Clock, s: Option<Stamp>) -> String {
    s.map_or("—".into(), |s| {
        format!("<span class=\"t\">{}</span>", escape(&c.when(&s)))
    })
}

fn tag(text: &str) -> String {
    format!(" <span class=\"tag\">{text}</span>")
}

/// How a table lays out on a narrow screen (under 40rem).
#[derive(Clone, Copy)]
enum Narrow {
    /// Stays a table: two short columns fit a phone.
    Table,
    /// Each row becomes a block: the first cell as its heading, the others labelled with their
    /// column's name.
    Stack,
    /// Each row becomes a block: every cell but the last on one line, the last below them (the
    /// timeline: time, offset and type, then what happened).
    Log,
}

/// A table; `head` is `|`-separated, its cells HTML (their text labels stacked cells).
fn table(o: &mut String, narrow: Narrow, head: &str, rows: &[Vec<String>]) {
    let heads: Vec<&str> = head.split('|').collect();
    let class = match narrow {
        Narrow::Table => "",
        Narrow::Stack => " class=\"stack\"",
        Narrow::Log => " class=\"log\"",
    };
    let head: String = heads.iter().map(|h| format!("<th>{h}</th>")).collect();
    let _ = writeln!(o, "<table{class}>\n<thead><tr>{head}</tr></thead>\n<tbody>");
    for row in rows {
        let mut cells = String::new();
        for (n, c) in row.iter().enumerate() {
            let label = heads.get(n).map(|h| text_of(h)).unwrap_or_default();
            match narrow {
                Narrow::Stack if n > 0 && !label.is_empty() => {
                    let _ = write!(cells, "<td data-label=\"{label}\">{c}</td>");
                }
                _ => {
                    let _ = write!(cells, "<td>{c}</td>");
                }
            }
        }
        let _ = writeln!(o, "<tr>{cells}</tr>");
    }
    o.push_str("</tbody>\n</table>\n");
}

/// The text of a snippet of our own HTML: its tags dropped (entities stay as they are, which
/// is what an attribute needs).
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in html.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Renders the report as one HTML page.
pub fn render(r: &Report) -> String {
    let (i, m) = (&r.incident, &r.metrics);
    let key = escape(&i.key);
    let title = i.title.as_deref().map(escape);
    let dash = title.as_ref().map_or(String::new(), |t| format!(" — {t}"));
    let mut o = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{key}{dash}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>Incident report: {key}</h1>\n"
    );
    if let Some(t) = &title {
        let _ = writeln!(o, "<p class=\"sub\">{t}</p>");
    }
    let mut rows = vec![
        ("Kind", word(&i.kind)),
        ("State", word(&i.state).replace('_', " ")),
        ("Services", escape(&i.services.join(", "))),
        ("Impact started", time(&r.clock, i.impact_start)),
    ];
    if i.partial_restore.is_some() {
        let (at, d) = (
            time(&r.clock, i.partial_restore),
            duration(m.time_to_partial_restore),
        );
        rows.push(("Partly restored", format!("{at} ({d})")));
    }
    match i.full_restore.or(i.resolved) {
        Some(at) => {
            let d = duration(m.time_to_restore);
            rows.push(("Restored", format!("{} ({d})", time(&r.clock, Some(at)))));
        }
        None => rows.push(("Restored", time(&r.clock, None))),
    }
    rows.push(("Resolved", time(&r.clock, i.resolved)));
    if let Some((start, end)) = i.window {
        let (start, end) = (
            time(&r.clock, Some(exact(start))),
            time(&r.clock, Some(exact(end))),
        );
        rows.push(("Window", format!("{start} to {end}")));
    }
    if let Some(zone) = r.clock.name() {
        rows.push(("Times in", escape(zone)));
    }
    let fixes = match i.corrections {
        1 => "1 correction".to_string(),
        n => format!("{n} corrections"),
    };
    let events = format!("{} ({fixes})", i.events);
    rows.push(("Events", events));
    o.push_str("<section>\n<h2>Summary</h2>\n<table>\n");
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>");
    }
    o.push_str("</table>\n</section>\n<section>\n<h2>Impact</h2>\n");
    impact(&mut o, r);
    o.push_str("</section>\n<section>\n<h2>Detection</h2>\n");
    if let Some(e) = r.detection() {
        let mut source = String::new();
        if let Body::Detected {
            source: Some(s), ..
        } = &e.body
        {
            source = format!(" by {}", word(s));
        }
        let what = escape(e.finding().trim_end_matches('.'));
        let at = time(&r.clock, Some(e.stamp()));
        let ttd = duration(m.time_to_detect);
        let tta = duration(m.time_to_acknowledge);
        let _ = writeln!(
            o,
            "<p>Detected{source} at {at}: {what}.</p>\n<p>Time to detect: {ttd}. Time to acknowledge: {tta}.</p>"
        );
    } else {
        o.push_str("<p>No detection recorded.</p>\n");
    }
    o.push_str("</section>\n");
    list(&mut o, r, "Cause", &["diagnosed"]);
    if let Some(plan) = super::plan(r) {
        let rows: Vec<Vec<String>> = plan
            .into_iter()
            .map(|(what, planned, actual, diff)| {
                vec![what.to_string(), escape(&planned), escape(&actual), diff]
            })
            .collect();
        o.push_str("<section>\n<h2>Planned and actual</h2>\n");
        table(&mut o, Narrow::Stack, "|Planned|Actual|Difference", &rows);
        o.push_str("</section>\n");
    }
    let _ = writeln!(o, "<section>\n<h2>Timeline</h2>\n{}", chart(r));
    let rows: Vec<Vec<String>> = r.timeline.iter().map(|e| line(r, e)).collect();
    table(&mut o, Narrow::Log, "Time|T+|Type|What", &rows);
    o.push_str("</section>\n");
    vendors(&mut o, r);
    list(&mut o, r, "Restore steps", &["restore_step", "restored"]);
    list(&mut o, r, "Announcements", &["announced"]);
    list(&mut o, r, "Action items", &["action_item"]);
    metrics(&mut o, r);
    corrections(&mut o, r);
    o.push_str("</main>\n</body>\n</html>\n");
    o
}

/// Time at each level per service; `~` when an interval rests on an estimate.
fn impact(o: &mut String, r: &Report) {
    if r.metrics.impact.is_empty() {
        return o.push_str("<p>No impact recorded.</p>\n");
    }
    let mut rows = Vec::new();
    for imp in &r.metrics.impact {
        let mut row = vec![escape(&imp.service)];
        for l in LEVELS {
            let of = |i: &&Interval| i.service == imp.service && i.level == l;
            let at: Vec<&Interval> = r.incident.intervals.iter().filter(of).collect();
            let estimate = at
                .iter()
                .any(|i| i.from.approximate || i.to.is_some_and(|t| t.approximate));
            let ongoing = at.iter().any(|i| i.to.is_none());
            row.push(match imp.levels.iter().find(|(x, _)| *x == l) {
                None => "—".to_string(),
                Some((_, None)) => "unknown (day only)".to_string(),
                Some((_, Some(s))) => format!(
                    "{}{}{}",
                    if estimate { "~" } else { "" },
                    human(*s),
                    if ongoing { " (ongoing)" } else { "" }
                ),
            });
        }
        rows.push(row);
    }
    let head: Vec<String> = LEVELS.into_iter().map(swatch).collect();
    table(
        o,
        Narrow::Stack,
        &format!("Service|{}", head.join("|")),
        &rows,
    );
}

/// One row of the timeline table.
fn line(r: &Report, e: &Entry) -> Vec<String> {
    let mut what = escape(&e.event.describe());
    if e.amended {
        what.push_str(&tag("amended"));
    }
    if e.late {
        what.push_str(&tag(&format!(
            "late entry, recorded {}",
            r.clock.instant(e.recorded_at)
        )));
    }
    if let Some(a) = &e.event.actor {
        let _ = write!(what, " <span class=\"muted\">({})</span>", escape(a));
    }
    let offset = e.offset.map(offset).unwrap_or_default();
    let ty = format!("<code>{}</code>", e.event.type_name());
    vec![
        time(&r.clock, Some(e.event.stamp())),
        format!("<span class=\"t\">{offset}</span>"),
        ty,
        what,
    ]
}

fn vendors(o: &mut String, r: &Report) {
    o.push_str("<section>\n<h2>Vendor engagement</h2>\n");
    let mut rows = Vec::new();
    for v in &r.incident.vendors {
        let spans = r.metrics.vendor_response.iter();
        let span = spans.filter(|(n, _)| *n == v.vendor).find_map(|(_, s)| *s);
        let tickets = escape(&v.tickets.join(", "));
        let (engaged, first, n) = (
            time(&r.clock, v.engaged),
            time(&r.clock, v.responded),
            v.responses,
        );
        let row = [
            escape(&v.vendor),
            tickets,
            engaged,
            first,
            n.to_string(),
            duration(span),
        ];
        rows.push(row.to_vec());
    }
    let head = "Vendor|Tickets|Engaged|First response|Responses|Response time";
    match rows.is_empty() {
        true => o.push_str("<p>No vendors engaged.</p>\n"),
        false => table(o, Narrow::Stack, head, &rows),
    }
    o.push_str("</section>\n");
}

/// A list item's text for an event, as HTML.
fn detail(e: &Event) -> String {
    let mut out = escape(&e.headline());
    if let Body::Announced {
        channel,
        audience,
        title,
        url,
        text,
    } = &e.body
    {
        out = channel.map_or("announcement".into(), |c| word(&c).replace('_', " "));
        let title = title.as_ref().or(e.summary.as_ref());
        let parts = [
            (": ", title),
            (" to ", audience.as_ref()),
            (" — ", text.as_ref()),
        ];
        for (sep, part) in parts.into_iter().chain([(" — ", url.as_ref())]) {
            if let Some(p) = part {
                let _ = write!(out, "{sep}{}", escape(p));
            }
        }
    } else if let Body::ActionItem { owner, due } = &e.body {
        out = escape(e.summary.as_deref().unwrap_or("(no summary)"));
        if let Some(owner) = owner {
            let _ = write!(out, " — owner: {}", escape(owner));
        }
        if let Some(due) = due {
            let _ = write!(out, ", due {due}");
        }
    } else if let Body::RestoreStep { state: Some(s) } = &e.body {
        out.push_str(&tag(&word(s)));
    }
    out
}

fn list(o: &mut String, r: &Report, title: &str, types: &[&str]) {
    let _ = writeln!(o, "<section>\n<h2>{title}</h2>\n<ul class=\"events\">");
    for e in r.entries(types) {
        let (at, what) = (time(&r.clock, Some(e.event.stamp())), detail(&e.event));
        let _ = writeln!(o, "<li>{at} — {what}</li>");
    }
    if r.entries(types).next().is_none() {
        o.push_str("<li>None recorded.</li>\n");
    }
    o.push_str("</ul>\n</section>\n");
}

fn metrics(o: &mut String, r: &Report) {
    let m = &r.metrics;
    let value = |s: Option<Span>| match s {
        Some(s) => format!("{} ({} s)", duration(Some(s)), s.seconds),
        None => "unknown".to_string(),
    };
    let mut rows: Vec<Vec<String>> = [
        ("Time to detect", m.time_to_detect),
        ("Time to acknowledge", m.time_to_acknowledge),
        ("Time to partial restore", m.time_to_partial_restore),
        ("Time to restore", m.time_to_restore),
        ("Time to resolve", m.time_to_resolve),
    ]
    .into_iter()
    .map(|(n, s)| vec![n.to_string(), value(s)])
    .collect();
    for (vendor, s) in &m.vendor_response {
        rows.push(vec![format!("{} response", escape(vendor)), value(*s)]);
    }
    o.push_str("<section>\n<h2>Metrics</h2>\n");
    table(o, Narrow::Table, "Metric|Value", &rows);
    let policy = escape(&r.policy.describe());
    let _ = writeln!(
        o,
        "<p class=\"note\">Policy: {policy}. <code>~</code> marks figures that rest on estimated times; unknown means a time was recorded only to the day or not at all.</p>\n</section>"
    );
}

fn corrections(o: &mut String, r: &Report) {
    o.push_str("<section>\n<h2>Corrections</h2>\n<ul class=\"events\">\n");
    for c in &r.corrections {
        let mut what = match c.kind {
            "amended" => format!("amended <code>{}</code> of", escape(&c.fields.join(", "))),
            kind => kind.to_string(),
        };
        let _ = write!(
            what,
            " the <code>{}</code> event <code>{}</code>",
            c.target_type, c.target
        );
        if let Some(reason) = &c.reason {
            let _ = write!(what, ": {}", escape(reason));
        }
        if !c.in_effect {
            what.push_str(&tag("withdrawn"));
        }
        let _ = writeln!(
            o,
            "<li>{} — #{} {what}</li>",
            time(&r.clock, Some(exact(c.at))),
            c.seq
        );
    }
    if r.corrections.is_empty() {
        o.push_str("<li>None made.</li>\n");
    }
    o.push_str("</ul>\n</section>\n");
}

#[cfg(test)]
mod tests;
