//! Uptime streaks: the runs of calendar days between outages of a service (or of any
//! service), the current one, and the record, as `uprecords` keeps them.

use super::incident::{Incident, Stamp};
use super::policy::Policy;
use super::zone::{self, Zone};
use crate::event::rules::Kind;
use time::Date;

/// One outage of a service, by calendar day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub incident: String,
    pub start: Date,
    /// `None`: not over yet.
    pub end: Option<Date>,
}

/// A run of days without an outage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub days: i64,
    pub from: Date,
    pub to: Date,
    /// The run still going on at the as-of date.
    pub current: bool,
}

/// Everything `streak` shows for one service or for all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streaks {
    pub as_of: Date,
    pub days_since_last_outage: Option<i64>,
    pub current_streak_days: Option<i64>,
    pub record: Option<Run>,
    /// Every run, longest first (ties: earliest first).
    pub runs: Vec<Run>,
    pub outages: Vec<Outage>,
    /// An outage is going on at the as-of date.
    pub ongoing: bool,
}

/// The calendar day of a time: in `zone` (the command line always names one), else in the
/// offset it was written in.
pub fn day(stamp: &Stamp, zone: Option<&dyn Zone>) -> Date {
    match zone {
        Some(zone) => zone::day(&stamp.at, zone),
        None => stamp.at.date(),
    }
}

/// Whether `incident` is an outage of `service` (any service when `None`) under `policy`:
/// [`outage`] is `Some` exactly then.
pub fn is_outage(incident: &Incident, service: Option<&str>, policy: &Policy) -> bool {
    (incident.kind != Kind::Maintenance || policy.include_maintenance)
        && incident
            .intervals
            .iter()
            .any(|i| service.is_none_or(|s| i.service == s) && policy.is_outage(i.level))
}

/// The outage `incident` was for `service` under `policy`, by calendar day in `zone`
/// (`None`: it was not an outage).
pub fn outage(
    incident: &Incident,
    service: Option<&str>,
    policy: &Policy,
    zone: Option<&dyn Zone>,
) -> Option<Outage> {
    if incident.kind == Kind::Maintenance && !policy.include_maintenance {
        return None;
    }
    let down: Vec<_> = incident
        .intervals
        .iter()
        .filter(|i| service.is_none_or(|s| i.service == s) && policy.is_outage(i.level))
        .collect();
    let start = down.iter().map(|i| day(&i.from, zone)).min()?;
    let end = if down.iter().any(|i| i.to.is_none()) {
        None
    } else {
        down.iter()
            .filter_map(|i| i.to.as_ref())
            .map(|t| day(t, zone))
            .max()
    };
    Some(Outage {
        incident: incident.key.clone(),
        start,
        end,
    })
}

