//! The status site (DESIGN section 12) as a use case: from the ledger, the zone, the `[site]`
//! settings, the policy and a day, the [`Site`] that `logbook site` writes to files and
//! `logbook serve` answers from memory. Only the public projection goes in.

use super::AppError;
use super::streak::View;
use crate::event::At;
use crate::projection::public::{PublicIncident, public};
use crate::projection::service::Service;
use crate::projection::status::{Frame, by_service};
use crate::projection::zone::Zone;
use crate::projection::{Incident, Policy, Stamp};
use crate::report::Clock;
use crate::report::site::{Shown, Site};
use crate::store::Ledger;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use time::{Date, OffsetDateTime};

/// `[site]` of the config file: how the status site presents itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The page's title (default "Status").
    pub title: Option<String>,
    /// Where it is published (`https://status.example.com`), for absolute links in the feed
    /// and the calendar.
    pub url: Option<String>,
    /// The services shown, in this order (default: every service, by name, capitals or not).
    pub services: Option<Vec<String>>,
}

impl Settings {
    /// The url, if it is set and is not an http or https address (the caller says why that
    /// is wrong in its own words).
    pub fn bad_url(&self) -> Option<&str> {
        self.url
            .as_deref()
            .filter(|u| !(u.starts_with("https://") || u.starts_with("http://")))
    }
}

/// What a site is built from, besides the ledger.
pub struct Inputs<'a> {
    /// The zone of the days, and its name (`Europe/Berlin`).
    pub zone: &'a Arc<dyn Zone + Send + Sync>,
    pub tz: &'a str,
    pub settings: &'a Settings,
    pub policy: Policy,
    /// The last day of the 90, in the zone.
    pub as_of: Date,
    /// Time after it is not known yet: the request's time, or the end of `as_of` for a
    /// reproducible site.
    pub now: OffsetDateTime,
}

/// The site of `ledger` as `inputs` ask for it.
pub fn build(ledger: &Ledger, inputs: &Inputs<'_>) -> Result<Site, AppError> {
    let zone: &dyn Zone = inputs.zone.as_ref();
    let frame = Frame {
        zone,
        policy: inputs.policy,
        as_of: inputs.as_of,
        now: inputs.now,
    };
    let incidents = ledger.incidents()?;
    let touching = by_service(&frame, &incidents);
    let (window_start, _) = frame.window();
    let shown: Vec<Service> = match &inputs.settings.services {
        Some(names) => names
            .iter()
            .map(|n| ledger.service(n))
            .collect::<Result<_, _>>()?,
        None => {
            let mut all: Vec<Service> = ledger
                .services()?
                .into_iter()
                .filter(|s| s.retired.is_none_or(|r| after(&r.at, window_start, zone)))
                .collect();
            // Alphabetical as a reader expects it: `api`, `Mail`, `web`, not capitals first.
            all.sort_by_cached_key(|s| (s.name.to_lowercase(), s.name.clone()));
            all
        }
    };
    let view = View {
        ledger,
        policy: inputs.policy,
        zone,
        as_of: inputs.as_of,
    };
    // Every incident of each service, grouped once from the list already read (not one
    // index query and decode per service).
    let mut all_of: HashMap<&str, Vec<&Incident>> = HashMap::new();
    for i in &incidents {
        for s in &i.services {
            all_of.entry(s.as_str()).or_default().push(i);
        }
    }
    let mut services = Vec::with_capacity(shown.len());
    for service in &shown {
        let none = Vec::new();
        let of = touching.get(service.name.as_str()).unwrap_or(&none);
        let all = all_of.get(service.name.as_str()).unwrap_or(&none);
        let streaks = view.streaks(service, all.iter().copied());
        services.push(Shown {
            status: frame.service(service, of),
            days_since_outage: streaks.days_since_last_outage,
        });
    }
    let public_incidents = public_incidents(ledger, &frame, &incidents, &shown)?;
    Ok(Site {
        title: inputs
            .settings
            .title
            .clone()
            .unwrap_or_else(|| "Status".to_string()),
        url: inputs.settings.url.clone(),
        origin: origin(ledger)?,
        tz: inputs.tz.to_string(),
        clock: Clock::zone(inputs.tz, inputs.zone.clone()),
        zone: Box::new(inputs.zone.clone()),
        policy: inputs.policy,
        as_of: inputs.as_of,
        generated_at: inputs.now,
        services,
        incidents: public_incidents,
    })
}

/// The id of the ledger's first event (it survives export and import), or "" when empty.
fn origin(ledger: &Ledger) -> Result<String, AppError> {
    let first = ledger.raw_range(1..=1)?;
    Ok(first
        .first()
        .and_then(|(_, bytes)| crate::record::Stored::decode(bytes).ok())
        .map(|s| s.id.to_string())
        .unwrap_or_default())
}

/// Whether a written time is at or after `t` (a day-only time: its day's start in the zone).
fn after(at: &At, t: OffsetDateTime, zone: &dyn Zone) -> bool {
    match at {
        At::Instant(i) => *i >= t,
        At::Day(d) => zone.day_bounds(*d).1 > t,
    }
}

/// The public incidents the site lists: those touching its window and those still active,
/// that concern a shown service; newest first.
fn public_incidents(
    ledger: &Ledger,
    frame: &Frame<'_>,
    incidents: &[Incident],
    shown: &[Service],
) -> Result<Vec<PublicIncident>, AppError> {
    let names: BTreeSet<&str> = shown.iter().map(|s| s.name.as_str()).collect();
    let mut out = Vec::new();
    let window_start = frame.window().0;
    for incident in incidents {
        if !incident.services.iter().any(|s| names.contains(s.as_str())) {
            continue;
        }
        let upcoming = incident
            .window
            .is_some_and(|(_, end)| after(&end, window_start, frame.zone));
        let is_open =
            incident.closed.is_none() && incident.intervals.iter().any(|i| i.to.is_none());
        if !(frame.touches(incident) || upcoming || is_open) {
            continue;
        }
        let stream = ledger.stream(&incident.key)?;
        let mut p = public(incident, &stream);
        // Only the shown services are public.
        p.services.retain(|(s, _)| names.contains(s.as_str()));
        p.intervals.retain(|i| names.contains(i.service.as_str()));
        out.push(p);
    }
    let start = |p: &PublicIncident| {
        p.started
            .or(p.window.map(|w| Stamp {
                at: w.0,
                approximate: false,
            }))
            .map(|s| match s.at {
                At::Instant(t) => t,
                At::Day(d) => frame.zone.start_of(d),
            })
    };
    out.sort_by(|a, b| start(b).cmp(&start(a)).then(a.key.cmp(&b.key)));
    Ok(out)
}
