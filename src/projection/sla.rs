//! Service levels (DESIGN section 12, `logbook sla`): a period's availability against a target
//! (the downtime allowed, the budget left, met or not) and the calendar months SLA periods are
//! counted in. Pure: the figures come from [`super::stats::stats`], so they agree with `stats`.

use super::stats::{Period, Stats};
use super::zone::Zone;
use std::fmt;
use std::str::FromStr;
use time::{Date, Duration, OffsetDateTime};

/// What `sla` refuses to count with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    #[error("`{0}` is not a month: write it as YYYY-MM, e.g. 2026-10")]
    Month(String),
    #[error("`{0}` is not a target: give a percentage above 0 and at most 100, e.g. 99.9")]
    Target(String),
}

/// A target availability in percent: above 0, at most 100.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target(f64);

impl Target {
    /// The usual target: 99.9 % ("three nines").
    pub const DEFAULT: Target = Target(99.9);

    /// `percent` as a target, if it is one.
    pub fn new(percent: f64) -> Option<Target> {
        (percent > 0.0 && percent <= 100.0).then_some(Target(percent))
    }

    /// The target in percent.
    pub fn percent(self) -> f64 {
        self.0
    }

    /// The share of `counted` seconds that may be down: (1 − target/100) × counted.
    pub fn allowed(self, counted: f64) -> f64 {
        (100.0 - self.0) / 100.0 * counted
    }
}

impl FromStr for Target {
    type Err = SlaError;

    fn from_str(text: &str) -> Result<Target, SlaError> {
        let number = text.trim().trim_end_matches('%');
        number
            .parse::<f64>()
            .ok()
            .and_then(Target::new)
            .ok_or_else(|| SlaError::Target(text.to_string()))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    first: Date,
}

impl Month {
    /// The month of a day.
    pub fn of(day: Date) -> Month {
        Month {
            first: day.replace_day(1).unwrap_or(day),
        }
    }

    /// The month before; `None` before the first month the calendar holds.
    pub fn previous(self) -> Option<Month> {
        self.first.previous_day().map(Month::of)
    }

    /// The first day of the month.
    pub fn first_day(self) -> Date {
        self.first
    }

    /// The last day of the month.
    pub fn last_day(self) -> Date {
        let days = self.first.month().length(self.first.year());
        self.first.replace_day(days).unwrap_or(self.first)
    }

    /// The month in the zone, as `stats --since FIRST --until LAST` takes it: from the first
    /// instant of its first day to the last instant of its last day. A month with a clock
    /// change is an hour shorter or longer (743 or 745 hours).
    pub fn period(self, zone: &dyn Zone) -> Period {
        let since = zone.start_of(self.first);
        let (_, next) = zone.day_bounds(self.last_day());
        let until = next.checked_sub(Duration::NANOSECOND).unwrap_or(next);
        Period {
            since,
            until: zone.local(until),
        }
    }

    /// `October 2026`.
    pub fn name(self) -> String {
        format!("{} {}", self.first.month(), self.first.year())
    }
}

impl FromStr for Month {
    type Err = SlaError;

    /// `YYYY-MM`, four digits and two (from 0001-01 to 9999-12).
    fn from_str(text: &str) -> Result<Month, SlaError> {
        let bad = || SlaError::Month(text.to_string());
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u8 = month.parse().map_err(|_| bad())?;
        let month = time::Month::try_from(month).map_err(|_| bad())?;
        if year < 1 {
            return Err(bad());
        }
        Date::from_calendar_date(year, month, 1)
            .map(|first| Month { first })
            .map_err(|_| bad())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}",
            self.first.year(),
            u8::from(self.first.month())
        )
    }
}

/// The default SLA month: the last complete month before `today`.
pub fn last_complete_month(today: Date) -> Option<Month> {
    Month::of(today).previous()
}

/// The instant figures stop at: `now`, when the period ends after it; `None` when the period
/// is over.
pub fn cut_at(period: &Period, now: OffsetDateTime) -> Option<OffsetDateTime> {
    (period.until > now).then_some(now)
}

/// One line of the SLA report: a service's figures (or all services', `service` `None`)
/// against the target. Unknown figures (a service that did not exist in the period) are
/// `None`, never 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub service: Option<String>,
    pub availability_percent: Option<f64>,
    /// Weighted downtime under the policy, in whole seconds.
    pub downtime_seconds: Option<i64>,
    /// (1 − target/100) × the counted seconds, in whole seconds.
    pub allowed_downtime_seconds: Option<i64>,
    /// Allowed − downtime: negative when the budget is overspent.
    pub budget_remaining_seconds: Option<i64>,
    /// Availability ≥ target: the downtime is within the allowed downtime.
    pub met: Option<bool>,
    /// The outages behind the downtime, by start.
    pub incidents: Vec<String>,
    /// The seconds availability is counted over (the services' lives in the period).
    pub counted_seconds: Option<i64>,
    /// Outages whose downtime could not be measured (a time known only to the day).
    pub unmeasured_outages: u64,
}

