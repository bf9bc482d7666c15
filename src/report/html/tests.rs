//! The HTML report, rendered from small hand-made incidents.

use super::*;
use crate::event::parse_line;
use crate::projection::Policy;
use crate::projection::incident::fold;
use crate::record::{GENESIS, Stored, new_id};
use crate::report::build;
use time::OffsetDateTime;
use time::macros::datetime;

const HOSTILE: &str = r#"<script>alert(1)</script> & "x""#;

fn report(lines: &[&str], now: OffsetDateTime) -> Report {
    let recorded = datetime!(2024-01-01 0:00 UTC);
    let mut prev = GENESIS;
    let mut stream = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let event = parse_line(line).expect("valid line").event;
        let seq = n as u64 + 1;
        let id = new_id(recorded, &prev, seq, 0);
        let stored = Stored::seal(seq, id, n as u64, recorded, event, &prev).0;
        prev = stored.hash;
        stream.push(stored);
    }
    let incident = fold("r", &stream).expect("events");
    build(incident, &stream, Policy::default(), now)
}

fn routing() -> Report {
    let hostile = serde_json::to_string(HOSTILE).unwrap();
    let lines = [
        format!(r#"{{"type":"detected","incident":"r","at":"2011-06-16T03:20:00-04:00","approximate":true,"services":["dns","network"],"source":"monitoring","summary":{hostile}}}"#),
        format!(r#"{{"type":"note","incident":"r","at":"2011-06-16","text":{hostile}}}"#),
        r#"{"type":"impact_started","incident":"r","at":"2011-06-16","services":["mail"]}"#.into(),
        r#"{"type":"impact_changed","incident":"r","at":"2011-06-16T04:00:00-04:00","services":["dns"],"level":"degraded"}"#.into(),
        r#"{"type":"restored","incident":"r","at":"2011-06-16T06:40:00-04:00","services":["network"],"level":"partial"}"#.into(),
        r#"{"type":"announced","incident":"r","at":"2011-06-16","channel":"blog","title":"Down","url":"https://blog.example/p?a=1&b=2"}"#.into(),
        r#"{"type":"resolved","incident":"r","at":"2011-06-16T07:05:00-04:00"}"#.into(),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    report(&lines, datetime!(2011-06-20 12:00 UTC))
}

#[test]
fn escapes_the_five_characters() {
    assert_eq!(
        escape(HOSTILE),
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"
    );
    assert_eq!(escape("it's"), "it&#39;s");
}

#[test]
fn hostile_event_text_comes_out_escaped() {
    let page = render(&routing());
    assert!(!page.contains("<script"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
    assert!(page.starts_with("<!doctype html>") && page.ends_with("</html>\n"));
}

#[test]
fn links_to_no_other_host() {
    let page = render(&routing()).replace("https://blog.example/p?a=1&amp;b=2", "");
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert!(!page.contains("href=") && !page.contains("src=") && !page.contains("<script"));
}

#[test]
fn draws_one_bar_per_interval_with_instants() {
    let r = routing();
    let page = render(&r);
    assert!(page.contains("<svg"));
    // dns major + degraded, network major + partial; mail starts on a day only.
    assert_eq!(r.incident.intervals.len(), 5);
    let instant = |s: &Stamp| matches!(s.at, At::Instant(_));
    let drawable = (r.incident.intervals.iter())
        .filter(|i| instant(&i.from) && i.to.as_ref().is_none_or(instant))
        .count();
    assert_eq!(drawable, 4);
    assert_eq!(page.matches("<rect class=\"bar\"").count(), 4);
    assert_eq!(page.matches("<circle").count(), 4);
    assert!(page.contains("3 events known only by their day are listed below but not drawn."));
    assert!(
        page.contains("1 impact interval with a start or end known only by the day is not drawn.")
    );
    assert_eq!(render(&r), page, "deterministic");
}

#[test]
fn open_intervals_run_to_now() {
    let r = report(
        &[
            r#"{"type":"detected","incident":"r","at":"2011-06-16T03:20:00-04:00","services":["dns"]}"#,
        ],
        datetime!(2011-06-16 09:20 UTC),
    );
    let page = render(&r);
    assert_eq!(page.matches("<rect class=\"bar\"").count(), 1);
    assert!(page.contains(">now</text>"));
    assert!(page.contains("2h (ongoing)"));
    assert!(page.contains("to now (ongoing) (2h)"));
    assert!(page.contains("the time of this report, 2011-06-16 05:20 -04:00."));
}

#[test]
fn day_only_incident_has_no_chart() {
    let r = report(
        &[
            r#"{"type":"detected","incident":"r","at":"2011-02-23","services":["mail"]}"#,
            r#"{"type":"resolved","incident":"r","at":"2011-02-23"}"#,
        ],
        datetime!(2011-06-16 09:20 UTC),
    );
    let page = render(&r);
    assert!(!page.contains("<svg"));
    assert!(page.contains("2 events known only by their day"));
    assert!(page.contains("unknown (day only)"));
}

#[test]
fn on_a_phone_tables_stack_and_the_chart_scrolls_in_its_own_box() {
    let page = render(&routing());
    // The impact table's cells carry their column's name as plain text, for the stacked rows.
    assert!(page.contains("<table class=\"stack\">"));
    assert!(page.contains("<td data-label=\"major outage\">"));
    assert!(page.contains("<table class=\"log\">"));
    // The summary's first column is the row's heading: no label of its own.
    assert!(!page.contains("<td data-label=\"Service\">"));
    assert!(page.contains(
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Timeline\">\n<svg"
    ));
    assert_eq!(
        text_of("<span class=\"sw\" style=\"x\"></span>major outage"),
        "major outage"
    );
}
