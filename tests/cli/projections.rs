//! Projections through the command line: the seed's figures (checked against hand
//! calculations), every JSON output against its schema, and rebuild = incremental.

use crate::common::{Env, s};
use crate::schema::{assert_lines_valid, assert_valid};
use crate::snap;
use logbook::event::parse_line;
use logbook::projection::Policy;
use logbook::report::{build, json};
use logbook::store::{AppendContext, Ledger, Line};
use proptest::prelude::*;

const ROUTING: &str = "2011-06-16-upstream-routing";

#[test]
fn the_demo_tells_the_story_from_the_projections() {
    let env = Env::empty();
    let run = env
        .run(&["--ledger", s(&env.path("demo.redb")), "demo"])
        .ok();
    assert!(run.stderr.contains("demo ledger: [DIR]/demo.redb"), "{run}");
    snap!("demo", run.stdout.clone());
    // It writes the story's status site beside the ledger, public facts only.
    let page = std::fs::read_to_string(env.path("demo.site/index.html")).unwrap();
    assert!(page.contains("Sononaco status"));
    assert!(page.contains("A Holiday “Gift” From the Server Gremlins"));
    assert!(
        !page.contains("Kernel panic"),
        "a diagnosis on the public page"
    );
    // Running it again adds nothing: the seed's events carry their own ids.
    let again = env
        .run(&["--ledger", s(&env.path("demo.redb")), "demo"])
        .ok();
    assert!(
        again
            .stdout
            .starts_with("Sononaco, 2008-2011: 0 events appended (44 already there)"),
        "{again}"
    );
    // Without --ledger on its command line the demo touches neither the default ledger nor
    // the one LOGBOOK_LEDGER names (the harness sets it): it makes a temporary one.
    let user = Env::new();
    user.append(crate::common::SEED.lines().next().unwrap())
        .ok();
    let before = user.export();
    for env_ledger in [true, false] {
        let mut cmd = user.command(&["demo"]);
        if !env_ledger {
            cmd.env_remove("LOGBOOK_LEDGER");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let path = stderr
            .trim()
            .strip_prefix("demo ledger: ")
            .expect("says where");
        assert!(path.contains("logbook-demo-"), "{path}");
        std::fs::remove_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
    }
    assert_eq!(user.export(), before, "the user's ledger is untouched");
    assert!(!user.path("xdg/logbook/ledger.redb").exists());
}

#[test]
fn the_routing_report_matches_the_blog() {
    let env = Env::seeded();
    // Times in the blog's zone, as the blog tells them.
    let md = env
        .run(&["report", ROUTING, "--tz", "America/New_York"])
        .ok();
    snap!("report_routing_md", md.stdout.clone());
    // In another zone the same instants show on that zone's clock, and the zone is named.
    let berlin = env.run(&["report", ROUTING, "--tz", "Europe/Berlin"]).ok();
    assert!(
        berlin
            .stdout
            .contains("| Impact started | ~2011-06-16 09:20 +02:00 |"),
        "{berlin}"
    );
    assert!(
        berlin.stdout.contains("| Times in | Europe/Berlin |"),
        "{berlin}"
    );
    let html = env
        .run(&[
            "report",
            ROUTING,
            "--tz",
            "Europe/Berlin",
            "--format",
            "html",
        ])
        .ok();
    assert!(
        html.stdout.contains("2011-06-16 13:05 +02:00"),
        "restored at 07:05 EDT"
    );
    assert!(html.stdout.contains("clock times in Europe/Berlin"));
    let json = env.run(&["report", ROUTING, "--format", "json"]).ok();
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_valid("report.v1.json", &report);
    snap!("report_routing_json", json.stdout.clone());
    let report = &report;
    let m = &report["metrics"];
    // Detected ~03:20 EDT; partly restored 06:40; fully restored (and resolved) 07:05.
    assert_eq!(m["time_to_partial_restore_seconds"], 3 * 3600 + 20 * 60);
    assert_eq!(m["time_to_restore_seconds"], 3 * 3600 + 45 * 60);
    assert_eq!(m["time_to_resolve_seconds"], 3 * 3600 + 45 * 60);
    // Escalated "immediately", at the same approximate 03:20.
    assert_eq!(m["time_to_acknowledge_seconds"], 0);
    assert_eq!(m["time_to_detect_seconds"], 0);
    assert_eq!(
        m["approximate"],
        serde_json::json!([
            "time_to_detect",
            "time_to_acknowledge",
            "time_to_partial_restore",
            "time_to_restore",
            "time_to_resolve"
        ])
    );
    // The blog gives no time for the tickets, so no vendor response time can be known.
    assert_eq!(
        m["vendor_response"],
        serde_json::json!([{"vendor": "Level3", "seconds": null}, {"vendor": "COX", "seconds": null}])
    );
    let cox = &report["vendors"][1];
    assert_eq!(
        (
            cox["vendor"].as_str(),
            cox["first_response"].as_str(),
            cox["responses"].as_u64()
        ),
        (Some("COX"), Some("2011-06-16T05:30:00-04:00"), Some(3))
    );
    // dns: major 03:20-06:40 (3h20m), partial 06:40-07:05 (25m).
    assert_eq!(
        m["impact"][0],
        serde_json::json!({"service": "dns", "major_outage_seconds": 12000, "partial_outage_seconds": 1500, "degraded_seconds": 0, "maintenance_seconds": 0, "ongoing": false})
    );
    let offsets: Vec<&str> = report["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["offset"].as_str())
        .collect();
    assert_eq!(
        offsets,
        [
            "T+0:00", "T+0:00", "T+2:10", "T+2:46", "T+3:20", "T+3:45", "T+3:45", "T+3:45"
        ]
    );

    let html = env
        .run(&["report", ROUTING, "--format", "html"])
        .ok()
        .stdout;
    assert!(
        html.starts_with("<!doctype html>") || html.starts_with("<!DOCTYPE html>"),
        "{html}"
    );
    assert!(html.contains("<svg") && html.contains("<style"));
    assert!(
        !html.contains("<script") && !html.contains("<link"),
        "self-contained"
    );
    assert!(html.contains("COX called back: the problem is fixed"));
}

#[test]
fn the_streak_board_keeps_the_mail_record_through_maintenance() {
    let env = Env::seeded();
    let board = env.run(&["streak", "--as-of", "2011-12-28"]).ok();
    snap!("streak_board", board.stdout.clone());
    let json = env
        .run(&["streak", "--as-of", "2011-12-28", "--format", "json"])
        .ok();
    assert_lines_valid("streak.v1.json", &json.stdout);
    let all = &json.json_lines()[0];
    let service = |name: &str| {
        all["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["service"] == name)
            .unwrap()
            .clone()
    };
    let mail = service("mail");
    // 2008-05-19 to 2011-02-23 is 1,010 days; the Memorial Day upgrade (maintenance) does not break the current run.
    assert_eq!(
        mail["record"],
        serde_json::json!({"days": 1010, "from": "2008-05-19", "to": "2011-02-23", "current": false})
    );
    // 2011-02-23 to 2011-12-28: 5 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 28 = 308 days.
    assert_eq!(mail["current_streak_days"], 308);
    assert_eq!(mail["days_since_last_outage"], 308);
    let web = service("web-1");
    // Commissioned 2009-04-10, crashed 2011-12-28: 992 days ("8 days shy of 1,000").
    assert_eq!(
        web["record"],
        serde_json::json!({"days": 992, "from": "2009-04-10", "to": "2011-12-28", "current": false})
    );
    assert_eq!(web["current_streak_days"], 0);
    assert_eq!(all["record"]["days"], 1010);

    let one = env
        .run(&["streak", "--service", "mail", "--as-of", "2011-12-28"])
        .ok();
    snap!("streak_mail", one.stdout.clone());
    // As of the day before the 2011 outage, the current run is the record: 1,010 - 1 days.
    let past = env
        .run(&[
            "streak",
            "--service",
            "mail",
            "--as-of",
            "2011-02-22",
            "--format",
            "json",
        ])
        .ok();
    let past = &past.json_lines()[0];
    assert_eq!(
        (
            past["current_streak_days"].as_i64(),
            past["record"]["current"].as_bool()
        ),
        (Some(1009), Some(true))
    );
    // Counting maintenance breaks the run at the upgrade (2011-05-28 to 2011-05-30).
    let strict = env
        .run(&[
            "streak",
            "-s",
            "mail",
            "--as-of",
            "2011-12-28",
            "--include-maintenance",
            "--format",
            "json",
        ])
        .ok();
    // 2011-05-30 to 2011-12-28: 1 + 30 + 31 + 31 + 30 + 31 + 30 + 28 = 212 days.
    assert_eq!(strict.json_lines()[0]["current_streak_days"], 212);
    let unknown = env.run(&["streak", "--service", "nope"]).code(1);
    assert!(
        unknown.stderr.starts_with("error: no service nope"),
        "{unknown}"
    );
}

#[test]
fn stats_follow_the_policy() {
    let env = Env::seeded();
    let text = env
        .run(&["stats", "--since", "2011-01-01", "--until", "2011-12-31"])
        .ok();
    snap!("stats_2011", text.stdout.clone());
    let json = env
        .run(&[
            "stats",
            "--service",
            "dns",
            "--since",
            "2011-01-01",
            "--until",
            "2011-12-31",
            "--format",
            "json",
        ])
        .ok();
    assert_lines_valid("stats.v1.json", &json.stdout);
    let dns = &json.json_lines()[0];
    assert_eq!(
        (
            dns["incidents"].as_u64(),
            dns["mttr_seconds"].as_i64(),
            dns["mtbf_seconds"].as_i64()
        ),
        (Some(1), Some(13_500), None)
    );
    // 2011 has 365 days; dns was down 3h20m at weight 1.0 and 25m at weight 0.3.
    let expected = 100.0 * (1.0 - (12_000.0 + 0.3 * 1_500.0) / (365.0 * 86_400.0));
    assert!(
        (dns["availability_percent"].as_f64().unwrap() - expected).abs() < 0.0005,
        "{dns}"
    );
    let heavy = env
        .run(&[
            "stats",
            "-s",
            "dns",
            "--since",
            "2011-01-01",
            "--until",
            "2011-12-31",
            "--partial-weight",
            "1",
            "--format",
            "json",
        ])
        .ok();
    let expected = 100.0 * (1.0 - 13_500.0 / (365.0 * 86_400.0));
    assert!(
        (heavy.json_lines()[0]["availability_percent"]
            .as_f64()
            .unwrap()
            - expected)
            .abs()
            < 0.0005
    );
    let all = env.run(&["stats", "--format", "json"]).ok();
    assert_lines_valid("stats.v1.json", &all.stdout);
    let mail = env
        .run(&["stats", "-s", "mail", "--format", "json"])
        .ok()
        .json_lines()[0]
        .clone();
    // Two outages 1,010 days apart, both known only by their day.
    assert_eq!(
        (
            mail["mtbf_seconds"].as_i64(),
            mail["unmeasured_outages"].as_u64(),
            mail["mttr_seconds"].as_i64()
        ),
        (Some(1010 * 86_400), Some(2), None)
    );
    assert_eq!(env.run(&["stats", "--partial-weight", "2"]).code, 2);
}

#[test]
fn incidents_and_timelines_list_what_happened() {
    let env = Env::seeded();
    let new_york = ["--tz", "America/New_York"];
    snap!(
        "incidents",
        env.run(&[&["incidents"], &new_york[..]].concat())
            .ok()
            .stdout
    );
    let json = env.run(&["incidents", "--format", "json"]).ok();
    assert_lines_valid("incidents.v1.json", &json.stdout);
    assert_eq!(json.json_lines()[0].as_array().unwrap().len(), 5);
    let mail = env
        .run(&["incidents", "--service", "mail", "--format", "json"])
        .ok();
    assert_eq!(mail.json_lines()[0].as_array().unwrap().len(), 3);
    snap!(
        "timeline_web_1",
        env.run(
            &[
                &["timeline", "2011-12-28-web-1-kernel-panic"],
                &new_york[..]
            ]
            .concat()
        )
        .ok()
        .stdout
    );
    let timeline = env.run(&["timeline", ROUTING, "--format", "json"]).ok();
    assert_lines_valid("timeline.v1.json", &timeline.stdout);
    let missing = env.run(&["timeline", "2011-06-16-upstream-routin"]).code(1);
    assert_eq!(
        missing.stderr,
        "error: no incident 2011-06-16-upstream-routin\nhint: did you mean 2011-06-16-upstream-routing?\n"
    );
}

fn report_json(env: &Env) -> serde_json::Value {
    serde_json::from_str(
        &env.run(&["report", ROUTING, "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap()
}

#[test]
fn corrections_change_the_figures_and_are_reported() {
    let env = Env::seeded();
    let export = env
        .run(&[
            "log",
            "--incident",
            ROUTING,
            "--type",
            "detected",
            "--format",
            "json",
        ])
        .ok();
    let detected = export.json_lines()[0]["id"].as_str().unwrap().to_string();
    // Monitoring logs later show the impact began at 03:05.
    let amend = format!(
        r#"{{"type":"amended","incident":"{ROUTING}","at":"2011-06-20","target":"{detected}","set":{{"at":"2011-06-16T03:05:00-04:00","approximate":false}},"reason":"monitoring logs show 03:05"}}"#
    );
    env.append(&amend).ok();
    let report = report_json(&env);
    // 03:05 to 07:05 is 4 hours, now exact.
    assert_eq!(report["metrics"]["time_to_restore_seconds"], 4 * 3600);
    assert_eq!(
        report["corrections"][0]["fields"],
        serde_json::json!(["approximate", "at"])
    );
    let md = env.run(&["report", ROUTING]).ok().stdout;
    assert!(
        md.contains("## Corrections\n\n- #45 amended approximate, at of the detected event"),
        "{md}"
    );
    let retract = format!(
        r#"{{"type":"retracted","incident":"{ROUTING}","at":"2011-06-21","target":"{}","reason":"entered by mistake"}}"#,
        report["corrections"][0]["target"].as_str().unwrap()
    );
    env.append(&retract).ok();
    let after = report_json(&env);
    // Without its detection, impact starts at nothing: every figure from the start is unknown.
    assert_eq!(
        after["metrics"]["time_to_restore_seconds"],
        serde_json::Value::Null
    );
}

#[test]
fn rebuild_answers_every_query_identically() {
    let env = Env::seeded();
    env.append(r#"{"type":"detected","incident":"later","at":"2012-03-01T10:00:00+01:00","services":["mail"],"level":"partial_outage"}"#).ok();
    let queries: Vec<Vec<&str>> = vec![
        vec!["incidents", "--format", "json"],
        vec!["streak", "--format", "json"],
        vec!["streak", "--as-of", "2011-12-28"],
        vec!["stats", "--format", "json"],
        vec!["report", ROUTING, "--format", "json"],
        vec!["report", "2011-12-28-web-1-kernel-panic"],
        vec!["timeline", "later", "--format", "json"],
    ];
    let before: Vec<String> = queries.iter().map(|q| env.run(q).ok().stdout).collect();
    let rebuilt = env.run(&["rebuild", "--format", "json"]).ok();
    assert_eq!(
        rebuilt.json_lines()[0],
        serde_json::json!({"streams": 7, "incidents": 6})
    );
    let after: Vec<String> = queries.iter().map(|q| env.run(q).ok().stdout).collect();
    assert_eq!(before, after);
    env.run(&["verify"]).ok();
    assert_valid(
        "incidents.v1.json",
        &serde_json::from_str(&before[0]).unwrap(),
    );
}

/// Every answer a ledger gives, as text, for comparing two ledgers.
fn answers(ledger: &Ledger) -> Vec<String> {
    let now = time::macros::datetime!(2026-11-25 12:00 UTC);
    let mut out = Vec::new();
    for incident in ledger.incidents().unwrap() {
        let stream = ledger.stream(&incident.key).unwrap();
        out.push(json::report(&build(incident, &stream, Policy::default(), now)).to_string());
    }
    for service in ledger.services().unwrap() {
        out.push(format!(
            "{service:?} {:?}",
            ledger.incidents_of(&service.name).unwrap()
        ));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn rebuilt_projections_equal_incremental_ones(batches in crate::export_import::history()) {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::create(&dir.path().join("a.redb")).unwrap();
        for (n, batch) in batches.iter().enumerate() {
            let ctx = AppendContext { now: time::macros::datetime!(2026-11-25 12:00 UTC) + time::Duration::seconds(n as i64), actor: "prop".into(), force: false, new_services: Vec::new() };
            let lines = batch.iter().enumerate().map(|(i, text)| Ok(Line { number: i + 1, submission: parse_line(text).unwrap() }));
            ledger.append(lines, &ctx).unwrap();
        }
        let before = answers(&ledger);
        prop_assert!(!before.is_empty());
        ledger.rebuild().unwrap();
        prop_assert_eq!(answers(&ledger), before);
        prop_assert!(ledger.verify().unwrap().problems.is_empty());
    }
}

/// `rebuild` writes every projection anew; the pages of the old ones are given back, so
/// rebuilding again and again does not grow the file.
#[test]
fn rebuild_gives_the_replaced_pages_back() {
    let env = Env::new();
    let mut history = Vec::new();
    logbook::synth::write(300, 20, 7, &mut history).unwrap();
    let file = env.write("history.jsonl", std::str::from_utf8(&history).unwrap());
    env.run(&["append", "--quiet", crate::common::s(&file)])
        .ok();
    let size = || std::fs::metadata(env.path("ledger.redb")).unwrap().len();
    env.run(&["rebuild"]).ok();
    let first = size();
    for _ in 0..3 {
        env.run(&["rebuild"]).ok();
    }
    let last = size();
    assert!(
        last <= first + first / 10,
        "the file grew from {first} to {last} bytes over three rebuilds"
    );
    env.run(&["verify"]).ok();
}
