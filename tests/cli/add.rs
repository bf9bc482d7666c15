//! `add`: every type from flags, stored exactly as the same event written as JSON would be.

use crate::common::Env;
use crate::schema::assert_lines_valid;
use crate::snap;

const K: &str = "2011-06-16-upstream-routing";

/// (flags after `add`, the same event as a JSON line)
fn cases() -> Vec<(Vec<&'static str>, &'static str)> {
    vec![
        (
            vec![
                "detected",
                "-i",
                K,
                "--at",
                "2011-06-16T03:20:00-04:00",
                "--approximate",
                "-s",
                "dns",
                "-s",
                "network",
                "--source",
                "monitoring",
                "--level",
                "major_outage",
                "--summary",
                "DNS resolution failing",
            ],
            r#"{"type":"detected","incident":"2011-06-16-upstream-routing","at":"2011-06-16T03:20:00-04:00","approximate":true,"services":["dns","network"],"source":"monitoring","level":"major_outage","summary":"DNS resolution failing"}"#,
        ),
        (
            vec![
                "impact_started",
                "-i",
                K,
                "--at",
                "2011-06-16T03:00:00-04:00",
                "-s",
                "dns",
            ],
            r#"{"type":"impact_started","incident":"2011-06-16-upstream-routing","at":"2011-06-16T03:00:00-04:00","services":["dns"]}"#,
        ),
        (
            vec!["acknowledged", "-i", K, "--at", "2011-06-16T03:21:00-04:00"],
            r#"{"type":"acknowledged","incident":"2011-06-16-upstream-routing","at":"2011-06-16T03:21:00-04:00"}"#,
        ),
        (
            vec![
                "escalated",
                "-i",
                K,
                "--at",
                "2011-06-16T03:22:00-04:00",
                "--to",
                "on-call senior network admins",
            ],
            r#"{"type":"escalated","incident":"2011-06-16-upstream-routing","at":"2011-06-16T03:22:00-04:00","to":"on-call senior network admins"}"#,
        ),
        (
            vec![
                "vendor_engaged",
                "-i",
                K,
                "--at",
                "2011-06-16",
                "--vendor",
                "COX",
                "--ticket",
                "T-1",
                "--channel",
                "phone",
            ],
            r#"{"type":"vendor_engaged","incident":"2011-06-16-upstream-routing","at":"2011-06-16","vendor":"COX","ticket":"T-1","channel":"phone"}"#,
        ),
        (
            vec![
                "vendor_responded",
                "-i",
                K,
                "--at",
                "2011-06-16T05:30:00-04:00",
                "--vendor",
                "COX",
                "--contact",
                "Hi-Cap engineer",
            ],
            r#"{"type":"vendor_responded","incident":"2011-06-16-upstream-routing","at":"2011-06-16T05:30:00-04:00","vendor":"COX","contact":"Hi-Cap engineer"}"#,
        ),
        (
            vec![
                "diagnosed",
                "-i",
                K,
                "--at",
                "2011-06-16",
                "--cause",
                "COX misrouting 3 of 5 allocations",
            ],
            r#"{"type":"diagnosed","incident":"2011-06-16-upstream-routing","at":"2011-06-16","cause":"COX misrouting 3 of 5 allocations"}"#,
        ),
        (
            vec![
                "impact_changed",
                "-i",
                K,
                "--at",
                "2011-06-16T06:00:00-04:00",
                "--level",
                "partial_outage",
                "-s",
                "network",
            ],
            r#"{"type":"impact_changed","incident":"2011-06-16-upstream-routing","at":"2011-06-16T06:00:00-04:00","services":["network"],"level":"partial_outage"}"#,
        ),
        (
            vec![
                "restore_step",
                "-i",
                K,
                "--at",
                "2011-06-16T06:10:00-04:00",
                "--summary",
                "Traffic moved to Level3",
                "--state",
                "done",
            ],
            r#"{"type":"restore_step","incident":"2011-06-16-upstream-routing","at":"2011-06-16T06:10:00-04:00","summary":"Traffic moved to Level3","state":"done"}"#,
        ),
        (
            vec![
                "restored",
                "-i",
                K,
                "--at",
                "2011-06-16T06:40:00-04:00",
                "--level",
                "partial",
                "-s",
                "dns",
            ],
            r#"{"type":"restored","incident":"2011-06-16-upstream-routing","at":"2011-06-16T06:40:00-04:00","services":["dns"],"level":"partial"}"#,
        ),
        (
            vec!["resolved", "-i", K, "--at", "2011-06-16T07:05:00-04:00"],
            r#"{"type":"resolved","incident":"2011-06-16-upstream-routing","at":"2011-06-16T07:05:00-04:00"}"#,
        ),
        (
            vec![
                "reopened",
                "-i",
                K,
                "--at",
                "2011-06-16T08:10:00-04:00",
                "--level",
                "partial_outage",
                "-s",
                "dns",
            ],
            r#"{"type":"reopened","incident":"2011-06-16-upstream-routing","at":"2011-06-16T08:10:00-04:00","services":["dns"],"level":"partial_outage"}"#,
        ),
        (
            vec![
                "announced",
                "-i",
                K,
                "--at",
                "2011-06-16",
                "--channel",
                "blog",
                "--audience",
                "customers",
                "--title",
                "Downtime issues 6/16",
                "--url",
                "https://example.invalid/6-16",
                "--text",
                "Cox allocated our IPs",
            ],
            r#"{"type":"announced","incident":"2011-06-16-upstream-routing","at":"2011-06-16","channel":"blog","audience":"customers","title":"Downtime issues 6/16","url":"https://example.invalid/6-16","text":"Cox allocated our IPs"}"#,
        ),
        (
            vec![
                "action_item",
                "-i",
                K,
                "--at",
                "2011-06-16",
                "--summary",
                "No COX traffic until their report",
                "--owner",
                "ops",
                "--due",
                "2011-07-01",
            ],
            r#"{"type":"action_item","incident":"2011-06-16-upstream-routing","at":"2011-06-16","summary":"No COX traffic until their report","owner":"ops","due":"2011-07-01"}"#,
        ),
        (
            vec![
                "note",
                "-i",
                K,
                "--at",
                "2011-06-16",
                "--text",
                "COX will send a full report",
            ],
            r#"{"type":"note","incident":"2011-06-16-upstream-routing","at":"2011-06-16","text":"COX will send a full report"}"#,
        ),
        (
            vec![
                "maintenance_scheduled",
                "-i",
                "zimbra",
                "--at",
                "2011-05-20",
                "-s",
                "mail",
                "--window-start",
                "2011-05-28",
                "--window-end",
                "2011-05-30",
            ],
            r#"{"type":"maintenance_scheduled","incident":"zimbra","at":"2011-05-20","services":["mail"],"window_start":"2011-05-28","window_end":"2011-05-30"}"#,
        ),
        (
            vec!["maintenance_started", "-i", "zimbra", "--at", "2011-05-28"],
            r#"{"type":"maintenance_started","incident":"zimbra","at":"2011-05-28"}"#,
        ),
        (
            vec![
                "maintenance_completed",
                "-i",
                "zimbra",
                "--at",
                "2011-05-30",
            ],
            r#"{"type":"maintenance_completed","incident":"zimbra","at":"2011-05-30"}"#,
        ),
        (
            vec![
                "maintenance_scheduled",
                "-i",
                "dropped",
                "--at",
                "2011-08-01",
                "-s",
                "mail",
                "--window-start",
                "2011-09-03",
                "--window-end",
                "2011-09-05",
            ],
            r#"{"type":"maintenance_scheduled","incident":"dropped","at":"2011-08-01","services":["mail"],"window_start":"2011-09-03","window_end":"2011-09-05"}"#,
        ),
        (
            vec![
                "maintenance_cancelled",
                "-i",
                "dropped",
                "--at",
                "2011-08-20",
            ],
            r#"{"type":"maintenance_cancelled","incident":"dropped","at":"2011-08-20"}"#,
        ),
        (
            vec![
                "service_commissioned",
                "-s",
                "web-1",
                "--at",
                "2009-04-10",
                "--id",
                "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f42",
            ],
            r#"{"type":"service_commissioned","service":"web-1","at":"2009-04-10","id":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f42"}"#,
        ),
        (
            vec![
                "amended",
                "-s",
                "web-1",
                "--at",
                "2011-12-28",
                "--target",
                "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f42",
                "--set",
                r#"{"approximate":true}"#,
                "--reason",
                "worked out from the blog",
            ],
            r#"{"type":"amended","service":"web-1","at":"2011-12-28","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f42","set":{"approximate":true},"reason":"worked out from the blog"}"#,
        ),
        (
            vec![
                "retracted",
                "-i",
                K,
                "--at",
                "2011-06-17",
                "--target",
                "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f43",
                "--reason",
                "entered twice",
            ],
            r#"{"type":"retracted","incident":"2011-06-16-upstream-routing","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f43","reason":"entered twice"}"#,
        ),
        (
            vec!["service_retired", "-s", "web-1", "--at", "2012-01-15"],
            r#"{"type":"service_retired","service":"web-1","at":"2012-01-15"}"#,
        ),
    ]
}

