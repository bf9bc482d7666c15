//! Many hands (DESIGN section 3): a reader whose consumer is slow never keeps a writer out.

use crate::common::Env;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

/// More events than one read batch (8192), in incidents of 100 notes each.
fn busy_ledger() -> Env {
    let env = Env::new();
    let mut input = String::new();
    for i in 0..9000 {
        let incident = format!("i{}", i / 100);
        let line = if i % 100 == 0 {
            format!(
                r#"{{"type":"detected","incident":"{incident}","at":"2026-11-24T03:00:00Z","services":["db"]}}"#
            )
        } else {
            format!(
                r#"{{"type":"note","incident":"{incident}","at":"2026-11-24T04:00:00Z","text":"step {i}"}}"#
            )
        };
        input.push_str(&line);
        input.push('\n');
    }
    env.append(&input).ok();
    env
}

fn reader_left_unread_does_not_block_a_writer(command: &str) {
    let env = busy_ledger();
    // Its output (hundreds of KB) fills the pipe, which nobody reads for now.
    let mut reader = env
        .command(&[command])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the reader");
    // Once its first byte arrives it has read the head (its snapshot); then it fills the pipe.
    let mut stdout = reader.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        reader.try_wait().unwrap().is_none(),
        "the reader is blocked on its output"
    );
    // A writer that waits at most 2 s gets in while the reader is stuck.
    env.run(&[
        "--wait",
        "2",
        "add",
        "note",
        "-i",
        "i0",
        "--text",
        "meanwhile",
    ])
    .ok();
    let mut out = String::from_utf8(first.to_vec()).unwrap();
    stdout.read_to_string(&mut out).unwrap();
    assert!(reader.wait().unwrap().success());
    // The reader's snapshot is the log as it was when it started.
    assert_eq!(out.lines().count(), 9000, "{command}");
    assert!(!out.contains("meanwhile"), "{command}");
}

#[test]
fn a_slow_log_reader_does_not_block_a_writer() {
    reader_left_unread_does_not_block_a_writer("log");
}

#[test]
fn a_slow_export_reader_does_not_block_a_writer() {
    reader_left_unread_does_not_block_a_writer("export");
}

#[test]
fn log_shows_the_newest_n_and_newest_first() {
    let env = busy_ledger();
    let seqs = |args: &[&str]| -> Vec<u64> {
        env.run(args)
            .ok()
            .stdout
            .lines()
            .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
            .collect()
    };
    assert_eq!(seqs(&["log", "-n", "3"]), vec![8998, 8999, 9000]);
    assert_eq!(
        seqs(&["log", "-n", "3", "--reverse"]),
        vec![9000, 8999, 8998]
    );
    assert_eq!(seqs(&["log", "--reverse"]).len(), 9000);
    assert_eq!(seqs(&["log", "--reverse"])[0], 9000);
    // Across a batch boundary, with a filter: the newest two detections.
    assert_eq!(
        seqs(&["log", "-n", "2", "--type", "detected"]),
        vec![8801, 8901]
    );
    assert_eq!(seqs(&["log", "-n", "2", "-i", "i3"]), vec![399, 400]);
}

#[test]
fn init_exist_ok_and_the_demo_guard() {
    let env = crate::common::Env::new();
    let run = env.run(&["init", "--exist-ok", "--format", "json"]).ok();
    assert_eq!(run.json_lines()[0]["created"], false);
    env.run(&["init"]).code(1);
    // Not a ledger: --exist-ok does not vouch for it.
    let other = env.write("notes.txt", "hello");
    let run = env.run(&["--ledger", crate::common::s(&other), "init", "--exist-ok"]);
    assert_eq!(run.code, 3, "{run}");
    // The demo never writes its story into a ledger that holds anything else.
    env.run(&["add", "detected", "-i", "mine", "--service", "db"])
        .ok();
    let run = env
        .run(&["--ledger", crate::common::s(&env.ledger), "demo"])
        .code(1);
    assert!(
        run.stderr.contains("not the demo's (seq 1 is one)"),
        "{run}"
    );
    assert_eq!(env.export().lines().count(), 1);
    // Its own ledger it may run again.
    let demo = env.path("demo.redb");
    env.run(&["--ledger", crate::common::s(&demo), "demo"]).ok();
    env.run(&["--ledger", crate::common::s(&demo), "demo"]).ok();
}

#[test]
fn a_service_has_the_same_availability_on_the_board_and_alone() {
    let env = crate::common::Env::new();
    env.append(concat!(
        r#"{"type":"service_commissioned","service":"old","at":"2026-01-01"}"#,
        "\n",
        r#"{"type":"service_commissioned","service":"db1","at":"2026-06-01"}"#,
        "\n",
        r#"{"type":"detected","incident":"a","at":"2026-07-01T00:00:00Z","services":["db1"]}"#,
        "\n",
        r#"{"type":"resolved","incident":"a","at":"2026-07-01T01:00:00Z"}"#,
        "\n",
    ))
    .ok();
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_str(&env.run(args).ok().stdout).unwrap()
    };
    let board = json(&["stats", "--format", "json"]);
    let alone = json(&["stats", "--service", "db1", "--format", "json"]);
    let on_board = board["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "db1")
        .unwrap()["availability_percent"]
        .clone();
    assert_eq!(on_board, alone["availability_percent"]);
    assert!(
        board["rules"]["availability"]
            .as_str()
            .unwrap()
            .contains("existed")
    );
}

