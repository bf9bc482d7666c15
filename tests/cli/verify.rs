//! `verify`: a sound ledger passes and prints its head; a changed, removed or reordered event
//! (written straight into the tables, as an attacker or a bad disk would) is caught.

use crate::common::Env;
use crate::schema::assert_valid;
use crate::snap;
use logbook::store::testing;

#[test]
fn a_sound_ledger_verifies_and_prints_its_head() {
    let env = Env::seeded();
    let run = env.run(&["verify"]).ok();
    snap!("verify_ok", run.to_string());
    let json = env.run(&["verify", "--format", "json"]).ok();
    let report = &json.json_lines()[0];
    assert_valid("verify.v1.json", report);
    assert_eq!(report["ok"], true);
    assert_eq!(report["head"]["seq"], 44);
    // The head is the hash of the last exported event.
    let last = env.run(&["export"]).ok().json_lines().pop().unwrap();
    assert_eq!(report["head"]["hash"], last["hash"]);
}

#[test]
fn an_empty_ledger_verifies() {
    let env = Env::new();
    let run = env.run(&["verify"]).ok();
    assert!(run.stdout.starts_with("ok: 0 events in 0 streams"), "{run}");
}

fn tampered(name: &str, tamper: impl FnOnce(&std::path::Path)) -> String {
    let env = Env::seeded();
    tamper(&env.ledger);
    let run = env.run(&["verify"]).code(3);
    let json = env.run(&["verify", "--format", "json"]).code(3);
    let report = &json.json_lines()[0];
    assert_valid("verify.v1.json", report);
    assert_eq!(report["ok"], false, "{name}");
    format!("## {name}\n{run}\n")
}

#[test]
fn verify_catches_a_changed_a_removed_and_a_reordered_event() {
    let mut report = tampered("changed summary of event 20", |path| {
        testing::rewrite_event(path, 20, |old| {
            old.replace("confirmed the fault", "denied the fault")
        })
        .unwrap();
    });
    report.push_str(&tampered(
        "changed time of event 11, hash recomputed by hand",
        |path| {
            // Rewriting the hash of the changed event is not enough: the next link breaks.
            let export = Env::seeded().export();
            let line = export.lines().nth(10).unwrap().to_string();
            let mut stored = logbook::store::Stored::decode(line.as_bytes()).unwrap();
            stored.event.at = logbook::event::At::parse("2011-06-16T03:40:00-04:00").unwrap();
            let prev: serde_json::Value =
                serde_json::from_str(export.lines().nth(9).unwrap()).unwrap();
            let prev = prev["hash"].as_str().unwrap();
            let prev_hash = logbook::store::record::unhex(prev).unwrap();
            stored.hash = logbook::store::record::chain(&prev_hash, &stored.canonical());
            let bytes = String::from_utf8(stored.encode()).unwrap();
            testing::rewrite_event(path, 11, |_| bytes).unwrap();
        },
    ));
    report.push_str(&tampered("removed event 30", |path| {
        testing::remove_event(path, 30).unwrap();
    }));
    report.push_str(&tampered("swapped events 12 and 13", |path| {
        testing::swap_events(path, 12, 13).unwrap();
    }));
    report.push_str(&tampered("removed the last event", |path| {
        testing::remove_event(path, 44).unwrap();
    }));
    snap!("verify_tampered", report);
}
