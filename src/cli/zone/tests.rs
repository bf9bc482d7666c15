//! The zone's parsing and its days: offsets, IANA names, `TZ`'s forms, and days of 23 and 25
//! hours.

use super::*;
use time::Duration;
use time::macros::{date, datetime, offset};

fn name(text: &str) -> String {
    TimeZone::parse(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .name()
}

#[test]
fn offsets_and_utc_are_fixed_zones() {
    for (text, shown) in [
        ("-05:00", "-05:00"),
        ("+05:30", "+05:30"),
        ("+0530", "+05:30"),
        ("+05", "+05:00"),
        ("-12:00", "-12:00"),
        ("+14:00", "+14:00"),
        ("+00:00", "UTC"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Z", "UTC"),
    ] {
        assert_eq!(name(text), shown, "{text}");
    }
    let TimeZone::Fixed(o) = TimeZone::parse("-03:30").unwrap() else {
        panic!("not fixed")
    };
    assert_eq!(o, offset!(-3:30));
}

#[test]
fn impossible_offsets_are_refused() {
    for text in ["+25:00", "+14:01", "-12:30", "-23:59"] {
        assert_eq!(
            TimeZone::parse(text).unwrap_err(),
            ZoneError::OffsetOutOfRange(text.into()),
            "{text}"
        );
    }
    for text in ["+5", "+05:60", "+05:3", "-0a:00", "+05:30:00", "+", "-é"] {
        assert_eq!(
            TimeZone::parse(text).unwrap_err(),
            ZoneError::NotAnOffset(text.into()),
            "{text}"
        );
    }
}

#[test]
fn iana_names_are_found_in_any_case_and_shown_as_the_database_spells_them() {
    assert_eq!(name("Europe/Berlin"), "Europe/Berlin");
    assert_eq!(name("europe/BERLIN"), "Europe/Berlin");
    assert_eq!(name("America/New_York"), "America/New_York");
}

#[test]
fn unknown_names_suggest_a_near_one() {
    let unknown = |text: &str| match TimeZone::parse(text) {
        Err(ZoneError::UnknownName { suggestion, .. }) => suggestion,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(unknown("Mars/Base"), None);
    assert_eq!(unknown("Europe/Berln").as_deref(), Some("Europe/Berlin"));
    assert_eq!(unknown("Berlin").as_deref(), Some("Europe/Berlin"));
    assert_eq!(unknown("new york").as_deref(), Some("America/New_York"));
    assert_eq!(unknown("Etc/Unknown"), None);
    let hint = hint(&TimeZone::parse("Europe/Berln").unwrap_err());
    assert!(hint.starts_with("did you mean `Europe/Berlin`?"), "{hint}");
}

#[test]
fn berlin_changes_its_offset_with_daylight_saving_time() {
    let berlin = TimeZone::parse("Europe/Berlin").unwrap();
    assert_eq!(
        berlin.offset_at(datetime!(2026-01-15 12:00 UTC)),
        offset!(+1)
    );
    assert_eq!(
        berlin.offset_at(datetime!(2026-07-15 12:00 UTC)),
        offset!(+2)
    );
    // 23:30 UTC is already the next day in Berlin.
    assert_eq!(
        berlin.day_of(datetime!(2026-01-15 23:30 UTC)),
        date!(2026 - 01 - 16)
    );
    assert_eq!(
        berlin.local(datetime!(2026-07-15 12:00 UTC)),
        datetime!(2026-07-15 14:00 +2)
    );
}

#[test]
fn a_day_of_23_hours_when_the_clocks_go_forward() {
    let berlin = TimeZone::parse("Europe/Berlin").unwrap();
    let (start, next) = berlin.day_bounds(date!(2026 - 03 - 29));
    assert_eq!(start, datetime!(2026-03-29 00:00 +1));
    assert_eq!(start.offset(), offset!(+1));
    assert_eq!(next, datetime!(2026-03-30 00:00 +2));
    assert_eq!(next.offset(), offset!(+2));
    assert_eq!(next - start, Duration::hours(23));
}

#[test]
fn a_day_of_25_hours_when_the_clocks_go_back() {
    let berlin = TimeZone::parse("Europe/Berlin").unwrap();
    let (start, next) = berlin.day_bounds(date!(2026 - 10 - 25));
    assert_eq!(start, datetime!(2026-10-25 00:00 +2));
    assert_eq!(next, datetime!(2026-10-26 00:00 +1));
    assert_eq!(next - start, Duration::hours(25));
}

#[test]
fn a_day_whose_midnight_is_skipped_starts_after_the_gap() {
    // São Paulo moved its clocks from 00:00 to 01:00 on 2018-11-04.
    let zone = TimeZone::parse("America/Sao_Paulo").unwrap();
    let (start, next) = zone.day_bounds(date!(2018 - 11 - 04));
    assert_eq!(start, datetime!(2018-11-04 01:00 -2));
    assert_eq!(next - start, Duration::hours(23));
}

#[test]
fn fixed_zones_have_days_of_24_hours() {
    let zone = TimeZone::parse("-05:00").unwrap();
    let (start, next) = zone.day_bounds(date!(2026 - 03 - 08));
    assert_eq!(start, datetime!(2026-03-08 00:00 -5));
    assert_eq!(next - start, Duration::DAY);
}

#[test]
fn tz_takes_the_c_library_forms() {
    let tz = |text: &str| {
        TimeZone::from_tz_env(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .name()
    };
    assert_eq!(tz(""), "UTC");
    assert_eq!(tz(":"), "UTC");
    assert_eq!(tz("Europe/Berlin"), "Europe/Berlin");
    assert_eq!(tz(":Europe/Berlin"), "Europe/Berlin");
    assert_eq!(tz("/usr/share/zoneinfo/Europe/Berlin"), "Europe/Berlin");
    assert_eq!(
        tz(":/usr/share/zoneinfo/America/New_York"),
        "America/New_York"
    );
    assert_eq!(tz("UTC"), "UTC");
    // A POSIX rule: Central European Time, summer time from March to October.
    let rule = "CET-1CEST,M3.5.0,M10.5.0/3";
    let zone = TimeZone::from_tz_env(rule).unwrap();
    assert_eq!(zone.name(), rule);
    assert_eq!(zone.offset_at(datetime!(2026-07-15 12:00 UTC)), offset!(+2));
    assert!(TimeZone::from_tz_env("Mars/Base").is_err());
    assert!(TimeZone::from_tz_env("/nonexistent/zone").is_err());
}
