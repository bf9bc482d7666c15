//! `logbook sla` (DESIGN section 12): figures checked by hand, months of the zone (DST months,
//! the month boundary), agreement with `stats`, every format, usage errors.

use crate::common::Env;
use crate::schema::assert_valid;
use crate::snap;
use serde_json::Value;

/// Two services from 2026-01-01; in September 2026 `db` has a 2 h major outage and a 1 h
/// partial one; `web` has none.
fn september() -> Env {
    let env = Env::new();
    env.append(concat!(
        r#"{"type":"service_commissioned","service":"db","at":"2026-01-01"}"#,
        "\n",
        r#"{"type":"service_commissioned","service":"web","at":"2026-01-01"}"#,
        "\n",
        r#"{"type":"detected","incident":"db-crash","at":"2026-09-10T10:00:00Z","services":["db"]}"#,
        "\n",
        r#"{"type":"resolved","incident":"db-crash","at":"2026-09-10T12:00:00Z"}"#,
        "\n",
        r#"{"type":"detected","incident":"db-slow","at":"2026-09-20T08:00:00Z","services":["db"],"level":"partial_outage"}"#,
        "\n",
        r#"{"type":"resolved","incident":"db-slow","at":"2026-09-20T09:00:00Z"}"#,
        "\n",
    ))
    .ok();
    env
}

/// `logbook ARGS --format json`, checked against `schemas/sla.v1.json`.
fn sla(env: &Env, args: &[&str]) -> Value {
    let args = [&["sla"], args, &["--format", "json"]].concat();
    let run = env.run(&args).ok();
    let value: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_valid("sla.v1.json", &value);
    value
}

/// The line of `service` (`None`: all services).
fn line<'a>(value: &'a Value, service: Option<&str>) -> &'a Value {
    value["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|l| l["service"].as_str() == service)
        .unwrap_or_else(|| panic!("no line for {service:?} in {value}"))
}

#[test]
fn figures_checked_by_hand() {
    let env = september();
    let v = sla(&env, &["--month", "2026-09"]);
    assert_eq!(v["period"]["month"], "2026-09");
    assert_eq!(v["period"]["since"], "2026-09-01T00:00:00Z");
    assert_eq!(v["period"]["cut_at"], Value::Null);
    assert_eq!(v["target_percent"], 99.9);
    assert_eq!(v["tz"], "UTC");
    let db = line(&v, Some("db"));
    // 2 h at 1.0 + 1 h at 0.3 = 2 h 18 m.
    assert_eq!(db["downtime_seconds"], 2 * 3600 + 18 * 60);
    // 0.1 % of 30 days.
    assert_eq!(db["counted_seconds"], 30 * 86_400);
    assert_eq!(db["allowed_downtime_seconds"], 2592);
    assert_eq!(db["budget_remaining_seconds"], 2592 - 8280);
    assert_eq!(db["met"], false);
    assert_eq!(db["incidents"], serde_json::json!(["db-crash", "db-slow"]));
    // 100 × (1 − 8280 / 2592000) = 99.68055…
    assert_eq!(db["availability_percent"], 99.681);
    let web = line(&v, Some("web"));
    assert_eq!(web["downtime_seconds"], 0);
    assert_eq!(web["budget_remaining_seconds"], 2592);
    assert_eq!(web["met"], true);
    assert_eq!(web["incidents"], serde_json::json!([]));
    // All services: 8280 s over two services' 30 days.
    let all = line(&v, None);
    assert_eq!(all["downtime_seconds"], 8280);
    assert_eq!(all["allowed_downtime_seconds"], 2 * 2592);
    assert_eq!(all["budget_remaining_seconds"], 2 * 2592 - 8280);
    assert_eq!(all["met"], false);
    assert_eq!(all["availability_percent"], 99.84);
    // The all-services line comes last.
    assert_eq!(v["services"].as_array().unwrap().len(), 3);
    assert_eq!(v["services"][2]["service"], Value::Null);
    // A lower target is met: 1 % of 30 days is 25920 s.
    let v = sla(&env, &["--month", "2026-09", "--target", "99"]);
    let db = line(&v, Some("db"));
    assert_eq!(db["allowed_downtime_seconds"], 25_920);
    assert_eq!(db["budget_remaining_seconds"], 25_920 - 8280);
    assert_eq!(db["met"], true);
    // The policy moves the downtime: a partial outage at 0.5 is 2 h 30 m.
    let v = sla(&env, &["--month", "2026-09", "--partial-weight", "0.5"]);
    assert_eq!(line(&v, Some("db"))["downtime_seconds"], 9000);
    assert_eq!(v["policy"]["partial_outage_weight"], 0.5);
    // One service: its line alone.
    let v = sla(&env, &["--month", "2026-09", "--service", "db"]);
    assert_eq!(v["services"].as_array().unwrap().len(), 1);
    assert_eq!(v["services"][0]["service"], "db");
    assert_eq!(v["services"][0]["budget_remaining_seconds"], -5688);
}

