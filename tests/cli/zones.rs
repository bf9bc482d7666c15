//! One zone rule (DESIGN section 5, **Zone**): `--tz` (an IANA name or an offset, written with a
//! space or `=`), `LOGBOOK_TZ`, `TZ`; "now" stamped in the zone's offset; every day on the
//! command line and in streaks and periods a day of the zone; outputs name it.

use crate::common::{Env, Run};
use crate::schema::assert_lines_valid;
use crate::snap;
use std::process::Stdio;

/// `logbook ARGS` with these environment variables set on top of the harness's.
fn run_env(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    for (key, value) in vars {
        cmd.env(key, value);
    }
    let out = cmd.stdin(Stdio::null()).output().expect("run logbook");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// The `at` of the last event in the log.
fn last_at(env: &Env) -> String {
    let log = env.run(&["log", "--format", "json"]).ok();
    let lines = log.json_lines();
    lines.last().expect("an event")["at"]
        .as_str()
        .expect("at")
        .to_string()
}

/// A service commissioned on 2026-01-01 with one short outage at 23:30 UTC on 2026-01-09: in
/// Berlin (+01:00) that is 00:30 on 2026-01-10.
fn late_outage() -> Env {
    let env = Env::new();
    env.append(concat!(
        r#"{"type":"service_commissioned","service":"db","at":"2026-01-01"}"#,
        "\n",
        r#"{"type":"detected","incident":"late","at":"2026-01-09T23:30:00Z","services":["db"]}"#,
        "\n",
        r#"{"type":"resolved","incident":"late","at":"2026-01-09T23:45:00Z"}"#,
        "\n",
    ))
    .ok();
    env
}

#[test]
fn a_zone_is_a_name_or_an_offset_written_with_a_space_or_an_equals_sign() {
    let env = late_outage();
    let tz = |args: &[&str]| {
        let run = env.run(args).ok();
        assert_lines_valid("streak.v1.json", &run.stdout);
        run.json_lines()[0]["tz"].as_str().unwrap().to_string()
    };
    let streak = ["streak", "--format", "json"];
    assert_eq!(tz(&[&streak[..], &["--tz", "-05:00"]].concat()), "-05:00");
    assert_eq!(tz(&[&streak[..], &["--tz=-05:00"]].concat()), "-05:00");
    assert_eq!(tz(&[&["--tz", "+05:30"], &streak[..]].concat()), "+05:30");
    assert_eq!(
        tz(&[&streak[..], &["--tz", "Europe/Berlin"]].concat()),
        "Europe/Berlin"
    );
    assert_eq!(
        tz(&[&streak[..], &["--tz", "europe/berlin"]].concat()),
        "Europe/Berlin"
    );
    assert_eq!(tz(&[&streak[..], &["--tz", "Z"]].concat()), "UTC");
    // The harness sets TZ=UTC: the default.
    assert_eq!(tz(&streak), "UTC");
    // Every command takes it, even one with no dates.
    env.run(&["export", "--tz", "-05:00"]).ok();
}

#[test]
fn impossible_zones_are_usage_errors() {
    let env = Env::new();
    let mut seen = String::new();
    for args in [
        &["streak", "--tz", "+25:00"][..],
        &["streak", "--tz", "Mars/Base"],
        &["streak", "--tz", "Europe/Berln"],
        &["stats", "--tz=Berlin"],
        &["add", "note", "-i", "x", "--text", "t", "--tz", "-5"],
    ] {
        let run = env.run(args).code(2);
        seen.push_str(&format!("$ logbook {}\n{}", args.join(" "), run.stderr));
    }
    let run = run_env(&env, &[("LOGBOOK_TZ", "+14:30")], &["streak"]).code(2);
    seen.push_str(&format!(
        "$ LOGBOOK_TZ=+14:30 logbook streak\n{}",
        run.stderr
    ));
    snap!("zone_errors", seen);
    assert!(env.export().is_empty(), "nothing was written");
}

#[test]
fn now_is_stamped_in_the_zone_offset_winter_and_summer() {
    let env = Env::new();
    let berlin = [("TZ", "Europe/Berlin")];
    let winter = [berlin[0], ("LOGBOOK_NOW", "2026-01-15T12:00:00Z")];
    run_env(&env, &winter, &["add", "detected", "-i", "w", "-s", "db"]).ok();
    assert_eq!(last_at(&env), "2026-01-15T13:00:00+01:00");
    let summer = [berlin[0], ("LOGBOOK_NOW", "2026-07-15T12:00:00Z")];
    run_env(&env, &summer, &["add", "detected", "-i", "s", "-s", "db"]).ok();
    assert_eq!(last_at(&env), "2026-07-15T14:00:00+02:00");
    // The other forms of TZ that the C library reads.
    for tz in [":Europe/Berlin", "/usr/share/zoneinfo/Europe/Berlin"] {
        let vars = [("TZ", tz), winter[1]];
        run_env(&env, &vars, &["add", "note", "-i", "w", "--text", tz]).ok();
        assert_eq!(last_at(&env), "2026-01-15T13:00:00+01:00", "TZ={tz}");
    }
    // amend's own time too.
    run_env(
        &env,
        &winter,
        &["amend", "1", "--set-summary", "db", "--reason", "r"],
    )
    .ok();
    assert_eq!(last_at(&env), "2026-01-15T13:00:00+01:00");
    // Without a zone (the harness: TZ=UTC) "now" is UTC.
    env.run(&["add", "note", "-i", "w", "--text", "utc"]).ok();
    assert_eq!(last_at(&env), "2026-11-25T12:00:00Z");
}

#[test]
fn logbook_tz_beats_tz_and_the_flag_beats_both() {
    let env = Env::new();
    let vars = [
        ("TZ", "Europe/Berlin"),
        ("LOGBOOK_TZ", "America/New_York"),
        ("LOGBOOK_NOW", "2026-01-15T12:00:00Z"),
    ];
    run_env(&env, &vars, &["add", "detected", "-i", "a", "-s", "db"]).ok();
    assert_eq!(last_at(&env), "2026-01-15T07:00:00-05:00");
    let args = ["add", "note", "-i", "a", "--text", "t", "--tz", "+05:30"];
    run_env(&env, &vars, &args).ok();
    assert_eq!(last_at(&env), "2026-01-15T17:30:00+05:30");
    // An empty LOGBOOK_TZ is unset: TZ decides.
    let vars = [vars[0], ("LOGBOOK_TZ", ""), vars[2]];
    run_env(&env, &vars, &["add", "note", "-i", "a", "--text", "t"]).ok();
    assert_eq!(last_at(&env), "2026-01-15T13:00:00+01:00");
}

#[test]
fn a_tz_that_names_no_zone_is_utc_with_a_warning() {
    let env = Env::new();
    let run = run_env(
        &env,
        &[("TZ", "Europe/Berln")],
        &["add", "detected", "-i", "a", "-s", "db"],
    )
    .ok();
    assert!(
        run.stderr.starts_with("warning: TZ: `Europe/Berln`"),
        "{run}"
    );
    assert!(
        run.stderr.contains("did you mean `Europe/Berlin`?"),
        "{run}"
    );
    assert_eq!(last_at(&env), "2026-11-25T12:00:00Z");
}

#[test]
fn streak_days_are_days_in_the_zone() {
    let env = late_outage();
    let streak = |tz: &str| {
        let args = [
            "streak",
            "-s",
            "db",
            "--as-of",
            "2026-01-20",
            "--format",
            "json",
            "--tz",
            tz,
        ];
        let run = env.run(&args).ok();
        assert_lines_valid("streak.v1.json", &run.stdout);
        run.json_lines()[0].clone()
    };
    let utc = streak("UTC");
    assert_eq!(utc["outages"][0]["start"], "2026-01-09");
    assert_eq!(utc["days_since_last_outage"], 11);
    assert_eq!(utc["record"]["days"], 11);
    // 23:30 UTC is 00:30 the next day in Berlin: the outage is on the 10th.
    let berlin = streak("Europe/Berlin");
    assert_eq!(berlin["outages"][0]["start"], "2026-01-10");
    assert_eq!(berlin["days_since_last_outage"], 10);
    assert_eq!(berlin["record"]["days"], 10);
    assert_eq!(berlin["tz"], "Europe/Berlin");
    // The same in TZ, and the text names the zone.
    let run = run_env(
        &env,
        &[("TZ", "Europe/Berlin")],
        &["streak", "-s", "db", "--as-of", "2026-01-20"],
    )
    .ok();
    assert!(
        run.stdout
            .starts_with("db, as of 2026-01-20, days in Europe/Berlin\n"),
        "{run}"
    );
    assert!(run.stdout.contains("ended 2026-01-10"), "{run}");
    // "Today" is the zone's: at 23:30 UTC on the 20th it is already the 21st in Berlin.
    let late = [("LOGBOOK_NOW", "2026-01-20T23:30:00Z")];
    let today = |tz: &str| {
        let args = ["streak", "--format", "json", "--tz", tz];
        run_env(&env, &late, &args).ok().json_lines()[0]["as_of"].clone()
    };
    assert_eq!(today("UTC"), "2026-01-20");
    assert_eq!(today("Europe/Berlin"), "2026-01-21");
    let board = env
        .run(&["streak", "--as-of", "2026-01-20", "--tz", "Europe/Berlin"])
        .ok();
    assert!(
        board
            .stdout
            .starts_with("Uptime streaks as of 2026-01-20, days in Europe/Berlin\n"),
        "{board}"
    );
}

#[test]
fn stats_periods_are_days_in_the_zone() {
    let env = late_outage();
    let stats = |tz: &str, day: &str| {
        let args = [
            "stats", "-s", "db", "--since", day, "--until", day, "--format", "json", "--tz", tz,
        ];
        let run = env.run(&args).ok();
        assert_lines_valid("stats.v1.json", &run.stdout);
        run.json_lines()[0].clone()
    };
    assert_eq!(stats("UTC", "2026-01-09")["outages"], 1);
    assert_eq!(stats("UTC", "2026-01-10")["outages"], 0);
    let berlin = stats("Europe/Berlin", "2026-01-10");
    assert_eq!(berlin["outages"], 1);
    assert_eq!(berlin["tz"], "Europe/Berlin");
    assert_eq!(
        berlin["period"],
        serde_json::json!({
            "since": "2026-01-10T00:00:00+01:00",
            "until": "2026-01-10T23:59:59.999999999+01:00"
        })
    );
    // 15 minutes down in a day of 24 hours.
    let expected = 100.0 * (1.0 - 900.0 / 86_400.0);
    let got = berlin["availability_percent"].as_f64().unwrap();
    assert!((got - expected).abs() < 0.0005, "{got}");
    assert_eq!(stats("Europe/Berlin", "2026-01-09")["outages"], 0);
    // The day the clocks go forward has 23 hours, from +01:00 to +02:00.
    let spring = stats("Europe/Berlin", "2026-03-29");
    assert_eq!(
        spring["period"],
        serde_json::json!({
            "since": "2026-03-29T00:00:00+01:00",
            "until": "2026-03-29T23:59:59.999999999+02:00"
        })
    );
    let text = env
        .run(&["stats", "--since", "2026-01-10", "--tz", "-05:00"])
        .ok();
    assert!(
        text.stdout.starts_with(
            "Stats from 2026-01-10 00:00 -05:00 to 2026-11-25 07:00 -05:00, times in -05:00\n"
        ),
        "{text}"
    );
}

#[test]
fn log_since_and_until_are_days_in_the_zone() {
    let env = late_outage();
    let seqs = |tz: &str, args: &[&str]| {
        let args = [&["log", "--format", "json", "--tz", tz][..], args].concat();
        env.run(&args)
            .ok()
            .json_lines()
            .iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(seqs("UTC", &["--since", "2026-01-10"]), Vec::<u64>::new());
    assert_eq!(seqs("Europe/Berlin", &["--since", "2026-01-10"]), [2, 3]);
    assert_eq!(seqs("UTC", &["--until", "2026-01-09"]), [1, 2, 3]);
    assert_eq!(seqs("Europe/Berlin", &["--until", "2026-01-09"]), [1]);
    // Two instants compare as instants, whatever the zone.
    let since = ["--since", "2026-01-10T00:40:00+01:00"];
    assert_eq!(seqs("Europe/Berlin", &since), [3]);
    assert_eq!(seqs("UTC", &since), [3]);
}

#[test]
fn the_demo_keeps_new_york_days_whatever_the_zone() {
    let story = |tz: &str| {
        let env = Env::empty();
        let ledger = env.ledger.to_str().unwrap().to_string();
        env.run(&["--ledger", &ledger, "--tz", tz, "demo"])
            .ok()
            .stdout
    };
    let tokyo = story("Asia/Tokyo");
    assert_eq!(tokyo, story("UTC"));
    assert!(
        tokyo.contains("the story's last day, days in America/New_York"),
        "{tokyo}"
    );
}

#[test]
fn at_takes_times_as_people_type_them_in_the_zone() {
    let env = Env::new();
    let berlin = [("TZ", "Europe/Berlin")];
    let add = |at: &str| {
        run_env(
            &env,
            &berlin,
            &["add", "note", "-i", "db", "--text", "t", "--at", at],
        )
    };
    run_env(
        &env,
        &berlin,
        &[
            "add",
            "detected",
            "-i",
            "db",
            "--service",
            "db",
            "--at",
            "2026-11-20T02:10+01:00",
        ],
    )
    .ok();
    assert_eq!(last_at(&env), "2026-11-20T02:10:00+01:00");
    add("2026-11-20 03:15").ok();
    assert_eq!(last_at(&env), "2026-11-20T03:15:00+01:00");
    add("-15m").ok();
    assert_eq!(last_at(&env), "2026-11-25T12:45:00+01:00");
    // 02:30 on the night the clocks go back happens twice in Berlin: the offset must be said.
    let run = add("2026-10-25 02:30").code(1);
    assert!(
        run.stderr
            .contains("--at: `2026-10-25 02:30` happens twice"),
        "{run}"
    );
}
