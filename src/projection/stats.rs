//! Figures across incidents for a period: count, MTTA, MTTR (mean and median), MTBF and
//! availability under a policy, for one service or all.

use super::incident::{Incident, Stamp, order_key, start_key};
use super::metrics::{time_to_acknowledge, time_to_restore};
use super::policy::Policy;
use super::span::Span;
use crate::event::At;
use crate::event::rules::Kind;
use std::collections::{BTreeMap, HashMap};
use time::{OffsetDateTime, UtcOffset};

/// A figure in seconds, and whether it rests on estimates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seconds {
    pub seconds: i64,
    pub approximate: bool,
}

/// Stats for a selection of incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub incidents: u64,
    pub outages: u64,
    pub mtta: Option<Seconds>,
    pub mttr_mean: Option<Seconds>,
    pub mttr_median: Option<Seconds>,
    pub mtbf: Option<Seconds>,
    pub availability_percent: Option<f64>,
    /// Outages whose downtime could not be measured (a time known only to the day).
    pub unmeasured_outages: u64,
    /// The weighted seconds of downtime behind `availability_percent` (the outages' time at
    /// each level times its weight under the policy, overlaps counted once).
    pub downtime_seconds: f64,
    /// The seconds availability is counted over: the sum of the services' lives in the
    /// period, up to now.
    pub counted_seconds: f64,
    /// The keys of the outages counted, by start (the incidents behind the downtime).
    pub outage_keys: Vec<String>,
}

/// The period figures are computed over. The command line gives both ends in the zone's
/// offsets, so that a time known only to its day is read as that day of the zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Period {
    pub since: OffsetDateTime,
    pub until: OffsetDateTime,
}

/// When an incident began to count: the start of impact, or of its maintenance work (the
/// first interval), else its first event.
fn start(incident: &Incident) -> Stamp {
    incident
        .impact_start
        .or_else(|| {
            incident
                .intervals
                .iter()
                .map(|i| i.from)
                .min_by_key(|f| order_key(&f.at, UtcOffset::UTC))
        })
        .unwrap_or(incident.opened)
}

/// Whether `incident` began in the period: such incidents are counted (incidents, outages,
/// MTTA, MTTR, MTBF).
pub fn starts_in(incident: &Incident, period: &Period) -> bool {
    let start = start(incident).at;
    order_key(&start, period.until.offset()) <= period.until.unix_timestamp_nanos()
        && start.compare(&At::Instant(period.since)).is_ge()
}

/// Whether some impact interval of `incident` reaches into the period (an outage that began
/// before it and went on into it): its downtime inside the period counts against the period's
/// availability.
pub fn reaches_into(incident: &Incident, period: &Period) -> bool {
    let (since, until) = (
        period.since.unix_timestamp_nanos(),
        period.until.unix_timestamp_nanos(),
    );
    let offset = period.until.offset();
    incident.intervals.iter().any(|i| {
        let from = start_key(&i.from.at, offset);
        let to = i.to.map_or(i128::MAX, |t| order_key(&t.at, offset));
        from <= until && to > since
    })
}

/// Whether `incident` matters for `service` (or any) in the period, under `policy`: it began
/// in the period, or its impact reached into it.
pub fn selected(
    incident: &Incident,
    service: Option<&str>,
    period: &Period,
    policy: &Policy,
) -> bool {
    let kind_ok = incident.kind == Kind::Unplanned || policy.include_maintenance;
    let service_ok = service.is_none_or(|s| incident.services.iter().any(|x| x == s));
    kind_ok && service_ok && (starts_in(incident, period) || reaches_into(incident, period))
}

/// The part of a period one service existed (DESIGN section 4): from its commissioning, else
/// from the period's start when one was asked for, else from its first incident; until its
/// retirement, else the period's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Life {
    pub service: String,
    pub from: OffsetDateTime,
    pub until: OffsetDateTime,
}

/// How availability is counted, printed beside it.
pub const AVAILABILITY_RULE: &str = "each service over the part of the period it existed (from its commissioning, else from --since if given, else from its first incident; until its retirement); all services: the weighted downtime of every service / the sum of those parts";
/// How MTBF is counted, printed beside it.
pub const MTBF_RULE: &str = "mean time between the starts of consecutive unplanned outages";

