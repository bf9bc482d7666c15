//! The post-incident report as one self-contained HTML page: inline CSS, an inline SVG timeline,
//! no scripts, fonts or links to other hosts; every text taken from events is escaped
//! ([`super::inert::html`]).

use super::inert::html as escape;
use super::{Report, duration, when};
use crate::event::{At, Body, Event, Level, word};
use crate::projection::span::{Span, human, offset};
use crate::projection::timeline::Entry;
use crate::projection::{Interval, Stamp};
use std::fmt::Write;
use time::OffsetDateTime;

const STYLE: &str = "
:root{color-scheme:light} figure{margin:0} h1{font-size:1.6rem;margin:0}
body{margin:0;background:#fff;color:#1b1b1b;font:15px/1.5 system-ui,'Segoe UI',Roboto,Arial,sans-serif}
main{max-width:60rem;margin:0 auto;padding:2rem 1.5rem} .sub{font-size:1.15rem;color:#444;margin:0}
h2{font-size:1.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin:2rem 0 .75rem}
table{border-collapse:collapse;width:100%;font-size:.92rem} thead th{background:#f4f4f4}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #e4e4e4}
th[scope=row]{width:11rem} .t{white-space:nowrap;font-variant-numeric:tabular-nums}
code{font:.85em ui-monospace,Menlo,Consolas,monospace;background:#f2f2f2;padding:0 .25em}
.tag{font-size:.75em;border:1px solid #999;border-radius:3px;padding:0 .3em;color:#555}
svg{width:100%;height:auto;display:block} svg text{font:11px system-ui,sans-serif;fill:#333}
.muted,.note{color:#555} .note{font-size:.85rem;margin:.4rem 0} ul.events li{margin:.2rem 0}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.85rem}
.sw{display:inline-block;width:.9em;height:.9em;margin-right:.35em;vertical-align:-.1em;border:1px solid #0004;print-color-adjust:exact;-webkit-print-color-adjust:exact}
@media print{body{font-size:10.5pt} main{max-width:none;padding:0} h2{break-after:avoid} tr,li,figure{break-inside:avoid}}
";

/// Levels a service can be impacted at, worst first.
const LEVELS: [Level; 4] = [
    Level::MajorOutage,
    Level::PartialOutage,
    Level::Degraded,
    Level::Maintenance,
];

fn colour(level: Level) -> &'static str {
    match level {
        Level::MajorOutage => "#d62728",
        Level::PartialOutage => "#f28e2b",
        Level::Degraded => "#edc948",
        Level::Maintenance => "#4e79a7",
        Level::Operational => "#59a14f",
    }
}

/// A level's name with its colour swatch.
fn swatch(level: Level) -> String {
    let name = word(&level).replace('_', " ");
    format!(
        "<span class=\"sw\" style=\"background:{}\"></span>{name}",
        colour(level)
    )
}

fn exact(at: At) -> Stamp {
    Stamp {
        at,
        approximate: false,
    }
}

/// A written time, escaped, in a no-wrap span; `—` when unknown.
fn time(s: Option<Stamp>) -> String {
    s.map_or("—".into(), |s| {
        format!("<span class=\"t\">{}</span>", escape(&when(&s)))
    })
}

fn tag(text: &str) -> String {
    format!(" <span class=\"tag\">{text}</span>")
}

/// A table; `head` is `|`-separated.
fn table(o: &mut String, head: &str, rows: &[Vec<String>]) {
    let head: String = head.split('|').map(|h| format!("<th>{h}</th>")).collect();
    let _ = writeln!(o, "<table>\n<thead><tr>{head}</tr></thead>\n<tbody>");
    for row in rows {
        let cells: String = row.iter().map(|c| format!("<td>{c}</td>")).collect();
        let _ = writeln!(o, "<tr>{cells}</tr>");
    }
    o.push_str("</tbody>\n</table>\n");
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
        ("Impact started", time(i.impact_start)),
    ];
    if i.partial_restore.is_some() {
        let (at, d) = (time(i.partial_restore), duration(m.time_to_partial_restore));
        rows.push(("Partly restored", format!("{at} ({d})")));
    }
    match i.full_restore.or(i.resolved) {
        Some(at) => {
            let d = duration(m.time_to_restore);
            rows.push(("Restored", format!("{} ({d})", time(Some(at)))));
        }
        None => rows.push(("Restored", time(None))),
    }
    rows.push(("Resolved", time(i.resolved)));
    if let Some((start, end)) = &i.window {
        rows.push(("Window", format!("{start} to {end}")));
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
        let what = escape(e.describe().trim_end_matches('.'));
        let at = time(Some(e.stamp()));
        let ttd = duration(m.time_to_detect);
        let tta = duration(m.time_to_acknowledge);
        let _ = writeln!(
            o,
            "<p>Detected{source} at {at}: {what}.</p>\n<p>Time to detect: {ttd}. Time to acknowledge: {tta}.</p>"
        );
    } else {
        o.push_str("<p>No detection recorded.</p>\n");
    }
    let _ = writeln!(o, "</section>\n<section>\n<h2>Timeline</h2>\n{}", chart(r));
    let rows: Vec<Vec<String>> = r.timeline.iter().map(line).collect();
    table(&mut o, "Time|T+|Type|What", &rows);
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
    table(o, &format!("Service|{}", head.join("|")), &rows);
}

/// One row of the timeline table.
fn line(e: &Entry) -> Vec<String> {
    let mut what = escape(&e.event.describe());
    if e.amended {
        what.push_str(&tag("amended"));
    }
    if let Some(a) = &e.event.actor {
        let _ = write!(what, " <span class=\"muted\">({})</span>", escape(a));
    }
    let offset = e.offset.map(offset).unwrap_or_default();
    let ty = format!("<code>{}</code>", e.event.type_name());
    vec![
        time(Some(e.event.stamp())),
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
        let (engaged, first, n) = (time(v.engaged), time(v.responded), v.responses);
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
        false => table(o, head, &rows),
    }
    o.push_str("</section>\n");
}

/// A list item's text for an event, as HTML.
fn detail(e: &Event) -> String {
    let mut out = escape(&e.describe());
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
        let (at, what) = (time(Some(e.event.stamp())), detail(&e.event));
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
    table(o, "Metric|Value", &rows);
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
            time(Some(exact(c.at))),
            c.seq
        );
    }
    if r.corrections.is_empty() {
        o.push_str("<li>None made.</li>\n");
    }
    o.push_str("</ul>\n</section>\n");
}

/// SVG layout: view box width, label gutter, plot width, lane height.
const WIDTH: f64 = 800.0;
const LEFT: f64 = 130.0;
const PLOT: f64 = WIDTH - LEFT - 30.0;
const LANE: f64 = 26.0;

fn instant(s: &Stamp) -> Option<i64> {
    match s.at {
        At::Instant(t) => Some(t.unix_timestamp()),
        At::Day(_) => None,
    }
}

/// `n things` and the verb that agrees with it.
fn count(n: usize, thing: &str) -> (String, &'static str) {
    match n {
        1 => (format!("1 {thing}"), "is"),
        n => (format!("{n} {thing}s"), "are"),
    }
}

/// The inline SVG timeline with its legend and caption.
fn chart(r: &Report) -> String {
    let i = &r.incident;
    let now = exact(At::Instant(r.now));
    // Bars: intervals whose start and end (or now, when still open) are instants.
    let bars: Vec<(&Interval, i64, i64)> = (i.intervals.iter())
        .filter_map(|iv| Some((iv, instant(&iv.from)?, instant(&iv.to.unwrap_or(now))?)))
        .collect();
    let marks: Vec<(&Entry, i64)> = (r.timeline.iter())
        .filter_map(|e| Some((e, instant(&e.event.stamp())?)))
        .collect();
    let mut notes = Vec::new();
    if marks.len() < r.timeline.len() {
        let (n, are) = count(r.timeline.len() - marks.len(), "event");
        let their = if are == "is" { "its" } else { "their" };
        let text = format!("{n} known only by {their} day {are} listed below but not drawn.");
        notes.push(text);
    }
    if bars.len() < i.intervals.len() {
        let (n, are) = count(i.intervals.len() - bars.len(), "impact interval");
        let text = format!("{n} with a start or end known only by the day {are} not drawn.");
        notes.push(text);
    }
    // T+0:00 is the start of impact, else the first time written as an instant.
    let mark = marks.first().map(|m| m.0.event.stamp());
    let first = [
        i.impact_start,
        Some(i.opened),
        mark,
        bars.first().map(|b| b.0.from),
    ];
    let first = first.into_iter().flatten();
    let Some((start, o)) = first.filter_map(|s| Some((s, instant(&s)?))).next() else {
        let notes = notes.join(" ");
        return format!("<p class=\"note\">Nothing to draw: no time is an instant. {notes}</p>");
    };
    let times = bars.iter().flat_map(|b| [b.1, b.2]);
    let times = times.chain(marks.iter().map(|m| m.1));
    let (lo, hi) = times.fold((o, o), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let hi = if hi > lo { hi } else { lo + 3600 };
    let x = |t: i64| LEFT + 6.0 + (t - lo) as f64 / (hi - lo) as f64 * (PLOT - 12.0);

    // Markers stack upwards where they would overlap.
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for (_, t) in &marks {
        let px = x(*t);
        let free = |l: &f64| !placed.iter().any(|(q, m)| m == l && (q - px).abs() < 9.0);
        placed.push((px, (0..).map(f64::from).find(free).unwrap_or(0.0)));
    }
    let top = 24.0 + 9.0 * placed.iter().map(|p| p.1).fold(0.0, f64::max);
    let mut lanes = i.services.clone();
    for (iv, _, _) in &bars {
        if !lanes.contains(&iv.service) {
            lanes.push(iv.service.clone());
        }
    }
    let axis = top + lanes.len() as f64 * LANE;
    let (height, name_x, name_y) = (axis + 36.0, LEFT - 8.0, top - 6.0);
    let mut s = format!(
        "<figure>\n<svg viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"Impact per service over time\">\n<text x=\"{name_x}\" y=\"{name_y}\" text-anchor=\"end\">events</text>\n"
    );
    for (n, lane) in lanes.iter().enumerate() {
        let (y, fill) = (top + n as f64 * LANE, ["#f2f2f2", "#fff"][n % 2]);
        let mut short: String = lane.chars().take(18).collect();
        if short.len() < lane.len() {
            short = short.chars().take(17).chain(['…']).collect();
        }
        let (short, full, ty) = (escape(&short), escape(lane), y + LANE / 2.0 + 4.0);
        let _ = writeln!(
            s,
            "<rect x=\"0\" y=\"{y}\" width=\"{WIDTH}\" height=\"{LANE}\" fill=\"{fill}\"/><text x=\"{name_x}\" y=\"{ty}\" text-anchor=\"end\">{short}<title>{full}</title></text>"
        );
    }
    // Ticks: whole steps from T+0:00, at most about eight across.
    let steps = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880].map(|m| m * 60);
    let step = steps
        .into_iter()
        .find(|st| (hi - lo) / st <= 8)
        .unwrap_or(7 * 86400);
    let step = step * (1 + (hi - lo) / step / 9);
    let zone = match start.at {
        At::Instant(t) => t.offset(),
        At::Day(_) => time::UtcOffset::UTC,
    };
    for k in -(o - lo).div_euclid(step)..=(hi - o).div_euclid(step) {
        let t = OffsetDateTime::from_unix_timestamp(o + k * step)
            .map(|t| t.checked_to_offset(zone).unwrap_or(t));
        let Ok(t) = t else { continue };
        let mut clock = format!("{:02}:{:02}", t.hour(), t.minute());
        if hi - lo > 86400 {
            clock = format!("{:02}-{:02} {clock}", t.month() as u8, t.day());
        }
        let (px, rel) = (x(o + k * step), offset(k * step));
        let grid = ["#ddd", "#888"][usize::from(k == 0)];
        let (y1, y2, y3) = (axis + 4.0, axis + 16.0, axis + 29.0);
        let _ = writeln!(
            s,
            "<line x1=\"{px:.1}\" y1=\"4\" x2=\"{px:.1}\" y2=\"{y1}\" stroke=\"{grid}\"/><text x=\"{px:.1}\" y=\"{y2}\" text-anchor=\"middle\">{clock}</text><text x=\"{px:.1}\" y=\"{y3}\" text-anchor=\"middle\" fill=\"#666\">{rel}</text>"
        );
    }
    for (iv, from, to) in &bars {
        let lane = lanes.iter().position(|l| *l == iv.service).unwrap_or(0);
        let (px, y, h) = (x(*from), top + lane as f64 * LANE + 5.0, LANE - 10.0);
        let (w, fill) = ((x(*to) - px).max(2.0), colour(iv.level));
        let estimate = iv.from.approximate || iv.to.is_some_and(|t| t.approximate);
        let dash = ["", " stroke=\"#333\" stroke-dasharray=\"3 2\""][usize::from(estimate)];
        let end = iv.to.as_ref().map_or("now (ongoing)".into(), when);
        let length = duration(Span::between(&iv.from, iv.to.as_ref().unwrap_or(&now)));
        let level = word(&iv.level).replace('_', " ");
        let (service, from) = (&iv.service, when(&iv.from));
        let tip = escape(&format!(
            "{service}: {level} from {from} to {end} ({length})"
        ));
        let _ = writeln!(
            s,
            "<rect class=\"bar\" x=\"{px:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" fill=\"{fill}\"{dash}><title>{tip}</title></rect>"
        );
    }
    if bars.iter().any(|b| b.0.to.is_none()) {
        let (px, y1, y2) = (x(r.now.unix_timestamp()), top - 4.0, top - 6.0);
        let _ = writeln!(
            s,
            "<line x1=\"{px:.1}\" y1=\"{y1}\" x2=\"{px:.1}\" y2=\"{axis}\" stroke=\"#333\" stroke-dasharray=\"4 3\"/><text x=\"{px:.1}\" y=\"{y2}\" dx=\"-3\" text-anchor=\"end\">now</text>"
        );
        let now = when(&exact(At::Instant(
            r.now.checked_to_offset(zone).unwrap_or(r.now),
        )));
        notes.push(format!(
            "Open intervals run to the time of this report, {now}."
        ));
    }
    for ((e, _), (px, level)) in marks.iter().zip(&placed) {
        let cy = top - 10.0 - level * 9.0;
        let fill = ["#333", "#fff"][usize::from(e.event.approximate)];
        let rel = e.offset.map(offset).unwrap_or_default();
        let (at, ty) = (when(&e.event.stamp()), e.event.type_name());
        let what = e.event.describe();
        let what = if what.is_empty() {
            what
        } else {
            format!(": {what}")
        };
        let tip = escape(&format!("{at} {rel} {ty}{what}"));
        let _ = writeln!(
            s,
            "<circle cx=\"{px:.1}\" cy=\"{cy}\" r=\"4\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"1.5\"><title>{tip}</title></circle>"
        );
    }
    let legend = LEVELS.map(|l| format!("<li>{}</li>", swatch(l))).concat();
    let _ = writeln!(
        s,
        "</svg>\n<ul class=\"legend\">{legend}<li>● event at a known time</li><li>○ event at an estimated time (~)</li><li>dashed outline: an estimated bound</li></ul>"
    );
    let start = when(&start);
    let zone = start.rsplit(' ').next().unwrap_or_default();
    let notes = escape(&notes.join(" "));
    let _ = write!(
        s,
        "<figcaption class=\"note\">T+ offsets from {start}; clock times at {zone}. {notes}</figcaption>\n</figure>"
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::parse_line;
    use crate::projection::Policy;
    use crate::projection::incident::fold;
    use crate::record::{GENESIS, Stored, new_id};
    use crate::report::build;
    use time::macros::datetime;

    const HOSTILE: &str = r#"<script>alert(1)</script> & "x""#;

    fn report(lines: &[&str], now: OffsetDateTime) -> Report {
        let recorded = datetime!(2024-01-01 0:00 UTC);
        let mut prev = GENESIS;
        let mut stream = Vec::new();
        for (n, line) in lines.iter().enumerate() {
            let event = parse_line(line).expect("valid line").event;
            let seq = n as u64 + 1;
            let id = new_id(recorded, &prev, seq, 0);
            let stored = Stored::seal(seq, id, n as u64, recorded, event, &prev).0;
            prev = stored.hash;
            stream.push(stored);
        }
        let incident = fold("r", &stream).expect("events");
        build(incident, &stream, Policy::default(), now)
    }

    fn routing() -> Report {
        let hostile = serde_json::to_string(HOSTILE).unwrap();
        let lines = [
            format!(r#"{{"type":"detected","incident":"r","at":"2011-06-16T03:20:00-04:00","approximate":true,"services":["dns","network"],"source":"monitoring","summary":{hostile}}}"#),
            format!(r#"{{"type":"note","incident":"r","at":"2011-06-16","text":{hostile}}}"#),
            r#"{"type":"impact_started","incident":"r","at":"2011-06-16","services":["mail"]}"#.into(),
            r#"{"type":"impact_changed","incident":"r","at":"2011-06-16T04:00:00-04:00","services":["dns"],"level":"degraded"}"#.into(),
            r#"{"type":"restored","incident":"r","at":"2011-06-16T06:40:00-04:00","services":["network"],"level":"partial"}"#.into(),
            r#"{"type":"announced","incident":"r","at":"2011-06-16","channel":"blog","title":"Down","url":"https://blog.example/p?a=1&b=2"}"#.into(),
            r#"{"type":"resolved","incident":"r","at":"2011-06-16T07:05:00-04:00"}"#.into(),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        report(&lines, datetime!(2011-06-20 12:00 UTC))
    }

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            escape(HOSTILE),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"
        );
        assert_eq!(escape("it's"), "it&#39;s");
    }

    #[test]
    fn hostile_event_text_comes_out_escaped() {
        let page = render(&routing());
        assert!(!page.contains("<script"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(page.starts_with("<!doctype html>") && page.ends_with("</html>\n"));
    }

    #[test]
    fn links_to_no_other_host() {
        let page = render(&routing()).replace("https://blog.example/p?a=1&amp;b=2", "");
        assert!(!page.contains("http://") && !page.contains("https://"));
        assert!(!page.contains("href=") && !page.contains("src=") && !page.contains("<script"));
    }

    #[test]
    fn draws_one_bar_per_interval_with_instants() {
        let r = routing();
        let page = render(&r);
        assert!(page.contains("<svg"));
        // dns major + degraded, network major + partial; mail starts on a day only.
        assert_eq!(r.incident.intervals.len(), 5);
        let instant = |s: &Stamp| matches!(s.at, At::Instant(_));
        let drawable = (r.incident.intervals.iter())
            .filter(|i| instant(&i.from) && i.to.as_ref().is_none_or(instant))
            .count();
        assert_eq!(drawable, 4);
        assert_eq!(page.matches("<rect class=\"bar\"").count(), 4);
        assert_eq!(page.matches("<circle").count(), 4);
        assert!(page.contains("3 events known only by their day are listed below but not drawn."));
        assert!(
            page.contains(
                "1 impact interval with a start or end known only by the day is not drawn."
            )
        );
        assert_eq!(render(&r), page, "deterministic");
    }

    #[test]
    fn open_intervals_run_to_now() {
        let r = report(
            &[
                r#"{"type":"detected","incident":"r","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
            ],
            datetime!(2011-06-16 09:20 UTC),
        );
        let page = render(&r);
        assert_eq!(page.matches("<rect class=\"bar\"").count(), 1);
        assert!(page.contains(">now</text>"));
        assert!(page.contains("2h (ongoing)"));
        assert!(page.contains("to now (ongoing) (2h)"));
        assert!(page.contains("the time of this report, 2011-06-16 05:20 -04:00."));
    }

    #[test]
    fn day_only_incident_has_no_chart() {
        let r = report(
            &[
                r#"{"type":"detected","incident":"r","at":"2011-02-23","services":["mail"]}"#,
                r#"{"type":"resolved","incident":"r","at":"2011-02-23"}"#,
            ],
            datetime!(2011-06-16 09:20 UTC),
        );
        let page = render(&r);
        assert!(!page.contains("<svg"));
        assert!(page.contains("2 events known only by their day"));
        assert!(page.contains("unknown (day only)"));
    }
}
