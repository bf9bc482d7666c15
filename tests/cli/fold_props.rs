//! Property tests for issue 8's "one fold": random appends, amendments and retractions of one
//! incident, each accepted or refused by the rules, then checked:
//! - the events accepted one append at a time are accepted again as one append (the rules'
//!   view inside a transaction is the fold's), giving the same projection;
//! - the kept projection is the fold of the log (`verify`) and `rebuild` changes no answer;
//! - nothing is a trap: from the state reached, the incident can still be closed or reopened,
//!   any event in effect can be retracted, and a late note can be added.
//!
//! `PROPTEST_CASES=2000 cargo test --test cli fold_props` runs it longer.

use logbook::event::parse_line;
use logbook::store::{AppendContext, Ledger, Line};
use proptest::prelude::*;
use std::path::Path;

const NOW: time::OffsetDateTime = time::macros::datetime!(2026-11-25 12:00 UTC);

/// One step a writer may try.
#[derive(Debug, Clone)]
enum Op {
    /// A plain event of this type at minute `m` after 03:00.
    Event(&'static str, u32),
    /// Retract the n-th accepted event (modulo their number).
    Retract(usize),
    /// Move the n-th accepted event to minute `m`.
    Amend(usize, u32),
}

fn op() -> impl Strategy<Value = Op> {
    let types = prop::sample::select(vec![
        "acknowledged",
        "restored",
        "resolved",
        "reopened",
        "note",
        "impact_changed",
        "restore_step",
    ]);
    prop_oneof![
        4 => (types, 0u32..300).prop_map(|(t, m)| Op::Event(t, m)),
        1 => (0usize..50).prop_map(Op::Retract),
        1 => (0usize..50, 0u32..300).prop_map(|(n, m)| Op::Amend(n, m)),
    ]
}

fn at(minute: u32) -> String {
    format!("2026-11-20T{:02}:{:02}:00Z", 3 + minute / 60, minute % 60)
}

fn line(op: &Op, accepted: &[(String, String)], n: usize) -> Option<String> {
    let id = format!("0190a1b2-0000-7000-8000-{n:012}");
    Some(match op {
        Op::Event(ty, m) => {
            let extra = match *ty {
                "note" => r#","text":"t""#,
                "impact_changed" => r#","level":"partial_outage""#,
                "restore_step" => r#","summary":"s""#,
                _ => "",
            };
            format!(
                r#"{{"type":"{ty}","incident":"i","at":"{}","id":"{id}"{extra}}}"#,
                at(*m)
            )
        }
        Op::Retract(k) => {
            let (target, _) = accepted.get(k % accepted.len().max(1))?;
            format!(
                r#"{{"type":"retracted","incident":"i","at":"{}","id":"{id}","target":"{target}"}}"#,
                at(299)
            )
        }
        Op::Amend(k, m) => {
            let (target, ty) = accepted.get(k % accepted.len().max(1))?;
            if ty == "retracted" || ty == "amended" {
                return None;
            }
            format!(
                r#"{{"type":"amended","incident":"i","at":"{}","id":"{id}","target":"{target}","set":{{"at":"{}"}}}}"#,
                at(299),
                at(*m)
            )
        }
    })
}

fn append(ledger: &Ledger, lines: &[String]) -> bool {
    let ctx = AppendContext {
        now: NOW,
        actor: "prop".into(),
        force: false,
        new_services: Vec::new(),
    };
    let lines = lines.iter().enumerate().map(|(i, text)| {
        Ok(Line {
            number: i + 1,
            submission: parse_line(text).unwrap(),
        })
    });
    ledger.append(lines, &ctx).is_ok()
}

/// Whether `extra` would be accepted by the ledger at `path` (tried on a copy).
fn accepts(path: &Path, extra: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.redb");
    std::fs::copy(path, &copy).unwrap();
    let ledger = Ledger::open(
        &copy,
        std::time::Duration::ZERO,
        logbook::store::Access::Write,
    )
    .unwrap();
    append(&ledger, &[extra.to_string()])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_rules_read_the_fold_and_nothing_is_a_trap(ops in prop::collection::vec(op(), 1..14)) {
        let dir = tempfile::tempdir().unwrap();
        let one_by_one = dir.path().join("a.redb");
        let ledger = Ledger::create(&one_by_one).unwrap();
        let open = r#"{"type":"detected","incident":"i","at":"2026-11-20T03:00:00Z","services":["db","mail"],"id":"0190a1b2-0000-7000-8000-999999999999"}"#;
        prop_assert!(append(&ledger, &[open.to_string()]));
        let mut accepted = vec![("0190a1b2-0000-7000-8000-999999999999".to_string(), "detected".to_string())];
        let mut lines = vec![open.to_string()];
        for (n, op) in ops.iter().enumerate() {
            let Some(text) = line(op, &accepted, n) else { continue };
            if append(&ledger, std::slice::from_ref(&text)) {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                accepted.push((v["id"].as_str().unwrap().to_string(), v["type"].as_str().unwrap().to_string()));
                lines.push(text);
            }
        }
        // The same events in one append: the rules' view within a transaction is the fold's.
        let batch = Ledger::create(&dir.path().join("b.redb")).unwrap();
        prop_assert!(append(&batch, &lines), "refused as one append: {lines:#?}");
        prop_assert_eq!(batch.incidents().unwrap(), ledger.incidents().unwrap());
        prop_assert!(ledger.verify().unwrap().problems.is_empty());
        let before = ledger.incidents().unwrap();
        ledger.rebuild().unwrap();
        prop_assert_eq!(ledger.incidents().unwrap(), before.clone());
        drop(batch);

        // Nothing is a trap.
        drop(ledger);
        let Some(incident) = before.first() else {
            // Every event was retracted: the key can be opened again.
            let open = format!(r#"{{"type":"detected","incident":"i","at":"{}","services":["db"]}}"#, at(5));
            prop_assert!(accepts(&one_by_one, &open), "cannot open it again");
            return Ok(());
        };
        let late = format!(r#"{{"type":"note","incident":"i","at":"{}","text":"late"}}"#, at(1));
        prop_assert!(accepts(&one_by_one, &late), "a late note is refused");
        let toggle = match incident.closed {
            Some(_) => format!(r#"{{"type":"reopened","incident":"i","at":"{}"}}"#, at(400)),
            None => format!(r#"{{"type":"resolved","incident":"i","at":"{}"}}"#, at(400)),
        };
        prop_assert!(accepts(&one_by_one, &toggle), "cannot {toggle} from {incident:?}");
        let ledger = Ledger::open(&one_by_one, std::time::Duration::ZERO, logbook::store::Access::Read).unwrap();
        let stream = ledger.stream("i").unwrap();
        let withdrawn = logbook::projection::effective::retracted(&stream);
        drop(ledger);
        for stored in &stream {
            if withdrawn.contains_key(&stored.id) {
                continue;
            }
            let retract = format!(
                r#"{{"type":"retracted","incident":"i","at":"{}","target":"{}"}}"#,
                at(299),
                stored.id
            );
            prop_assert!(accepts(&one_by_one, &retract), "cannot retract seq {}", stored.seq);
        }
    }
}