#[test]
fn every_type_can_be_added_from_flags_as_if_written_in_json() {
    let by_flags = Env::new();
    let by_json = Env::new();
    let note = r#"{"type":"note","incident":"2011-06-16-upstream-routing","at":"2011-06-16","text":"entered twice","id":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f43"}"#;
    for (n, (flags, json)) in cases().into_iter().enumerate() {
        if flags[0] == "retracted" {
            // The retraction needs its target first.
            by_flags.append(note).ok();
            by_json.append(note).ok();
        }
        let mut args = vec!["add"];
        args.extend(flags.iter().copied());
        let added = by_flags.run(&args).ok();
        assert!(added.stdout.contains(flags[0]), "case {n}: {added}");
        by_json.append(json).ok();
    }
    let mut types: Vec<String> = cases().iter().map(|(f, _)| f[0].to_string()).collect();
    types.sort();
    types.dedup();
    assert_eq!(
        types.len(),
        logbook::event::TYPES.len(),
        "every type is covered"
    );
    assert_eq!(by_flags.export(), by_json.export());
}

#[test]
fn add_defaults_at_to_now_and_prints_json_receipts() {
    let env = Env::new();
    let run = env
        .run(&[
            "add", "detected", "-i", "db-down", "-s", "db", "--format", "json",
        ])
        .ok();
    assert_lines_valid("append-receipt.v1.json", &run.stdout);
    let stored = &env.run(&["export"]).ok().json_lines()[0];
    assert_eq!(stored["at"], crate::common::NOW);
}

