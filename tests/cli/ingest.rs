//! `ingest`: each source's real example payloads as the events they become (snapshots), and
//! the episodes they make in a ledger: fire, repeat, resolve and re-fire; mixed groups; Uptime
//! Kuma's DOWN and UP; PagerDuty's dedup keys; a Statuspage import equal to the page's own
//! component history, twice; malformed payloads that write nothing.

use crate::common::{Env, s};
use crate::schema::assert_lines_valid;
use crate::snap;
use logbook::ingest::{Config, Source, When, adapt};
use serde_json::{Value, json};
use std::path::PathBuf;

fn fixture(source: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ingest")
        .join(source)
        .join(name)
}

fn read(source: &str, name: &str) -> String {
    std::fs::read_to_string(fixture(source, name)).expect("fixture")
}

/// The events a payload becomes, one a line, each with the condition it is appended under.
fn adapted(source: Source, payload: &str) -> String {
    let now = logbook::event::time::parse_instant(crate::common::NOW).unwrap();
    let out = adapt(source, payload.as_bytes(), &Config::default(), now).expect("adapts");
    let mut text = String::new();
    for i in &out.intents {
        let when = match &i.when {
            When::Always => "always".to_string(),
            When::Open => "while open".to_string(),
            When::NoneOpen { prefix } => format!("unless {prefix}* is open"),
            When::OpenOf { prefix } => format!("to the open {prefix}*"),
            When::OpenBefore { prefix, before } => {
                format!("to the open {prefix}* before {before}")
            }
        };
        text.push_str(&format!("[{when}] {}\n", Value::Object(i.event.clone())));
    }
    for why in &out.ignored {
        text.push_str(&format!("ignored: {why}\n"));
    }
    text
}

#[test]
fn every_fixture_becomes_the_events_snapshotted() {
    let cases = [
        (Source::Alertmanager, "alertmanager", "oncall-example.json"),
        (Source::Alertmanager, "alertmanager", "resolved.json"),
        (Source::Grafana, "grafana", "docs-webhook.json"),
        (Source::UptimeKuma, "uptime-kuma", "down.json"),
        (Source::UptimeKuma, "uptime-kuma", "up.json"),
        (Source::UptimeKuma, "uptime-kuma", "test.json"),
        (Source::PagerDuty, "pagerduty", "trigger.json"),
        (Source::PagerDuty, "pagerduty", "acknowledge.json"),
        (Source::PagerDuty, "pagerduty", "resolve.json"),
        (
            Source::Statuspage,
            "statuspage",
            "githubstatus-incidents.json",
        ),
        (Source::Statuspage, "statuspage", "discord-incidents.json"),
        (
            Source::Statuspage,
            "statuspage",
            "discord-scheduled-maintenances.json",
        ),
    ];
    for (source, dir, name) in cases {
        let stem = name.trim_end_matches(".json");
        snap!(
            format!("ingest_{}_{stem}", dir.replace('-', "_")),
            adapted(source, &read(dir, name))
        );
    }
}

/// An Alertmanager payload of `alerts`, each `(fingerprint, status, startsAt, endsAt)`.
fn am(alerts: &[(&str, &str, &str, &str)]) -> String {
    let alerts: Vec<Value> = alerts
        .iter()
        .map(|(fp, status, starts, ends)| {
            json!({"status": status, "labels": {"alertname": "InstanceDown", "instance": format!("web-{fp}"), "severity": "critical"},
                   "annotations": {"summary": "down"}, "startsAt": starts, "endsAt": ends, "fingerprint": fp})
        })
        .collect();
    let firing = alerts.iter().any(|a| a["status"] == "firing");
    json!({"version": "4", "status": if firing { "firing" } else { "resolved" }, "receiver": "logbook",
           "groupKey": "{}:{alertname=\"InstanceDown\"}", "alerts": alerts})
    .to_string()
}

const UNSET: &str = "0001-01-01T00:00:00Z";

fn ingest(env: &Env, source: &str, payload: &str) -> crate::common::Run {
    env.run_with(&["ingest", source, "-"], Some(payload))
}

fn report(env: &Env, key: &str) -> Value {
    let out = env.run(&["report", key, "--format", "json"]).ok();
    serde_json::from_str(&out.stdout).unwrap()
}