#[test]
fn the_default_month_is_the_last_complete_one() {
    // Now is 2026-11-25: October.
    let v = sla(&september(), &[]);
    assert_eq!(v["period"]["month"], "2026-10");
    assert_eq!(v["period"]["since"], "2026-10-01T00:00:00Z");
    assert_eq!(v["period"]["until"], "2026-10-31T23:59:59.999999999Z");
    assert_eq!(line(&v, Some("db"))["counted_seconds"], 31 * 86_400);
    assert_eq!(line(&v, Some("db"))["met"], true);
}

#[test]
fn a_dst_month_has_745_or_743_hours() {
    let env = september();
    let berlin = ["--tz", "Europe/Berlin"];
    let v = sla(&env, &[&["--month", "2026-10"], &berlin[..]].concat());
    assert_eq!(v["tz"], "Europe/Berlin");
    assert_eq!(v["period"]["since"], "2026-10-01T00:00:00+02:00");
    assert_eq!(v["period"]["until"], "2026-10-31T23:59:59.999999999+01:00");
    let db = line(&v, Some("db"));
    assert_eq!(db["counted_seconds"], 745 * 3600);
    // 0.1 % of 745 h = 2682 s.
    assert_eq!(db["allowed_downtime_seconds"], 2682);
    // March 2026 loses an hour: 743 h, 0.1 % = 2674.8 s.
    let v = sla(&env, &[&["--month", "2026-03"], &berlin[..]].concat());
    let db = line(&v, Some("db"));
    assert_eq!(db["counted_seconds"], 743 * 3600);
    assert_eq!(db["allowed_downtime_seconds"], 2675);
    // The text names the length.
    let args = [&["sla", "--month", "2026-10"], &berlin[..]].concat();
    let text = env.run(&args).ok().stdout;
    assert!(text.contains("(745 h)"), "{text}");
}

#[test]
fn an_outage_belongs_to_the_month_of_its_start_in_the_zone() {
    let env = Env::new();
    env.append(concat!(
        r#"{"type":"service_commissioned","service":"db","at":"2026-01-01"}"#,
        "\n",
        // 23:30 UTC on 30 September is 01:30 on 1 October in Berlin (+02:00).
        r#"{"type":"detected","incident":"late","at":"2026-09-30T23:30:00Z","services":["db"]}"#,
        "\n",
        r#"{"type":"resolved","incident":"late","at":"2026-09-30T23:45:00Z"}"#,
        "\n",
    ))
    .ok();
    let of = |month: &str, tz: &str| {
        let v = sla(&env, &["--month", month, "--tz", tz, "--service", "db"]);
        v["services"][0].clone()
    };
    let (sep, oct) = (of("2026-09", "UTC"), of("2026-10", "UTC"));
    assert_eq!(sep["incidents"], serde_json::json!(["late"]));
    assert_eq!(sep["downtime_seconds"], 900);
    assert_eq!(oct["incidents"], serde_json::json!([]));
    assert_eq!(oct["downtime_seconds"], 0);
    let (sep, oct) = (
        of("2026-09", "Europe/Berlin"),
        of("2026-10", "Europe/Berlin"),
    );
    assert_eq!(sep["incidents"], serde_json::json!([]));
    assert_eq!(sep["downtime_seconds"], 0);
    assert_eq!(oct["incidents"], serde_json::json!(["late"]));
    assert_eq!(oct["downtime_seconds"], 900);
}

