//! `report --public` (DESIGN section 6): the customer version of a post-incident report. It is
//! made from the public projection alone ([`crate::projection::public`]) and the restore
//! figures: title, services and their impact with times, the public announcements. Nothing
//! internal can reach it, because nothing internal is in what it is made from.

use super::inert::{html as escape, markdown, markdown_link};
use super::{Clock, duration};
use crate::event::rules::Kind;
use crate::event::{At, Level};
use crate::projection::metrics::{Impact, metrics};
use crate::projection::public::{PublicIncident, public};
use crate::projection::span::{Span, human};
use crate::projection::{Incident, Stamp, State};
use crate::record::Stored;
use serde_json::{Value, json};
use std::fmt::Write;
use time::OffsetDateTime;

/// What a customer reads about one incident.
pub struct PublicReport {
    pub incident: PublicIncident,
    pub time_to_partial_restore: Option<Span>,
    pub time_to_restore: Option<Span>,
    /// Seconds at each level per service.
    pub impact: Vec<Impact>,
    pub clock: Clock,
}

/// Builds the customer report of `incident` from its stream; `now` closes open intervals.
pub fn build(
    incident: &Incident,
    stream: &[Stored],
    now: OffsetDateTime,
    clock: Clock,
) -> PublicReport {
    let m = metrics(incident, now);
    PublicReport {
        incident: public(incident, stream),
        time_to_partial_restore: m.time_to_partial_restore,
        time_to_restore: m.time_to_restore,
        impact: m.impact,
        clock,
    }
}

fn state(i: &PublicIncident) -> &'static str {
    match i.state {
        State::Open => "ongoing",
        State::PartiallyRestored => "partly restored",
        State::Restored | State::Resolved => "resolved",
        State::Scheduled => "scheduled",
        State::InProgress => "in progress",
        State::Completed => "completed",
        State::Cancelled => "cancelled",
    }
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Operational => "operational",
        Level::Degraded => "degraded performance",
        Level::PartialOutage => "partial outage",
        Level::MajorOutage => "major outage",
        Level::Maintenance => "maintenance",
    }
}

/// Each impact as (service, level, how long) rows.
fn impact_rows(r: &PublicReport) -> Vec<(String, &'static str, String)> {
    let mut rows = Vec::new();
    for i in &r.impact {
        for (l, seconds) in &i.levels {
            let length = seconds.map_or("unknown".to_string(), human);
            let ongoing = if i.ongoing { " (ongoing)" } else { "" };
            rows.push((i.service.clone(), level(*l), format!("{length}{ongoing}")));
        }
    }
    rows
}

impl PublicReport {
    fn when(&self, s: Option<Stamp>) -> String {
        s.map_or("—".to_string(), |s| self.clock.when(&s))
    }

    fn exact(&self, at: At) -> String {
        self.clock.when(&Stamp {
            at,
            approximate: false,
        })
    }

    /// How long until full restore; "not yet" while it is still going on.
    fn restored_after(&self) -> String {
        match (self.time_to_restore, self.incident.ended) {
            (None, None) => "not yet".to_string(),
            (span, _) => duration(span),
        }
    }

    /// Markdown, for an email or a blog post.
    pub fn markdown(&self) -> String {
        let i = &self.incident;
        let mut o = String::new();
        let _ = writeln!(o, "# {}\n", markdown(&i.title));
        let services: Vec<String> = i.services.iter().map(|(s, _)| markdown(s)).collect();
        let _ = writeln!(o, "- Status: {}", state(i));
        let _ = writeln!(o, "- Services: {}", services.join(", "));
        if let Some((a, b)) = i.window {
            let _ = writeln!(
                o,
                "- Planned window: {} to {}",
                self.exact(a),
                self.exact(b)
            );
        }
        let _ = writeln!(o, "- Started: {}", self.when(i.started));
        let _ = writeln!(o, "- Ended: {}", self.when(i.ended));
        if i.kind != Kind::Maintenance {
            if self.time_to_partial_restore.is_some() {
                let _ = writeln!(
                    o,
                    "- Partly restored after: {}",
                    duration(self.time_to_partial_restore)
                );
            }
            let _ = writeln!(o, "- Fully restored after: {}", self.restored_after());
        }
        if let Some(zone) = self.clock.name() {
            let _ = writeln!(o, "- Times in: {}", markdown(zone));
        }
        let rows = impact_rows(self);
        if !rows.is_empty() {
            o.push_str("\n## Impact\n\n| Service | Level | For |\n|---|---|---|\n");
            for (s, l, d) in rows {
                let _ = writeln!(o, "| {} | {l} | {d} |", markdown(&s));
            }
        }
        o.push_str("\n## Updates\n\n");
        if i.updates.is_empty() {
            o.push_str("No updates were posted.\n");
        }
        for u in &i.updates {
            let _ = write!(o, "- **{}**", markdown(&self.clock.when(&u.at)));
            if let Some(t) = &u.title {
                let _ = write!(o, " {}", markdown(t));
            }
            if let Some(t) = &u.text {
                let _ = write!(o, ": {}", markdown(t));
            }
            if let Some(url) = &u.url {
                let _ = write!(o, " ({})", markdown_link(url, url));
            }
            o.push('\n');
        }
        o
    }