/// The SLA line of `stats` (one service's, or all services') against `target`.
pub fn line(service: Option<&str>, stats: &Stats, target: Target) -> Line {
    let known = stats.availability_percent.is_some();
    let whole = |s: f64| known.then(|| s.round() as i64);
    let downtime = whole(stats.downtime_seconds);
    let allowed = whole(target.allowed(stats.counted_seconds));
    let budget = downtime.zip(allowed).map(|(d, a)| a - d);
    Line {
        service: service.map(str::to_string),
        availability_percent: stats.availability_percent,
        downtime_seconds: downtime,
        allowed_downtime_seconds: allowed,
        budget_remaining_seconds: budget,
        met: budget.map(|b| b >= 0),
        incidents: stats.outage_keys.clone(),
        counted_seconds: whole(stats.counted_seconds),
        unmeasured_outages: stats.unmeasured_outages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime, offset};

    #[test]
    fn months_parse_strictly() {
        let m: Month = "2026-10".parse().unwrap();
        assert_eq!(m.first_day(), date!(2026 - 10 - 01));
        assert_eq!(m.last_day(), date!(2026 - 10 - 31));
        assert_eq!(m.to_string(), "2026-10");
        assert_eq!(m.name(), "October 2026");
        let feb: Month = "2028-02".parse().unwrap();
        assert_eq!(feb.last_day(), date!(2028 - 02 - 29));
        for bad in [
            "",
            "2026",
            "2026-13",
            "2026-00",
            "2026-1",
            "26-10",
            "2026-10-01",
            "0000-01",
            "+026-10",
            "2026-1x",
            "２026-10",
            "2026/10",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
        assert_eq!(
            "9999-12".parse::<Month>().unwrap().last_day(),
            date!(9999 - 12 - 31)
        );
    }

    #[test]
    fn the_default_month_is_the_last_complete_one() {
        let m = last_complete_month(date!(2026 - 11 - 25)).unwrap();
        assert_eq!(m.to_string(), "2026-10");
        let m = last_complete_month(date!(2027 - 01 - 01)).unwrap();
        assert_eq!(m.to_string(), "2026-12");
    }

    #[test]
    fn a_month_in_a_fixed_zone_is_its_days() {
        let p = "2026-09".parse::<Month>().unwrap().period(&offset!(+2));
        assert_eq!(p.since, datetime!(2026-09-01 00:00 +2));
        assert_eq!(p.until, datetime!(2026-09-30 23:59:59.999_999_999 +2));
        let seconds = (p.until - p.since + Duration::NANOSECOND).whole_seconds();
        assert_eq!(seconds, 30 * 86_400);
    }

    #[test]
    fn targets_are_above_0_and_at_most_100() {
        assert_eq!("99.9".parse::<Target>().unwrap().percent(), 99.9);
        assert_eq!("99.95%".parse::<Target>().unwrap().percent(), 99.95);
        assert_eq!("100".parse::<Target>().unwrap().percent(), 100.0);
        for bad in ["0", "-1", "100.01", "NaN", "inf", "", "abc", "1e999"] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
        // 0.1 % of a 30-day month.
        let allowed = Target::DEFAULT.allowed(30.0 * 86_400.0);
        assert_eq!(allowed.round(), 2592.0);
    }

    fn figures(availability: Option<f64>, downtime: f64, counted: f64) -> Stats {
        Stats {
            incidents: 2,
            outages: 2,
            mtta: None,
            mttr_mean: None,
            mttr_median: None,
            mtbf: None,
            availability_percent: availability,
            unmeasured_outages: 0,
            downtime_seconds: downtime,
            counted_seconds: counted,
            outage_keys: vec!["a".into(), "b".into()],
        }
    }

    #[test]
    fn an_overspent_budget_is_negative_and_not_met() {
        // 2 h major and 1 h partial at 0.3 in a 30-day month, at 99.9 %.
        let month = 30.0 * 86_400.0;
        let downtime = 2.0 * 3600.0 + 0.3 * 3600.0;
        let stats = figures(Some(100.0 * (1.0 - downtime / month)), downtime, month);
        let l = line(Some("db"), &stats, Target::DEFAULT);
        assert_eq!(l.downtime_seconds, Some(8280));
        assert_eq!(l.allowed_downtime_seconds, Some(2592));
        assert_eq!(l.budget_remaining_seconds, Some(2592 - 8280));
        assert_eq!(l.met, Some(false));
        assert_eq!(l.incidents, ["a", "b"]);
        // At 99 % the same month has 25920 s to spend.
        let l = line(Some("db"), &stats, Target::new(99.0).unwrap());
        assert_eq!(l.budget_remaining_seconds, Some(25_920 - 8280));
        assert_eq!(l.met, Some(true));
    }

    #[test]
    fn a_service_that_did_not_exist_has_unknown_figures() {
        let l = line(None, &figures(None, 0.0, 0.0), Target::DEFAULT);
        assert_eq!(l.downtime_seconds, None);
        assert_eq!(l.allowed_downtime_seconds, None);
        assert_eq!(l.budget_remaining_seconds, None);
        assert_eq!(l.met, None);
    }

    proptest! {
        #[test]
        fn any_text_is_a_month_or_refused(text in any::<String>()) {
            if let Ok(m) = text.parse::<Month>() {
                prop_assert_eq!(m.to_string(), text.as_str());
            }
            let _ = text.parse::<Target>();
        }

        #[test]
        fn a_month_is_28_to_31_whole_days_at_any_offset(
            year in 1i32..=9998, month in 1u8..=12, minutes in -720i32..=840,
        ) {
            let m: Month = format!("{year:04}-{month:02}").parse().unwrap();
            let zone = time::UtcOffset::from_whole_seconds(minutes * 60).unwrap();
            let p = m.period(&zone);
            let seconds = (p.until - p.since + Duration::NANOSECOND).whole_seconds();
            prop_assert!([28, 29, 30, 31].map(|d| d * 86_400).contains(&seconds), "{}", seconds);
            prop_assert_eq!(m.previous().map(|p| p.last_day().next_day()), Some(Some(m.first_day()))
                .filter(|_| year > 1 || month > 1));
        }
    }
}
