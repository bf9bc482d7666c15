//! The writer's own tests: streams let go of and taken back within one append, generated ids.
use super::*;
use crate::event::parse_line;
use crate::store::Ledger;
use crate::store::append::for_tests::{context, lines};

/// One append that touches more streams than the writer keeps: the first incident's
/// stream is folded and its seq list written out before its second event arrives, which
/// must read both back (its events, its list, its projection) and leave a sound ledger.
#[test]
fn a_stream_let_go_within_one_append_takes_its_later_events() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::create(&dir.path().join("l.redb")).unwrap();
    let ctx = context();
    let detected = |i: usize| {
        format!(
            r#"{{"type":"detected","incident":"i{i}","at":"2026-11-20T03:00:00Z","services":["db"]}}"#
        )
    };
    let mut texts: Vec<String> = (0..PENDING_STREAMS + 10).map(detected).collect();
    texts.push(r#"{"type":"resolved","incident":"i0","at":"2026-11-20T04:00:00Z"}"#.into());
    texts.push(r#"{"type":"note","incident":"i0","at":"2026-11-20T05:00:00Z","text":"t"}"#.into());
    ledger.append(lines(&texts), &ctx).unwrap();
    let stream = ledger.stream("i0").unwrap();
    let revisions: Vec<u64> = stream.iter().map(|s| s.revision).collect();
    assert_eq!(revisions, [0, 1, 2]);
    let incident = ledger.incident("i0").unwrap().unwrap();
    assert_eq!(incident.events, 3);
    assert!(incident.resolved.is_some());
    assert_eq!(ledger.verify().unwrap().problems, Vec::new());
}

/// An append that lets go of every incident twice (its first event, then its second,
/// more incidents apart than the writer keeps): the folds done on the folding thread,
/// in batches, are written in order, and the projections equal a refold of the log.
#[test]
fn incidents_let_go_of_twice_are_projected_from_their_whole_streams() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::create(&dir.path().join("l.redb")).unwrap();
    let ctx = context();
    let incidents = 2 * PENDING_STREAMS + 300;
    let mut texts: Vec<String> = (0..incidents)
        .map(|i| {
            format!(
                r#"{{"type":"detected","incident":"i{i}","at":"2026-11-20T03:00:00Z","services":["s{}"]}}"#,
                i % 7
            )
        })
        .collect();
    texts.extend((0..incidents).map(|i| {
        format!(r#"{{"type":"resolved","incident":"i{i}","at":"2026-11-20T04:00:00Z"}}"#)
    }));
    ledger.append(lines(&texts), &ctx).unwrap();
    let all = ledger.incidents().unwrap();
    assert_eq!(all.len(), incidents);
    assert!(all.iter().all(|i| i.events == 2 && i.resolved.is_some()));
    assert_eq!(
        ledger.incidents_of("s3").unwrap().len(),
        incidents.div_ceil(7) - 1
    );
    assert_eq!(ledger.verify().unwrap().problems, Vec::new());
}

/// A writer's id may equal the id logbook would generate later (under a fixed clock the
/// generator is reproducible): the generated one then moves aside, and the ledger stays
/// sound.
#[test]
fn a_generated_id_never_takes_a_stored_one() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::create(&dir.path().join("l.redb")).unwrap();
    let now = crate::event::time::parse_instant("2026-11-25T12:00:00Z").unwrap();
    let ctx = AppendContext { now, ..context() };
    let taken = record::new_id(now, &record::GENESIS, 1, 0);
    let txn = ledger.begin_write().unwrap();
    let appended = {
        let mut w = Writer::new(&txn).unwrap();
        // As if an earlier event already held the id the generator gives first.
        w.ids.insert(taken.as_u128(), 99).unwrap();
        let line = |text: &str| Line {
            number: 1,
            submission: parse_line(text).unwrap(),
        };
        let first = line(
            r#"{"type":"detected","incident":"i","at":"2026-11-25T11:00:00Z","services":["db"]}"#,
        );
        let appended = w.admit(first, &ctx).ok().unwrap();
        // The taken id keeps its entry, and the generated one has its own.
        let seq_of = |id: Uuid| w.ids.get(id.as_u128()).unwrap().map(|v| v.value());
        assert_eq!(seq_of(taken), Some(99));
        assert_eq!(seq_of(appended.id), Some(1));
        appended
    };
    assert_ne!(appended.id, taken);
    assert_eq!(appended.id, record::new_id(now, &record::GENESIS, 1, 1));
}
