//! `export` and `import`: export → import → export is byte-identical, on the seed and on
//! generated ledgers; import checks seqs, rules and the chain and refuses a non-empty ledger.

use crate::common::{Env, SEED, s};
use crate::schema::assert_valid;
use crate::snap;
use logbook::event::parse_line;
use logbook::store::{Access, AppendContext, AppendError, Ledger, Line};
use proptest::prelude::*;
use std::time::Duration;

#[test]
fn export_import_export_is_byte_identical() {
    let source = Env::seeded();
    let first = source.export();
    let file = source.write("backup.jsonl", &first);

    let target = Env::new();
    let imported = target.run(&["import", "--format", "json", s(&file)]).ok();
    assert_valid("import.v1.json", &imported.json_lines()[0]);
    assert_eq!(imported.json_lines()[0]["imported"], 44);
    assert_eq!(target.export(), first);
    assert_eq!(
        target.run(&["verify"]).ok().stdout,
        source.run(&["verify"]).ok().stdout
    );
    // Import also reads standard input.
    let third = Env::new();
    third.run_with(&["import", "-"], Some(&first)).ok();
    assert_eq!(third.export(), first);
}

#[test]
fn import_refuses_a_ledger_that_holds_events() {
    let env = Env::seeded();
    let file = env.write("backup.jsonl", &env.export());
    let run = env.run(&["import", s(&file)]).code(1);
    snap!("import_not_empty", run.to_string());
}

#[test]
fn import_checks_the_chain_and_the_seqs() {
    let source = Env::seeded();
    let export = source.export();
    let lines: Vec<&str> = export.lines().collect();
    let mut report = String::new();
    let changed = export.replacen(
        "COX routing engineer confirmed",
        "COX routing engineer denied",
        1,
    );
    let missing = [&lines[..10], &lines[11..]].concat().join("\n");
    let mut swapped = lines.clone();
    swapped.swap(3, 4);
    let revision = export.replacen(
        r#""seq":2,"id":"0119fe79-b800-7548-bacd-54ea11a43d59","revision":1"#,
        r#""seq":2,"id":"0119fe79-b800-7548-bacd-54ea11a43d59","revision":2"#,
        1,
    );
    for (name, text) in [
        ("changed text", changed),
        ("missing event", missing),
        ("swapped events", swapped.join("\n")),
        ("wrong revision", revision),
        ("not an export", SEED.to_string()),
    ] {
        let target = Env::new();
        let run = target.run_with(&["import", "-"], Some(&text)).code(1);
        assert_eq!(target.export(), "", "{name}: nothing imported");
        report.push_str(&format!("## {name}\n{}\n", run.stderr));
    }
    snap!("import_rejections", report);
}

