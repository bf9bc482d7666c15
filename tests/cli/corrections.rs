//! Corrections by seq or short id (issue 8): `amend` and `retract`, `target` as a seq or an id
//! prefix in JSON input, what is refused, and how `log` marks corrected events.

use crate::common::Env;
use crate::schema::assert_lines_valid;
use crate::snap;
use serde_json::Value;

/// An incident with writer-chosen ids, so that prefixes are known: seqs 1 to 6 in `db-down`,
/// seq 7 opens `other`. Seqs 1 and 2 share the prefix `0190a1b2`.
const HISTORY: &str = r#"{"type":"detected","incident":"db-down","at":"2026-11-25T03:20:00Z","services":["db"],"id":"0190a1b2-0000-7000-8000-00000000000a"}
{"type":"acknowledged","incident":"db-down","at":"2026-11-25T03:52:00Z","id":"0190a1b2-ffff-7000-8000-00000000000b"}
{"type":"vendor_engaged","incident":"db-down","at":"2026-11-25T03:30:00Z","vendor":"acme","id":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41"}
{"type":"note","incident":"db-down","at":"2026-11-25T03:40:00Z","text":"failover started"}
{"type":"note","incident":"db-down","at":"2026-11-25T03:40:00Z","text":"failover started"}
{"type":"restored","incident":"db-down","at":"2026-11-25T04:00:00Z"}
{"type":"detected","incident":"other","at":"2026-11-25T05:00:00Z","services":["web"]}
"#;

const VENDOR_ID: &str = "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41";

fn env() -> Env {
    let env = Env::new();
    env.append(HISTORY).ok();
    env
}

/// The exported events, by seq (1-based).
fn exported(env: &Env) -> Vec<Value> {
    env.export()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn amend_and_retract_by_seq_hash_seq_and_prefix_and_log_marks_them() {
    let env = env();
    let mut receipts = String::new();
    for args in [
        &[
            "amend",
            "2",
            "--set-at",
            "2026-11-25T03:25:00Z",
            "--reason",
            "typo",
        ][..],
        &["retract", "#5", "--reason", "logged twice"],
        &[
            "amend",
            "0190c3a2",
            "--set",
            r#"{"ticket":"4711"}"#,
            "--set-summary",
            "Ticket 4711 opened with acme",
            "--reason",
            "ticket number came later",
        ],
        &[
            "amend",
            "7",
            "--set-service",
            "web",
            "--set-service",
            "mail",
            "--reason",
            "mail too",
        ],
    ] {
        receipts.push_str(&format!(
            "$ logbook {}\n{}\n",
            args.join(" "),
            env.run(args).ok()
        ));
    }
    snap!("corrections_receipts", receipts);

    // The stored corrections hold full ids, in the target's own incident.
    let events = exported(&env);
    let stored: Vec<(&str, &str, &str)> = events[7..]
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["incident"].as_str().unwrap(),
                e["target"].as_str().unwrap(),
            )
        })
        .collect();
    let id = |seq: usize| events[seq - 1]["id"].as_str().unwrap();
    assert_eq!(
        stored,
        [
            ("amended", "db-down", id(2)),
            ("retracted", "db-down", id(5)),
            ("amended", "db-down", VENDOR_ID),
            ("amended", "other", id(7)),
        ]
    );
    assert_lines_valid("stored-event.v1.json", &env.export());

    // The corrections take effect: the acknowledgement counts from 03:25.
    let timeline = env.run(&["timeline", "db-down"]).ok();
    assert!(timeline.stdout.contains("03:25"), "{timeline}");
    assert!(!timeline.stdout.contains("03:52"), "{timeline}");

    snap!("corrections_log", env.run(&["log"]).ok().to_string());
    let log = env.run(&["log", "--format", "json"]).ok();
    assert_lines_valid("log.v1.json", &log.stdout);
    let lines = log.json_lines();
    assert_eq!(lines[1]["amended_by"], serde_json::json!([8]));
    assert_eq!(lines[4]["retracted_by"], serde_json::json!([9]));
    assert_eq!(lines[7]["target_seq"], 2);
    assert_eq!(lines[9]["target_seq"], 3);
    assert!(lines[0].get("amended_by").is_none() && lines[0].get("target_seq").is_none());
    // Apart from the marks, a line is the stored event as exported.
    let bare: Vec<String> = lines
        .iter()
        .map(|l| {
            let mut l = l.clone();
            for key in ["amended_by", "retracted_by", "target_seq"] {
                l.as_object_mut().unwrap().remove(key);
            }
            l.to_string()
        })
        .collect();
    let export: Vec<String> = exported(&env).iter().map(Value::to_string).collect();
    assert_eq!(bare, export);
    // The marks belong to `log`: an exported event has none, and names its target by id.
    let stored = crate::schema::schema("stored-event.v1.json");
    assert!(!stored.is_valid(&lines[1]), "amended_by is no stored field");
    let mut by_seq = exported(&env)[8].clone();
    by_seq["target"] = "#5".into();
    assert!(!stored.is_valid(&by_seq), "a stored target is a full id");
    let mut bogus = lines[1].clone();
    bogus["corrected"] = true.into();
    assert!(!crate::schema::schema("log.v1.json").is_valid(&bogus));

    // Filters keep the marks: a correction shares its target's stream.
    let acks = env.run(&["log", "--type", "acknowledged"]).ok();
    assert!(acks.stdout.contains("[amended by #8]"), "{acks}");
    let one = env
        .run(&["log", "--incident", "db-down", "--type", "retracted"])
        .ok();
    assert!(one.stdout.contains("retracts #5: logged twice"), "{one}");
}