/// An outage over midnight at the month's end is downtime of both months, each its part.
#[test]
fn an_outage_over_the_month_end_counts_in_both_months() {
    let env = Env::new();
    env.append(concat!(
        r#"{"type":"service_commissioned","service":"db","at":"2026-01-01"}"#,
        "\n",
        r#"{"type":"detected","incident":"night","at":"2026-09-30T23:00:00Z","services":["db"]}"#,
        "\n",
        r#"{"type":"resolved","incident":"night","at":"2026-10-01T01:30:00Z"}"#,
        "\n",
    ))
    .ok();
    let of = |month: &str| {
        sla(&env, &["--month", month, "--tz", "UTC", "--service", "db"])["services"][0].clone()
    };
    let (sep, oct) = (of("2026-09"), of("2026-10"));
    assert_eq!(sep["downtime_seconds"], 3600, "{sep}");
    assert_eq!(oct["downtime_seconds"], 5400, "{oct}");
    assert_eq!(oct["incidents"], serde_json::json!(["night"]));
    // stats agrees: October's availability has the 90 minutes, its count has no incident.
    let stats = env
        .run(&[
            "stats",
            "--service",
            "db",
            "--since",
            "2026-10-01",
            "--until",
            "2026-10-31",
            "--tz",
            "UTC",
            "--format",
            "json",
        ])
        .ok();
    let stats = &stats.json_lines()[0];
    assert_eq!(stats["incidents"], 0);
    let expected = 100.0 * (1.0 - 5400.0 / (31.0 * 86_400.0));
    assert!(
        (stats["availability_percent"].as_f64().unwrap() - expected).abs() < 0.0005,
        "{stats}"
    );
}

/// `sla` and `stats` over the same period, policy and zone give the same availability, and
/// the incidents behind the downtime are the outages `stats` counts.
#[track_caller]
fn assert_agree(env: &Env, sla_args: &[&str], stats_args: &[&str]) {
    let v = sla(env, sla_args);
    let stats_args = [&["stats"], stats_args, &["--format", "json"]].concat();
    let stats: Value = serde_json::from_str(&env.run(&stats_args).ok().stdout).expect("json");
    assert_eq!(v["period"]["since"], stats["period"]["since"]);
    assert_eq!(v["period"]["until"], stats["period"]["until"]);
    assert_eq!(v["policy"], stats["policy"]);
    assert_eq!(v["rules"]["availability"], stats["rules"]["availability"]);
    let mut figures: Vec<&Value> = stats["services"].as_array().into_iter().flatten().collect();
    figures.push(&stats);
    for s in figures {
        let service = s["service"].as_str();
        let l = line(&v, service);
        let what = format!("{service:?} in sla {sla_args:?}");
        assert_eq!(
            l["availability_percent"], s["availability_percent"],
            "{what}"
        );
        let outages = s["outages"].as_u64().expect("outages");
        assert_eq!(
            l["incidents"].as_array().unwrap().len() as u64,
            outages,
            "{what}"
        );
    }
}

#[test]
fn availability_agrees_with_stats() {
    let env = september();
    let month = ["--since", "2026-09-01", "--until", "2026-09-30"];
    assert_agree(&env, &["--month", "2026-09"], &month);
    assert_agree(&env, &month, &month);
    let berlin = [&month[..], &["--tz", "Europe/Berlin"]].concat();
    assert_agree(
        &env,
        &["--month", "2026-09", "--tz", "Europe/Berlin"],
        &berlin,
    );
    let weights = ["--partial-weight", "0.5", "--count-degraded"];
    let args = [&["--month", "2026-09"], &weights[..]].concat();
    assert_agree(&env, &args, &[&month[..], &weights[..]].concat());
    // A period that ends after now, and one with only a start.
    let open = ["--since", "2026-09-15", "--until", "2026-12-31"];
    assert_agree(&env, &open, &open);
    assert_agree(&env, &["--since", "2026-09-15"], &["--since", "2026-09-15"]);
    assert_agree(
        &env,
        &["--service", "db", "--month", "2026-09"],
        &[&["--service", "db"], &month[..]].concat(),
    );
    // The seed's history: retired services, maintenance, overlapping incidents.
    let seed = Env::seeded();
    let year = ["--since", "2011-01-01", "--until", "2011-12-31"];
    assert_agree(&seed, &year, &year);
    let all = [&year[..], &["--include-maintenance"]].concat();
    assert_agree(&seed, &all, &all);
    assert_agree(
        &seed,
        &["--month", "2011-06"],
        &["--since", "2011-06-01", "--until", "2011-06-30"],
    );
}

