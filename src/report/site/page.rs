//! The site's HTML pages: `index.html` (banner, services with their 90-day bars, active
//! incidents, maintenance, history) and one page per public incident. Every text that came
//! from a writer is escaped; links go only to `http`/`https` URLs and to the site's own files.

use super::style::{CSS, SHADES, Shade, level_colour};
use super::{Site, level_name, percent};
use crate::event::rules::Kind;
use crate::event::{At, Level};
use crate::projection::Stamp;
use crate::projection::public::PublicIncident;
use crate::projection::span::{Span, human};
use crate::projection::status::{DAYS, Day};
use crate::report::inert::html as escape;
use std::fmt::Write;

/// The page's frame; `root` leads back to the site's top (`""` or `"../"`).
fn frame(site: &Site, title: &str, root: &str, body: &str) -> String {
    let site_title = escape(&site.title);
    // A site made `--as-of` a day is as of that day's end; a live one as of its moment.
    let generated = if site.generated_at == site.zone.day_bounds(site.as_of).1 {
        format!("As of the end of {}", site.as_of)
    } else {
        format!("Updated {}", site.clock.instant(site.generated_at))
    };
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"{site_title}: incident history\" href=\"{root}feed.atom\">\n\
         <style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\
         <footer><p><a href=\"{root}feed.atom\">Atom feed</a><a href=\"{root}maintenance.ics\">Maintenance calendar</a><a href=\"{root}status.json\">status.json</a></p>\
         <p>{generated}. Times in {tz}.</p></footer>\n</main>\n</body>\n</html>\n",
        tz = escape(&site.tz),
    )
}

/// The banner's words for the overall level.
fn banner(level: Level) -> &'static str {
    match level {
        Level::Operational => "All systems operational",
        Level::Degraded => "Some systems have degraded performance",
        Level::PartialOutage => "Partial outage",
        Level::MajorOutage => "Major outage",
        Level::Maintenance => "Maintenance in progress",
    }
}

/// `index.html`.
pub fn index(site: &Site) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "<h1>{}</h1>", escape(&site.title));
    let overall = site.overall();
    let _ = writeln!(
        o,
        "<p class=\"banner\" role=\"status\" style=\"background:{}\">{}</p>",
        level_colour(overall),
        banner(overall)
    );
    let active: Vec<&PublicIncident> = (site.incidents.iter())
        .filter(|i| i.kind == Kind::Unplanned && i.active())
        .collect();
    if !active.is_empty() {
        o.push_str("<h2>Active incidents</h2>\n");
        for i in active {
            incident_card(&mut o, site, i, "");
        }
    }
    let maintenance: Vec<&PublicIncident> = site.maintenance().collect();
    if !maintenance.is_empty() {
        o.push_str("<h2>Maintenance</h2>\n");
        for i in maintenance {
            incident_card(&mut o, site, i, "");
        }
    }
    let _ = writeln!(o, "<h2>Services, last {DAYS} days</h2>");
    for s in &site.services {
        service_row(&mut o, site, s);
    }
    o.push_str("<ul class=\"legend\" aria-label=\"What the colours of the bars mean\">");
    for shade in SHADES {
        let _ = write!(
            o,
            "<li><span class=\"sw\" style=\"background:{}\"></span>{}</li>",
            shade.colour(),
            shade.words()
        );
    }
    let _ = writeln!(
        o,
        "</ul>\n<p class=\"muted\">Downtime weighs a major outage 1.0 and a partial outage {}; \
         maintenance is not downtime. Each day is a day in {}.</p>",
        site.policy.partial_weight,
        escape(&site.tz)
    );
    let past: Vec<&PublicIncident> = (site.incidents.iter()).filter(|i| !i.active()).collect();
    let _ = writeln!(o, "<h2>Past incidents, last {DAYS} days</h2>");
    if past.is_empty() {
        o.push_str("<p class=\"muted\">No incidents.</p>\n");
    }
    for i in past {
        incident_card(&mut o, site, i, "");
    }
    frame(site, &escape(&site.title), "", &o)
}

fn service_row(o: &mut String, site: &Site, s: &super::Shown) {
    let st = &s.status;
    let name = escape(&st.name);
    let uptime = st.uptime_percent.map_or("uptime unknown".to_string(), |p| {
        format!("{} uptime", percent(p))
    });
    let _ = writeln!(
        o,
        "<section class=\"card\" aria-label=\"{name}\">\n<div class=\"svc\"><h3>{name}</h3>\
         <span class=\"lvl\" style=\"color:{}\">{}</span></div>",
        level_colour(st.current),
        level_name(Some(st.current))
    );
    let width = st.days.len().max(1) * 6;
    let _ = write!(
        o,
        "<svg class=\"bars\" viewBox=\"0 0 {width} 34\" preserveAspectRatio=\"none\" role=\"img\" \
         aria-label=\"{name}: {uptime} over the last {DAYS} days\">"
    );
    for (n, day) in st.days.iter().enumerate() {
        let shade = Shade::of(day);
        let _ = write!(
            o,
            "<rect x=\"{}\" y=\"0\" width=\"4\" height=\"34\" rx=\"1\" fill=\"{}\"><title>{}</title></rect>",
            n * 6,
            shade.colour(),
            escape(&day_label(day))
        );
    }
    let first = st
        .days
        .first()
        .map(|d| d.date.to_string())
        .unwrap_or_default();
    // While a service is down, "0 days since the last outage" would say the wrong thing.
    let down = matches!(st.current, Level::PartialOutage | Level::MajorOutage);
    let since = s
        .days_since_outage
        .filter(|_| !down)
        .map_or(String::new(), |d| {
            format!(
                " · {d} day{} since the last outage",
                if d == 1 { "" } else { "s" }
            )
        });
    let _ = writeln!(
        o,
        "</svg>\n<div class=\"axis\"><span>{first}</span><span>{}</span></div>\n<p class=\"muted\">{uptime}{since}</p>\n</section>",
        site.as_of
    );
}

