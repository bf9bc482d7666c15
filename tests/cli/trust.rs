//! Regression tests for the attacks of issue 7 on the record itself: bytes a reader uses that
//! the hash does not cover, projections edited behind verify's back, read-only files, retries
//! that are not the same event, and panics blamed on the ledger.

use crate::common::{Env, s};
use logbook::store::testing;

/// Fields an attacker tried to slip in after a stored event's hash (a valid redb edit).
const SMUGGLED: [(&str, &str); 11] = [
    ("actor", "\"mallory\""),
    ("recorded_at", "\"2011-01-01T00:00:00Z\""),
    ("summary", "\"all fine\""),
    ("vendor", "\"nobody\""),
    ("approximate", "true"),
    ("text", "\"all fine\""),
    ("level", "\"partial\""),
    ("services", "[\"nothing\"]"),
    ("at", "\"2011-06-16T06:41:00-04:00\""),
    ("type", "\"note\""),
    ("contact", "\"nobody\""),
];

#[test]
fn members_after_the_hash_are_corruption_for_verify_and_every_reader() {
    for (field, value) in SMUGGLED {
        let env = Env::seeded();
        testing::rewrite_event(&env.ledger, 21, |old| {
            format!("{},\"{field}\":{value}}}", &old[..old.len() - 1])
        })
        .unwrap();
        let verify = env.run(&["verify"]).code(3);
        assert!(verify.stderr.contains("event 21:"), "{field}: {verify}");
        for command in [
            &["log"][..],
            &["export"],
            &["rebuild"],
            &["timeline", "2011-06-16-upstream-routing"],
            &["report", "2011-06-16-upstream-routing"],
        ] {
            let run = env.run(command).code(3);
            assert!(
                run.stderr.contains("corrupt"),
                "{field}, {command:?}: {run}"
            );
        }
        // Nothing was answered from the smuggled bytes, and quick verify catches them too.
        env.run(&["verify", "--quick"]).code(3);
    }
}

#[test]
fn an_edited_projection_is_caught_by_verify() {
    let env = Env::seeded();
    let before = env.run(&["stats"]).ok().stdout;
    testing::rewrite_projection(&env.ledger, "2011-06-16-upstream-routing", |incident| {
        for interval in &mut incident.intervals {
            if interval.level == logbook::event::Level::MajorOutage {
                interval.level = logbook::event::Level::Degraded;
            }
        }
    })
    .unwrap();
    assert_ne!(
        env.run(&["stats"]).ok().stdout,
        before,
        "the edit changes a figure"
    );
    let run = env.run(&["verify"]).code(3);
    assert!(
        run.stderr
            .contains("the projection of incident 2011-06-16-upstream-routing does not match"),
        "{run}"
    );
    env.run(&["rebuild"]).ok();
    env.run(&["verify"]).ok();
    assert_eq!(env.run(&["stats"]).ok().stdout, before);
}

/// Makes the ledger unwritable even for root (immutable), and undoes it on drop.
struct Unwritable<'a>(&'a std::path::Path);

impl<'a> Unwritable<'a> {
    fn new(path: &'a std::path::Path) -> Unwritable<'a> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
        if std::fs::OpenOptions::new().write(true).open(path).is_ok() {
            // root ignores the mode; the immutable attribute binds root too.
            let done = std::process::Command::new("chattr")
                .args(["+i", s(path)])
                .status();
            assert!(
                matches!(done, Ok(status) if status.success()),
                "cannot make {} unwritable: run as non-root, or where chattr works",
                path.display()
            );
        }
        Unwritable(path)
    }
}

impl Drop for Unwritable<'_> {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .args(["-i", s(self.0)])
            .status();
    }
}

#[test]
fn a_read_only_ledger_can_be_read_verified_and_exported() {
    let env = Env::seeded();
    let before = std::fs::read(&env.ledger).unwrap();
    let _guard = Unwritable::new(&env.ledger);
    for command in [
        &["log"][..],
        &["verify"],
        &["export"],
        &["incidents"],
        &["streak"],
        &["stats"],
        &["report", "2011-06-16-upstream-routing"],
    ] {
        env.run(command).ok();
    }
    let run = env
        .run(&[
            "add",
            "note",
            "--incident",
            "2011-06-16-upstream-routing",
            "--text",
            "x",
        ])
        .code(3);
    assert!(run.stderr.contains("cannot be opened for writing"), "{run}");
    assert!(!run.stderr.contains("not a logbook ledger"), "{run}");
    assert_eq!(std::fs::read(&env.ledger).unwrap(), before);
}

