//! The report's SVG timeline: one lane per service, bars at each impact level over time, event
//! marks with their offsets, and the notes that explain what the picture cannot.

use super::{LEVELS, colour, escape, exact, swatch};
use crate::event::{At, word};
use crate::projection::span::{Span, offset};
use crate::projection::timeline::Entry;
use crate::projection::{Interval, Stamp};
use crate::report::{Report, duration};
use std::fmt::Write;
use time::OffsetDateTime;

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
pub(super) fn chart(r: &Report) -> String {
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
        "<figure>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Timeline\">\n<svg viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"Impact per service over time\">\n<text x=\"{name_x}\" y=\"{name_y}\" text-anchor=\"end\">events</text>\n"
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
        let t = OffsetDateTime::from_unix_timestamp(o + k * step).map(|t| {
            r.clock
                .local(t)
                .unwrap_or_else(|| t.checked_to_offset(zone).unwrap_or(t))
        });
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
        let end = iv
            .to
            .as_ref()
            .map_or("now (ongoing)".into(), |t| r.clock.when(t));
        let length = duration(Span::between(&iv.from, iv.to.as_ref().unwrap_or(&now)));
        let level = word(&iv.level).replace('_', " ");
        let (service, from) = (&iv.service, r.clock.when(&iv.from));
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
        let now = r.clock.when(&exact(At::Instant(
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
        let (at, ty) = (r.clock.when(&e.event.stamp()), e.event.type_name());
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
        "</svg>\n</div>\n<p class=\"note swipe\">Scroll the timeline sideways to see all of it.</p>\n<ul class=\"legend\">{legend}<li>● event at a known time</li><li>○ event at an estimated time (~)</li><li>dashed outline: an estimated bound</li></ul>"
    );
    let start = r.clock.when(&start);
    let zone = match r.clock.name() {
        Some(name) => format!("in {name}"),
        None => format!("at {}", start.rsplit(' ').next().unwrap_or_default()),
    };
    let notes = escape(&notes.join(" "));
    let _ = write!(
        s,
        "<figcaption class=\"note\">T+ offsets from {start}; clock times {zone}. {notes}</figcaption>\n</figure>"
    );
    s
}
