//! An append written in several transactions: the same ledger as one, and nothing written
//! when a line is refused or a bug panics after some of them were committed, even when
//! taking them back fails.
use super::for_tests::{self, context as ctx, lines};
use super::*;

/// 60 incidents of four events each, interleaved so that streams go on across the
/// transactions of a segmented append, and amendments of events written in earlier ones.
fn texts() -> Vec<String> {
    let mut texts = Vec::new();
    for round in 0..4 {
        for i in 0..60 {
            texts.push(match round {
                0 => format!(
                    r#"{{"type":"detected","incident":"i{i}","at":"2026-11-20T03:{:02}:00Z","services":["db","web"]}}"#,
                    i % 60
                ),
                1 => format!(
                    r#"{{"type":"acknowledged","incident":"i{i}","at":"2026-11-20T05:{:02}:00Z"}}"#,
                    i % 60
                ),
                2 => format!(
                    r#"{{"type":"amended","incident":"i{i}","at":"2026-11-20T06:{:02}:00Z","target":{},"set":{{"at":"2026-11-20T04:{:02}:00Z"}},"reason":"clock"}}"#,
                    i % 60,
                    61 + i,
                    i % 60
                ),
                _ => format!(
                    r#"{{"type":"resolved","incident":"i{i}","at":"2026-11-20T07:{:02}:00Z"}}"#,
                    i % 60
                ),
            });
        }
    }
    texts
}

fn export(ledger: &Ledger) -> Vec<u8> {
    let mut out = Vec::new();
    ledger
        .for_each_raw::<StoreError>(|_, bytes| {
            out.extend_from_slice(bytes);
            out.push(b'\n');
            Ok(())
        })
        .unwrap();
    out
}

/// An append written in many transactions leaves exactly the ledger one transaction
/// would: the same bytes, the same projections, a sound ledger.
#[test]
fn an_append_in_several_transactions_is_the_append_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let texts = texts();
    let whole = Ledger::create(&dir.path().join("whole.redb")).unwrap();
    whole.append(lines(&texts), &ctx()).unwrap();
    let mut split = Ledger::create(&dir.path().join("split.redb")).unwrap();
    // 2 KiB: a transaction every five or six events.
    split.set_segment_bytes(2048);
    split.append(lines(&texts), &ctx()).unwrap();
    assert_eq!(split.event_count().unwrap(), 240);
    assert_eq!(export(&split), export(&whole));
    assert_eq!(split.incidents().unwrap(), whole.incidents().unwrap());
    assert_eq!(split.verify().unwrap().problems, Vec::new());

    // And so does an import of the export.
    let exported = export(&whole);
    let mut imported = Ledger::create(&dir.path().join("imported.redb")).unwrap();
    imported.set_segment_bytes(2048);
    let mut chain = record::Chain::default();
    let stored = exported.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    let stored = stored
        .enumerate()
        .map(|(i, l)| Ok((i + 1, chain.read(l).unwrap())));
    assert_eq!(imported.import(stored).unwrap(), 240);
    assert_eq!(export(&imported), exported);
    assert_eq!(imported.verify().unwrap().problems, Vec::new());
}

/// A ledger at `path` holding the first ten lines of [`texts`], set to write appends in
/// transactions of 2 KiB, and its export.
fn ten_events_in_small_transactions(path: &std::path::Path) -> (Ledger, Vec<u8>) {
    let mut ledger = Ledger::create(path).unwrap();
    ledger.append(lines(&texts()[..10]), &ctx()).unwrap();
    let before = export(&ledger);
    ledger.set_segment_bytes(2048);
    (ledger, before)
}

/// The ledger at `path`, closed and opened again: it exports `before` and is sound.
fn reopened_as(ledger: Ledger, path: &std::path::Path, before: &[u8]) -> Ledger {
    assert_eq!(export(&ledger), before);
    drop(ledger);
    let ledger = Ledger::open(
        path,
        std::time::Duration::ZERO,
        crate::store::open::Access::Write,
    )
    .unwrap();
    assert_eq!(export(&ledger), before);
    assert_eq!(ledger.verify().unwrap().problems, Vec::new());
    ledger
}