#[test]
fn add_names_the_flag_at_fault() {
    let env = Env::new();
    env.run(&["add", "detected", "-i", "db-down", "-s", "db"])
        .ok();
    let mut report = String::new();
    for args in [
        vec!["add", "detected", "-i", "x"],
        vec![
            "add",
            "vendor_engaged",
            "-i",
            "db-down",
            "--vendor",
            "COX",
            "--to",
            "ops",
        ],
        vec!["add", "restored", "-i", "db-down", "--level", "most"],
        vec![
            "add",
            "note",
            "-i",
            "db-down",
            "--text",
            "x",
            "--at",
            "yesterday",
        ],
        vec![
            "add",
            "amended",
            "-i",
            "db-down",
            "--target",
            "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41",
            "--set",
            "{at:1}",
        ],
        vec![
            "add",
            "amended",
            "-i",
            "db-down",
            "--target",
            "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41",
            "--set",
            r#"{"at":"2026-11-25","at":"2026-11-24"}"#,
        ],
        vec![
            "add",
            "acknowledged",
            "-i",
            "db-down",
            "--expected-revision",
            "-1",
        ],
        vec!["add", "acknowledged", "-i", "no-such-incident"],
        vec!["add", "detectd", "-i", "x"],
    ] {
        let run = env.run(&args);
        assert_ne!(run.code, 0);
        report.push_str(&format!("## {}\n{run}\n", args.join(" ")));
    }
    assert_eq!(
        env.run(&["export"]).ok().stdout.lines().count(),
        1,
        "nothing more was written"
    );
    snap!("add_errors", report);
}
