//! The config file (DESIGN section 5, **Config**): `$XDG_CONFIG_HOME/logbook/config.toml` or
//! `LOGBOOK_CONFIG`; its settings sit under the flags and environment variables that override
//! them; a wrong file is a usage error naming its line, and nothing is written.

use crate::common::{Env, Run, s};
use std::process::Stdio;

/// `logbook ARGS` with these environment variables set on top of the harness's (and without
/// the harness's `LOGBOOK_ACTOR` and `TZ`, so the config file is what decides).
fn run_env(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    cmd.env_remove("LOGBOOK_ACTOR").env_remove("TZ");
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

/// Writes the default config file (`$HOME/.config/logbook/config.toml`).
fn write_config(env: &Env, text: &str) {
    let dir = env.path(".config/logbook");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

fn last_event(env: &Env) -> serde_json::Value {
    let log = env.run(&["log", "--format", "json"]).ok();
    log.json_lines().pop().expect("an event")
}

#[test]
fn the_config_gives_zone_and_actor_under_the_flags_and_variables() {
    let env = Env::new();
    write_config(&env, "timezone = \"Europe/Berlin\"\nactor = \"kai\"\n");
    // LOGBOOK_NOW is 2026-11-25T12:00:00Z: 13:00 in Berlin.
    run_env(
        &env,
        &[],
        &["add", "detected", "-i", "a", "--service", "db"],
    )
    .ok();
    let event = last_event(&env);
    assert_eq!(event["at"], "2026-11-25T13:00:00+01:00", "{event}");
    assert_eq!(event["actor"], "kai", "{event}");
    // The config is under TZ? No: under LOGBOOK_TZ and --tz, over TZ.
    run_env(
        &env,
        &[("TZ", "America/New_York")],
        &["add", "acknowledged", "-i", "a"],
    )
    .ok();
    assert_eq!(last_event(&env)["at"], "2026-11-25T13:00:00+01:00");
    run_env(
        &env,
        &[("LOGBOOK_TZ", "-05:00")],
        &["add", "note", "-i", "a", "--text", "x"],
    )
    .ok();
    assert_eq!(last_event(&env)["at"], "2026-11-25T07:00:00-05:00");
    run_env(
        &env,
        &[("LOGBOOK_ACTOR", "ops")],
        &["add", "note", "-i", "a", "--text", "y", "--actor", "lee"],
    )
    .ok();
    assert_eq!(last_event(&env)["actor"], "lee");
    run_env(
        &env,
        &[("LOGBOOK_ACTOR", "ops")],
        &["add", "note", "-i", "a", "--text", "z"],
    )
    .ok();
    assert_eq!(last_event(&env)["actor"], "ops");
}

#[test]
fn logbook_config_names_another_file_and_a_named_file_must_exist() {
    let env = Env::new();
    let path = env.write("team.toml", "actor = \"team-bot\"\n");
    run_env(
        &env,
        &[("LOGBOOK_CONFIG", s(&path))],
        &["add", "detected", "-i", "a", "--service", "db"],
    )
    .ok();
    assert_eq!(last_event(&env)["actor"], "team-bot");
    let before = env.export();
    let missing = run_env(
        &env,
        &[("LOGBOOK_CONFIG", "/nonexistent/logbook.toml")],
        &["add", "note", "-i", "a", "--text", "x"],
    )
    .code(2);
    assert!(
        missing
            .stderr
            .contains("cannot read the config file /nonexistent/logbook.toml"),
        "{missing}"
    );
    assert_eq!(env.export(), before);
}

#[test]
fn a_wrong_config_file_names_the_line_and_key_and_writes_nothing() {
    let env = Env::new();
    let before = env.export();
    write_config(&env, "actor = \"kai\"\ntimzone = \"Europe/Berlin\"\n");
    let run = run_env(
        &env,
        &[],
        &["add", "detected", "-i", "a", "--service", "db"],
    )
    .code(2);
    assert!(run.stderr.contains("config.toml"), "{run}");
    assert!(run.stderr.contains("line 2"), "{run}");
    assert!(run.stderr.contains("timzone"), "{run}");
    assert!(run.stderr.contains("hint: keys: timezone"), "{run}");
    assert_eq!(run.stderr.lines().count(), 2, "{run}");
    std::fs::remove_file(env.path(".config/logbook/config.toml")).unwrap();
    assert_eq!(env.export(), before);
    // A zone the database does not know is named with where it came from.
    write_config(&env, "timezone = \"Europe/Berlim\"\n");
    let run = run_env(&env, &[], &["streak"]).code(2);
    assert!(run.stderr.contains("timezone in "), "{run}");
    assert!(run.stderr.contains("Europe/Berlin"), "{run}");
    // So is a weight outside 0..1, and a value of the wrong type.
    write_config(&env, "[policy]\npartial_weight = 1.5\n");
    assert!(
        run_env(&env, &[], &["stats"])
            .code(2)
            .stderr
            .contains("partial_weight")
    );
    write_config(&env, "[policy]\ncount_degraded = \"yes\"\n");
    assert!(
        run_env(&env, &[], &["stats"])
            .code(2)
            .stderr
            .contains("count_degraded")
    );
}

#[test]
fn the_config_policy_is_the_default_of_every_figure_and_flags_override_it() {
    let env = Env::seeded();
    let dns = |args: &[&str]| {
        let mut all = vec![
            "stats",
            "--service",
            "dns",
            "--since",
            "2011-01-01",
            "--until",
            "2011-12-31",
            "--format",
            "json",
        ];
        all.extend_from_slice(args);
        let run = run_env(&env, &[("TZ", "UTC")], &all).ok();
        run.json_lines()[0].clone()
    };
    let default = dns(&[]);
    assert_eq!(default["policy"]["partial_outage_weight"], 0.3, "{default}");
    write_config(&env, "[policy]\npartial_weight = 1.0\n");
    let heavy = dns(&[]);
    assert_eq!(heavy["policy"]["partial_outage_weight"], 1.0, "{heavy}");
    // dns was down 3h20m at weight 1.0 and 25m partly: at weight 1.0 that is 13,500 s.
    let expected = 100.0 * (1.0 - 13_500.0 / (365.0 * 86_400.0));
    let got = heavy["availability_percent"].as_f64().unwrap();
    assert!((got - expected).abs() < 0.0005, "{heavy}");
    let flagged = dns(&["--partial-weight", "0.3"]);
    assert_eq!(
        flagged["availability_percent"],
        default["availability_percent"]
    );
    // The report prints the policy in force.
    let report = run_env(
        &env,
        &[],
        &["report", "2011-06-16-upstream-routing", "--format", "json"],
    )
    .ok();
    let report: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    assert_eq!(report["policy"]["partial_outage_weight"], 1.0, "{report}");
}

#[test]
fn services_in_the_config_are_meant_as_spelled() {
    let env = Env::new();
    let add = |key: &str, service: &str| {
        run_env(
            &env,
            &[],
            &[
                "add",
                "detected",
                "-i",
                key,
                "--service",
                service,
                "--at",
                "2026-11-20T03:00:00Z",
            ],
        )
    };
    add("a", "web1").ok();
    assert!(
        add("b", "Web1")
            .code(1)
            .stderr
            .contains("did you mean `web1`?")
    );
    write_config(&env, "services = [\"Web1\"]\n");
    add("b", "Web1").ok();
}

#[test]
fn ingest_mappings_come_from_the_config() {
    let env = Env::new();
    let payload = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ingest/alertmanager/oncall-example.json"
    );
    let levels = |env: &Env| -> Vec<String> {
        let log = run_env(env, &[], &["log", "--format", "json"]).ok();
        log.json_lines()
            .iter()
            .filter(|e| e["type"] == "detected")
            .map(|e| e["level"].as_str().unwrap_or("major_outage").to_string())
            .collect()
    };
    write_config(
        &env,
        "[ingest.alertmanager]\nlevels = { critical = \"partial_outage\" }\n",
    );
    run_env(&env, &[], &["ingest", "alertmanager", payload]).ok();
    let found = levels(&env);
    assert!(!found.is_empty());
    assert!(found.iter().all(|l| l == "partial_outage"), "{found:?}");
    // A key the mapping does not have is named, with its line.
    write_config(&env, "[ingest.alertmanager]\nservice_label = \"job\"\n");
    let run = run_env(&env, &[], &["ingest", "alertmanager", payload]).code(2);
    assert!(
        run.stderr.contains("line 2") && run.stderr.contains("service_label"),
        "{run}"
    );
}