/// The lines of [`texts`] after its first ten, then one a rule refuses (an incident resolved
/// twice): an append that is refused at its last line, after several transactions.
fn refused_at_the_end() -> Vec<String> {
    let mut texts = texts();
    texts.push(r#"{"type":"resolved","incident":"i0","at":"2026-11-20T08:00:00Z"}"#.into());
    texts.into_iter().skip(10).collect()
}

/// A refused line after several transactions were committed takes them all back: the
/// ledger is as it was, also once it is closed and opened again, and the next append
/// goes on from the old head.
#[test]
fn a_refused_line_after_several_transactions_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.redb");
    let (ledger, before) = ten_events_in_small_transactions(&path);
    let texts = refused_at_the_end();
    let refused = ledger.append(lines(&texts), &ctx());
    match refused {
        Err(AppendError::Rejected { line, .. }) => assert_eq!(line, texts.len()),
        other => panic!("expected a refused line, got {other:?}"),
    }
    let ledger = reopened_as(ledger, &path, &before);
    let next = ledger.append(lines(&texts[..1]), &ctx()).unwrap();
    assert_eq!(next[0].seq, 11);
}

/// Should taking back a refused segmented append fail (its commit meets a full disk), the
/// ledger is abandoned, never closed: closing would make the segments already committed
/// durable. The file is then as a crash leaves it: opened again (a copy, as the abandoned
/// handle keeps its lock until the process ends), it is repaired to the ledger before the
/// append, sound, and the next append goes on from the old head.
#[test]
fn a_failed_take_back_leaves_the_file_as_before_the_append() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.redb");
    let (ledger, before) = ten_events_in_small_transactions(&path);
    let texts = refused_at_the_end();
    for_tests::TAKE_BACK_FAILS.set(true);
    let failed = ledger.append(lines(&texts), &ctx());
    for_tests::TAKE_BACK_FAILS.set(false);
    match failed {
        Err(AppendError::Store(e)) => {
            let said = e.to_string();
            // The refused line and what became of the ledger, not only the failure.
            assert!(said.contains(&format!("line {}:", texts.len())), "{said}");
            assert!(said.contains("injected by a test"), "{said}");
            assert!(said.contains("nothing of the append stays"), "{said}");
        }
        other => panic!("expected the take-back's failure, got {other:?}"),
    }
    // Abandoned: dropping it closes nothing.
    let copy = dir.path().join("copy.redb");
    drop(ledger);
    std::fs::copy(&path, &copy).unwrap();
    let repaired = Ledger::open(
        &copy,
        std::time::Duration::ZERO,
        crate::store::open::Access::Write,
    )
    .unwrap();
    assert_eq!(export(&repaired), before);
    assert_eq!(repaired.verify().unwrap().problems, Vec::new());
    let next = repaired.append(lines(&texts[..1]), &ctx()).unwrap();
    assert_eq!(next[0].seq, 11);
}

/// A panic (a bug) in the middle of a segmented append takes back what was committed
/// before it, so that closing the ledger does not make half an append durable.
#[test]
fn a_panic_after_several_transactions_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.redb");
    let (ledger, before) = ten_events_in_small_transactions(&path);
    let texts: Vec<String> = texts().into_iter().skip(10).collect();
    let panicking = lines(&texts).enumerate().map(|(i, line)| {
        assert!(i < 100, "a bug in the middle of an append");
        line
    });
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ledger.append(panicking, &ctx())
    }));
    assert!(caught.is_err());
    reopened_as(ledger, &path, &before);
}

/// An append that leaves its durability to the close: the events are there after it, and the
/// file was closed cleanly (a read-only open, which refuses a file that needs a repair, reads
/// it).
#[test]
fn an_append_made_durable_by_the_close_is_there_and_the_file_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.redb");
    Ledger::create(&path).unwrap();
    let texts = texts();
    let open = |access| Ledger::open(&path, std::time::Duration::ZERO, access).unwrap();
    let appended = open(crate::store::open::Access::Write)
        .append_and_close(lines(&texts[..3]), &ctx())
        .unwrap();
    assert_eq!(appended.len(), 3);
    let reader = open(crate::store::open::Access::Read);
    assert_eq!(reader.event_count().unwrap(), 3);
    assert_eq!(reader.verify().unwrap().problems, Vec::new());
}