/// The lives of `services` within `period`; `since_asked` when the period's start was given.
pub fn lives(
    services: &[super::service::Service],
    incidents: &[&Incident],
    period: &Period,
    since_asked: bool,
    zone: &dyn super::zone::Zone,
) -> Vec<Life> {
    let instant = |at: At| match at {
        At::Instant(t) => t,
        At::Day(d) => zone.start_of(d),
    };
    // Each service's first incident, from one pass over the incidents (not one per service).
    let mut first: HashMap<&str, OffsetDateTime> = HashMap::new();
    if !since_asked {
        for i in incidents {
            let at = instant(start(i).at);
            for s in &i.services {
                first
                    .entry(s.as_str())
                    .and_modify(|t| *t = (*t).min(at))
                    .or_insert(at);
            }
        }
    }
    services
        .iter()
        .map(|s| {
            let from = match (s.commissioned, since_asked) {
                (Some(c), _) => instant(c.at),
                (None, true) => period.since,
                (None, false) => first.get(s.name.as_str()).copied().unwrap_or(period.since),
            };
            let until = s.retired.map_or(period.until, |r| instant(r.at));
            Life {
                service: s.name.clone(),
                from: from.max(period.since),
                until: until.min(period.until),
            }
        })
        .collect()
}

/// Computes the stats of `incidents` (already [`selected`]) for the services whose `lives`
/// are given, over `period`: counts and times of those that began in it, downtime of all of
/// them inside it.
pub fn stats(
    incidents: &[&Incident],
    lives: &[Life],
    period: &Period,
    policy: &Policy,
    now: OffsetDateTime,
) -> Stats {
    let touching = incidents;
    let begun: Vec<&Incident> = incidents
        .iter()
        .copied()
        .filter(|i| starts_in(i, period))
        .collect();
    let incidents = &begun[..];
    // Only the two spans the means need, not every metric of every incident.
    let mtta = mean(incidents.iter().filter_map(|i| time_to_acknowledge(i)));
    let restores: Vec<Span> = incidents
        .iter()
        .filter_map(|i| time_to_restore(i))
        .collect();
    let mttr_mean = mean(restores.iter().copied());
    let mttr_median = median(restores);

    // Time after `now` is not known yet: the period ends at now at the latest.
    let period = &Period {
        since: period.since,
        until: period.until.min(now),
    };
    let service = (lives.len() == 1).then(|| lives[0].service.as_str());
    let mut outages: Vec<&Incident> = incidents
        .iter()
        .copied()
        .filter(|i| super::streak::is_outage(i, service, policy))
        .collect();
    outages.sort_by_key(|i| order_key(&start(i).at, UtcOffset::UTC));
    // MTBF is between unplanned outages, whatever the policy says of maintenance.
    let unplanned: Vec<&&Incident> = outages
        .iter()
        .filter(|i| i.kind == Kind::Unplanned)
        .collect();
    let gaps = unplanned.windows(2).map(|w| {
        let (a, b) = (start(w[0]), start(w[1]));
        Span::between(&a, &b).unwrap_or(Span {
            seconds: (b.at.date() - a.at.date()).whole_seconds(),
            approximate: true,
        })
    });
    let mtbf = mean(gaps);

    // Time after `now` is not known yet: every life ends at now at the latest.
    let lives: Vec<Life> = lives
        .iter()
        .map(|l| Life {
            until: l.until.min(period.until),
            ..l.clone()
        })
        .collect();
    // Downtime: every outage that touches the period, cut to it (by the lives).
    // A period that has not begun yet (it starts after now) has nothing behind it.
    let begun_yet = period.since < period.until;
    let mut behind: Vec<&Incident> = touching
        .iter()
        .copied()
        .filter(|i| begun_yet && super::streak::is_outage(i, service, policy))
        .collect();
    behind.sort_by_key(|i| order_key(&start(i).at, UtcOffset::UTC));
    let (downtime, unmeasured) = downtime(&behind, &lives, policy);
    let total: f64 = lives
        .iter()
        .map(|l| (l.until - l.from).as_seconds_f64().max(0.0))
        .sum();
    let availability_percent = (total > 0.0).then(|| 100.0 * (1.0 - downtime / total));
    Stats {
        incidents: incidents
            .iter()
            .filter(|i| i.kind == Kind::Unplanned)
            .count() as u64,
        outages: outages.len() as u64,
        mtta,
        mttr_mean,
        mttr_median,
        mtbf,
        availability_percent,
        unmeasured_outages: unmeasured,
        downtime_seconds: downtime,
        counted_seconds: total,
        outage_keys: behind.iter().map(|i| i.key.clone()).collect(),
    }
}