#[test]
fn json_input_names_targets_by_seq_or_prefix_and_stores_the_full_id() {
    let env = env();
    let input = r##"{"type":"retracted","incident":"db-down","at":"2026-11-25T06:00:00Z","target":5}
{"type":"amended","incident":"db-down","at":"2026-11-25T06:00:00Z","target":"#2","set":{"at":"2026-11-25T03:25:00Z"}}
{"type":"amended","incident":"db-down","at":"2026-11-25T06:00:00Z","target":"0190C3A27B1E","set":{"ticket":"1"}}
{"type":"note","incident":"db-down","at":"2026-11-25T06:00:00Z","text":"t"}
{"type":"retracted","incident":"db-down","at":"2026-11-25T06:00:00Z","target":"11"}
"##;
    env.append(input).ok();
    let events = exported(&env);
    let targets: Vec<&str> = [8, 9, 10, 12]
        .iter()
        .map(|seq: &usize| events[seq - 1]["target"].as_str().unwrap())
        .collect();
    let id = |seq: usize| events[seq - 1]["id"].as_str().unwrap();
    assert_eq!(targets, [id(5), id(2), VENDOR_ID, id(11)]);
    // A retry of the same correction by seq is recognised as the same event.
    let retry = r#"{"type":"note","incident":"other","at":"2026-11-25T06:00:00Z","text":"t","id":"0190ffff-0000-7000-8000-000000000001"}
{"type":"retracted","incident":"other","at":"2026-11-25T06:00:00Z","target":13,"id":"0190ffff-0000-7000-8000-000000000002"}
"#;
    env.append(retry).ok();
    let again = env.append(retry).ok();
    assert!(again.stdout.contains("2 already stored"), "{again}");
}

#[test]
fn a_target_that_names_no_single_event_or_a_typo_in_set_is_refused() {
    let env = env();
    let before = env.export();
    let mut report = String::new();
    let cases: &[&[&str]] = &[
        &["retract", "99", "--reason", "r"],
        &["retract", "0190a1b2", "--reason", "r"],
        &["retract", "0190a1b", "--reason", "r"],
        &["retract", "deadbeef", "--reason", "r"],
        &["retract", "event-17", "--reason", "r"],
        &[
            "amend",
            "3",
            "--set",
            r#"{"vendr":"acme corp"}"#,
            "--reason",
            "r",
        ],
        &[
            "amend",
            "3",
            "--set",
            r#"{"at":"2026-11-25T03:31:00Z"}"#,
            "--set-at",
            "2026-11-25T03:31:00Z",
            "--reason",
            "r",
        ],
        &[
            "amend",
            "2",
            "--at",
            "2026-11-25T03:25:00Z",
            "--reason",
            "typo",
        ],
        &["amend", "2", "--set-at", "25/11/2026", "--reason", "typo"],
        &[
            "amend",
            "2",
            "--set",
            r#"{"incident":"other"}"#,
            "--reason",
            "r",
        ],
        &[
            "add",
            "amended",
            "--incident",
            "db-down",
            "--target",
            "3",
            "--set",
            r#"{"vendr":"x"}"#,
        ],
    ];
    for args in cases {
        let run = env.run(args);
        assert_ne!(run.code, 0, "{args:?}");
        report.push_str(&format!("$ logbook {}\n{run}\n", args.join(" ")));
    }
    // A correction in JSON must stay in its target's incident (`amend` finds it by itself).
    let other = r#"{"type":"retracted","incident":"other","at":"2026-11-25T06:00:00Z","target":2}"#;
    report.push_str(&format!(
        "$ logbook append (a retraction of seq 2 in other)\n{}",
        env.append(other)
    ));
    snap!("corrections_refused", report);
    assert_eq!(env.export(), before, "nothing was written");
}

#[test]
fn amend_and_retract_help_teach_with_short_examples() {
    let env = Env::new();
    for command in ["amend", "retract"] {
        let help = env.run(&[command, "--help"]).ok().stdout;
        let examples = help.split("Examples:\n").nth(1).expect("examples");
        for line in examples.lines() {
            assert!(line.chars().count() <= 100, "{command}: {line}");
        }
        assert!(help.contains(&format!("logbook {command} 27 ")), "{help}");
    }
}
