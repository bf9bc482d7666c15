//! The JSON Schemas in `schemas/` against the fixtures and against the Rust parser: valid
//! fixtures pass both, invalid ones (named after the rule they break) fail both.

use logbook::event::parse_line;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A compiled schema from `schemas/NAME`, with every other schema there available to `$ref`.
pub fn schema(name: &str) -> jsonschema::Validator {
    let read = |file: &Path| -> Value {
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    };
    let mut options = jsonschema::options().with_draft(jsonschema::Draft::Draft202012);
    for entry in std::fs::read_dir(root().join("schemas")).expect("schemas/") {
        let value = read(&entry.expect("schema").path());
        let id = value["$id"]
            .as_str()
            .expect("every schema has an $id")
            .to_string();
        options = options.with_resource(
            id,
            jsonschema::Resource::from_contents(value).expect("resource"),
        );
    }
    options
        .build(&read(&root().join("schemas").join(name)))
        .unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"))
}

/// Fails unless `value` is valid against `schemas/NAME`, listing every error.
#[track_caller]
pub fn assert_valid(name: &str, value: &Value) {
    let validator = schema(name);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{value} does not match {name}:\n{}",
        errors.join("\n")
    );
}

/// Checks every line of `stdout` against `schemas/NAME`.
#[track_caller]
pub fn assert_lines_valid(name: &str, stdout: &str) {
    assert!(
        !stdout.trim().is_empty(),
        "no output to validate against {name}"
    );
    for line in stdout.lines() {
        assert_valid(
            name,
            &serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")),
        );
    }
}

fn fixtures(kind: &str) -> Vec<(String, String)> {
    let dir = root().join("tests/fixtures/events").join(kind);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("fixture").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (name(&p), std::fs::read_to_string(&p).expect("fixture text")))
        .collect();
    out.sort();
    assert!(
        out.len() >= 20,
        "expected many {kind} fixtures, found {}",
        out.len()
    );
    out
}

fn name(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn valid_fixtures_pass_the_schema_and_the_parser() {
    let validator = schema("event.v1.json");
    let mut types = std::collections::BTreeSet::new();
    for (name, text) in fixtures("valid") {
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name} fails the schema: {errors:?}");
        let parsed =
            parse_line(text.trim()).unwrap_or_else(|e| panic!("{name} fails the parser: {e}"));
        types.insert(parsed.event.type_name());
    }
    assert_eq!(
        types.len(),
        logbook::event::TYPES.len(),
        "every type has a valid fixture"
    );
}

#[test]
fn invalid_fixtures_fail_the_schema_and_the_parser() {
    let validator = schema("event.v1.json");
    for (name, text) in fixtures("invalid") {
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!validator.is_valid(&value), "{name} passes the schema");
        assert!(parse_line(text.trim()).is_err(), "{name} passes the parser");
    }
}

#[test]
fn the_seed_history_matches_the_schema() {
    let validator = schema("event.v1.json");
    for line in crate::common::SEED.lines() {
        let value: Value = serde_json::from_str(line).expect("seed line is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{line}: {errors:?}");
    }
}

/// What the rules reject, one message per fixture: part of the product, so snapshotted.
#[test]
fn invalid_fixtures_are_rejected_by_append_with_named_fields() {
    let env = crate::common::Env::new();
    let mut report = String::new();
    for (name, text) in fixtures("invalid") {
        let run = env.append(&text).code(1);
        report.push_str(&format!("## {name}\n{}\n", run.stderr));
    }
    assert_eq!(env.export(), "", "nothing was written");
    crate::snap!("invalid_fixture_messages", report);
}
