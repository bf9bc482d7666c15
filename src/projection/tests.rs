//! Unit tests of the projections (edge cases of each metric and streak rule).
//!
//! Streams are written as JSON Lines, parsed with [`parse_line`], checked with the append rules
//! and sealed into a hash-chained ledger, as `logbook append` would store them. Every expected
//! figure is worked out by hand in the test, next to the times it comes from.

use super::incident::{self, Incident, State};
use super::metrics::{Metrics, metrics};
use super::policy::Policy;
use super::span::Span;
use super::stats::{Period, Seconds, Stats, stats};
use super::streak::{self, Outage, Run, Streaks};
use super::timeline::timeline;
use crate::event::rules::{self, Kind, StreamState};
use crate::event::{At, Body, Event, Level, parse_line};
use crate::record::{GENESIS, Stored, chain, new_id};
use std::collections::HashMap;
use time::macros::{date, datetime, offset};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// When the test ledger records every event (the clock is fixed; nothing depends on it).
const RECORDED: OffsetDateTime = datetime!(2026-11-25 12:00 UTC);

/// Seals JSON lines into a ledger: dense seqs from 1, revisions per stream from 0, the line's
/// `id` or a generated one, and the hash chain. Each line must pass the append rules, so no
/// test builds a stream the ledger would refuse.
fn ledger(lines: &[&str]) -> Vec<Stored> {
    let mut prev = GENESIS;
    let mut states: HashMap<String, StreamState> = HashMap::new();
    let mut by_id: HashMap<Uuid, Event> = HashMap::new();
    let mut out = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        let sub = parse_line(line).unwrap_or_else(|e| panic!("line {}: {e}\n{line}", n + 1));
        let event = sub.event;
        let key = event.stream().key();
        let target = match &event.body {
            Body::Amended { target, .. } | Body::Retracted { target, .. } => by_id.get(target),
            _ => None,
        };
        // The rules read the same fold as the reports: the incident's standing so far.
        let standing = event
            .incident
            .as_ref()
            .and_then(|_| incident::fold(&key, &stream_of(&out, &key)))
            .map(|i| i.standing());
        let check = rules::Check {
            state: states.get(&key),
            standing: standing.as_ref(),
            target,
            recorded_at: RECORDED,
            force: false,
        };
        rules::check(&event, &check)
            .unwrap_or_else(|e| panic!("line {} breaks a rule: {e}\n{line}", n + 1));
        let seq = n as u64 + 1;
        let revision = states.get(&key).map_or(0, |s| s.revision + 1);
        states.insert(
            key.clone(),
            rules::apply(states.get(&key).cloned(), &event, revision),
        );
        let id = sub.id.unwrap_or_else(|| new_id(RECORDED, &prev, seq, 0));
        by_id.insert(id, event.clone());
        let stored = Stored::seal(seq, id, revision, RECORDED, event, &prev).0;
        prev = stored.hash;
        out.push(stored);
    }
    out
}

/// The events of one stream, in log order.
fn stream_of(ledger: &[Stored], key: &str) -> Vec<Stored> {
    ledger
        .iter()
        .filter(|s| s.event.stream().key() == key)
        .cloned()
        .collect()
}

/// Folds every incident of a ledger, in order of first appearance.
fn fold_all(ledger: &[Stored]) -> Vec<Incident> {
    let mut keys: Vec<String> = Vec::new();
    for s in ledger {
        let key = s.event.stream().key();
        if !key.starts_with('@') && !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.iter()
        .map(|k| incident::fold(k, &stream_of(ledger, k)).expect("a stream with events"))
        .collect()
}

/// Seals the lines of one incident and folds them.
fn fold_one(lines: &[&str]) -> (Vec<Stored>, Incident) {
    let stored = ledger(lines);
    let key = stored[0].event.stream().key();
    assert!(
        stored.iter().all(|s| s.event.stream().key() == key),
        "fold_one takes one incident"
    );
    let incident = incident::fold(&key, &stored).expect("a stream with events");
    (stored, incident)
}

/// An exact span.
fn exact(seconds: i64) -> Option<Span> {
    Some(Span {
        seconds,
        approximate: false,
    })
}

/// An estimated span.
fn approx(seconds: i64) -> Option<Span> {
    Some(Span {
        seconds,
        approximate: true,
    })
}

/// An exact figure in seconds.
fn secs(seconds: i64) -> Option<Seconds> {
    Some(Seconds {
        seconds,
        approximate: false,
    })
}

/// The impact levels of one service.
fn levels(m: &Metrics, service: &str) -> Vec<(Level, Option<i64>)> {
    m.impact
        .iter()
        .find(|i| i.service == service)
        .unwrap_or_else(|| panic!("no impact for {service}"))
        .levels
        .clone()
}

fn ongoing(m: &Metrics, service: &str) -> bool {
    m.impact
        .iter()
        .find(|i| i.service == service)
        .unwrap_or_else(|| panic!("no impact for {service}"))
        .ongoing
}

fn vendor(m: &Metrics, name: &str) -> Option<Span> {
    m.vendor_response
        .iter()
        .find(|(v, _)| v == name)
        .unwrap_or_else(|| panic!("no vendor {name}"))
        .1
}

/// A time far after every incident here; only open intervals read it.
const LATER: OffsetDateTime = datetime!(2030-01-01 00:00 UTC);

/// The outages of `service` among `incidents`, under `policy`, in the written offsets.
fn outages(incidents: &[Incident], service: &str, policy: &Policy) -> Vec<Outage> {
    incidents
        .iter()
        .filter_map(|i| streak::outage(i, Some(service), policy, None))
        .collect()
}

fn run(days: i64, from: Date, to: Date, current: bool) -> Run {
    Run {
        days,
        from,
        to,
        current,
    }
}

fn days(s: &Streaks) -> Vec<i64> {
    s.runs.iter().map(|r| r.days).collect()
}

/// Float equality to well below what a percentage is printed with.
fn assert_close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a figure");
    assert!(
        (actual - expected).abs() < 1e-9,
        "{actual} != {expected} (expected)"
    );
}

// ---------------------------------------------------------------------------------------------
// The helper itself
// ---------------------------------------------------------------------------------------------