#[test]
fn a_service_or_vendor_spelled_like_a_known_one_is_a_typo() {
    let env = crate::common::Env::new();
    env.run(&[
        "add",
        "detected",
        "-i",
        "a",
        "--service",
        "web1",
        "--at",
        "2026-11-20T03:00:00Z",
    ])
    .ok();
    let run = env
        .run(&[
            "add",
            "detected",
            "-i",
            "b",
            "--service",
            "Web1",
            "--at",
            "2026-11-21T03:00:00Z",
        ])
        .code(1);
    assert!(run.stderr.contains("did you mean `web1`?"), "{run}");
    assert!(run.stderr.contains("--new-service"), "{run}");
    // Said to be new, it is new; a numbered sibling never needed saying.
    env.run(&[
        "add",
        "detected",
        "-i",
        "b",
        "--service",
        "Web1",
        "--new-service",
        "Web1",
        "--at",
        "2026-11-21T03:00:00Z",
    ])
    .ok();
    env.run(&[
        "add",
        "detected",
        "-i",
        "c",
        "--service",
        "web2",
        "--at",
        "2026-11-21T04:00:00Z",
    ])
    .ok();
    // In one append, the second spelling is caught too.
    let lines = concat!(
        r#"{"type":"detected","incident":"d","at":"2026-11-22T03:00:00Z","services":["db-main"]}"#,
        "\n",
        r#"{"type":"impact_changed","incident":"d","at":"2026-11-22T03:05:00Z","services":["DB_main"],"level":"degraded"}"#,
        "\n",
    );
    let run = env.append(lines).code(1);
    assert!(run.stderr.contains("line 2: services:"), "{run}");
    // A vendor's answer under another spelling would lose its response time.
    env.run(&[
        "add",
        "vendor_engaged",
        "-i",
        "a",
        "--vendor",
        "Hetzner",
        "--at",
        "2026-11-20T03:10:00Z",
    ])
    .ok();
    let run = env
        .run(&[
            "add",
            "vendor_responded",
            "-i",
            "a",
            "--vendor",
            "hetzner",
            "--at",
            "2026-11-20T03:40:00Z",
        ])
        .code(1);
    assert!(run.stderr.contains("did you mean `Hetzner`?"), "{run}");
}

#[test]
fn every_malformed_line_of_a_batch_is_named_and_nothing_is_written() {
    let env = crate::common::Env::new();
    let mut input = String::from(
        r#"{"type":"detected","incident":"a","at":"2026-11-20T03:00:00Z","services":["db"]}"#,
    );
    input.push('\n');
    for n in 0..25 {
        input.push_str(if n % 2 == 0 {
            r#"{"type":"note","incident":"a","at":"2026-11-20T04:00:00Z"}"#
        } else {
            r#"{"type":"note","incident":"a","at":"2026-11-20T04:00:00Z","text":"ok"}"#
        });
        input.push('\n');
    }
    let run = env.append(&input).code(1);
    assert!(
        run.stderr.starts_with("error: line 2: text: required"),
        "{run}"
    );
    assert!(
        run.stderr.contains("and 12 more malformed lines below"),
        "{run}"
    );
    assert!(run.stderr.contains("  line 26: text: required"), "{run}");
    assert_eq!(env.export(), "");
}

/// Runs `logbook ARGS` on a terminal `columns` wide (through script(1), which gives it a pty).
fn on_terminal(env: &crate::common::Env, columns: u16, args: &str) -> String {
    let command = format!(
        "COLUMNS={columns} LOGBOOK_LEDGER={} LOGBOOK_NOW={} TZ=UTC {} {args}",
        crate::common::s(&env.ledger),
        crate::common::NOW,
        env!("CARGO_BIN_EXE_logbook"),
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("script(1) from util-linux");
    String::from_utf8_lossy(&out.stdout).replace('\r', "")
}

#[test]
fn narrow_terminals_cut_free_text_never_keys_or_dates() {
    let env = crate::common::Env::seeded();
    let log = on_terminal(&env, 90, "log -n 2");
    assert!(
        log.contains("2011-12-28-web-1-kernel-panic  announced  "),
        "{log}"
    );
    assert!(log.lines().all(|l| l.chars().count() <= 90), "{log}");
    assert!(log.contains('…'), "{log}");
    let wide = on_terminal(&env, 90, "--wide log -n 2");
    assert!(wide.contains("reported on our Twitter stream"), "{wide}");
    // The streak board's last column is dates: shown whole, not cut.
    let board = on_terminal(&env, 60, "streak --as-of 2011-12-31");
    assert!(board.contains("2008-05-19 to 2011-02-23"), "{board}");
}

/// The rules and the policy printed under stats, streak and sla wrap to the terminal; piped,
/// they stay one line each.
#[test]
fn explanations_wrap_to_the_terminal() {
    let env = crate::common::Env::seeded();
    for args in ["stats", "streak", "sla --month 2011-06"] {
        let shown = on_terminal(&env, 80, args);
        let footer: Vec<&str> = shown
            .lines()
            .filter(|l| l.starts_with("availability:") || l.starts_with("policy:"))
            .collect();
        assert!(!footer.is_empty(), "{args}: {shown}");
        for line in shown.lines().skip_while(|l| !l.starts_with("policy:")) {
            assert!(line.chars().count() <= 80, "{args}: {line:?}");
        }
    }
    let piped = env.run(&["stats"]).ok().stdout;
    let rule = piped
        .lines()
        .find(|l| l.starts_with("availability:"))
        .unwrap();
    assert!(
        rule.chars().count() > 80,
        "piped output keeps a rule on one line"
    );
}
