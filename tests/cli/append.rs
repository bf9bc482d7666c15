//! `append` and `log`: the seed's history in, receipts out, idempotent retries, all-or-nothing.

use crate::common::{Env, SEED, s};
use crate::schema::{assert_lines_valid, assert_valid};
use crate::snap;

const DETECTED: &str = r#"{"type":"detected","incident":"db-down","at":"2026-11-25T03:20:00Z","services":["db"],"id":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41"}"#;

#[test]
fn the_seed_appends_from_stdin_and_from_a_file_alike() {
    let from_stdin = Env::new();
    let receipts = from_stdin.append(SEED).ok();
    snap!("append_seed_text", receipts.to_string());

    let from_file = Env::new();
    let file = from_file.write("seed.jsonl", SEED);
    let json = from_file
        .run(&["append", "--format", "json", s(&file)])
        .ok();
    assert_lines_valid("append-receipt.v1.json", &json.stdout);
    let receipts = json.json_lines();
    assert_eq!(receipts.len(), SEED.lines().count());
    let seqs: Vec<u64> = receipts
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=SEED.lines().count() as u64).collect::<Vec<_>>());

    let export = from_stdin.export();
    assert_eq!(
        export,
        from_file.export(),
        "same input, same clock: same ledger"
    );
    assert_lines_valid("stored-event.v1.json", &export);
    snap!("export_seed", export);
}

#[test]
fn every_stored_event_keeps_what_was_written() {
    let env = Env::seeded();
    let exported = env.run(&["export"]).ok().json_lines();
    for (line, stored) in SEED.lines().zip(&exported) {
        let written: serde_json::Value = serde_json::from_str(line).unwrap();
        for (key, value) in written.as_object().unwrap() {
            assert_eq!(&stored[key], value, "{key} of {line}");
        }
        assert_eq!(stored["recorded_at"], "2026-11-25T12:00:00Z");
        assert_eq!(
            stored["actor"], "tester",
            "the actor defaults from LOGBOOK_ACTOR"
        );
    }
}