fn incidents(env: &Env) -> Vec<Value> {
    let out = env.run(&["incidents", "--format", "json"]).ok();
    serde_json::from_str::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn alertmanager_fire_repeat_resolve_refire_makes_two_incidents() {
    let env = Env::new();
    let fire = am(&[("aa11", "firing", "2026-11-20T10:00:00Z", UNSET)]);
    let first = ingest(&env, "alertmanager", &fire).ok();
    assert!(
        first.stdout.ends_with("1 incident opened, 1 other event\n"),
        "{first}"
    );
    // A repeat notification: endsAt moves on, the annotations change; nothing is added.
    let repeat = am(&[(
        "aa11",
        "firing",
        "2026-11-20T10:00:00Z",
        "2026-11-20T10:09:00Z",
    )])
    .replace("\"down\"", "\"still down\"");
    let again = ingest(&env, "alertmanager", &repeat).ok();
    assert!(
        again
            .stdout
            .ends_with("appended 0 events\n2 repeats ignored\n"),
        "{again}"
    );
    let resolve = am(&[(
        "aa11",
        "resolved",
        "2026-11-20T10:00:00Z",
        "2026-11-20T10:30:00Z",
    )]);
    ingest(&env, "alertmanager", &resolve).ok();
    // A retry of the resolve adds nothing either.
    let retry = ingest(&env, "alertmanager", &resolve).ok();
    assert!(retry.stdout.ends_with("2 repeats ignored\n"), "{retry}");
    let refire = am(&[("aa11", "firing", "2026-11-21T08:00:00Z", UNSET)]);
    ingest(&env, "alertmanager", &refire).ok();
    ingest(
        &env,
        "alertmanager",
        &am(&[(
            "aa11",
            "resolved",
            "2026-11-21T08:00:00Z",
            "2026-11-21T08:05:00Z",
        )]),
    )
    .ok();
    let all = incidents(&env);
    let keys: Vec<&str> = all
        .iter()
        .map(|i| i["incident"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["am-aa11-20261120T100000Z", "am-aa11-20261121T080000Z"]
    );
    let first = report(&env, "am-aa11-20261120T100000Z");
    assert_eq!(first["metrics"]["time_to_restore_seconds"], 1800);
    let second = report(&env, "am-aa11-20261121T080000Z");
    assert_eq!(second["metrics"]["time_to_restore_seconds"], 300);
    let export = env.export();
    assert_eq!(
        export.lines().count(),
        8,
        "two detections, notes, restores, resolves: {export}"
    );
    env.run(&["verify"]).ok();
}

#[test]
fn each_alert_of_a_mixed_group_follows_its_own_status() {
    let env = Env::new();
    ingest(
        &env,
        "alertmanager",
        &am(&[
            ("bb01", "firing", "2026-11-20T10:00:00Z", UNSET),
            ("bb02", "firing", "2026-11-20T10:01:00Z", UNSET),
        ]),
    )
    .ok();
    // The group is `firing` (one alert still fires); the other alert is resolved.
    let mixed = am(&[
        (
            "bb01",
            "firing",
            "2026-11-20T10:00:00Z",
            "2026-11-20T10:20:00Z",
        ),
        (
            "bb02",
            "resolved",
            "2026-11-20T10:01:00Z",
            "2026-11-20T10:11:00Z",
        ),
    ]);
    assert_eq!(
        serde_json::from_str::<Value>(&mixed).unwrap()["status"],
        "firing"
    );
    let out = ingest(&env, "alertmanager", &mixed).ok();
    assert!(
        out.stdout
            .ends_with("1 restored, 1 resolved, 2 repeats ignored\n"),
        "{out}"
    );
    let states: Vec<(String, String)> = incidents(&env)
        .iter()
        .map(|i| {
            (
                i["incident"].as_str().unwrap().into(),
                i["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(states[0].0, "am-bb01-20261120T100000Z");
    assert_ne!(
        states[0].1, "resolved",
        "the firing alert stays open: {states:?}"
    );
    assert_eq!(states[1].1, "resolved", "{states:?}");
}

#[test]
fn a_resolve_for_an_unknown_episode_adds_nothing_and_says_so() {
    let env = Env::new();
    let before = env.export();
    let out = ingest(&env, "alertmanager", &read("alertmanager", "resolved.json")).ok();
    assert!(
        out.stdout.ends_with("2 for unknown episodes ignored\n"),
        "{out}"
    );
    assert!(out.stderr.contains("no such open episode"), "{out}");
    assert_eq!(env.export(), before);
}

#[test]
fn uptime_kuma_down_then_up_is_one_outage_from_beat_to_beat() {
    let env = Env::new();
    let test = env
        .run(&[
            "ingest",
            "uptime-kuma",
            s(&fixture("uptime-kuma", "test.json")),
        ])
        .ok();
    assert!(
        test.stdout.ends_with("appended 0 events\nnothing new\n"),
        "{test}"
    );
    env.run(&[
        "ingest",
        "uptime-kuma",
        s(&fixture("uptime-kuma", "down.json")),
    ])
    .ok();
    let json = env
        .run(&[
            "ingest",
            "uptime-kuma",
            "--format",
            "json",
            s(&fixture("uptime-kuma", "up.json")),
        ])
        .ok();
    assert_lines_valid("append-receipt.v1.json", &json.stdout);
    let r = report(&env, "kuma-29-20240924T235135.527Z");
    // 2024-09-24 23:51:35.527 (DOWN) to 2024-09-25 00:04:35.611 (UP), both UTC.
    assert_eq!(r["metrics"]["time_to_restore_seconds"], 780);
    assert_eq!(incidents(&env)[0]["state"], "resolved");
}

/// A PagerDuty event of `action` for dedup key `srv01/mysql`.
fn pd(action: &str, timestamp: &str) -> String {
    let mut v: Value = serde_json::from_str(&read("pagerduty", "trigger.json")).unwrap();
    v["event_action"] = json!(action);
    v["payload"]["timestamp"] = json!(timestamp);
    v.to_string()
}

#[test]
fn pagerduty_trigger_ack_resolve_trigger_makes_two_incidents() {
    let env = Env::new();
    ingest(
        &env,
        "pagerduty",
        &pd("trigger", "2026-11-25T09:00:00+0000"),
    )
    .ok();
    let repeat = ingest(
        &env,
        "pagerduty",
        &pd("trigger", "2026-11-25T09:05:00+0000"),
    )
    .ok();
    assert!(repeat.stdout.ends_with("1 repeat ignored\n"), "{repeat}");
    ingest(&env, "pagerduty", &read("pagerduty", "acknowledge.json")).ok();
    ingest(&env, "pagerduty", &read("pagerduty", "resolve.json")).ok();
    let again = ingest(&env, "pagerduty", &read("pagerduty", "resolve.json")).ok();
    assert!(
        again.stdout.ends_with("2 for unknown episodes ignored\n"),
        "{again}"
    );
    ingest(
        &env,
        "pagerduty",
        &pd("trigger", "2026-11-25T11:00:00+0000"),
    )
    .ok();
    let all = incidents(&env);
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0]["state"], "resolved");
    assert_ne!(all[1]["state"], "resolved");
    let first = report(&env, all[0]["incident"].as_str().unwrap());
    // Triggered 09:00, acknowledged and resolved when received (LOGBOOK_NOW, 12:00).
    assert_eq!(first["metrics"]["time_to_acknowledge_seconds"], 3 * 3600);
}

/// Whole seconds between two RFC 3339 times, as the figures count them.
fn seconds(from: &str, to: &str) -> i64 {
    let t = |s: &str| logbook::event::time::parse_instant(s).unwrap();
    (t(to) - t(from)).whole_seconds()
}

#[test]
fn a_statuspage_import_matches_the_pages_component_history_and_repeats_nothing() {
    let env = Env::new();
    let file = fixture("statuspage", "githubstatus-incidents.json");
    env.run(&["ingest", "statuspage", s(&file)]).ok();
    // The page's own history, from the fixture: each update's new_status holds from its
    // display_at to the next update's.
    let page: Value =
        serde_json::from_str(&read("statuspage", "githubstatus-incidents.json")).unwrap();
    let incident = &page["incidents"][0];
    let mut updates: Vec<&Value> = incident["incident_updates"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    updates.sort_by_key(|u| u["display_at"].as_str().unwrap().to_string());
    let mut expected: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for pair in updates.windows(2) {
        for c in pair[0]["affected_components"].as_array().unwrap() {
            let status = c["new_status"].as_str().unwrap();
            if status != "operational" {
                let span = seconds(
                    pair[0]["display_at"].as_str().unwrap(),
                    pair[1]["display_at"].as_str().unwrap(),
                );
                *expected
                    .entry((c["name"].as_str().unwrap().into(), status.into()))
                    .or_default() += span;
            }
        }
    }
    let r = report(&env, "sp-69sb0f8lydp4");
    for row in r["metrics"]["impact"].as_array().unwrap() {
        let service = row["service"].as_str().unwrap().to_string();
        for (status, field) in [
            ("major_outage", "major_outage_seconds"),
            ("partial_outage", "partial_outage_seconds"),
        ] {
            let want = expected
                .get(&(service.clone(), status.to_string()))
                .copied()
                .unwrap_or(0);
            assert_eq!(row[field], want, "{service} {status}");
        }
    }
    assert_eq!(
        expected.len(),
        3,
        "Actions major and partial, Pages partial: {expected:?}"
    );
    let before = env.export();
    let again = env
        .run(&["ingest", "statuspage", "--format", "json", s(&file)])
        .ok();
    assert_eq!(again.stdout, "", "the second import appends nothing");
    assert_eq!(env.export(), before);
    env.run(&["verify"]).ok();
}

#[test]
fn a_payload_that_is_not_the_sources_format_writes_nothing() {
    let env = Env::new();
    let before = env.export();
    let cases = [
        ("alertmanager", read("grafana", "docs-webhook.json")),
        (
            "alertmanager",
            r#"{"version":"4","alerts":[{"status":"firing"}]}"#.to_string(),
        ),
        (
            "grafana",
            r#"{"alerts":[{"status":"firing","fingerprint":"x","startsAt":"soon"}]}"#.to_string(),
        ),
        ("uptime-kuma", r#"{"monitor":{"id":1}}"#.to_string()),
        (
            "pagerduty",
            r#"{"event_type":"trigger","incident_key":"x"}"#.to_string(),
        ),
        ("pagerduty", r#"{"event_action":"resolve"}"#.to_string()),
        ("statuspage", r#"{"page":{"name":"x"}}"#.to_string()),
        ("statuspage", "not json".to_string()),
    ];
    let mut shown = String::new();
    for (source, payload) in cases {
        let out = ingest(&env, source, &payload).code(1);
        shown.push_str(&format!("$ logbook ingest {source}\n{}", out.stderr));
    }
    snap!("ingest_malformed", shown);
    assert_eq!(env.export(), before);
}

/// The same alert firing with a new `startsAt` while its earlier episode was never resolved:
/// the earlier one was over by the new start (approximately), and a late copy of the earlier
/// firing reopens nothing.
#[test]
fn a_refire_with_a_new_start_closes_the_episode_left_open() {
    let env = Env::new();
    ingest(
        &env,
        "alertmanager",
        &am(&[("bb22", "firing", "2026-11-20T10:00:00Z", UNSET)]),
    )
    .ok();
    let refire = am(&[("bb22", "firing", "2026-11-20T10:20:00Z", UNSET)]);
    ingest(&env, "alertmanager", &refire).ok();
    let first = report(&env, "am-bb22-20261120T100000Z");
    assert_eq!(first["state"], "resolved", "{first}");
    assert_eq!(first["metrics"]["time_to_restore_seconds"], 1200);
    assert!(
        first["metrics"]["approximate"]
            .as_array()
            .unwrap()
            .contains(&json!("time_to_restore")),
        "{first}"
    );
    let second = report(&env, "am-bb22-20261120T102000Z");
    assert_eq!(second["state"], "open", "{second}");
    // Repeats of either firing change nothing, in either order.
    let before = env.export();
    ingest(&env, "alertmanager", &refire).ok();
    ingest(
        &env,
        "alertmanager",
        &am(&[("bb22", "firing", "2026-11-20T10:00:00Z", UNSET)]),
    )
    .ok();
    assert_eq!(env.export(), before);
    assert_eq!(report(&env, "am-bb22-20261120T102000Z")["state"], "open");
}
