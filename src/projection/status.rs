//! The status board (DESIGN section 12): each service's current level and its last 90 days,
//! each day's weighted downtime and availability under the policy, counted in the zone. Pure:
//! the caller passes the services, the incidents, the zone, the day the board ends and "now".

use super::incident::{Incident, Interval, Stamp};
use super::policy::Policy;
use super::public::severity;
use super::service::Service;
use super::stats::{Life, downtime};
use super::zone::Zone;
use crate::event::{At, Level};
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime};

/// How many days the bars cover.
pub const DAYS: usize = 90;

/// One day of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub date: Date,
    /// `None` when the service did not exist that day, or an outage that day is known only
    /// by its day (its length cannot be measured).
    pub availability_percent: Option<f64>,
    pub downtime_seconds: Option<f64>,
    /// The worst level the service was at that day; `None`: no data (it did not exist).
    pub level: Option<Level>,
}

/// One service on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceStatus {
    pub name: String,
    /// Its level now: the worst level of the intervals open now.
    pub current: Level,
    /// Availability over the days it existed on the board; `None` when it existed on none, or
    /// an outage could not be measured.
    pub uptime_percent: Option<f64>,
    pub days: Vec<Day>,
}

/// What the board is computed for.
pub struct Frame<'a> {
    pub zone: &'a dyn Zone,
    pub policy: Policy,
    /// The last day of the bars.
    pub as_of: Date,
    /// Time after it is not known yet: days end there at the latest.
    pub now: OffsetDateTime,
}

impl Frame<'_> {
    /// The first day of the bars.
    pub fn first_day(&self) -> Date {
        self.as_of
            .checked_sub(Duration::days(DAYS as i64 - 1))
            .unwrap_or(self.as_of)
    }

    /// The instants the board covers: from the first day's start to the end of `as_of` (or
    /// now, if earlier).
    pub fn window(&self) -> (OffsetDateTime, OffsetDateTime) {
        let (start, _) = self.zone.day_bounds(self.first_day());
        let (_, end) = self.zone.day_bounds(self.as_of);
        (start, end.min(self.now))
    }

    /// An interval's ends as instants: a day-only time is its whole day in the zone.
    fn span(&self, iv: &Interval) -> (OffsetDateTime, OffsetDateTime) {
        let from = match iv.from.at {
            At::Instant(t) => t,
            At::Day(d) => self.zone.start_of(d),
        };
        let to = match iv.to.map(|s| s.at) {
            Some(At::Instant(t)) => t,
            Some(At::Day(d)) => self.zone.day_bounds(d).1,
            None => self.now.max(from),
        };
        (from, to)
    }

    /// Whether `incident` touches the board's window.
    pub fn touches(&self, incident: &Incident) -> bool {
        let (start, end) = self.window();
        incident.intervals.iter().any(|iv| {
            let (from, to) = self.span(iv);
            from <= end && to >= start
        })
    }

    /// The status of `service` from the incidents that name it and touch the window.
    pub fn service(&self, service: &Service, incidents: &[&Incident]) -> ServiceStatus {
        let name = service.name.as_str();
        let instant = |s: Stamp| match s.at {
            At::Instant(t) => t,
            At::Day(d) => self.zone.start_of(d),
        };
        let born = service.commissioned.map(instant);
        let died = service.retired.map(instant);
        let outages: Vec<&Incident> = incidents
            .iter()
            .copied()
            .filter(|i| super::streak::is_outage(i, Some(name), &self.policy))
            .collect();
        let mut days = Vec::with_capacity(DAYS);
        let (mut down_sum, mut life_sum, mut unmeasured) = (0.0, 0.0, false);
        let mut date = self.first_day();
        loop {
            let (start, next) = self.zone.day_bounds(date);
            let from = born.map_or(start, |b| b.max(start));
            let until = died.map_or(next, |d| d.min(next)).min(self.now);
            let day = if until > from {
                let life = Life {
                    service: name.to_string(),
                    from,
                    until,
                };
                let (down, lost) = downtime(&outages, std::slice::from_ref(&life), &self.policy);
                // An empty sum may be -0.0; a day without downtime has 0 seconds of it.
                let down = down + 0.0;
                let seconds = (until - from).as_seconds_f64();
                let level = self.worst(name, incidents, from, until);
                down_sum += down;
                life_sum += seconds;
                unmeasured |= lost > 0;
                Day {
                    date,
                    availability_percent: (lost == 0).then(|| 100.0 * (1.0 - down / seconds)),
                    downtime_seconds: (lost == 0).then_some(down),
                    level: Some(level),
                }
            } else {
                Day {
                    date,
                    availability_percent: None,
                    downtime_seconds: None,
                    level: None,
                }
            };
            days.push(day);
            match date.next_day() {
                Some(d) if date < self.as_of => date = d,
                _ => break,
            }
        }
        ServiceStatus {
            name: name.to_string(),
            current: self.worst(name, incidents, self.now, self.now),
            uptime_percent: (life_sum > 0.0 && !unmeasured)
                .then(|| 100.0 * (1.0 - down_sum / life_sum)),
            days,
        }
    }

    /// The worst level `service` was at between `from` and `until` (an instant when equal).
    fn worst(
        &self,
        service: &str,
        incidents: &[&Incident],
        from: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Level {
        incidents
            .iter()
            .flat_map(|i| i.intervals.iter())
            .filter(|iv| iv.service == service)
            .filter(|iv| {
                let (a, b) = self.span(iv);
                let open_now = iv.to.is_none() && a <= until;
                open_now || (a <= until && b > from)
            })
            .map(|iv| iv.level)
            .max_by_key(|l| severity(*l))
            .unwrap_or(Level::Operational)
    }
}

/// The incidents that touch the frame's window, by service.
pub fn by_service<'a>(
    frame: &Frame<'_>,
    incidents: &'a [Incident],
) -> BTreeMap<&'a str, Vec<&'a Incident>> {
    let mut map: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
    for incident in incidents.iter().filter(|i| frame.touches(i)) {
        for service in &incident.services {
            map.entry(service.as_str()).or_default().push(incident);
        }
        // A service named only by an interval (added later in the incident) counts too.
        for iv in &incident.intervals {
            let list = map.entry(iv.service.as_str()).or_default();
            if !list.iter().any(|i| std::ptr::eq(*i, incident)) {
                list.push(incident);
            }
        }
    }
    map
}

/// The worst current level of the board: what the banner says.
pub fn overall(services: &[ServiceStatus]) -> Level {
    services
        .iter()
        .map(|s| s.current)
        .max_by_key(|l| severity(*l))
        .unwrap_or(Level::Operational)
}