#[test]
fn the_helper_seals_a_dense_chained_ledger_with_revisions_per_stream() {
    let stored = ledger(&[
        r#"{"type":"detected","incident":"a","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"detected","incident":"b","at":"2011-06-16T03:21:00-04:00","services":["web"]}"#,
        r#"{"type":"acknowledged","incident":"a","at":"2011-06-16T03:25:00-04:00","id":"00000000-0000-7000-8000-0000000000a1"}"#,
        r#"{"type":"service_commissioned","service":"web","at":"2009-04-10"}"#,
        r#"{"type":"resolved","incident":"a","at":"2011-06-16T07:05:00-04:00"}"#,
    ]);
    assert_eq!(
        stored.iter().map(|s| s.seq).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    // a: 0, 1, 2; b: 0; @web: 0.
    assert_eq!(
        stored.iter().map(|s| s.revision).collect::<Vec<_>>(),
        vec![0, 0, 1, 0, 2]
    );
    assert_eq!(
        stored[2].id,
        Uuid::parse_str("00000000-0000-7000-8000-0000000000a1").unwrap()
    );
    assert_eq!(stored[0].id.get_version_num(), 7, "generated ids are v7");
    let mut prev = GENESIS;
    for s in &stored {
        assert_eq!(s.hash, chain(&prev, &s.canonical()), "seq {}", s.seq);
        prev = s.hash;
    }
}

// ---------------------------------------------------------------------------------------------
// Metrics (DESIGN section 4)
// ---------------------------------------------------------------------------------------------

/// The upstream routing outage, with an impact that began before monitoring saw it, two vendors,
/// and dns back in part before everything came back.
const ROUTING: [&str; 13] = [
    r#"{"type":"impact_started","incident":"routing","at":"2011-06-16T02:50:00-04:00","services":["dns","web"]}"#,
    r#"{"type":"detected","incident":"routing","at":"2011-06-16T03:20:00-04:00","services":["dns","web"],"source":"monitoring"}"#,
    r#"{"type":"escalated","incident":"routing","at":"2011-06-16T03:27:00-04:00","to":"on-call senior network admins"}"#,
    r#"{"type":"acknowledged","incident":"routing","at":"2011-06-16T03:32:00-04:00"}"#,
    r#"{"type":"vendor_engaged","incident":"routing","at":"2011-06-16T03:40:00-04:00","vendor":"Level3","ticket":"L3-1"}"#,
    r#"{"type":"vendor_engaged","incident":"routing","at":"2011-06-16T03:45:00-04:00","vendor":"COX","ticket":"COX-7"}"#,
    r#"{"type":"vendor_responded","incident":"routing","at":"2011-06-16T04:10:00-04:00","vendor":"Level3"}"#,
    r#"{"type":"vendor_responded","incident":"routing","at":"2011-06-16T05:30:00-04:00","vendor":"COX","contact":"Hi-Cap engineer"}"#,
    r#"{"type":"vendor_responded","incident":"routing","at":"2011-06-16T06:06:00-04:00","vendor":"COX","contact":"routing group"}"#,
    r#"{"type":"restored","incident":"routing","at":"2011-06-16T06:40:00-04:00","services":["dns"],"level":"partial"}"#,
    r#"{"type":"restored","incident":"routing","at":"2011-06-16T07:05:00-04:00","level":"full"}"#,
    r#"{"type":"note","incident":"routing","at":"2011-06-16T08:00:00-04:00","text":"COX to send a report"}"#,
    r#"{"type":"resolved","incident":"routing","at":"2011-06-16T09:00:00-04:00"}"#,
];

#[test]
fn every_metric_of_the_routing_outage() {
    let (_, inc) = fold_one(&ROUTING);
    assert_eq!(inc.kind, Kind::Unplanned);
    assert_eq!(inc.state, State::Resolved);
    assert_eq!(inc.services, vec!["dns".to_string(), "web".to_string()]);
    let m = metrics(&inc, LATER);

    // detected 03:20 − impact_started 02:50 = 30 min.
    assert_eq!(m.time_to_detect, exact(30 * 60));
    // escalated 03:27 comes before acknowledged 03:32: 03:27 − detected 03:20 = 7 min.
    assert_eq!(m.time_to_acknowledge, exact(7 * 60));
    // Level3: engaged 03:40, responded 04:10 = 30 min.
    assert_eq!(vendor(&m, "Level3"), exact(30 * 60));
    // COX: engaged 03:45, first response 05:30 (not 06:06) = 1 h 45 min.
    assert_eq!(vendor(&m, "COX"), exact(3600 + 45 * 60));
    assert_eq!(m.vendor_response.len(), 2);
    // partial restore 06:40 − impact start 02:50 = 3 h 50 min.
    assert_eq!(m.time_to_partial_restore, exact(3 * 3600 + 50 * 60));
    // full restore 07:05 − 02:50 = 4 h 15 min.
    assert_eq!(m.time_to_restore, exact(4 * 3600 + 15 * 60));
    // resolved 09:00 − 02:50 = 6 h 10 min.
    assert_eq!(m.time_to_resolve, exact(6 * 3600 + 10 * 60));

    // dns: major 02:50 → 06:40 (3 h 50 min), then partial 06:40 → 07:05 (25 min), then
    // operational.
    assert_eq!(
        levels(&m, "dns"),
        vec![
            (Level::MajorOutage, Some(3 * 3600 + 50 * 60)),
            (Level::PartialOutage, Some(25 * 60)),
        ]
    );
    // web was not in the partial restore: major 02:50 → 07:05 (4 h 15 min).
    assert_eq!(
        levels(&m, "web"),
        vec![(Level::MajorOutage, Some(4 * 3600 + 15 * 60))]
    );
    assert!(!ongoing(&m, "dns") && !ongoing(&m, "web"));
}

#[test]
fn acknowledged_before_escalated_counts_the_acknowledgement() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T03:25:00-04:00"}"#,
        r#"{"type":"escalated","incident":"i","at":"2011-06-16T03:40:00-04:00","to":"tier 2"}"#,
    ]);
    // 03:25 − 03:20 = 5 min.
    assert_eq!(metrics(&inc, LATER).time_to_acknowledge, exact(5 * 60));
}

#[test]
fn time_to_restore_falls_back_to_resolved_without_a_full_restore() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T04:00:00-04:00","level":"partial"}"#,
        r#"{"type":"resolved","incident":"i","at":"2011-06-16T05:35:00-04:00"}"#,
    ]);
    let m = metrics(&inc, LATER);
    // partial 04:00 − 03:20 = 40 min.
    assert_eq!(m.time_to_partial_restore, exact(40 * 60));
    // no full restore: resolved 05:35 − 03:20 = 2 h 15 min.
    assert_eq!(m.time_to_restore, exact(2 * 3600 + 15 * 60));
    assert_eq!(m.time_to_resolve, exact(2 * 3600 + 15 * 60));
    // major 03:20 → 04:00 (40 min), partial 04:00 → 05:35 (1 h 35 min), closed by resolved.
    assert_eq!(
        levels(&m, "dns"),
        vec![
            (Level::MajorOutage, Some(40 * 60)),
            (Level::PartialOutage, Some(3600 + 35 * 60)),
        ]
    );
}

#[test]
fn time_to_restore_runs_until_the_last_impact_ends() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T04:20:00-04:00"}"#,
        r#"{"type":"detected","incident":"i","at":"2011-06-16T05:00:00-04:00","services":["dns"]}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T05:30:00-04:00","level":"full"}"#,
    ]);
    let m = metrics(&inc, LATER);
    // It went down again: restored for good at 05:30 − 03:20 = 2 h 10 min (DESIGN section 4:
    // the last affected service fully restored), not at the first restore.
    assert_eq!(m.time_to_restore, exact(2 * 3600 + 10 * 60));
    // 1 h, then 05:00 → 05:30 = 30 min; 1 h 30 min major in all.
    assert_eq!(
        levels(&m, "dns"),
        vec![(Level::MajorOutage, Some(3600 + 30 * 60))]
    );
}

#[test]
fn time_to_restore_waits_for_the_last_service() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns","mail"]}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T04:20:00-04:00","services":["dns"]}"#,
    ]);
    // mail is still down: not restored yet, whatever dns did.
    assert_eq!(metrics(&inc, LATER).time_to_restore, None);
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns","mail"]}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T04:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T06:20:00-04:00","services":["mail"]}"#,
    ]);
    // The first full restore (dns, 1 h) understated it: mail came back after 3 h.
    assert_eq!(metrics(&inc, LATER).time_to_restore, exact(3 * 3600));
}

#[test]
fn impact_seconds_per_level_and_an_ongoing_impact_runs_to_now() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-03-02T09:00:00Z","services":["mail"],"level":"degraded"}"#,
        r#"{"type":"impact_changed","incident":"i","at":"2011-03-02T10:00:00Z","level":"major_outage"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-03-02T11:00:00Z","level":"partial"}"#,
    ]);
    assert_eq!(inc.state, State::PartiallyRestored);
    let now = datetime!(2011-03-02 12:30 UTC);
    let m = metrics(&inc, now);
    // degraded 09:00 → 10:00 = 1 h; major 10:00 → 11:00 = 1 h; partial 11:00 → now 12:30
    // = 1 h 30 min, still going. Listed worst first.
    assert_eq!(
        levels(&m, "mail"),
        vec![
            (Level::MajorOutage, Some(3600)),
            (Level::PartialOutage, Some(3600 + 30 * 60)),
            (Level::Degraded, Some(3600)),
        ]
    );
    assert!(ongoing(&m, "mail"));
    // An hour later the partial outage has lasted an hour more: 2 h 30 min.
    let m = metrics(&inc, datetime!(2011-03-02 13:30 UTC));
    assert_eq!(
        levels(&m, "mail")[1],
        (Level::PartialOutage, Some(2 * 3600 + 30 * 60))
    );
    assert_eq!(m.time_to_restore, None);
    assert_eq!(m.time_to_resolve, None);
    // partial restore 11:00 − detected 09:00 = 2 h.
    assert_eq!(m.time_to_partial_restore, exact(2 * 3600));
}