/// Weighted seconds of downtime of `outages` inside the `lives`, and how many outages could
/// not be measured.
pub fn downtime(outages: &[&Incident], lives: &[Life], policy: &Policy) -> (f64, u64) {
    // Per service, the weighted spans of every incident: overlapping incidents must not count
    // the same second twice, so each service's spans are merged keeping the heaviest weight.
    let mut spans: BTreeMap<&str, Vec<(OffsetDateTime, OffsetDateTime, f64)>> = BTreeMap::new();
    let mut unmeasured = 0;
    let lives: HashMap<&str, &Life> = lives.iter().map(|l| (l.service.as_str(), l)).collect();
    for incident in outages {
        let mut measured = true;
        for (i, life) in incident
            .intervals
            .iter()
            .filter_map(|i| lives.get(i.service.as_str()).map(|l| (i, *l)))
        {
            let weight = policy.weight(i.level);
            if weight == 0.0 {
                continue;
            }
            let to = i.to.map(|t| t.at).unwrap_or(At::Instant(life.until));
            match (i.from.at, to) {
                (At::Instant(a), At::Instant(b)) => {
                    let (a, b) = (a.max(life.from), b.min(life.until));
                    if b > a {
                        spans
                            .entry(i.service.as_str())
                            .or_default()
                            .push((a, b, weight));
                    }
                }
                (from, to) => {
                    // An end known only by its day: its length is unknown, if it reaches into
                    // the life at all (a day-only time spans its whole day).
                    let offset = life.until.offset();
                    let (lo, hi) = (start_key(&from, offset), order_key(&to, offset));
                    if lo < life.until.unix_timestamp_nanos()
                        && hi > life.from.unix_timestamp_nanos()
                    {
                        measured = false;
                    }
                }
            }
        }
        if !measured {
            unmeasured += 1;
        }
    }
    (spans.into_values().map(heaviest_cover).sum(), unmeasured)
}

/// Seconds covered by `spans`, each second weighted by the heaviest span covering it.
fn heaviest_cover(spans: Vec<(OffsetDateTime, OffsetDateTime, f64)>) -> f64 {
    let mut edges: Vec<(OffsetDateTime, bool, f64)> = spans
        .iter()
        .flat_map(|&(a, b, w)| [(a, true, w), (b, false, w)])
        .collect();
    edges.sort_by_key(|(t, _, _)| *t);
    // Active weights, as bit patterns (non-negative floats order like their bits).
    let mut active: BTreeMap<u64, usize> = BTreeMap::new();
    let mut total = 0.0;
    let mut last: Option<OffsetDateTime> = None;
    for (t, start, w) in edges {
        if let (Some(prev), Some((&top, _))) = (last, active.last_key_value()) {
            total += f64::from_bits(top) * (t - prev).as_seconds_f64();
        }
        let count = active.entry(w.to_bits()).or_insert(0);
        if start {
            *count += 1;
        } else {
            *count -= 1;
            if *count == 0 {
                active.remove(&w.to_bits());
            }
        }
        last = Some(t);
    }
    total
}

fn mean(spans: impl Iterator<Item = Span>) -> Option<Seconds> {
    let spans: Vec<Span> = spans.collect();
    if spans.is_empty() {
        return None;
    }
    let total: i128 = spans.iter().map(|s| i128::from(s.seconds)).sum();
    Some(Seconds {
        seconds: (total as f64 / spans.len() as f64).round() as i64,
        approximate: spans.iter().any(|s| s.approximate),
    })
}

fn median(mut spans: Vec<Span>) -> Option<Seconds> {
    if spans.is_empty() {
        return None;
    }
    spans.sort_by_key(|s| s.seconds);
    let mid = spans.len() / 2;
    let middle = if spans.len() % 2 == 1 {
        vec![spans[mid]]
    } else {
        vec![spans[mid - 1], spans[mid]]
    };
    mean(middle.into_iter())
}

#[cfg(test)]
mod tests {
    use super::heaviest_cover;
    use time::macros::datetime;

    #[test]
    fn overlapping_spans_count_once_at_the_heaviest_weight() {
        let (t0, t1, t2, t3) = (
            datetime!(2011-06-16 00:00 UTC),
            datetime!(2011-06-16 01:00 UTC),
            datetime!(2011-06-16 02:00 UTC),
            datetime!(2011-06-16 03:00 UTC),
        );
        // Major 00:00-02:00 and partial (0.3) 01:00-03:00: 2 h at 1.0, then 1 h at 0.3.
        let seconds = heaviest_cover(vec![(t0, t2, 1.0), (t1, t3, 0.3)]);
        assert!(
            (seconds - (2.0 * 3600.0 + 0.3 * 3600.0)).abs() < 1e-6,
            "{seconds}"
        );
        // The same hour twice is one hour.
        assert!((heaviest_cover(vec![(t0, t1, 1.0), (t0, t1, 1.0)]) - 3600.0).abs() < 1e-6);
    }
}
