//! `--format csv` (DESIGN section 5): a header row, then one row per item, read back with an
//! RFC 4180 parser and checked against the JSON output; hostile writer text stays inert. Also
//! `--format` per command, `completions` and `man`.

use crate::common::Env;
use crate::snap;
use serde_json::Value;

const ROUTING: &str = "2011-06-16-upstream-routing";

/// The records of an RFC 4180 text, read by the crate's own reader.
fn parse(text: &str) -> Vec<Vec<String>> {
    logbook::report::csv::records(text).expect("ends mid-record")
}

/// A table read back: its header and its rows, each row as (column → cell).
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn get<'a>(&self, row: &'a [String], column: &str) -> &'a str {
        let n = self.header.iter().position(|h| h == column);
        &row[n.unwrap_or_else(|| panic!("no column {column}"))]
    }
}

/// `logbook ARGS --format csv`, parsed; every row as wide as the header.
#[track_caller]
fn csv(env: &Env, args: &[&str]) -> Table {
    let args: Vec<&str> = args.iter().copied().chain(["--format", "csv"]).collect();
    let run = env.run(&args).ok();
    let mut rows = parse(&run.stdout).into_iter();
    let header = rows.next().expect("a header row");
    let rows: Vec<Vec<String>> = rows.collect();
    for row in &rows {
        assert_eq!(row.len(), header.len(), "{row:?}\n{run}");
    }
    Table { header, rows }
}

/// `logbook ARGS --format json`, parsed.
fn json(env: &Env, args: &[&str]) -> Value {
    let args: Vec<&str> = args.iter().copied().chain(["--format", "json"]).collect();
    let run = env.run(&args).ok();
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{run}"))
}

/// A JSON value as its CSV cell: null empty, lists joined with `;`.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

#[track_caller]
fn assert_header(table: &Table, names: &str) {
    assert_eq!(table.header.join(","), names);
}

#[test]
fn log_rows_are_the_events() {
    let env = Env::seeded();
    let table = csv(&env, &["log"]);
    assert_header(
        &table,
        "seq,at,approximate,incident,service,type,text,actor,id,amended_by,retracted_by",
    );
    let events = env.run(&["log", "--format", "json"]).ok().json_lines();
    assert_eq!(table.rows.len(), events.len());
    for (row, event) in table.rows.iter().zip(&events) {
        for column in ["seq", "at", "type", "id", "incident", "service", "actor"] {
            assert_eq!(table.get(row, column), cell(&event[column]), "{column}");
        }
        let approximate = event["approximate"].as_bool().unwrap_or(false);
        assert_eq!(table.get(row, "approximate"), approximate.to_string());
    }
    // Streams in batches, with one header; --reverse and -n as the text output.
    let newest = csv(&env, &["log", "--reverse", "-n", "3"]);
    let seqs: Vec<&str> = newest.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(seqs, ["44", "43", "42"]);
    // Nothing to show: the header alone (scripts still learn the columns).
    let none = env
        .run(&["log", "--incident", "no-such", "--format", "csv"])
        .ok();
    assert_eq!(none.stdout.lines().count(), 1, "{none}");
    let empty = Env::new().run(&["log", "--format", "csv"]).ok();
    assert!(empty.stdout.starts_with("seq,at,"), "{empty}");
}

#[test]
fn log_streams_batches_under_one_header() {
    // More events than one read batch (8192).
    let env = Env::new();
    let mut input = String::from(
        r#"{"type":"detected","incident":"big","at":"2026-11-24T03:00:00Z","services":["db"]}"#,
    );
    for i in 1..8300 {
        input.push_str(&format!(
            "\n{{\"type\":\"note\",\"incident\":\"big\",\"at\":\"2026-11-24T04:00:00Z\",\"text\":\"step {i}\"}}"
        ));
    }
    env.append(&input).ok();
    for (args, first, count) in [
        (&["log"][..], 1, 8300),
        (&["log", "-n", "8250"], 51, 8250),
        (&["log", "--reverse"], 8300, 8300),
    ] {
        let table = csv(&env, args);
        assert_eq!(table.rows.len(), count, "{args:?}: one header, every row");
        assert_eq!(table.rows[0][0], first.to_string(), "{args:?}");
    }
}

#[test]
fn log_marks_corrections_by_seq() {
    let env = Env::seeded();
    env.run(&["amend", "13", "--set-text", "onsite only", "--reason", "r"])
        .ok();
    env.run(&["retract", "13", "--reason", "wrong incident"])
        .ok();
    let table = csv(&env, &["log", "--incident", ROUTING]);
    let row = |seq: &str| table.rows.iter().find(|r| r[0] == seq).expect("row");
    assert_eq!(table.get(row("13"), "amended_by"), "45");
    assert_eq!(table.get(row("13"), "retracted_by"), "46");
    assert_eq!(
        table.get(row("12"), "amended_by"),
        "",
        "none: an empty cell"
    );
    assert!(
        table
            .get(row("45"), "text")
            .starts_with("amends #13 (text)")
    );
}