/// A day's figures in words: its tooltip.
pub fn day_label(day: &Day) -> String {
    let Some(level) = day.level else {
        return format!("{}: no data", day.date);
    };
    let figures = match (day.availability_percent, day.downtime_seconds) {
        (Some(a), Some(d)) if d > 0.0 => {
            format!(
                "{} available, {} down (weighted)",
                percent(a),
                human(d.round() as i64)
            )
        }
        (Some(a), Some(_)) => format!("{} available", percent(a)),
        _ => "an outage of unknown length".to_string(),
    };
    format!(
        "{}: {figures}; worst: {}",
        day.date,
        level_name(Some(level)).to_lowercase()
    )
}

/// A written time, on the site's clock.
fn when(site: &Site, s: &Stamp) -> String {
    format!("<span class=\"t\">{}</span>", escape(&site.clock.when(s)))
}

fn exact(at: At) -> Stamp {
    Stamp {
        at,
        approximate: false,
    }
}

/// What state words a public incident shows.
fn state_words(i: &PublicIncident) -> &'static str {
    use crate::projection::State;
    match i.state {
        State::Open => "Ongoing",
        State::PartiallyRestored => "Partly restored",
        State::Restored => "Restored",
        State::Resolved => "Resolved",
        State::Scheduled => "Scheduled",
        State::InProgress => "In progress",
        State::Completed => "Completed",
        State::Cancelled => "Cancelled",
    }
}

/// One incident or maintenance as a card, linking to its page.
fn incident_card(o: &mut String, site: &Site, i: &PublicIncident, root: &str) {
    let _ = writeln!(
        o,
        "<article class=\"card\"><h3><a href=\"{root}incidents/{key}.html\">{title}</a></h3>",
        key = escape(&i.key),
        title = escape(&i.title)
    );
    summary(o, site, i);
    updates(o, site, i, 3);
    o.push_str("</article>\n");
}

/// The state, services, window and times of an incident, in one muted paragraph.
fn summary(o: &mut String, site: &Site, i: &PublicIncident) {
    let services: Vec<String> = (i.services.iter())
        .map(|(s, l)| format!("{} ({})", escape(s), level_name(Some(*l)).to_lowercase()))
        .collect();
    let mut parts = vec![state_words(i).to_string(), services.join(", ")];
    if let Some((start, end)) = i.window {
        let (a, b) = (when(site, &exact(start)), when(site, &exact(end)));
        parts.push(format!("window {a} to {b}"));
    }
    let done = if i.window.is_some() {
        "carried out "
    } else {
        ""
    };
    match (i.started, i.ended) {
        (Some(s), Some(e)) => {
            let length = Span::between(&s, &e).map_or(String::new(), |d| {
                format!(
                    " ({}{})",
                    if d.approximate { "~" } else { "" },
                    human(d.seconds)
                )
            });
            let (s, e) = (when(site, &s), when(site, &e));
            parts.push(format!("{done}{s} to {e}{length}"));
        }
        (Some(s), None) => parts.push(format!("since {}", when(site, &s))),
        (None, _) => {}
    }
    let _ = writeln!(o, "<p class=\"muted\">{}</p>", parts.join(" · "));
}

/// The newest `limit` updates (all for 0), newest first.
fn updates(o: &mut String, site: &Site, i: &PublicIncident, limit: usize) {
    if i.updates.is_empty() {
        return;
    }
    let take = if limit == 0 { usize::MAX } else { limit };
    o.push_str("<ul class=\"updates\">\n");
    for u in i.updates.iter().rev().take(take) {
        let _ = write!(o, "<li>{}", when(site, &u.at));
        if let Some(t) = &u.title {
            let _ = write!(o, " <strong>{}</strong>", escape(t));
        }
        if let Some(t) = &u.text {
            let _ = write!(o, "<p>{}</p>", escape(t));
        }
        if let Some(url) = &u.url {
            let _ = write!(
                o,
                "<p><a href=\"{}\" rel=\"nofollow\">{}</a></p>",
                escape(url),
                escape(url)
            );
        }
        o.push_str("</li>\n");
    }
    if i.updates.len() > take {
        let more = i.updates.len() - take;
        let _ = writeln!(
            o,
            "<li class=\"muted\">{more} earlier update{}</li>",
            if more == 1 { "" } else { "s" }
        );
    }
    o.push_str("</ul>\n");
}

/// `incidents/KEY.html`: one public incident, every update.
pub fn incident_page(site: &Site, i: &PublicIncident) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<p><a href=\"../index.html\">← {}</a></p>\n<h1>{}</h1>",
        escape(&site.title),
        escape(&i.title)
    );
    summary(&mut o, site, i);
    o.push_str("<h2>Updates</h2>\n");
    if i.updates.is_empty() {
        o.push_str("<p class=\"muted\">No updates were posted.</p>\n");
    }
    updates(&mut o, site, i, 0);
    let title = format!("{} · {}", escape(&i.title), escape(&site.title));
    frame(site, &title, "../", &o)
}