/// The runs between `outages`, from `commissioned` (if known) to `as_of`.
pub fn streaks(commissioned: Option<Date>, mut outages: Vec<Outage>, as_of: Date) -> Streaks {
    outages.retain(|o| o.start <= as_of);
    outages.sort_by_key(|o| (o.start, o.end));
    // Overlapping outages make one stretch of downtime; an end after as-of is not over yet.
    let mut down: Vec<(Date, Option<Date>)> = Vec::new();
    for o in &outages {
        let end = o.end.filter(|e| *e <= as_of);
        match down.last_mut() {
            Some((_, last_end)) if last_end.is_none_or(|e| o.start <= e) => {
                *last_end = last_end.zip(end).map(|(a, b)| a.max(b));
            }
            _ => down.push((o.start, end)),
        }
    }
    let mut runs = Vec::new();
    let run = |from: Date, to: Date, current: bool| Run {
        days: (to - from).whole_days(),
        from,
        to,
        current,
    };
    if let (Some(c), Some((start, _))) = (commissioned, down.first())
        && c <= *start
    {
        runs.push(run(c, *start, false));
    }
    for pair in down.windows(2) {
        if let (Some(end), start) = (pair[0].1, pair[1].0) {
            runs.push(run(end, start, false));
        }
    }
    let ongoing = down.last().is_some_and(|(_, end)| end.is_none());
    let current_from = match down.last() {
        Some((_, end)) => *end,
        None => commissioned.filter(|c| *c <= as_of),
    };
    if let Some(from) = current_from {
        runs.push(run(from, as_of, true));
    }
    let current_streak_days = if ongoing {
        Some(0)
    } else {
        current_from.map(|f| (as_of - f).whole_days())
    };
    let days_since_last_outage = match down.last() {
        Some((_, Some(end))) => Some((as_of - *end).whole_days()),
        Some((_, None)) => Some(0),
        None => None,
    };
    runs.sort_by(|a, b| b.days.cmp(&a.days).then(a.from.cmp(&b.from)));
    Streaks {
        as_of,
        days_since_last_outage,
        current_streak_days,
        record: runs.first().cloned(),
        runs,
        outages,
        ongoing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn o(start: Date, end: Option<Date>) -> Outage {
        Outage {
            incident: format!("i-{start}"),
            start,
            end,
        }
    }

    #[test]
    fn the_mail_server_record_is_1010_days() {
        let s = streaks(
            None,
            vec![
                o(date!(2008 - 05 - 19), Some(date!(2008 - 05 - 19))),
                o(date!(2011 - 02 - 23), Some(date!(2011 - 02 - 23))),
            ],
            date!(2011 - 12 - 28),
        );
        let record = s.record.unwrap();
        assert_eq!(
            (record.days, record.from, record.to, record.current),
            (1010, date!(2008 - 05 - 19), date!(2011 - 02 - 23), false)
        );
        assert_eq!(s.current_streak_days, Some(308));
        assert_eq!(s.days_since_last_outage, Some(308));
        assert_eq!(
            s.runs.len(),
            2,
            "no run before the first outage: the start is unknown"
        );
    }

    #[test]
    fn a_commissioned_server_runs_until_its_first_outage() {
        let s = streaks(
            Some(date!(2009 - 04 - 10)),
            vec![o(date!(2011 - 12 - 28), None)],
            date!(2011 - 12 - 28),
        );
        assert_eq!(s.record.as_ref().map(|r| r.days), Some(992));
        assert!(s.ongoing);
        assert_eq!(
            (s.current_streak_days, s.days_since_last_outage),
            (Some(0), Some(0))
        );
    }

    #[test]
    fn the_current_run_counts_toward_the_record_and_leap_days_count() {
        let s = streaks(
            Some(date!(2020 - 01 - 01)),
            vec![o(date!(2020 - 01 - 10), Some(date!(2020 - 01 - 11)))],
            date!(2021 - 01 - 11),
        );
        let record = s.record.unwrap();
        assert!(record.current);
        assert_eq!(record.days, 366, "2020 is a leap year");
    }

    #[test]
    fn overlapping_outages_are_one_stretch_and_as_of_hides_the_future() {
        let outages = vec![
            o(date!(2011 - 01 - 01), Some(date!(2011 - 01 - 05))),
            o(date!(2011 - 01 - 03), Some(date!(2011 - 01 - 04))),
            o(date!(2011 - 03 - 01), Some(date!(2011 - 03 - 02))),
        ];
        let s = streaks(None, outages.clone(), date!(2011 - 02 - 01));
        assert_eq!(
            s.runs,
            vec![Run {
                days: 27,
                from: date!(2011 - 01 - 05),
                to: date!(2011 - 02 - 01),
                current: true
            }]
        );
        let later = streaks(None, outages, date!(2011 - 03 - 10));
        assert_eq!(
            later.runs.iter().map(|r| r.days).collect::<Vec<_>>(),
            vec![55, 8]
        );
    }

    #[test]
    fn nothing_known_means_nothing_claimed() {
        let s = streaks(None, vec![], date!(2011 - 02 - 01));
        assert_eq!(
            (s.days_since_last_outage, s.current_streak_days, s.record),
            (None, None, None)
        );
    }
}
