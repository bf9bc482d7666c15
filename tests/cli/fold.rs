//! Issue 8: the append rules read the same fold as the reports, so no correction leaves a trap;
//! late entries that happened before the close are accepted; `reopened` counts both outages;
//! implausible times are refused unless forced.

use crate::common::Env;

const OPEN: &str = r#"{"type":"detected","incident":"db","at":"2026-11-20T03:00:00Z","services":["db"],"id":"0190a1b2-0000-7000-8000-000000000001"}"#;
const RESOLVE: &str = r#"{"type":"resolved","incident":"db","at":"2026-11-20T05:30:00Z","id":"0190a1b2-0000-7000-8000-000000000002"}"#;

fn state(env: &Env) -> String {
    let run = env.run(&["incidents", "--format", "json"]).ok();
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    list[0]["state"].as_str().unwrap().to_string()
}

fn metrics(env: &Env) -> serde_json::Value {
    let run = env.run(&["report", "db", "--format", "json"]).ok();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    report["metrics"].clone()
}

#[test]
fn retracting_resolved_reopens_and_nothing_is_a_trap() {
    let env = Env::new();
    env.append(&format!("{OPEN}\n{RESOLVE}\n")).ok();
    let retract = r#"{"type":"retracted","incident":"db","at":"2026-11-21T09:00:00Z","target":"0190a1b2-0000-7000-8000-000000000002","reason":"resolved too early","id":"0190a1b2-0000-7000-8000-000000000003"}"#;
    env.append(retract).ok();
    assert_eq!(state(&env), "open");
    // The rules agree with the report: it is open, so it can be resolved again ...
    env.append(
        r#"{"type":"note","incident":"db","at":"2026-11-20T06:00:00Z","text":"still down"}"#,
    )
    .ok();
    // ... the withdrawn event cannot be amended (it would do nothing) ...
    let amend = r#"{"type":"amended","incident":"db","at":"2026-11-21T09:05:00Z","target":"0190a1b2-0000-7000-8000-000000000002","set":{"at":"2026-11-20T06:30:00Z"}}"#;
    let run = env.append(amend).code(1);
    assert!(run.stderr.contains("is retracted"), "{run}");
    // ... and retracting the retraction reinstates it: resolved again, at 05:30.
    env.append(r#"{"type":"retracted","incident":"db","at":"2026-11-21T09:10:00Z","target":"0190a1b2-0000-7000-8000-000000000003","reason":"it was right"}"#)
        .ok();
    assert_eq!(state(&env), "resolved");
    assert_eq!(metrics(&env)["time_to_resolve_seconds"], 2 * 3600 + 1800);
    // Now the target is in effect again, it can be retracted again.
    env.append(retract.replace("-000000000003", "-000000000004").as_str())
        .ok();
    assert_eq!(state(&env), "open");
    env.append(r#"{"type":"resolved","incident":"db","at":"2026-11-20T07:00:00Z"}"#)
        .ok();
    assert_eq!(metrics(&env)["time_to_resolve_seconds"], 4 * 3600);
    env.run(&["verify"]).ok();
}

#[test]
fn late_entries_that_happened_before_the_close_are_accepted() {
    let env = Env::new();
    env.append(&format!("{OPEN}\n{RESOLVE}\n")).ok();
    for line in [
        r#"{"type":"restore_step","incident":"db","at":"2026-11-20T05:20:00Z","summary":"restarted the primary"}"#,
        r#"{"type":"escalated","incident":"db","at":"2026-11-20T03:10:00Z","to":"dba on call"}"#,
        r#"{"type":"vendor_engaged","incident":"db","at":"2026-11-20T03:30:00Z","vendor":"Hoster"}"#,
        r#"{"type":"vendor_responded","incident":"db","at":"2026-11-20T05:30:00Z","vendor":"Hoster"}"#,
    ] {
        env.append(line).ok();
    }
    assert_eq!(state(&env), "resolved");
    let m = metrics(&env);
    assert_eq!(m["time_to_acknowledge_seconds"], 600);
    assert_eq!(m["vendor_response"][0]["seconds"], 2 * 3600);
    // After the close, a restore is refused: it did not happen before it.
    let run = env
        .append(r#"{"type":"restored","incident":"db","at":"2026-11-20T06:00:00Z"}"#)
        .code(1);
    assert!(run.stderr.contains("reopened"), "{run}");
}

#[test]
fn a_reopened_incident_counts_both_outages() {
    let env = Env::new();
    env.append(&format!(
        "{OPEN}\n{}\n{}\n{}\n",
        r#"{"type":"resolved","incident":"db","at":"2026-11-20T04:00:00Z"}"#,
        r#"{"type":"reopened","incident":"db","at":"2026-11-20T05:00:00Z"}"#,
        r#"{"type":"resolved","incident":"db","at":"2026-11-20T05:30:00Z"}"#,
    ))
    .ok();
    let m = metrics(&env);
    assert_eq!(m["impact"][0]["major_outage_seconds"], 3600 + 1800);
    assert_eq!(m["time_to_resolve_seconds"], 2 * 3600 + 1800);
    assert_eq!(m["time_to_restore_seconds"], 2 * 3600 + 1800);
    // Reopening an open incident is refused.
    let run = env
        .append(r#"{"type":"reopened","incident":"db","at":"2026-11-20T06:00:00Z"}"#)
        .ok();
    assert!(run.stdout.contains("reopened"), "{run}");
    let run = env
        .append(r#"{"type":"reopened","incident":"db","at":"2026-11-20T06:30:00Z"}"#)
        .code(1);
    assert!(run.stderr.contains("is open"), "{run}");
}

#[test]
fn a_typo_in_a_time_is_refused_unless_forced_and_never_makes_a_negative_figure() {
    let env = Env::new();
    env.append(OPEN).ok();
    let ack = r#"{"type":"acknowledged","incident":"db","at":"2026-11-20T02:07:00Z"}"#;
    let run = env.append(ack).code(1);
    assert!(run.stderr.contains("before its detection"), "{run}");
    assert!(run.stderr.contains("--force"), "{run}");
    env.run_with(&["append", "--force"], Some(ack)).ok();
    assert_eq!(
        metrics(&env)["time_to_acknowledge_seconds"],
        serde_json::Value::Null
    );
    let ahead = r#"{"type":"note","incident":"db","at":"2062-01-01T00:00:00Z","text":"x"}"#;
    let run = env.append(ahead).code(1);
    assert!(run.stderr.contains("more than a day after"), "{run}");
}

#[test]
fn the_title_is_the_opening_events_else_the_first_public_announcements() {
    let env = Env::new();
    let title = |env: &Env| {
        let run = env.run(&["incidents", "--format", "json"]).ok();
        let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        list[0]["title"].clone()
    };
    env.append(r#"{"type":"detected","incident":"db","at":"2026-11-20T03:00:00Z","services":["db"],"summary":"pager: db1 check failed"}"#)
        .ok();
    // A summary is not a title.
    assert_eq!(title(&env), serde_json::Value::Null);
    env.append(r#"{"type":"announced","incident":"db","at":"2026-11-20T03:30:00Z","audience":"internal","title":"ops only"}"#)
        .ok();
    assert_eq!(title(&env), serde_json::Value::Null);
    env.append(r#"{"type":"announced","incident":"db","at":"2026-11-20T03:40:00Z","title":"Database outage"}"#)
        .ok();
    assert_eq!(title(&env), "Database outage");
    env.run(&[
        "amend",
        "1",
        "--set",
        r#"{"title":"Primary database down"}"#,
        "--reason",
        "name it",
    ])
    .ok();
    assert_eq!(title(&env), "Primary database down");
}

#[test]
fn reports_mark_late_entries_and_show_the_cause() {
    let env = Env::new();
    env.append(&format!("{OPEN}\n{RESOLVE}\n")).ok();
    env.append(r#"{"type":"restore_step","incident":"db","at":"2026-11-20T05:20:00Z","summary":"restarted the primary"}"#)
        .ok();
    env.append(r#"{"type":"diagnosed","incident":"db","at":"2026-11-20T04:00:00Z","cause":"disk full on db1"}"#)
        .ok();
    let md = env.run(&["report", "db", "--format", "md"]).ok().stdout;
    assert!(
        md.contains("| restore_step (late entry, recorded 2026-11-25 12:00 UTC) |"),
        "{md}"
    );
    assert!(
        md.contains("## Cause\n\n- 2026-11-20 04:00 UTC — disk full on db1"),
        "{md}"
    );
    let run = env.run(&["report", "db", "--format", "json"]).ok();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let late: Vec<u64> = report["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["late"] == true)
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    // In time order: the diagnosis (04:00, seq 4), then the restore step (05:20, seq 3).
    assert_eq!(late, vec![4, 3]);
}

#[test]
fn a_maintenance_report_shows_planned_against_actual() {
    let env = Env::new();
    env.append(concat!(
        r#"{"type":"maintenance_scheduled","incident":"up","at":"2026-11-18T09:00:00Z","services":["mail"],"window_start":"2026-11-20T02:00:00Z","window_end":"2026-11-20T04:00:00Z","title":"Mail upgrade"}"#,
        "\n",
        r#"{"type":"maintenance_started","incident":"up","at":"2026-11-20T02:10:00Z"}"#,
        "\n",
        r#"{"type":"maintenance_completed","incident":"up","at":"2026-11-20T04:30:00Z"}"#,
        "\n",
    ))
    .ok();
    let md = env.run(&["report", "up"]).ok().stdout;
    assert!(
        md.contains("| Start | 2026-11-20 02:00 UTC | 2026-11-20 02:10 UTC | 10m late |"),
        "{md}"
    );
    assert!(
        md.contains("| End | 2026-11-20 04:00 UTC | 2026-11-20 04:30 UTC | 30m late |"),
        "{md}"
    );
    // A maintenance started more than a day ahead of its window is a typo unless forced.
    let env = Env::new();
    env.append(r#"{"type":"maintenance_scheduled","incident":"up","at":"2026-11-18T09:00:00Z","services":["mail"],"window_start":"2026-11-20T02:00:00Z","window_end":"2026-11-20T04:00:00Z"}"#)
        .ok();
    let run = env
        .append(r#"{"type":"maintenance_started","incident":"up","at":"2026-11-18T10:00:00Z"}"#)
        .code(1);
    assert!(
        run.stderr.contains("more than a day before its window"),
        "{run}"
    );
}

#[test]
fn the_html_report_has_the_cause_late_entries_and_the_plan_too() {
    let env = Env::new();
    env.append(&format!("{OPEN}\n{RESOLVE}\n")).ok();
    env.append(r#"{"type":"diagnosed","incident":"db","at":"2026-11-20T04:00:00Z","cause":"disk full on db1"}"#)
        .ok();
    let html = env.run(&["report", "db", "--format", "html"]).ok().stdout;
    assert!(html.contains("<h2>Cause</h2>"), "{html}");
    assert!(html.contains("disk full on db1"), "{html}");
    assert!(
        html.contains("late entry, recorded 2026-11-25 12:00 UTC"),
        "{html}"
    );
    let env = Env::new();
    env.append(r#"{"type":"maintenance_scheduled","incident":"up","at":"2026-11-18T09:00:00Z","services":["mail"],"window_start":"2026-11-20T02:00:00Z","window_end":"2026-11-20T04:00:00Z"}"#)
        .ok();
    let html = env.run(&["report", "up", "--format", "html"]).ok().stdout;
    assert!(html.contains("<h2>Planned and actual</h2>"), "{html}");
}

#[test]
fn an_amendment_is_checked_against_the_event_as_amended_so_far() {
    let env = Env::new();
    env.append(r#"{"type":"maintenance_scheduled","incident":"up","at":"2026-11-18T09:00:00Z","services":["mail","web1"],"window_start":"2026-11-20T10:00:00Z","window_end":"2026-11-20T12:00:00Z"}"#)
        .ok();
    env.run(&[
        "amend",
        "1",
        "--set",
        r#"{"window_end":"2026-11-20T11:00:00Z"}"#,
        "--reason",
        "shorter",
    ])
    .ok();
    // Against the original (ends 12:00) this would pass, and the fold would drop it.
    let run = env
        .run(&[
            "amend",
            "1",
            "--set",
            r#"{"window_start":"2026-11-20T11:30:00Z"}"#,
            "--reason",
            "later",
        ])
        .code(1);
    assert!(run.stderr.contains("window"), "{run}");
    // An amendment's services meet the same spelling guard as new events.
    let run = env
        .run(&[
            "amend",
            "1",
            "--set",
            r#"{"services":["mail","Web1"]}"#,
            "--reason",
            "x",
        ])
        .code(1);
    assert!(run.stderr.contains("did you mean `web1`?"), "{run}");
}

#[test]
fn a_resolve_before_the_restore_or_a_day_far_ahead_is_a_typo() {
    let env = Env::new();
    env.append(&format!(
        "{OPEN}\n{}\n",
        r#"{"type":"restored","incident":"db","at":"2026-11-20T05:30:00Z"}"#
    ))
    .ok();
    let resolve = r#"{"type":"resolved","incident":"db","at":"2026-11-20T05:00:00Z"}"#;
    let run = env.append(resolve).code(1);
    assert!(run.stderr.contains("is before the restore at"), "{run}");
    env.run_with(&["append", "--force"], Some(resolve)).ok();
    let run = env
        .append(r#"{"type":"note","incident":"db","at":"2062-06-16","text":"x"}"#)
        .code(1);
    assert!(run.stderr.contains("more than a day after"), "{run}");
}

#[test]
fn a_restore_without_a_summary_is_not_a_blank_line_in_a_report() {
    let env = Env::new();
    env.append(&format!(
        "{OPEN}\n{}\n{}\n",
        r#"{"type":"restored","incident":"db","at":"2026-11-20T04:00:00Z","level":"partial"}"#,
        r#"{"type":"restored","incident":"db","at":"2026-11-20T04:30:00Z"}"#
    ))
    .ok();
    let md = env.run(&["report", "db"]).ok().stdout;
    assert!(md.contains("- 2026-11-20 04:00 UTC — partly\n"), "{md}");
    assert!(md.contains("- 2026-11-20 04:30 UTC — restored\n"), "{md}");
}