#[test]
fn incidents_rows_mirror_the_json() {
    let env = Env::seeded();
    let table = csv(&env, &["incidents"]);
    assert_header(
        &table,
        "incident,kind,state,title,services,impact_start,opened,resolved,events",
    );
    let list = json(&env, &["incidents"]);
    let list = list.as_array().expect("an array");
    assert_eq!(table.rows.len(), list.len());
    for (row, incident) in table.rows.iter().zip(list) {
        for column in &table.header {
            assert_eq!(table.get(row, column), cell(&incident[column]), "{column}");
        }
    }
    let routing = table.rows.iter().find(|r| r[0] == ROUTING).expect("row");
    assert_eq!(table.get(routing, "services"), "dns;network");
    assert_eq!(table.get(routing, "events"), "17");
    let upgrade = &table.rows[2];
    assert_eq!(table.get(upgrade, "kind"), "maintenance");
    assert_eq!(table.get(upgrade, "resolved"), "", "unknown: empty, not 0");
}

#[test]
fn stats_rows_per_service_then_all() {
    let env = Env::seeded();
    let period = ["stats", "--since", "2011-01-01", "--until", "2011-12-31"];
    let table = csv(&env, &period);
    assert_header(
        &table,
        "service,incidents,mtta_seconds,mttr_seconds,mttr_median_seconds,mtbf_seconds,\
         availability_percent,period_since,period_until,tz",
    );
    let value = json(&env, &period);
    let services = value["services"].as_array().expect("services");
    assert_eq!(table.rows.len(), services.len() + 1);
    let figures = [
        "service",
        "incidents",
        "mtta_seconds",
        "mttr_seconds",
        "mttr_median_seconds",
        "mtbf_seconds",
        "availability_percent",
    ];
    for (row, json) in table.rows.iter().zip(services.iter().chain([&value])) {
        for column in figures {
            assert_eq!(table.get(row, column), cell(&json[column]), "{column}");
        }
        assert_eq!(
            table.get(row, "period_since"),
            cell(&value["period"]["since"])
        );
        assert_eq!(
            table.get(row, "period_until"),
            cell(&value["period"]["until"])
        );
        assert_eq!(table.get(row, "tz"), "UTC");
    }
    let all = table.rows.last().expect("the all-services row");
    assert_eq!(table.get(all, "service"), "", "all services: JSON's null");
    // An unknown figure is an empty cell, never 0: web-1 was never acknowledged.
    let web = table.rows.iter().find(|r| r[0] == "web-1").expect("web-1");
    assert_eq!(table.get(web, "mtta_seconds"), "");
    let one = csv(&env, &["stats", "--service", "dns"]);
    assert_eq!(one.rows.len(), 1);
    assert_eq!(one.rows[0][0], "dns");
}

#[test]
fn streak_rows_per_service_then_all() {
    let env = Env::seeded();
    let as_of = ["streak", "--as-of", "2011-12-28"];
    let table = csv(&env, &as_of);
    assert_header(
        &table,
        "service,days_since_last_outage,current_streak_days,record_days,record_from,\
         record_to,ongoing_outage,as_of,tz",
    );
    let value = json(&env, &as_of);
    let services = value["services"].as_array().expect("services");
    assert_eq!(table.rows.len(), services.len() + 1);
    for (row, json) in table.rows.iter().zip(services.iter().chain([&value])) {
        assert_eq!(table.get(row, "service"), cell(&json["service"]));
        assert_eq!(table.get(row, "record_days"), cell(&json["record"]["days"]));
        assert_eq!(table.get(row, "record_from"), cell(&json["record"]["from"]));
        assert_eq!(
            table.get(row, "current_streak_days"),
            cell(&json["current_streak_days"])
        );
    }
    let mail = table.rows.iter().find(|r| r[0] == "mail").expect("mail");
    assert_eq!(table.get(mail, "record_days"), "1010");
    let one = csv(
        &env,
        &["streak", "--service", "mail", "--as-of", "2011-12-28"],
    );
    assert_eq!(one.rows, vec![mail.clone()]);
}

/// Writer text that a spreadsheet would run, or that would break rows.
const HOSTILE: &str = r#"{"type":"detected","incident":"2026-11-01-csv","at":"2026-11-01T10:00:00Z","services":["web"],"title":"=cmd|' /C calc'!A0","actor":"@SUM(1+1)","summary":"Web down, \"badly\""}
{"type":"note","incident":"2026-11-01-csv","at":"2026-11-01T10:05:00Z","text":"+1+2,\r\n-3\u001b[2J\nline two, \"quoted\""}
{"type":"note","incident":"2026-11-01-csv","at":"2026-11-01T10:06:00Z","text":"-5"}
"#;