#[test]
fn times_in_different_offsets_are_instants_not_wall_clock() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        // 07:25Z is 03:25 EDT.
        r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T07:25:00Z"}"#,
        // 16:35+05:30 is 11:05Z, 07:05 EDT.
        r#"{"type":"restored","incident":"i","at":"2011-06-16T16:35:00+05:30"}"#,
        // 18:30+05:30 is 13:00Z, 09:00 EDT.
        r#"{"type":"resolved","incident":"i","at":"2011-06-16T18:30:00+05:30"}"#,
    ]);
    let m = metrics(&inc, LATER);
    // 03:25 − 03:20 EDT = 5 min (wall clocks would say 07:25 − 03:20).
    assert_eq!(m.time_to_acknowledge, exact(5 * 60));
    // 07:05 − 03:20 EDT = 3 h 45 min.
    assert_eq!(m.time_to_restore, exact(3 * 3600 + 45 * 60));
    // 09:00 − 03:20 EDT = 5 h 40 min.
    assert_eq!(m.time_to_resolve, exact(5 * 3600 + 40 * 60));
    assert_eq!(
        levels(&m, "dns"),
        vec![(Level::MajorOutage, Some(3 * 3600 + 45 * 60))]
    );
}

#[test]
fn the_repeated_hour_of_a_dst_change_is_counted() {
    // 2011-11-06 01:30 EDT (-04:00) and, an hour later, 01:30 EST (-05:00).
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-11-06T01:30:00-04:00","services":["mail"]}"#,
        r#"{"type":"resolved","incident":"i","at":"2011-11-06T01:30:00-05:00"}"#,
    ]);
    let m = metrics(&inc, LATER);
    assert_eq!(m.time_to_resolve, exact(3600));
    assert_eq!(m.time_to_restore, exact(3600), "falls back to resolved");
    assert_eq!(levels(&m, "mail"), vec![(Level::MajorOutage, Some(3600))]);
}

#[test]
fn a_day_only_end_gives_no_figure_never_zero() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-02-23T10:00:00-05:00","services":["mail"]}"#,
        r#"{"type":"acknowledged","incident":"i","at":"2011-02-23T10:10:00-05:00"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-02-23","level":"partial"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-02-24"}"#,
        r#"{"type":"resolved","incident":"i","at":"2011-02-24"}"#,
    ]);
    assert_eq!(inc.state, State::Resolved);
    let m = metrics(&inc, LATER);
    assert_eq!(m.time_to_detect, exact(0), "detected is the impact start");
    // Both ends are instants: 10 min.
    assert_eq!(m.time_to_acknowledge, exact(10 * 60));
    assert_eq!(m.time_to_partial_restore, None);
    assert_eq!(m.time_to_restore, None);
    assert_eq!(m.time_to_resolve, None);
    // Major 10:00 → "2011-02-23", partial → "2011-02-24": neither measurable.
    assert_eq!(
        levels(&m, "mail"),
        vec![(Level::MajorOutage, None), (Level::PartialOutage, None)]
    );
    assert!(!ongoing(&m, "mail"));
}

#[test]
fn a_day_only_incident_has_no_durations_even_on_one_day() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-02-23","services":["mail"]}"#,
        r#"{"type":"acknowledged","incident":"i","at":"2011-02-23"}"#,
        r#"{"type":"resolved","incident":"i","at":"2011-02-23"}"#,
    ]);
    let m = metrics(&inc, LATER);
    for (name, figure) in [
        ("detect", m.time_to_detect),
        ("acknowledge", m.time_to_acknowledge),
        ("restore", m.time_to_restore),
        ("resolve", m.time_to_resolve),
    ] {
        assert_eq!(figure, None, "time_to_{name}");
    }
    assert_eq!(levels(&m, "mail"), vec![(Level::MajorOutage, None)]);
}

#[test]
fn a_day_only_impact_start_before_an_instant_detection_is_unknown() {
    // Impact began some time on the 22nd, learned at detection on the 23rd.
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-02-23T10:00:00-05:00","services":["mail"]}"#,
        r#"{"type":"impact_started","incident":"i","at":"2011-02-22"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-02-23T11:00:00-05:00"}"#,
    ]);
    assert_eq!(
        inc.impact_start.map(|s| s.at),
        Some(At::Day(date!(2011 - 02 - 22)))
    );
    let m = metrics(&inc, LATER);
    assert_eq!(m.time_to_detect, None);
    assert_eq!(m.time_to_restore, None);
    assert_eq!(levels(&m, "mail"), vec![(Level::MajorOutage, None)]);
}

#[test]

fn a_day_only_impact_start_on_the_day_of_detection_is_unknown_not_zero() {
    // The usual way impact_started is written: afterwards, once the team learned that the
    // impact began "some time that day", before monitoring saw it at 10:00.
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-02-23T10:00:00-05:00","services":["mail"]}"#,
        r#"{"type":"impact_started","incident":"i","at":"2011-02-23","summary":"users say mail was slow all morning"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-02-23T11:00:00-05:00"}"#,
    ]);
    let m = metrics(&inc, LATER);
    // detected − a day-only start: unknown, never 0.
    assert_eq!(m.time_to_detect, None);
    assert_eq!(m.time_to_restore, None);
    // impact_start = earliest impact_started or detected; the impact_started is known only to
    // the day, so the start is that day, not the 10:00 detection.
    assert_eq!(
        inc.impact_start.map(|s| s.at),
        Some(At::Day(date!(2011 - 02 - 23)))
    );
}

#[test]
fn approximate_times_make_approximate_spans() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"crash","at":"2011-12-28T15:00:00-05:00","approximate":true,"services":["web-1"]}"#,
        r#"{"type":"acknowledged","incident":"crash","at":"2011-12-28T15:20:00-05:00"}"#,
        r#"{"type":"vendor_engaged","incident":"crash","at":"2011-12-28T15:30:00-05:00","vendor":"Dell"}"#,
        r#"{"type":"vendor_responded","incident":"crash","at":"2011-12-28T16:00:00-05:00","vendor":"Dell"}"#,
        r#"{"type":"restored","incident":"crash","at":"2011-12-28T23:00:00-05:00"}"#,
    ]);
    let m = metrics(&inc, LATER);
    // ~15:00 → 15:20 = 20 min, resting on an estimate.
    assert_eq!(m.time_to_acknowledge, approx(20 * 60));
    // ~15:00 → 23:00 = 8 h.
    assert_eq!(m.time_to_restore, approx(8 * 3600));
    // Both vendor times exact: 30 min, exact.
    assert_eq!(vendor(&m, "Dell"), exact(30 * 60));
}