#[test]
fn a_retry_with_the_same_instant_in_another_offset_is_another_event() {
    let env = Env::new();
    let id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    let line = |at: &str| {
        format!(
            "{{\"type\":\"detected\",\"incident\":\"db\",\"at\":\"{at}\",\"id\":\"{id}\",\"services\":[\"db\"]}}\n"
        )
    };
    env.append(&line("2026-11-24T23:30:00-01:00")).ok();
    env.append(&line("2026-11-24T23:30:00-01:00")).ok();
    // 00:30 the next day in UTC: the same instant, written on another day.
    let run = env.append(&line("2026-11-25T00:30:00Z")).code(1);
    assert!(run.stderr.contains("already stored"), "{run}");
}

#[test]
fn a_panic_in_the_storage_engine_is_a_corrupt_ledger_not_a_bug() {
    // Some flips inside the pages of the events table make redb index past its page (it
    // panics, as documented for files damaged outside it). The search starts where the seeded
    // ledger's first such byte is, and goes on through the whole file if that moves.
    let env = Env::seeded();
    let mut bytes = std::fs::read(&env.ledger).unwrap();
    let mut found = false;
    let len = bytes.len();
    for offset in (32_768..len).chain(0..32_768.min(len)).step_by(97) {
        bytes[offset] ^= 0xff;
        std::fs::write(&env.ledger, &bytes).unwrap();
        bytes[offset] ^= 0xff;
        let run = env.run(&["verify"]);
        assert_ne!(run.code, 70, "byte {offset}: {run}");
        if run
            .stderr
            .contains("the storage engine could not read its pages")
        {
            assert_eq!(run.code, 3, "{run}");
            found = true;
            break;
        }
    }
    assert!(found, "no flip made the storage engine panic");
}

#[test]
fn the_same_event_is_not_retracted_twice() {
    let env = Env::seeded();
    let retract = "{\"type\":\"retracted\",\"incident\":\"2011-06-16-upstream-routing\",\"at\":\"2011-06-17T09:00:00-04:00\",\"target\":\"013097ea-1b40-76df-b27a-ed889d245a26\",\"reason\":\"wrong call\"}\n";
    env.append(retract).ok();
    let run = env.append(retract).code(1);
    assert!(
        run.stderr.contains("was already retracted (seq 45)"),
        "{run}"
    );
    // Both in one append: the second is refused too, and nothing is written.
    let env = Env::seeded();
    let run = env.append(&format!("{retract}{retract}")).code(1);
    assert!(run.stderr.contains("line 2: target:"), "{run}");
    env.run(&["verify"]).ok();
    assert_eq!(env.export().lines().count(), 44);
}

#[test]
fn stats_of_a_ledger_whose_only_incident_is_ahead_is_an_empty_period() {
    let env = Env::new();
    let line = "{\"type\":\"detected\",\"incident\":\"later\",\"at\":\"2027-01-01T00:00:00Z\",\"services\":[\"db\"]}\n";
    env.run_with(&["append", "--force"], Some(line)).ok();
    let run = env.run(&["stats"]).ok();
    assert!(run.stdout.contains("db            0"), "{run}");
}

#[test]
fn times_at_the_edges_of_the_accepted_years_answer_every_query() {
    let env = Env::new();
    let lines = concat!(
        "{\"type\":\"detected\",\"incident\":\"far\",\"at\":\"2999-12-31T23:00:00-12:00\",\"services\":[\"db\"]}\n",
        "{\"type\":\"resolved\",\"incident\":\"far\",\"at\":\"2999-12-31T23:30:00-12:00\"}\n",
        "{\"type\":\"detected\",\"incident\":\"early\",\"at\":\"1900-01-01T00:00:00+14:00\",\"services\":[\"db\"]}\n",
    );
    env.run_with(&["append", "--force"], Some(lines)).ok();
    for command in [
        &["report", "far", "--format", "html"][..],
        &["report", "early", "--format", "html"],
        &["report", "far", "--format", "md"],
        &["streak", "--tz", "+14:00"],
        &["streak", "--as-of", "2999-12-31"],
        &["stats", "--since", "1900-01-01"],
        &["timeline", "far"],
        &["incidents"],
        &["log"],
    ] {
        env.run(command).ok();
    }
    let run = env
        .append("{\"type\":\"note\",\"incident\":\"far\",\"at\":\"9999-12-31T23:59:59Z\",\"text\":\"x\"}\n")
        .code(1);
    assert!(run.stderr.contains("line 1: at:"), "{run}");
}