#[test]
fn hostile_text_round_trips_inert() {
    let env = Env::new();
    env.append(HOSTILE).ok();
    let raw = env.run(&["log", "--format", "csv"]).ok().stdout;
    assert!(!raw.contains('\u{1b}'), "ESC shown escaped:\n{raw}");
    let log = csv(&env, &["log"]);
    assert_eq!(log.rows.len(), 3, "line breaks stay inside their cells");
    let text: Vec<&str> = log.rows.iter().map(|r| log.get(r, "text")).collect();
    assert_eq!(
        text,
        [
            "Web down, \"badly\"",
            "'+1+2,\r\n-3\\u{1b}[2J\nline two, \"quoted\"",
            "-5"
        ]
    );
    assert_eq!(log.get(&log.rows[0], "actor"), "'@SUM(1+1)");
    let incidents = csv(&env, &["incidents"]);
    assert_eq!(
        incidents.get(&incidents.rows[0], "title"),
        "'=cmd|' /C calc'!A0"
    );
}

#[test]
fn seed_as_csv() {
    let env = Env::seeded();
    let mut all = String::new();
    for args in [
        &["incidents"][..],
        &["stats", "--since", "2011-01-01", "--until", "2011-12-31"],
        &["streak", "--as-of", "2011-12-28"],
        &["log", "--incident", ROUTING, "-n", "6"],
    ] {
        let args: Vec<&str> = args.iter().copied().chain(["--format", "csv"]).collect();
        all.push_str(&format!("$ logbook {}\n", args.join(" ")));
        all.push_str(&env.run(&args).ok().stdout);
    }
    snap!("csv_seed", all);
}

#[test]
fn each_command_offers_its_own_formats() {
    let env = Env::seeded();
    let help = |command: &str| env.run(&[command, "--help"]).ok().stdout;
    for command in ["log", "incidents", "stats", "streak"] {
        assert!(
            help(command).contains("[possible values: text, json, csv]"),
            "{command}"
        );
    }
    assert!(help("timeline").contains("[possible values: text, json]\n"));
    assert!(help("report").contains("[possible values: text, md, json, html]"));
    assert!(help("demo").contains("[possible values: text]"));
    // After the command: the flag's own values; before it: checked when the command runs.
    let wrong = env.run(&["stats", "--format", "md"]).code(2);
    assert_eq!(
        wrong.stderr,
        "error: this command has no md output\nhint: use --format text, json or csv\n"
    );
    let before = env.run(&["--format", "csv", "timeline", ROUTING]).code(2);
    assert_eq!(
        before.stderr,
        "error: this command has no csv output\nhint: use --format text or json\n"
    );
    let unknown = env.run(&["log", "--format", "xml"]).code(2);
    assert!(
        unknown
            .stderr
            .contains("[possible values: text, json, csv]"),
        "{unknown}"
    );
    let global = env.run(&["--format", "csv", "incidents"]).ok();
    assert!(global.stdout.starts_with("incident,kind,"), "{global}");
}

#[test]
fn completions_and_man_page() {
    let env = Env::empty();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = env.run(&["completions", shell]).ok().stdout;
        assert!(script.contains("logbook"), "{shell}");
        assert!(script.contains("incidents"), "{shell} completes commands");
    }
    let bash = env.run(&["completions", "bash"]).ok().stdout;
    assert!(bash.contains("text json csv"), "per-command formats");
    assert_eq!(env.run(&["completions", "tcsh"]).code, 2);
    let man = env.run(&["man"]).ok();
    assert!(man.stdout.starts_with(".TH LOGBOOK 1"), "{man}");
    for section in [
        "SYNOPSIS",
        "COMMANDS",
        "\"COMMAND DETAILS\"",
        "\"EXIT STATUS\"",
    ] {
        assert!(
            man.stdout.contains(&format!(".SH {section}\n")),
            "{section}"
        );
    }
    for command in ["init", "log", "stats", "completions", "man"] {
        assert!(
            man.stdout.contains(&format!(".SS \"logbook {command}\"")),
            "{command}"
        );
    }
    assert!(man.stdout.is_ascii(), "non-ASCII as roff escapes");
    for command in ["completions", "man"] {
        let help = env.run(&[command, "--help"]).ok().stdout;
        assert!(help.contains("Examples:\n  logbook "), "{command}");
    }
    let json = env.run(&["--format", "json", "man"]).code(2);
    assert!(json.stderr.contains("no json output"), "{json}");
}