#[test]
fn an_amended_detection_time_changes_time_to_restore() {
    let lines = [
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"],"id":"00000000-0000-7000-8000-0000000000d1"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T07:05:00-04:00"}"#,
        r#"{"type":"amended","incident":"i","at":"2011-06-17T10:00:00-04:00","target":"00000000-0000-7000-8000-0000000000d1","set":{"at":"2011-06-16T03:05:00-04:00"},"reason":"logs show 03:05"}"#,
    ];
    let (_, before) = fold_one(&lines[..2]);
    // 07:05 − 03:20 = 3 h 45 min.
    assert_eq!(
        metrics(&before, LATER).time_to_restore,
        exact(3 * 3600 + 45 * 60)
    );
    let (stored, after) = fold_one(&lines);
    // 07:05 − 03:05 (amended) = 4 h.
    assert_eq!(metrics(&after, LATER).time_to_restore, exact(4 * 3600));
    assert_eq!(after.corrections, 1);
    assert_eq!(after.events, 3);
    let (entries, corrections) = timeline(&stored, &after);
    assert!(entries[0].amended, "the detection is shown as amended");
    assert!(!entries[1].amended);
    assert_eq!(
        entries.len(),
        2,
        "the amendment itself is not a timeline line"
    );
    assert_eq!(corrections.len(), 1);
    assert!(corrections[0].in_effect);
    assert_eq!(corrections[0].fields, vec!["at".to_string()]);
}

#[test]
fn the_latest_amendment_wins() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"],"id":"00000000-0000-7000-8000-0000000000d1"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T07:05:00-04:00"}"#,
        r#"{"type":"amended","incident":"i","at":"2011-06-17T10:00:00-04:00","target":"00000000-0000-7000-8000-0000000000d1","set":{"at":"2011-06-16T03:05:00-04:00"}}"#,
        r#"{"type":"amended","incident":"i","at":"2011-06-18T10:00:00-04:00","target":"00000000-0000-7000-8000-0000000000d1","set":{"at":"2011-06-16T02:05:00-04:00"}}"#,
    ]);
    // 07:05 − 02:05 = 5 h.
    assert_eq!(metrics(&inc, LATER).time_to_restore, exact(5 * 3600));
}

#[test]
fn a_retracted_acknowledgement_falls_back_to_the_next_one_or_none() {
    let with_escalation = [
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T03:22:00-04:00","id":"00000000-0000-7000-8000-0000000000a1"}"#,
        r#"{"type":"escalated","incident":"i","at":"2011-06-16T03:30:00-04:00","to":"network"}"#,
        r#"{"type":"retracted","incident":"i","at":"2011-06-16T09:00:00-04:00","target":"00000000-0000-7000-8000-0000000000a1","reason":"wrong incident"}"#,
    ];
    let (_, inc) = fold_one(&with_escalation[..3]);
    // Before the retraction: 03:22 − 03:20 = 2 min.
    assert_eq!(metrics(&inc, LATER).time_to_acknowledge, exact(2 * 60));
    let (_, inc) = fold_one(&with_escalation);
    // After: the escalation, 03:30 − 03:20 = 10 min.
    assert_eq!(metrics(&inc, LATER).time_to_acknowledge, exact(10 * 60));

    let (_, inc) = fold_one(&[with_escalation[0], with_escalation[1], with_escalation[3]]);
    assert_eq!(inc.acknowledged, None);
    assert_eq!(metrics(&inc, LATER).time_to_acknowledge, None);
}

#[test]
fn a_retracted_amendment_is_not_applied() {
    let (stored, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"],"id":"00000000-0000-7000-8000-0000000000d1"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T07:05:00-04:00"}"#,
        r#"{"type":"amended","incident":"i","at":"2011-06-17T10:00:00-04:00","target":"00000000-0000-7000-8000-0000000000d1","set":{"at":"2011-06-16T03:05:00-04:00"},"id":"00000000-0000-7000-8000-0000000000e1"}"#,
        r#"{"type":"retracted","incident":"i","at":"2011-06-17T11:00:00-04:00","target":"00000000-0000-7000-8000-0000000000e1","reason":"the 03:05 log line was another host"}"#,
    ]);
    // The original 03:20 holds: 07:05 − 03:20 = 3 h 45 min.
    assert_eq!(
        metrics(&inc, LATER).time_to_restore,
        exact(3 * 3600 + 45 * 60)
    );
    let (entries, corrections) = timeline(&stored, &inc);
    assert!(entries.iter().all(|e| !e.amended));
    assert_eq!(
        corrections
            .iter()
            .map(|c| (c.kind, c.in_effect))
            .collect::<Vec<_>>(),
        vec![("amended", false), ("retracted", true)]
    );
}

#[test]
fn missing_events_give_none_for_every_metric_that_needs_them() {
    let (_, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"vendor_engaged","incident":"i","at":"2011-06-16T03:40:00-04:00","vendor":"COX"}"#,
    ]);
    assert_eq!(inc.state, State::Open);
    let m = metrics(&inc, datetime!(2011-06-16 04:20 -4));
    assert_eq!(m.time_to_detect, exact(0), "detection opened it");
    assert_eq!(m.time_to_acknowledge, None);
    assert_eq!(vendor(&m, "COX"), None, "no callback yet");
    assert_eq!(m.time_to_partial_restore, None);
    assert_eq!(m.time_to_restore, None);
    assert_eq!(m.time_to_resolve, None);
    // Open: 03:20 → now 04:20 = 1 h, still going.
    assert_eq!(levels(&m, "dns"), vec![(Level::MajorOutage, Some(3600))]);
    assert!(ongoing(&m, "dns"));

    // Opened by impact_started, never detected: nothing measured from a detection.
    let (_, inc) = fold_one(&[
        r#"{"type":"impact_started","incident":"j","at":"2011-06-16T03:00:00-04:00","services":["dns"]}"#,
        r#"{"type":"acknowledged","incident":"j","at":"2011-06-16T03:10:00-04:00"}"#,
        r#"{"type":"vendor_responded","incident":"j","at":"2011-06-16T03:15:00-04:00","vendor":"COX"}"#,
        r#"{"type":"restored","incident":"j","at":"2011-06-16T04:00:00-04:00"}"#,
    ]);
    let m = metrics(&inc, LATER);
    assert_eq!(m.time_to_detect, None);
    assert_eq!(m.time_to_acknowledge, None);
    assert_eq!(vendor(&m, "COX"), None, "a callback without an engagement");
    // 04:00 − 03:00 = 1 h.
    assert_eq!(m.time_to_restore, exact(3600));
    assert_eq!(m.time_to_resolve, None);
}

#[test]
fn out_of_order_appends_are_read_in_time_order() {
    // The restore is logged before the impact_started that the postmortem found later.
    let (stored, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T06:40:00-04:00","level":"partial"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T07:05:00-04:00"}"#,
        r#"{"type":"impact_started","incident":"i","at":"2011-06-16T02:50:00-04:00"}"#,
    ]);
    assert_eq!(inc.state, State::Restored);
    let m = metrics(&inc, LATER);
    // 03:20 − 02:50 = 30 min.
    assert_eq!(m.time_to_detect, exact(30 * 60));
    // 06:40 − 02:50 = 3 h 50 min; 07:05 − 02:50 = 4 h 15 min.
    assert_eq!(m.time_to_partial_restore, exact(3 * 3600 + 50 * 60));
    assert_eq!(m.time_to_restore, exact(4 * 3600 + 15 * 60));
    // Major from 02:50 (not 03:20) to 06:40 = 3 h 50 min; partial 25 min.
    assert_eq!(
        levels(&m, "dns"),
        vec![
            (Level::MajorOutage, Some(3 * 3600 + 50 * 60)),
            (Level::PartialOutage, Some(25 * 60)),
        ]
    );
    assert!(!ongoing(&m, "dns"));
    let (entries, _) = timeline(&stored, &inc);
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![4, 1, 2, 3]
    );
}

#[test]
fn unplanned_states_follow_restores_and_resolution() {
    let lines = [
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T06:40:00-04:00","level":"partial"}"#,
        r#"{"type":"restored","incident":"i","at":"2011-06-16T07:05:00-04:00"}"#,
        r#"{"type":"resolved","incident":"i","at":"2011-06-16T09:00:00-04:00"}"#,
    ];
    let states: Vec<State> = (1..=4).map(|n| fold_one(&lines[..n]).1.state).collect();
    assert_eq!(
        states,
        vec![
            State::Open,
            State::PartiallyRestored,
            State::Restored,
            State::Resolved
        ]
    );
    // Resolved straight from open.
    let (_, inc) = fold_one(&[lines[0], lines[3]]);
    assert_eq!(inc.state, State::Resolved);
}