    /// JSON, for tools.
    pub fn json(&self) -> Value {
        let i = &self.incident;
        let seconds = |s: Option<Span>| s.map(|s| s.seconds);
        json!({
            "incident": i.key,
            "title": i.title,
            "kind": i.kind,
            "state": i.state,
            "services": i.services.iter().map(|(s, l)| json!({"service": s, "level": l})).collect::<Vec<_>>(),
            "window": i.window.map(|(a, b)| json!({"start": a, "end": b})),
            "started": i.started.map(|s| s.at),
            "ended": i.ended.map(|s| s.at),
            "metrics": {
                "time_to_partial_restore_seconds": seconds(self.time_to_partial_restore),
                "time_to_restore_seconds": seconds(self.time_to_restore),
                "impact": self.impact.iter().map(|m| json!({
                    "service": m.service,
                    "levels": m.levels.iter().map(|(l, s)| json!({"level": l, "seconds": s})).collect::<Vec<_>>(),
                    "ongoing": m.ongoing,
                })).collect::<Vec<_>>(),
            },
            "updates": i.updates.iter().map(|u| json!({
                "at": u.at.at,
                "approximate": u.at.approximate,
                "title": u.title,
                "text": u.text,
                "url": u.url,
            })).collect::<Vec<_>>(),
            "tz": self.clock.name(),
        })
    }

    /// One self-contained HTML page that reads on a phone.
    pub fn html(&self) -> String {
        let i = &self.incident;
        let mut o = String::new();
        let title = escape(&i.title);
        let _ = writeln!(o, "<h1>{title}</h1>");
        let services: Vec<String> = (i.services.iter())
            .map(|(s, l)| format!("{} ({})", escape(s), level(*l)))
            .collect();
        let mut facts = vec![
            ("Status", state(i).to_string()),
            ("Services", services.join(", ")),
        ];
        if let Some((a, b)) = i.window {
            facts.push((
                "Planned window",
                format!("{} to {}", escape(&self.exact(a)), escape(&self.exact(b))),
            ));
        }
        facts.push(("Started", escape(&self.when(i.started))));
        facts.push(("Ended", escape(&self.when(i.ended))));
        if i.kind != Kind::Maintenance {
            if self.time_to_partial_restore.is_some() {
                facts.push((
                    "Partly restored after",
                    duration(self.time_to_partial_restore),
                ));
            }
            facts.push(("Fully restored after", self.restored_after()));
        }
        o.push_str("<table>\n");
        for (k, v) in facts {
            let _ = writeln!(o, "<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>");
        }
        o.push_str("</table>\n");
        let rows = impact_rows(self);
        if !rows.is_empty() {
            o.push_str(
                "<h2>Impact</h2>\n<table>\n<tr><th>Service</th><th>Level</th><th>For</th></tr>\n",
            );
            for (s, l, d) in rows {
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td>{l}</td><td>{d}</td></tr>",
                    escape(&s)
                );
            }
            o.push_str("</table>\n");
        }
        o.push_str("<h2>Updates</h2>\n<ul class=\"updates\">\n");
        if i.updates.is_empty() {
            o.push_str("<li>No updates were posted.</li>\n");
        }
        for u in &i.updates {
            let _ = write!(
                o,
                "<li><span class=\"t\">{}</span>",
                escape(&self.clock.when(&u.at))
            );
            if let Some(t) = &u.title {
                let _ = write!(o, " <strong>{}</strong>", escape(t));
            }
            if let Some(t) = &u.text {
                let _ = write!(o, "<p>{}</p>", escape(t));
            }
            if let Some(url) = &u.url {
                let _ = write!(
                    o,
                    "<p><a href=\"{0}\" rel=\"nofollow\">{0}</a></p>",
                    escape(url)
                );
            }
            o.push_str("</li>\n");
        }
        o.push_str("</ul>\n");
        if let Some(zone) = self.clock.name() {
            let _ = writeln!(o, "<p class=\"muted\">Times in {}.</p>", escape(zone));
        }
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n{o}</main>\n</body>\n</html>\n",
            super::site::CSS
        )
    }
}