#[test]
fn a_period_after_now_is_cut_at_now_and_says_so() {
    let env = september();
    // November 2026, now the 25th at noon: 24.5 days counted.
    let v = sla(&env, &["--month", "2026-11"]);
    assert_eq!(v["period"]["cut_at"], "2026-11-25T12:00:00Z");
    let db = line(&v, Some("db"));
    assert_eq!(db["counted_seconds"], 24 * 86_400 + 12 * 3600);
    // 0.1 % of 2116800 s = 2116.8 s.
    assert_eq!(db["allowed_downtime_seconds"], 2117);
    // A month that has not begun: nothing known, null (never 0).
    let v = sla(&env, &["--month", "2027-01"]);
    assert_eq!(v["period"]["cut_at"], "2026-11-25T12:00:00Z");
    for l in v["services"].as_array().unwrap() {
        for field in [
            "availability_percent",
            "downtime_seconds",
            "allowed_downtime_seconds",
            "budget_remaining_seconds",
            "met",
        ] {
            assert_eq!(l[field], Value::Null, "{field}");
        }
    }
    let mut seen = String::new();
    for month in ["2026-11", "2027-01"] {
        let run = env.run(&["sla", "--month", month, "--service", "db"]).ok();
        seen.push_str(&format!(
            "$ logbook sla --month {month} --service db\n{run}\n"
        ));
    }
    snap!("sla_cut_at_now", seen);
}

#[test]
fn every_format() {
    let env = september();
    let month = ["sla", "--month", "2026-09"];
    for format in ["text", "md", "html", "csv"] {
        let run = env.run(&[&month[..], &["--format", format]].concat()).ok();
        snap!(format!("sla_{format}"), run.stdout);
    }
    // CSV rows mirror the JSON lines, the all-services row last with an empty service.
    let v = sla(&env, &["--month", "2026-09"]);
    let csv = env.run(&[&month[..], &["--format", "csv"]].concat()).ok();
    let rows: Vec<Vec<&str>> = csv.stdout.lines().map(|l| l.split(',').collect()).collect();
    let lines = v["services"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        lines.len() + 1,
        "a header row, then one row per line"
    );
    for (row, l) in rows[1..].iter().zip(lines) {
        assert_eq!(row[0], l["service"].as_str().unwrap_or(""));
        assert_eq!(row[2], l["downtime_seconds"].to_string());
        assert_eq!(row[4], l["budget_remaining_seconds"].to_string());
        assert_eq!(row[5], l["met"].to_string());
    }
    // The HTML page stands alone: no scripts, no other hosts.
    let html = env.run(&[&month[..], &["--format", "html"]].concat()).ok();
    assert!(!html.stdout.contains("<script") && !html.stdout.contains("http"));
    let help = env.run(&["sla", "--help"]).ok().stdout;
    assert!(help.contains("logbook sla --month 2026-10"), "{help}");
    assert!(
        help.contains("md for Markdown, html for a web page"),
        "{help}"
    );
}

#[test]
fn bad_months_and_targets_are_usage_errors() {
    let env = september();
    let mut seen = String::new();
    for args in [
        &["sla", "--month", "2026-13"][..],
        &["sla", "--month", "2026-9"],
        &["sla", "--month", "October"],
        &["sla", "--month", "2026-10-01"],
        &["sla", "--target", "0"],
        &["sla", "--target", "100.5"],
        &["sla", "--target", "-99"],
        &["sla", "--target", "NaN"],
        &["sla", "--target", "high"],
        &["sla", "--month", "2026-10", "--since", "2026-10-01"],
        &["sla", "--since", "2026-10-31", "--until", "2026-10-01"],
        &["sla", "--since", "yesterday"],
        &["sla", "--format", "xml"],
    ] {
        let run = env.run(args).code(2);
        seen.push_str(&format!("$ logbook {}\n{}", args.join(" "), run.stderr));
    }
    let run = env.run(&["sla", "--service", "nope"]).code(1);
    seen.push_str(&format!("$ logbook sla --service nope\n{}", run.stderr));
    snap!("sla_usage_errors", seen);
}