#[test]
fn maintenance_states_and_its_impact() {
    let lines = [
        r#"{"type":"maintenance_scheduled","incident":"zimbra","at":"2011-05-20T12:00:00-04:00","services":["mail"],"window_start":"2011-05-28T08:00:00-04:00","window_end":"2011-05-30T20:00:00-04:00"}"#,
        r#"{"type":"maintenance_started","incident":"zimbra","at":"2011-05-28T08:00:00-04:00"}"#,
        r#"{"type":"maintenance_completed","incident":"zimbra","at":"2011-05-29T10:30:00-04:00"}"#,
    ];
    let states: Vec<State> = (1..=3).map(|n| fold_one(&lines[..n]).1.state).collect();
    assert_eq!(
        states,
        vec![State::Scheduled, State::InProgress, State::Completed]
    );
    let (_, inc) = fold_one(&lines);
    assert_eq!(inc.kind, Kind::Maintenance);
    let m = metrics(&inc, LATER);
    // 2011-05-28 08:00 → 2011-05-29 10:30 = 26 h 30 min.
    assert_eq!(
        levels(&m, "mail"),
        vec![(Level::Maintenance, Some(26 * 3600 + 30 * 60))]
    );
    assert_eq!(m.time_to_restore, None, "no impact start in maintenance");

    let (_, cancelled) = fold_one(&[
        lines[0],
        r#"{"type":"maintenance_cancelled","incident":"zimbra","at":"2011-05-27T12:00:00-04:00"}"#,
    ]);
    assert_eq!(cancelled.state, State::Cancelled);
    assert!(cancelled.intervals.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Streaks
// ---------------------------------------------------------------------------------------------

#[test]
fn a_run_over_a_leap_day_counts_it() {
    let stored = ledger(&[
        r#"{"type":"detected","incident":"a","at":"2012-02-20T10:00:00Z","services":["mail"]}"#,
        r#"{"type":"resolved","incident":"a","at":"2012-02-20T11:00:00Z"}"#,
        r#"{"type":"detected","incident":"b","at":"2012-03-05T10:00:00Z","services":["mail"]}"#,
        r#"{"type":"resolved","incident":"b","at":"2012-03-05T11:00:00Z"}"#,
    ]);
    let incidents = fold_all(&stored);
    let found = outages(&incidents, "mail", &Policy::default());
    assert_eq!(
        found,
        vec![
            Outage {
                incident: "a".into(),
                start: date!(2012 - 02 - 20),
                end: Some(date!(2012 - 02 - 20)),
            },
            Outage {
                incident: "b".into(),
                start: date!(2012 - 03 - 05),
                end: Some(date!(2012 - 03 - 05)),
            },
        ]
    );
    let s = streak::streaks(None, found, date!(2013 - 03 - 05));
    // 2012-02-20 → 2012-03-05: 9 days to Feb 29 (a leap year), then 5 into March = 14.
    // 2012-03-05 → 2013-03-05: a year after Feb 29, 2012, so 365.
    assert_eq!(
        s.runs,
        vec![
            run(365, date!(2012 - 03 - 05), date!(2013 - 03 - 05), true),
            run(14, date!(2012 - 02 - 20), date!(2012 - 03 - 05), false),
        ]
    );
    // From 2012-01-15 a year on crosses Feb 29: 366. (Checked through a commissioning date.)
    let s = streak::streaks(Some(date!(2012 - 01 - 15)), vec![], date!(2013 - 01 - 15));
    assert_eq!(s.current_streak_days, Some(366));
    assert_eq!(s.days_since_last_outage, None, "never down");
}

/// The mail server: an outage on 2011-02-23, the Zimbra upgrade over Memorial Day weekend.
const MAIL: [&str; 5] = [
    r#"{"type":"detected","incident":"mail-down","at":"2011-02-23","services":["mail"]}"#,
    r#"{"type":"resolved","incident":"mail-down","at":"2011-02-23"}"#,
    r#"{"type":"maintenance_scheduled","incident":"zimbra","at":"2011-05-20T12:00:00-04:00","services":["mail"],"window_start":"2011-05-28T08:00:00-04:00","window_end":"2011-05-30T20:00:00-04:00"}"#,
    r#"{"type":"maintenance_started","incident":"zimbra","at":"2011-05-28T08:00:00-04:00"}"#,
    r#"{"type":"maintenance_completed","incident":"zimbra","at":"2011-05-30T18:00:00-04:00"}"#,
];

#[test]
fn maintenance_breaks_no_run_by_default() {
    let incidents = fold_all(&ledger(&MAIL));
    let found = outages(&incidents, "mail", &Policy::default());
    assert_eq!(found.len(), 1, "the upgrade is not an outage");
    let s = streak::streaks(None, found, date!(2011 - 06 - 01));
    // 2011-02-23 → 2011-03-01 = 6 days (2011 is no leap year), then March 31 + April 30 +
    // May 31 = 92: 98.
    assert_eq!(s.current_streak_days, Some(6 + 31 + 30 + 31));
    assert_eq!(s.days_since_last_outage, Some(98));
    assert_eq!(days(&s), vec![98]);
}

#[test]
fn maintenance_breaks_the_run_when_the_policy_includes_it() {
    let policy = Policy {
        include_maintenance: true,
        ..Policy::default()
    };
    let incidents = fold_all(&ledger(&MAIL));
    let found = outages(&incidents, "mail", &policy);
    assert_eq!(
        found[1],
        Outage {
            incident: "zimbra".into(),
            start: date!(2011 - 05 - 28),
            end: Some(date!(2011 - 05 - 30)),
        }
    );
    let s = streak::streaks(None, found, date!(2011 - 06 - 01));
    // 2011-02-23 → 2011-05-28: 6 (to Mar 1) + 31 + 30 (to May 1) + 27 = 94.
    // 2011-05-30 → 2011-06-01: 2, current.
    assert_eq!(
        s.runs,
        vec![
            run(94, date!(2011 - 02 - 23), date!(2011 - 05 - 28), false),
            run(2, date!(2011 - 05 - 30), date!(2011 - 06 - 01), true),
        ]
    );
    assert_eq!(s.current_streak_days, Some(2));
    assert_eq!(s.record.map(|r| r.days), Some(94));
}

#[test]
fn degraded_only_incidents_break_nothing_unless_counted() {
    let stored = ledger(&[
        r#"{"type":"service_commissioned","service":"mail","at":"2011-01-01"}"#,
        r#"{"type":"detected","incident":"slow","at":"2011-01-11T10:00:00Z","services":["mail"],"level":"degraded"}"#,
        r#"{"type":"resolved","incident":"slow","at":"2011-01-12T10:00:00Z"}"#,
    ]);
    let incidents = fold_all(&stored);
    let service = super::service::fold("mail", &stream_of(&stored, "@mail"));
    let commissioned = service.commissioned.map(|c| streak::day(&c, None));
    assert_eq!(commissioned, Some(date!(2011 - 01 - 01)));

    let found = outages(&incidents, "mail", &Policy::default());
    assert!(found.is_empty());
    let s = streak::streaks(commissioned, found, date!(2011 - 02 - 01));
    // 2011-01-01 → 2011-02-01 = 31.
    assert_eq!(s.current_streak_days, Some(31));
    assert_eq!(s.days_since_last_outage, None);

    let counted = Policy {
        count_degraded: true,
        ..Policy::default()
    };
    let found = outages(&incidents, "mail", &counted);
    let s = streak::streaks(commissioned, found, date!(2011 - 02 - 01));
    // 2011-01-01 → 2011-01-11 = 10; 2011-01-12 → 2011-02-01 = 20.
    assert_eq!(
        s.runs,
        vec![
            run(20, date!(2011 - 01 - 12), date!(2011 - 02 - 01), true),
            run(10, date!(2011 - 01 - 01), date!(2011 - 01 - 11), false),
        ]
    );
    assert_eq!(s.days_since_last_outage, Some(20));
}

#[test]
fn an_ongoing_outage_means_no_current_run() {
    let stored = ledger(&[
        r#"{"type":"service_commissioned","service":"web-1","at":"2009-04-10"}"#,
        r#"{"type":"detected","incident":"crash","at":"2011-12-28T15:00:00-05:00","approximate":true,"services":["web-1"]}"#,
        r#"{"type":"restored","incident":"crash","at":"2011-12-29T02:00:00-05:00","level":"partial"}"#,
    ]);
    let incidents = fold_all(&stored);
    let found = outages(&incidents, "web-1", &Policy::default());
    assert_eq!(
        found,
        vec![Outage {
            incident: "crash".into(),
            start: date!(2011 - 12 - 28),
            end: None,
        }],
        "a partial outage is still an outage"
    );
    let s = streak::streaks(Some(date!(2009 - 04 - 10)), found, date!(2011 - 12 - 30));
    assert!(s.ongoing);
    assert_eq!(s.current_streak_days, Some(0));
    assert_eq!(s.days_since_last_outage, Some(0));
    // 2009-04-10 → 2011-04-10 = 2 × 365 (no Feb 29 between); 2011-04-10 → 2011-12-10 =
    // 30+31+30+31+31+30+31+30 = 244; → 2011-12-28 = 18. 730 + 244 + 18 = 992.
    assert_eq!(
        s.runs,
        vec![run(
            730 + 244 + 18,
            date!(2009 - 04 - 10),
            date!(2011 - 12 - 28),
            false
        )]
    );
}

#[test]
fn an_as_of_in_the_past_ignores_later_outages() {
    let mut lines = MAIL.to_vec();
    lines.extend([
        r#"{"type":"detected","incident":"late","at":"2011-06-16T23:00:00-04:00","services":["mail"]}"#,
        r#"{"type":"resolved","incident":"late","at":"2011-06-17T02:00:00-04:00"}"#,
    ]);
    let incidents = fold_all(&ledger(&lines));
    let found = outages(&incidents, "mail", &Policy::default());
    assert_eq!(found.len(), 2);

    let s = streak::streaks(None, found.clone(), date!(2011 - 06 - 01));
    assert_eq!(s.outages.len(), 1, "the June outage is after as-of");
    assert!(!s.ongoing);
    // 2011-02-23 → 2011-06-01 = 98 (see maintenance_breaks_no_run_by_default).
    assert_eq!(s.days_since_last_outage, Some(98));

    // On 2011-06-16 the late outage had begun and was not over.
    let s = streak::streaks(None, found.clone(), date!(2011 - 06 - 16));
    assert!(s.ongoing);
    assert_eq!(s.current_streak_days, Some(0));
    // 2011-02-23 → 2011-06-16 = 98 + 15 = 113, the only (finished) run.
    assert_eq!(
        s.runs,
        vec![run(
            98 + 15,
            date!(2011 - 02 - 23),
            date!(2011 - 06 - 16),
            false
        )]
    );

    // By 2011-06-20 it was over: 2011-06-17 → 2011-06-20 = 3.
    let s = streak::streaks(None, found, date!(2011 - 06 - 20));
    assert_eq!(s.current_streak_days, Some(3));
    assert_eq!(s.record.map(|r| r.days), Some(113));
}

#[test]
fn a_tz_changes_the_day_an_outage_starts_on() {
    let incidents = fold_all(&ledger(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T02:00:00Z","services":["dns"]}"#,
        r#"{"type":"resolved","incident":"i","at":"2011-06-16T03:00:00Z"}"#,
    ]));
    let policy = Policy::default();
    let written = streak::outage(&incidents[0], Some("dns"), &policy, None).unwrap();
    assert_eq!(
        (written.start, written.end),
        (date!(2011 - 06 - 16), Some(date!(2011 - 06 - 16)))
    );
    // 02:00Z and 03:00Z are 22:00 and 23:00 on the 15th at -04:00.
    let edt = streak::outage(&incidents[0], Some("dns"), &policy, Some(&offset!(-4))).unwrap();
    assert_eq!(
        (edt.start, edt.end),
        (date!(2011 - 06 - 15), Some(date!(2011 - 06 - 15)))
    );
    // So on 2011-06-20 the run is 4 days in UTC and 5 at -04:00.
    let as_of = date!(2011 - 06 - 20);
    assert_eq!(
        streak::streaks(None, vec![written], as_of).current_streak_days,
        Some(4)
    );
    assert_eq!(
        streak::streaks(None, vec![edt], as_of).current_streak_days,
        Some(5)
    );
}

#[test]
fn streaks_for_all_services_break_on_any_service() {
    let incidents = fold_all(&ledger(&[
        r#"{"type":"detected","incident":"a","at":"2011-01-05T10:00:00Z","services":["dns"]}"#,
        r#"{"type":"resolved","incident":"a","at":"2011-01-05T11:00:00Z"}"#,
        r#"{"type":"detected","incident":"b","at":"2011-01-20T10:00:00Z","services":["web"]}"#,
        r#"{"type":"resolved","incident":"b","at":"2011-01-21T11:00:00Z"}"#,
    ]));
    let policy = Policy::default();
    let dns = outages(&incidents, "dns", &policy);
    assert_eq!(dns.len(), 1);
    let any: Vec<Outage> = incidents
        .iter()
        .filter_map(|i| streak::outage(i, None, &policy, None))
        .collect();
    let s = streak::streaks(None, any, date!(2011 - 02 - 01));
    // 2011-01-05 → 2011-01-20 = 15; 2011-01-21 → 2011-02-01 = 11.
    assert_eq!(days(&s), vec![15, 11]);
    let s = streak::streaks(None, dns, date!(2011 - 02 - 01));
    // dns alone: 2011-01-05 → 2011-02-01 = 27.
    assert_eq!(days(&s), vec![27]);
}

// ---------------------------------------------------------------------------------------------
// Stats
// ---------------------------------------------------------------------------------------------

/// Ten days of March 2011 on the mail server: a 1 h major outage, a 2 h partial outage and a
/// 30 min degradation, each acknowledged.
const MARCH: [&str; 9] = [
    r#"{"type":"detected","incident":"a","at":"2011-03-02T10:00:00Z","services":["mail"]}"#,
    r#"{"type":"acknowledged","incident":"a","at":"2011-03-02T10:05:00Z"}"#,
    r#"{"type":"restored","incident":"a","at":"2011-03-02T11:00:00Z"}"#,
    r#"{"type":"detected","incident":"b","at":"2011-03-05T08:00:00Z","services":["mail"],"level":"partial_outage"}"#,
    r#"{"type":"escalated","incident":"b","at":"2011-03-05T08:10:00Z","to":"mail admins"}"#,
    r#"{"type":"restored","incident":"b","at":"2011-03-05T10:00:00Z","level":"full"}"#,
    r#"{"type":"detected","incident":"c","at":"2011-03-08T12:00:00Z","services":["mail"],"level":"degraded"}"#,
    r#"{"type":"acknowledged","incident":"c","at":"2011-03-08T12:20:00Z"}"#,
    r#"{"type":"resolved","incident":"c","at":"2011-03-08T12:30:00Z"}"#,
];

const TEN_DAYS: Period = Period {
    since: datetime!(2011-03-01 00:00 UTC),
    until: datetime!(2011-03-11 00:00 UTC),
};

/// Services that existed for the whole of `TEN_DAYS`.
fn whole(names: &[String]) -> Vec<crate::projection::stats::Life> {
    names
        .iter()
        .map(|n| crate::projection::stats::Life {
            service: n.clone(),
            from: TEN_DAYS.since,
            until: TEN_DAYS.until,
        })
        .collect()
}

fn march_stats(policy: &Policy, services: &[&str]) -> Stats {
    let incidents = fold_all(&ledger(&MARCH));
    let refs: Vec<&Incident> = incidents.iter().collect();
    let services: Vec<String> = services
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    stats(&refs, &whole(&services), &TEN_DAYS, policy, LATER)
}

#[test]
fn stats_over_ten_days_with_the_default_policy() {
    let s = march_stats(&Policy::default(), &["mail"]);
    assert_eq!(s.incidents, 3);
    assert_eq!(s.outages, 2, "the degradation is not an outage");
    // Acknowledged after 5, 10 and 20 min: (300 + 600 + 1200) / 3 = 700 s.
    assert_eq!(s.mtta, secs((300 + 600 + 1200) / 3));
    // Restored after 1 h, 2 h, and (resolved, no restore) 30 min.
    // Mean (3600 + 7200 + 1800) / 3 = 4200; median of 1800, 3600, 7200 = 3600.
    assert_eq!(s.mttr_mean, secs((3600 + 7200 + 1800) / 3));
    assert_eq!(s.mttr_median, secs(3600));
    // Outage starts 2011-03-02 10:00 and 2011-03-05 08:00: 3 days less 2 h.
    assert_eq!(s.mtbf, secs(3 * 86_400 - 2 * 3600));
    // 10 days = 864,000 s; down 1 h major (weight 1) + 2 h partial (weight 0.3).
    assert_close(
        s.availability_percent,
        100.0 * (1.0 - (3600.0 + 0.3 * 7200.0) / 864_000.0),
    );
    assert_eq!(s.unmeasured_outages, 0);
}

#[test]
fn stats_count_degraded_when_the_policy_says_so() {
    let policy = Policy {
        count_degraded: true,
        ..Policy::default()
    };
    let s = march_stats(&policy, &["mail"]);
    assert_eq!(s.outages, 3);
    // Starts 03-02 10:00, 03-05 08:00, 03-08 12:00: gaps (3 d − 2 h) and (3 d + 4 h);
    // mean = (6 d + 2 h) / 2 = 3 d + 1 h.
    assert_eq!(s.mtbf, secs(3 * 86_400 + 3600));
    // Degraded weighs as partial (0.3): + 0.3 × 1800 s.
    assert_close(
        s.availability_percent,
        100.0 * (1.0 - (3600.0 + 0.3 * 7200.0 + 0.3 * 1800.0) / 864_000.0),
    );
}

#[test]

fn mtbf_is_between_unplanned_outages_even_when_maintenance_counts() {
    let mut lines = MARCH.to_vec();
    lines.extend([
        r#"{"type":"maintenance_scheduled","incident":"m","at":"2011-03-01T09:00:00Z","services":["mail"],"window_start":"2011-03-03T00:00:00Z","window_end":"2011-03-03T02:00:00Z"}"#,
        r#"{"type":"maintenance_started","incident":"m","at":"2011-03-03T00:00:00Z"}"#,
        r#"{"type":"maintenance_completed","incident":"m","at":"2011-03-03T01:00:00Z"}"#,
    ]);
    let incidents = fold_all(&ledger(&lines));
    let refs: Vec<&Incident> = incidents.iter().collect();
    let policy = Policy {
        include_maintenance: true,
        ..Policy::default()
    };
    let s = stats(
        &refs,
        &whole(&["mail".to_string()]),
        &TEN_DAYS,
        &policy,
        LATER,
    );
    assert_eq!(
        s.incidents, 3,
        "maintenance is not an incident in the count"
    );
    // The maintenance hour counts against availability at weight 1.0 ...
    assert_close(
        s.availability_percent,
        100.0 * (1.0 - (3600.0 + 0.3 * 7200.0 + 3600.0) / 864_000.0),
    );
    // ... but MTBF is between the starts of consecutive *unplanned* outages: a (03-02 10:00)
    // and b (03-05 08:00), 3 days less 2 h, as without maintenance.
    assert_eq!(s.mtbf, secs(3 * 86_400 - 2 * 3600));
}

#[test]
fn availability_spreads_over_every_service_in_the_selection() {
    let s = march_stats(&Policy::default(), &["mail", "web"]);
    // Twice the service-seconds, the same downtime.
    assert_close(
        s.availability_percent,
        100.0 * (1.0 - (3600.0 + 0.3 * 7200.0) / (2.0 * 864_000.0)),
    );
}

#[test]
fn stats_median_of_an_even_count_and_mtbf_needs_two_outages() {
    let incidents = fold_all(&ledger(&[
        r#"{"type":"detected","incident":"a","at":"2011-03-01T00:00:00Z","services":["mail"]}"#,
        r#"{"type":"restored","incident":"a","at":"2011-03-01T00:10:00Z"}"#,
        r#"{"type":"detected","incident":"b","at":"2011-03-03T00:00:00Z","services":["mail"]}"#,
        r#"{"type":"restored","incident":"b","at":"2011-03-03T00:20:00Z"}"#,
        r#"{"type":"detected","incident":"c","at":"2011-03-08T00:00:00Z","services":["mail"]}"#,
        r#"{"type":"restored","incident":"c","at":"2011-03-08T00:50:00Z"}"#,
        r#"{"type":"detected","incident":"d","at":"2011-03-09T00:00:00Z","services":["mail"]}"#,
        r#"{"type":"restored","incident":"d","at":"2011-03-09T01:40:00Z"}"#,
    ]));
    let refs: Vec<&Incident> = incidents.iter().collect();
    let mail = vec!["mail".to_string()];
    let policy = Policy::default();
    let s = stats(&refs, &whole(&mail), &TEN_DAYS, &policy, LATER);
    assert_eq!(s.incidents, 4);
    assert_eq!(s.mtta, None, "nobody acknowledged");
    // Restores after 10, 20, 50 and 100 min: 600, 1200, 3000, 6000 s.
    // Mean 10800 / 4 = 2700; median (1200 + 3000) / 2 = 2100.
    assert_eq!(s.mttr_mean, secs((600 + 1200 + 3000 + 6000) / 4));
    assert_eq!(s.mttr_median, secs((1200 + 3000) / 2));
    // Starts on days 1, 3, 8, 9: gaps 2, 5, 1 days; mean 8 / 3 days = 230,400 s.
    assert_eq!(s.mtbf, secs((2 + 5 + 1) * 86_400 / 3));
    // Down 600 + 1200 + 3000 + 6000 = 10,800 s, all major.
    assert_close(s.availability_percent, 100.0 * (1.0 - 10_800.0 / 864_000.0));

    let one = stats(&refs[..1], &whole(&mail), &TEN_DAYS, &policy, LATER);
    assert_eq!(one.mtbf, None, "one outage has nothing between");
    assert_eq!(one.mttr_median, secs(600));
    let none = stats(&[], &whole(&mail), &TEN_DAYS, &policy, LATER);
    assert_eq!(
        (none.incidents, none.mtta, none.mttr_mean, none.mtbf),
        (0, None, None, None)
    );
    assert_close(none.availability_percent, 100.0);
}

#[test]
fn availability_clips_an_outage_to_the_period() {
    let incidents = fold_all(&ledger(&[
        // 2011-02-28 23:00 → 2011-03-01 01:00: only the last hour is in the period.
        r#"{"type":"detected","incident":"a","at":"2011-02-28T23:00:00Z","services":["mail"]}"#,
        r#"{"type":"restored","incident":"a","at":"2011-03-01T01:00:00Z"}"#,
    ]));
    let refs: Vec<&Incident> = incidents.iter().collect();
    let s = stats(
        &refs,
        &whole(&["mail".to_string()]),
        &TEN_DAYS,
        &Policy::default(),
        LATER,
    );
    assert_close(s.availability_percent, 100.0 * (1.0 - 3600.0 / 864_000.0));
}

#[test]
fn a_day_only_outage_is_counted_but_not_measured() {
    let incidents = fold_all(&ledger(&[
        r#"{"type":"detected","incident":"a","at":"2011-03-02","services":["mail"]}"#,
        r#"{"type":"resolved","incident":"a","at":"2011-03-02"}"#,
    ]));
    let refs: Vec<&Incident> = incidents.iter().collect();
    let s = stats(
        &refs,
        &whole(&["mail".to_string()]),
        &TEN_DAYS,
        &Policy::default(),
        LATER,
    );
    assert_eq!((s.outages, s.unmeasured_outages), (1, 1));
    assert_eq!(s.mttr_mean, None);
}

#[test]

fn an_ongoing_outage_counts_down_time_only_until_now() {
    let incidents = fold_all(&ledger(&[
        r#"{"type":"detected","incident":"a","at":"2011-03-02T10:00:00Z","services":["mail"]}"#,
    ]));
    let refs: Vec<&Incident> = incidents.iter().collect();
    // Asked on 2011-03-02 at 12:00 about all of March 1–10.
    let now = datetime!(2011-03-02 12:00 UTC);
    let s = stats(
        &refs,
        &whole(&["mail".to_string()]),
        &TEN_DAYS,
        &Policy::default(),
        now,
    );
    // Down 10:00 → now 12:00 = 2 h, as the incident's own impact figure says.
    assert_eq!(
        levels(&metrics(&incidents[0], now), "mail"),
        vec![(Level::MajorOutage, Some(2 * 3600))]
    );
    // The period is known only up to now: 2011-03-01 00:00 → 2011-03-02 12:00 = 36 h.
    assert_close(
        s.availability_percent,
        100.0 * (1.0 - 7200.0 / (36.0 * 3600.0)),
    );
}

// ---------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------

#[test]
fn timeline_offsets_run_from_the_impact_start() {
    let mut lines = ROUTING.to_vec();
    // Learned the next day: the on-call pager had failed "some time that night".
    lines.push(
        r#"{"type":"note","incident":"routing","at":"2011-06-16","text":"pager failed that night"}"#,
    );
    let stored = ledger(&lines);
    let inc = incident::fold("routing", &stored).unwrap();
    let (entries, corrections) = timeline(&stored, &inc);
    assert!(corrections.is_empty());
    assert_eq!(entries.len(), ROUTING.len() + 1);
    let offsets: Vec<(&str, Option<i64>)> = entries
        .iter()
        .map(|e| (e.event.type_name(), e.offset))
        .collect();
    // From impact_started 02:50.
    assert_eq!(
        offsets,
        vec![
            ("impact_started", Some(0)),
            ("detected", Some(30 * 60)),                    // 03:20
            ("escalated", Some(37 * 60)),                   // 03:27
            ("acknowledged", Some(42 * 60)),                // 03:32
            ("vendor_engaged", Some(50 * 60)),              // 03:40
            ("vendor_engaged", Some(55 * 60)),              // 03:45
            ("vendor_responded", Some(3600 + 20 * 60)),     // 04:10
            ("vendor_responded", Some(2 * 3600 + 40 * 60)), // 05:30
            ("vendor_responded", Some(3 * 3600 + 16 * 60)), // 06:06
            ("restored", Some(3 * 3600 + 50 * 60)),         // 06:40
            ("restored", Some(4 * 3600 + 15 * 60)),         // 07:05
            ("note", Some(5 * 3600 + 10 * 60)),             // 08:00
            ("resolved", Some(6 * 3600 + 10 * 60)),         // 09:00
            ("note", None), // a day only, after what was logged before
        ]
    );
    assert!(entries.iter().all(|e| !e.amended));
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=14).collect::<Vec<u64>>()
    );
}

