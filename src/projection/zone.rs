//! Calendar days in a time zone (DESIGN section 5, **Zone**): the trait that the folds and the
//! command line read days through. It holds no time zone database: the command line looks a zone
//! up (an IANA name, DST included, or a fixed offset) and passes it in, so the core stays pure.

use crate::event::At;
use std::cmp::Ordering;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// A time zone, as far as days and "now" need one: which offset is in force at an instant, and
/// where a calendar day starts.
pub trait Zone {
    /// The offset from UTC in force at instant `t`.
    fn offset_at(&self, t: OffsetDateTime) -> UtcOffset;

    /// The first instant of day `d`: its midnight, or the end of a gap that swallows midnight;
    /// the earlier of two midnights when the clock goes back over it.
    fn start_of(&self, d: Date) -> OffsetDateTime;

    /// `t` as the zone's clock shows it (the same instant, in the zone's offset at that instant).
    fn local(&self, t: OffsetDateTime) -> OffsetDateTime {
        t.checked_to_offset(self.offset_at(t)).unwrap_or(t)
    }

    /// The calendar day of `t` in the zone.
    fn day_of(&self, t: OffsetDateTime) -> Date {
        self.local(t).date()
    }

    /// The start of day `d` and the start of the next day: 24 hours apart, or 23 and 25 on the
    /// days the clock changes.
    fn day_bounds(&self, d: Date) -> (OffsetDateTime, OffsetDateTime) {
        let start = self.start_of(d);
        let next = match d.next_day() {
            Some(next) => self.start_of(next),
            None => start.saturating_add(Duration::DAY),
        };
        (start, next)
    }
}

/// A fixed offset is a zone without daylight saving time.
impl Zone for UtcOffset {
    fn offset_at(&self, _: OffsetDateTime) -> UtcOffset {
        *self
    }

    fn start_of(&self, d: Date) -> OffsetDateTime {
        d.midnight().assume_offset(*self)
    }
}

/// A shared zone is the zone it shares (every method forwarded, so a zone that refines the
/// provided ones keeps its answers behind an `Arc`).
impl<Z: Zone + ?Sized> Zone for std::sync::Arc<Z> {
    fn offset_at(&self, t: OffsetDateTime) -> UtcOffset {
        (**self).offset_at(t)
    }

    fn start_of(&self, d: Date) -> OffsetDateTime {
        (**self).start_of(d)
    }

    fn local(&self, t: OffsetDateTime) -> OffsetDateTime {
        (**self).local(t)
    }

    fn day_of(&self, t: OffsetDateTime) -> Date {
        (**self).day_of(t)
    }

    fn day_bounds(&self, d: Date) -> (OffsetDateTime, OffsetDateTime) {
        (**self).day_bounds(d)
    }
}

/// The calendar day of a written time in `zone`: an instant's day there, or the day written.
pub fn day(at: &At, zone: &dyn Zone) -> Date {
    match at {
        At::Instant(t) => zone.day_of(*t),
        At::Day(d) => *d,
    }
}

/// Orders a written time against a bound given on the command line (`--since`, `--until`):
/// two instants as instants; when either is a day, by calendar day in `zone`, so a day as a
/// bound covers every instant of that day in the zone.
pub fn compare(at: &At, bound: &At, zone: &dyn Zone) -> Ordering {
    match (at, bound) {
        (At::Instant(a), At::Instant(b)) => a.cmp(b),
        _ => day(at, zone).cmp(&day(bound, zone)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, offset};

    #[test]
    fn a_fixed_offset_has_days_of_24_hours() {
        let zone = offset!(-5);
        let (start, next) = zone.day_bounds(date!(2026 - 03 - 08));
        assert_eq!(start, datetime!(2026-03-08 00:00 -5));
        assert_eq!(next - start, Duration::DAY);
        // 03:30 UTC is still the evening before at -05:00.
        assert_eq!(
            zone.day_of(datetime!(2026-03-08 03:30 UTC)),
            date!(2026 - 03 - 07)
        );
        assert_eq!(
            zone.local(datetime!(2026-03-08 03:30 UTC)).offset(),
            offset!(-5)
        );
    }

    #[test]
    fn a_day_bound_covers_the_whole_day_in_the_zone() {
        let zone = offset!(+1);
        let since = At::Day(date!(2026 - 01 - 10));
        // 23:30 UTC on the 9th is 00:30 on the 10th at +01:00: inside the day.
        let late = At::Instant(datetime!(2026-01-09 23:30 UTC));
        assert_eq!(compare(&late, &since, &zone), Ordering::Equal);
        let before = At::Instant(datetime!(2026-01-09 22:59 UTC));
        assert_eq!(compare(&before, &since, &zone), Ordering::Less);
        // Two instants compare as instants, whatever their offsets.
        let a = At::Instant(datetime!(2026-01-10 00:00 +1));
        let b = At::Instant(datetime!(2026-01-09 23:00 UTC));
        assert_eq!(compare(&a, &b, &zone), Ordering::Equal);
        // A day written as a day stays that day.
        assert_eq!(compare(&since, &late, &zone), Ordering::Equal);
    }
}