#[test]
fn a_time_past_year_9999_in_any_offset_is_shown_not_a_panic() {
    // An export (of an older ledger) may hold years the input limits refuse today.
    let mut prev = logbook::record::GENESIS;
    let mut lines = String::new();
    for (seq, (ty, at)) in [
        ("detected", "9999-12-31T23:00:00+23:59"),
        ("restored", "9999-12-31T23:30:00Z"),
    ]
    .into_iter()
    .enumerate()
    {
        let json = serde_json::json!({"type": ty, "incident": "z", "at": at, "services": ["db"]});
        let serde_json::Value::Object(map) = json else {
            unreachable!()
        };
        let event = logbook::event::parse::parse_object(map).unwrap().event;
        let now = logbook::event::time::parse_instant("2026-11-25T12:00:00Z").unwrap();
        let seq = seq as u64 + 1;
        let id = logbook::record::new_id(now, &prev, seq, 0);
        let (stored, bytes) = logbook::record::Stored::seal(seq, id, seq - 1, now, event, &prev);
        prev = stored.hash;
        lines.push_str(std::str::from_utf8(&bytes).unwrap());
        lines.push('\n');
    }
    let env = Env::new();
    let file = env.write("old.jsonl", &lines);
    env.run(&["import", s(&file)]).ok();
    env.run(&["verify"]).ok();
    for format in ["html", "md", "json", "text"] {
        env.run(&["report", "z", "--format", format]).ok();
    }
    env.run(&["streak", "--tz", "+14:00"]).ok();
}

#[test]
fn output_that_fails_after_the_commit_says_the_events_are_stored() {
    let env = Env::new();
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = env
        .command(&["add", "detected", "-i", "db", "--service", "db"])
        .stdin(std::process::Stdio::null())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("appended 1 event (seq 1)"), "{stderr}");
    assert!(stderr.contains("do not append them again"), "{stderr}");
    assert_eq!(env.export().lines().count(), 1);
}

#[test]
fn the_command_line_and_the_actor_are_inert_too() {
    let env = Env::new();
    let run = env
        .run(&["streak", "--tz", "\u{1b}]0;pwned\u{7}\u{1b}[2J"])
        .code(2);
    assert!(!run.stderr.contains('\u{1b}'), "{run}");
    let run = env.run(&[
        "--actor",
        "a\u{1b}[2Jb",
        "add",
        "detected",
        "-i",
        "x",
        "--service",
        "db",
    ]);
    assert_eq!(run.code, 2, "{run}");
    assert!(!run.stderr.contains('\u{1b}'), "{run}");
    let long = "a".repeat(1025);
    let run = env.run(&[
        "--actor",
        &long,
        "add",
        "detected",
        "-i",
        "x",
        "--service",
        "db",
    ]);
    assert_eq!(run.code, 2, "{run}");
    assert_eq!(env.export(), "");
}

#[test]
fn a_ledger_from_before_the_corrections_index_gets_it_on_its_next_write() {
    let env = Env::seeded();
    env.run(&["retract", "20", "--reason", "wrong call"]).ok();
    testing::drop_corrections_index(&env.ledger).unwrap();
    let run = env.run(&["verify"]).code(3);
    assert!(
        run.stderr.contains("the corrections index is missing"),
        "{run}"
    );
    assert!(run.stderr.contains("logbook rebuild"), "{run}");
    env.run(&[
        "add",
        "note",
        "-i",
        "2011-06-16-upstream-routing",
        "--text",
        "later",
    ])
    .ok();
    env.run(&["verify"]).ok();
    let log = env
        .run(&["log", "-i", "2011-06-16-upstream-routing"])
        .ok()
        .stdout;
    assert!(log.contains("[retracted by #45]"), "{log}");
}