#[test]
fn timeline_marks_amended_entries_and_reorders_them() {
    let (stored, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T03:30:00-04:00","id":"00000000-0000-7000-8000-0000000000a1"}"#,
        r#"{"type":"escalated","incident":"i","at":"2011-06-16T03:40:00-04:00","to":"network"}"#,
        // The acknowledgement was really at 03:50, after the escalation.
        r#"{"type":"amended","incident":"i","at":"2011-06-16T05:00:00-04:00","target":"00000000-0000-7000-8000-0000000000a1","set":{"at":"2011-06-16T03:50:00-04:00"}}"#,
    ]);
    let (entries, _) = timeline(&stored, &inc);
    assert_eq!(
        entries
            .iter()
            .map(|e| (e.event.type_name(), e.offset, e.amended))
            .collect::<Vec<_>>(),
        vec![
            ("detected", Some(0), false),
            ("escalated", Some(20 * 60), false),   // 03:40
            ("acknowledged", Some(30 * 60), true), // 03:50, amended
        ]
    );
    // The escalation at 03:40 is now first: 20 min.
    assert_eq!(metrics(&inc, LATER).time_to_acknowledge, exact(20 * 60));
}

#[test]
fn timeline_of_a_day_only_start_has_no_offsets() {
    let (stored, inc) = fold_one(&[
        r#"{"type":"detected","incident":"i","at":"2011-02-23","services":["mail"]}"#,
        r#"{"type":"acknowledged","incident":"i","at":"2011-02-23T10:00:00-05:00"}"#,
        r#"{"type":"resolved","incident":"i","at":"2011-02-23T12:00:00-05:00"}"#,
    ]);
    let (entries, _) = timeline(&stored, &inc);
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e.offset.is_none()));
}