/// One generated event line for incident `key`, `minutes` after the incident opened.
fn line(
    kind: usize,
    key: &str,
    minutes: i64,
    offset: &str,
    text: &str,
    approximate: bool,
) -> String {
    let at = time::macros::datetime!(2011-06-16 03:20 UTC) + time::Duration::minutes(minutes);
    let offset = time::UtcOffset::parse(
        offset,
        time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
    )
    .unwrap();
    let at = logbook::event::time::format_instant(at.to_offset(offset));
    let text = serde_json::to_string(text).unwrap();
    let common = format!(r#""incident":"{key}","at":"{at}","approximate":{approximate}"#);
    match kind {
        0 => format!(r#"{{"type":"acknowledged",{common}}}"#),
        1 => format!(r#"{{"type":"escalated",{common},"to":{text}}}"#),
        2 => format!(r#"{{"type":"vendor_engaged",{common},"vendor":"COX","ticket":{text}}}"#),
        3 => format!(r#"{{"type":"vendor_responded",{common},"vendor":"COX","summary":{text}}}"#),
        4 => format!(r#"{{"type":"diagnosed",{common},"cause":{text}}}"#),
        5 => format!(
            r#"{{"type":"impact_changed",{common},"level":"partial_outage","services":["dns"]}}"#
        ),
        6 => format!(r#"{{"type":"restore_step",{common},"summary":{text},"state":"done"}}"#),
        7 => format!(r#"{{"type":"restored",{common},"level":"partial"}}"#),
        8 => format!(r#"{{"type":"announced",{common},"channel":"status_page","text":{text}}}"#),
        _ => format!(r#"{{"type":"note",{common},"text":{text}}}"#),
    }
}

pub fn history() -> impl Strategy<Value = Vec<Vec<String>>> {
    let text = "[A-Za-z][ -~éü✓\\\\\"]{0,24}";
    let incident = (
        prop::collection::vec(
            (
                0usize..10,
                1i64..600,
                prop::sample::select(vec!["-04:00", "+00:00", "+05:30"]),
                text,
                any::<bool>(),
            ),
            0..8,
        ),
        any::<bool>(),
        prop::sample::select(vec!["dns", "mail", "web-1"]),
    );
    (prop::collection::vec(incident, 1..5), 1usize..4).prop_map(|(incidents, batches)| {
        let mut lines = Vec::new();
        for (i, (events, resolved, service)) in incidents.into_iter().enumerate() {
            let key = format!("inc-{i}");
            lines.push(format!(r#"{{"type":"detected","incident":"{key}","at":"2011-06-16T03:20:00Z","services":["{service}"]}}"#));
            for (kind, minutes, offset, text, approximate) in events {
                lines.push(line(kind, &key, minutes, offset, &text, approximate));
            }
            if resolved {
                lines.push(format!(r#"{{"type":"resolved","incident":"{key}","at":"2011-06-16T13:20:00Z"}}"#));
            }
        }
        let size = lines.len().div_ceil(batches);
        lines.chunks(size).map(<[String]>::to_vec).collect()
    })
}

pub fn export(ledger: &Ledger) -> Vec<u8> {
    let mut out = Vec::new();
    ledger
        .for_each_raw::<AppendError>(|_, bytes| {
            out.extend_from_slice(bytes);
            out.push(b'\n');
            Ok(())
        })
        .unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn export_import_round_trips_generated_ledgers(batches in history()) {
        let dir = tempfile::tempdir().unwrap();
        let source = Ledger::create(&dir.path().join("a.redb")).unwrap();
        for (n, batch) in batches.iter().enumerate() {
            let ctx = AppendContext {
                now: time::macros::datetime!(2026-11-25 12:00 UTC) + time::Duration::seconds(n as i64),
                actor: "prop".into(),
                force: false,
                new_services: Vec::new(),
            };
            let lines = batch.iter().enumerate().map(|(i, text)| {
                Ok(Line { number: i + 1, submission: parse_line(text).unwrap_or_else(|e| panic!("{e}: {text}")) })
            });
            source.append(lines, &ctx).unwrap();
        }
        let first = export(&source);
        let target = Ledger::create(&dir.path().join("b.redb")).unwrap();
        let text = String::from_utf8(first.clone()).unwrap();
        let mut chain = logbook::store::record::Chain::default();
        let stored = text.lines().enumerate().map(|(i, l)| Ok((i + 1, chain.read(l.as_bytes()).unwrap())));
        target.import(stored).unwrap();
        prop_assert_eq!(&export(&target), &first);
        prop_assert!(target.verify().unwrap().problems.is_empty());
        prop_assert_eq!(target.head().unwrap(), source.head().unwrap());
        drop(target);
        // The file reopens with the same content.
        let reopened = Ledger::open(&dir.path().join("b.redb"), Duration::ZERO, Access::Write).unwrap();
        prop_assert_eq!(export(&reopened), first);
    }
}

/// A ledger of an older format is refused by every command, with the way over: export with
/// the version that wrote it, import with this one.
#[test]
fn an_older_format_is_refused_with_the_way_over() {
    let env = Env::seeded();
    for old in ["logbook-ledger-1", "logbook-ledger-2"] {
        logbook::store::testing::set_format(&env.ledger, old.as_bytes()).unwrap();
        for command in [
            &["stats"][..],
            &["verify"],
            &["export"],
            &["add", "note", "--incident", "x", "--text", "t"],
        ] {
            let run = env.run(command).code(3);
            let says = format!(
                "was written by an older logbook (format {old}); this logbook reads format logbook-ledger-3"
            );
            assert!(run.stderr.contains(&says), "{command:?}: {run}");
            assert!(run.stderr.contains("export > events.jsonl"), "{run}");
            assert!(run.stderr.contains("import events.jsonl"), "{run}");
        }
    }
    logbook::store::testing::set_format(&env.ledger, b"logbook-ledger-9").unwrap();
    let run = env.run(&["stats"]).code(3);
    assert!(run.stderr.contains("unknown format"), "{run}");
}
