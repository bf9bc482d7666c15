//! The static status site (DESIGN section 12): `index.html`, `status.json`, `feed.atom`,
//! `maintenance.ics`, `incidents/KEY.html` and `badges/…svg`, rendered from a [`Site`] that
//! holds only public projections ([`crate::projection::public`]). Pure and deterministic: the
//! same site gives the same bytes.

mod atom;
mod badge;
mod ics;
mod json;
mod page;
mod style;

use super::Clock;
use crate::event::{At, Level};
use crate::projection::Policy;
use crate::projection::public::PublicIncident;
use crate::projection::status::ServiceStatus;
use crate::projection::zone::Zone;
use time::{Date, OffsetDateTime};

pub use page::incident_page;
pub use style::CSS;

/// Everything a status site shows.
pub struct Site {
    /// The page's title (`[site] title`, default "Status").
    pub title: String,
    /// Where the site is published (`[site] url`), for absolute links in the feed and calendar.
    pub url: Option<String>,
    /// What names the ledger the site is made from (its first event's id): sites of two
    /// ledgers with the same title get feeds with different ids.
    pub origin: String,
    /// The zone's name; days and times are shown in it.
    pub tz: String,
    pub clock: Clock,
    pub zone: Box<dyn Zone + Send + Sync>,
    pub policy: Policy,
    /// The last day of the bars.
    pub as_of: Date,
    /// When it was generated: now, or the end of `--as-of` (so the bytes are reproducible).
    pub generated_at: OffsetDateTime,
    pub services: Vec<Shown>,
    /// Public incidents and maintenance of the window and every one still active, newest first.
    pub incidents: Vec<PublicIncident>,
}

/// One service on the page.
pub struct Shown {
    pub status: ServiceStatus,
    /// Whole days since its last outage ended (in the zone); `None`: it never had one.
    pub days_since_outage: Option<i64>,
}

/// One file of the site: its path under the output directory, and its bytes.
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl Site {
    /// Every file of the site.
    pub fn files(&self) -> Vec<File> {
        let text = |path: &str, body: String| File {
            path: path.to_string(),
            bytes: body.into_bytes(),
        };
        let mut files = vec![
            text("index.html", page::index(self)),
            text("status.json", json::status(self)),
            text("feed.atom", atom::feed(self)),
            text("maintenance.ics", ics::calendar(self)),
        ];
        for i in &self.incidents {
            files.push(text(
                &format!("incidents/{}.html", i.key),
                page::incident_page(self, i),
            ));
        }
        for s in &self.services {
            let name = &s.status.name;
            files.push(text(&format!("badges/{name}.svg"), badge::uptime(s)));
            files.push(text(&format!("badges/streak/{name}.svg"), badge::streak(s)));
        }
        files
    }

    /// The overall level: the worst current level of the shown services.
    pub fn overall(&self) -> Level {
        let statuses: Vec<ServiceStatus> = self.services.iter().map(|s| s.status.clone()).collect();
        crate::projection::status::overall(&statuses)
    }

    /// A written time as an instant: a day-only time is the start of that day in the zone.
    pub fn instant(&self, at: At) -> OffsetDateTime {
        match at {
            At::Instant(t) => t,
            At::Day(d) => self.zone.start_of(d),
        }
    }

    /// The maintenance windows to list: upcoming and active ones.
    pub fn maintenance(&self) -> impl Iterator<Item = &PublicIncident> {
        self.incidents
            .iter()
            .filter(|i| i.kind == crate::event::rules::Kind::Maintenance && i.active())
    }
}

/// What a level is called on a public page.
pub fn level_name(level: Option<Level>) -> &'static str {
    match level {
        None => "No data",
        Some(Level::Operational) => "Operational",
        Some(Level::Degraded) => "Degraded performance",
        Some(Level::PartialOutage) => "Partial outage",
        Some(Level::MajorOutage) => "Major outage",
        Some(Level::Maintenance) => "Under maintenance",
    }
}

/// An instant in UTC as RFC 3339 (`2026-11-25T12:00:00Z`), as feeds want it.
pub fn utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A percentage for people: cut (not rounded) to three decimals, trailing zeros dropped
/// (`99.95 %`, `100 %`), so that 99.9996 % never shows as 100 %.
pub fn percent(p: f64) -> String {
    let cut = (p * 1000.0).floor() / 1000.0;
    let text = format!("{cut:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} %")
}