#[test]
fn appending_the_same_ids_again_changes_nothing() {
    let env = Env::seeded();
    let before = env.export();
    let again = env.append(SEED).ok();
    assert!(again.stdout.ends_with(&format!("appended 0 events; {} already stored with the same id and content, left as they were\n", SEED.lines().count())), "{again}");
    let json = env
        .run_with(&["append", "--format", "json"], Some(SEED))
        .ok();
    assert!(json.json_lines().iter().all(|r| r["status"] == "duplicate"));
    assert_eq!(env.export(), before);
    // A retry by someone else (another default actor) is still the same event.
    let other = env
        .command(&["append", "--format", "json"])
        .env("LOGBOOK_ACTOR", "cron")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut other.stdin.as_ref().unwrap(), SEED.as_bytes()).unwrap();
    let out = other.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let receipts = String::from_utf8(out.stdout).unwrap();
    assert_eq!(receipts.lines().count(), SEED.lines().count());
    assert!(
        receipts
            .lines()
            .all(|l| l.contains(r#""status":"duplicate""#)),
        "{receipts}"
    );
    assert_eq!(env.export(), before);
}

#[test]
fn an_id_reused_for_other_content_is_rejected() {
    let env = Env::new();
    env.append(DETECTED).ok();
    let before = env.export();
    let changed = DETECTED.replace("\"db\"", "\"web-1\"");
    let run = env.append(&format!("{DETECTED}\n{changed}\n")).code(1);
    snap!("append_conflicting_id", run.to_string());
    assert_eq!(env.export(), before);
}

#[test]
fn one_bad_line_rejects_the_whole_file() {
    let env = Env::new();
    let good = SEED.lines().take(20).collect::<Vec<_>>().join("\n");
    let input = format!(
        "{good}\n\n{}\n{}\n",
        r#"{"type":"note","incident":"2011-06-16-upstream-routing","at":"2011-06-16T04:00:00-04:00","txt":"typo"}"#,
        SEED.lines().nth(21).unwrap()
    );
    let run = env.append(&input).code(1);
    snap!("append_one_bad_line", run.to_string());
    assert!(
        run.stderr
            .starts_with("error: line 22: txt: unknown field for note\n"),
        "blank lines count: {run}"
    );
    assert_eq!(env.export(), "", "nothing of the file was written");
}

#[test]
fn expected_revision_guards_against_concurrent_writers() {
    let env = Env::new();
    env.append(DETECTED).ok();
    let ack = r#"{"type":"acknowledged","incident":"db-down","at":"2026-11-25T03:25:00Z","expected_revision":0}"#;
    env.append(ack).ok();
    let late = env.append(ack).code(1);
    snap!("append_stale_revision", late.to_string());
    let new_incident = r#"{"type":"detected","incident":"other","at":"2026-11-25T03:25:00Z","services":["db"],"expected_revision":0}"#;
    assert!(
        env.append(new_incident)
            .code(1)
            .stderr
            .contains("incident other has no events yet, not 0")
    );
    let lines = env.run(&["log", "--format", "json"]).ok().json_lines();
    assert_eq!(lines.len(), 2);
    assert!(
        lines.iter().all(|l| l.get("expected_revision").is_none()),
        "a precondition is not a fact"
    );
}

#[test]
fn empty_input_appends_nothing() {
    let env = Env::new();
    let run = env.append("\n  \n").ok();
    assert_eq!(run.stdout, "appended 0 events\n");
    assert_eq!(env.export(), "");
}

#[test]
fn log_filters_by_incident_service_type_and_time() {
    let env = Env::seeded();
    let routing = env
        .run(&["log", "--incident", "2011-06-16-upstream-routing"])
        .ok();
    snap!("log_routing_incident", routing.to_string());
    let mail = env.run(&["log", "--service", "mail"]).ok();
    snap!("log_service_mail", mail.to_string());

    let vendors = env
        .run(&[
            "log",
            "--type",
            "vendor_engaged",
            "--type",
            "vendor_responded",
            "--format",
            "json",
        ])
        .ok();
    assert_lines_valid("log.v1.json", &vendors.stdout);
    let types: Vec<String> = vendors
        .json_lines()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        types,
        [
            "vendor_engaged",
            "vendor_engaged",
            "vendor_responded",
            "vendor_responded",
            "vendor_responded",
            "vendor_responded"
        ]
    );

    // Times compare as instants: 05:30 EDT is 09:30 UTC. Events known only by their day may
    // fall in the window, so they are shown too.
    let window = env
        .run(&[
            "log",
            "--since",
            "2011-06-16T09:00:00Z",
            "--until",
            "2011-06-16T10:45:00Z",
            "--format",
            "json",
        ])
        .ok();
    let ats: Vec<String> = window
        .json_lines()
        .iter()
        .map(|e| e["at"].as_str().unwrap().to_string())
        .collect();
    let instants: Vec<&String> = ats.iter().filter(|a| a.len() > 10).collect();
    assert_eq!(
        instants,
        [
            "2011-06-16T05:30:00-04:00",
            "2011-06-16T06:06:00-04:00",
            "2011-06-16T06:40:00-04:00"
        ]
    );
    assert_eq!(ats.iter().filter(|a| *a == "2011-06-16").count(), 9);
    // A day matches every event of that day, whatever its precision.
    let day = env
        .run(&[
            "log",
            "--since",
            "2011-06-16",
            "--until",
            "2011-06-16",
            "--format",
            "json",
        ])
        .ok();
    assert_eq!(day.json_lines().len(), 17);

    let none = env.run(&["log", "--incident", "no-such-thing"]).ok();
    assert_eq!(
        (none.stdout.as_str(), none.stderr.as_str()),
        ("", "no events match\n")
    );
    let bad = env.run(&["log", "--since", "last tuesday"]).code(2);
    assert!(
        bad.stderr
            .starts_with("error: --since: `last tuesday` is not a date"),
        "{bad}"
    );
}

#[test]
fn init_refuses_to_touch_an_existing_file_and_reports_json() {
    let env = Env::empty();
    let created = env.run(&["init", "--format", "json"]).ok();
    assert_valid("init.v1.json", &created.json_lines()[0]);
    let again = env.run(&["init"]).code(1);
    snap!("init_twice", again.to_string());
}

#[test]
fn the_default_ledger_lives_under_xdg_data_home() {
    let env = Env::empty();
    let mut cmd = env.command(&["init"]);
    cmd.env_remove("LOGBOOK_LEDGER");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(env.path("xdg/logbook/ledger.redb").exists());
}

#[test]
fn usage_errors_exit_2_and_help_teaches() {
    let env = Env::new();
    let run = env.run(&["append", "--bogus"]).code(2);
    assert!(
        run.stderr.contains("unexpected argument '--bogus'"),
        "{run}"
    );
    assert_eq!(env.run(&["report"]).code, 2);
    assert_eq!(
        env.run(&["export", "--format", "md"]).code(2).stderr,
        "error: this command has no md output\nhint: use --format text or json\n"
    );
    for command in [
        "init", "append", "add", "amend", "retract", "log", "export", "import", "verify", "demo",
    ] {
        let help = env.run(&[command, "--help"]).ok();
        assert!(
            help.stdout.contains("Examples:\n  "),
            "{command} --help shows examples"
        );
        assert!(
            help.stdout.contains("logbook "),
            "{command} --help shows a command to paste"
        );
    }
    snap!("help", env.run(&["--help"]).ok().stdout);
}