#[test]
fn availability_counts_each_service_over_its_own_life() {
    use crate::projection::service::Service;
    use crate::projection::stats::{lives, stats};
    let incidents = fold_all(&ledger(&[
        r#"{"type":"detected","incident":"a","at":"2011-03-02T00:00:00Z","services":["mail"]}"#,
        r#"{"type":"restored","incident":"a","at":"2011-03-02T01:00:00Z"}"#,
        r#"{"type":"detected","incident":"b","at":"2011-03-06T00:00:00Z","services":["web"]}"#,
        r#"{"type":"restored","incident":"b","at":"2011-03-06T02:00:00Z"}"#,
    ]));
    let refs: Vec<&Incident> = incidents.iter().collect();
    let service = |name: &str, commissioned: Option<&str>| Service {
        name: name.into(),
        commissioned: commissioned.map(|c| crate::projection::Stamp {
            at: At::parse(c).unwrap(),
            approximate: false,
        }),
        retired: None,
    };
    // mail since 2011-03-01 (10 days), web commissioned 2011-03-05 (6 days).
    let services = [
        service("mail", Some("2011-03-01")),
        service("web", Some("2011-03-05")),
    ];
    let utc = time::UtcOffset::UTC;
    let l = lives(&services, &refs, &TEN_DAYS, false, &utc);
    assert_eq!(l[1].from, datetime!(2011-03-05 00:00 UTC));
    let web = stats(&refs, &l[1..], &TEN_DAYS, &Policy::default(), LATER);
    assert_close(
        web.availability_percent,
        100.0 * (1.0 - 7200.0 / (6.0 * 86_400.0)),
    );
    // All services: 3 h down over 16 service-days, not over 20.
    let all = stats(&refs, &l, &TEN_DAYS, &Policy::default(), LATER);
    assert_close(
        all.availability_percent,
        100.0 * (1.0 - 10_800.0 / (16.0 * 86_400.0)),
    );
    // Without a commissioning date: from its first incident, unless --since was asked.
    let bare = [service("web", None)];
    assert_eq!(
        lives(&bare, &refs, &TEN_DAYS, false, &utc)[0].from,
        datetime!(2011-03-06 00:00 UTC)
    );
    assert_eq!(
        lives(&bare, &refs, &TEN_DAYS, true, &utc)[0].from,
        TEN_DAYS.since
    );
}
