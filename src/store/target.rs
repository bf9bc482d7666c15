//! Finding the event a correction names by seq or by id prefix (DESIGN section 2), inside the
//! transaction that reads or appends: a seq through the `events` table, a prefix as one range
//! of the `ids` table (keyed by the id's `u128`, so the ids that start with a prefix are
//! neighbours).

use super::tables::{EVENTS, IDS};
use super::{Ledger, LookupError, StoreError};
use crate::event::target::{Prefix, TargetRef};
use crate::event::{FieldError, Problem};
use crate::record::Stored;
use redb::{ReadableTable, StorageError};

/// How many of the events an ambiguous prefix matches its error lists by seq.
const LISTED: usize = 5;
/// How many matches of a prefix are counted before the error says "more than".
const COUNTED: usize = 1000;

/// Why no single event was found.
pub(super) enum Failure {
    /// The reference names no event, or several: rejected input.
    Refused(FieldError),
    Storage(StorageError),
    /// A stored event, or the index entry that names it, cannot be read.
    Corrupt(String),
}

impl From<StorageError> for Failure {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Corrupted(detail) => Failure::Corrupt(detail),
            other => Failure::Storage(other),
        }
    }
}

fn refused(message: String, problem: Problem) -> Failure {
    Failure::Refused(FieldError::new("target", message).with_problem(problem))
}

/// The stored event `reference` names, read through `events` and `ids` of one transaction.
pub(super) fn find(
    events: &impl ReadableTable<u64, &'static [u8]>,
    ids: &impl ReadableTable<u128, u64>,
    reference: &TargetRef,
) -> Result<Stored, Failure> {
    let seq = match reference {
        TargetRef::Seq(seq) => *seq,
        TargetRef::Id(id) => match ids.get(id.as_u128())? {
            Some(seq) => seq.value(),
            None => {
                let message = format!("no event has id {id}");
                return Err(refused(message, Problem::NoSuchTarget));
            }
        },
        TargetRef::Prefix(prefix) => by_prefix(ids, prefix)?,
    };
    let Some(bytes) = super::chunk::get(events, seq)? else {
        return Err(match reference {
            TargetRef::Seq(_) => refused(format!("no event has seq {seq}"), Problem::NoSuchTarget),
            TargetRef::Id(_) | TargetRef::Prefix(_) => {
                Failure::Corrupt(format!("the id index names missing event {seq}"))
            }
        });
    };
    let stored = Stored::decode(&bytes)
        .map_err(|e| Failure::Corrupt(format!("event {seq} cannot be read: {e}")))?;
    if stored.seq != seq {
        return Err(super::projections::misplaced(seq, stored.seq).into());
    }
    Ok(stored)
}

/// The seq of the one event whose id starts with `prefix`.
fn by_prefix(ids: &impl ReadableTable<u128, u64>, prefix: &Prefix) -> Result<u64, Failure> {
    let mut seqs = Vec::new();
    for entry in ids.range(prefix.ids())?.take(COUNTED + 1) {
        seqs.push(entry?.1.value());
    }
    let text = prefix.as_str();
    match seqs.as_slice() {
        [] => {
            let seq_hint = if prefix.is_decimal() {
                format!(" (a seq that long is written #{text})")
            } else {
                String::new()
            };
            let message = format!("no event's id starts with {text}{seq_hint}");
            Err(refused(message, Problem::NoSuchTarget))
        }
        [one] => Ok(*one),
        many => {
            let count = if many.len() > COUNTED {
                format!("more than {COUNTED}")
            } else {
                many.len().to_string()
            };
            let mut sorted = many.to_vec();
            sorted.sort_unstable();
            let mut listed: Vec<String> = sorted
                .iter()
                .take(LISTED)
                .map(|s| format!("seq {s}"))
                .collect();
            if sorted.len() > LISTED {
                listed.push("...".into());
            }
            let message = format!(
                "prefix {text} matches {count} events ({}); give more digits",
                listed.join(", ")
            );
            Err(refused(message, Problem::AmbiguousTarget))
        }
    }
}

impl Ledger {
    /// The stored event a correction's `reference` names: for commands that correct an event
    /// and must know its stream before they write. An append resolves references again, in
    /// its own transaction.
    pub fn target(&self, reference: &TargetRef) -> Result<Stored, LookupError> {
        let txn = self.db.begin_read().map_err(self.storage())?;
        let events = txn.open_table(EVENTS).map_err(self.storage())?;
        let ids = txn.open_table(IDS).map_err(self.storage())?;
        find(&events, &ids, reference).map_err(|e| match e {
            Failure::Refused(error) => LookupError::Refused(error),
            Failure::Storage(e) => LookupError::Store(self.storage_error(e)),
            Failure::Corrupt(detail) => LookupError::Store(self.corrupt(&detail)),
        })
    }

    /// The seq of each of `ids` that names a stored event (for listings that show which
    /// event a correction targets).
    pub fn seqs_of(
        &self,
        ids: impl IntoIterator<Item = uuid::Uuid>,
    ) -> Result<std::collections::HashMap<uuid::Uuid, u64>, StoreError> {
        let txn = self.db.begin_read().map_err(self.storage())?;
        let table = txn.open_table(IDS).map_err(self.storage())?;
        let mut out = std::collections::HashMap::new();
        for id in ids {
            if let Some(seq) = table.get(id.as_u128()).map_err(self.storage())? {
                out.insert(id, seq.value());
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AppendError, Line};
    use super::*;
    use crate::event::{Body, parse_line};

    const A: &str = "0190a1b2-0000-7000-8000-00000000000a";
    const B: &str = "0190a1b2-ffff-7000-8000-00000000000b";
    const C: &str = "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41";

    use crate::store::append::for_tests::context as ctx;

    fn append(ledger: &Ledger, lines: &[String]) -> Result<(), AppendError> {
        let lines = lines.iter().enumerate().map(|(i, text)| {
            let submission = parse_line(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            Ok(Line {
                number: i + 1,
                submission,
            })
        });
        ledger.append(lines, &ctx()).map(|_| ())
    }

    /// A ledger with a detection (seq 1) and notes with ids `A`, `B` and `C` (seqs 2 to 4).
    fn ledger(dir: &tempfile::TempDir) -> Ledger {
        let ledger = Ledger::create(&dir.path().join("l.redb")).unwrap();
        let mut lines = vec![
            r#"{"type":"detected","incident":"i","at":"2026-11-25T10:00:00Z","services":["db"]}"#
                .to_string(),
        ];
        for id in [A, B, C] {
            lines.push(format!(
                r#"{{"type":"note","incident":"i","at":"2026-11-25T10:05:00Z","text":"t","id":"{id}"}}"#
            ));
        }
        append(&ledger, &lines).unwrap();
        ledger
    }

    fn retraction(target: &str) -> String {
        format!(
            r#"{{"type":"retracted","incident":"i","at":"2026-11-25T11:00:00Z","target":{target}}}"#
        )
    }

    fn refused(ledger: &Ledger, target: &str) -> (String, Option<Problem>) {
        match append(ledger, &[retraction(target)]) {
            Err(AppendError::Rejected { error, .. }) => {
                (format!("{}: {}", error.field, error.message), error.problem)
            }
            other => panic!("{target}: {other:?}"),
        }
    }

    fn reference(text: &str) -> TargetRef {
        TargetRef::parse(text).unwrap()
    }

    #[test]
    fn finds_an_event_by_seq_by_id_and_by_a_unique_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = ledger(&dir);
        assert_eq!(ledger.target(&reference("#3")).unwrap().id.to_string(), B);
        assert_eq!(ledger.target(&reference(C)).unwrap().seq, 4);
        assert_eq!(ledger.target(&reference("0190c3a2")).unwrap().seq, 4);
        assert_eq!(ledger.target(&reference("0190a1b2-0")).unwrap().seq, 2);
        assert_eq!(ledger.target(&reference("0190a1b2f")).unwrap().seq, 3);
    }

    #[test]
    fn an_append_stores_the_full_id_of_a_target_named_by_seq_or_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = ledger(&dir);
        append(&ledger, &[retraction("2"), retraction("\"0190c3a27b1e\"")]).unwrap();
        let targets: Vec<String> = ledger
            .stream("i")
            .unwrap()
            .iter()
            .filter_map(|s| match &s.event.body {
                Body::Retracted { target, .. } => Some(target.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(targets, [A, C]);
    }

    #[test]
    fn a_reference_that_names_no_single_event_is_refused_naming_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = ledger(&dir);
        assert_eq!(
            refused(&ledger, "99"),
            (
                "target: no event has seq 99".into(),
                Some(Problem::NoSuchTarget)
            )
        );
        assert_eq!(
            refused(&ledger, "\"0190a1b2\""),
            (
                "target: prefix 0190a1b2 matches 2 events (seq 2, seq 3); give more digits".into(),
                Some(Problem::AmbiguousTarget)
            )
        );
        assert_eq!(
            refused(&ledger, "\"deadbeef\"").0,
            "target: no event's id starts with deadbeef"
        );
        assert_eq!(
            refused(&ledger, "\"12345678\"").0,
            "target: no event's id starts with 12345678 (a seq that long is written #12345678)"
        );
        // A full id nobody has is the rules' business, as before.
        let e = refused(&ledger, "\"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f42\"");
        assert_eq!(e.1, Some(Problem::NoSuchTarget));
        assert!(matches!(
            ledger.target(&reference("#99")),
            Err(LookupError::Refused(e)) if e.message == "no event has seq 99"
        ));
    }

    #[test]
    fn an_ambiguous_prefix_lists_a_few_seqs_and_counts_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = ledger(&dir);
        // Ids generated in one millisecond share their first 12 hex digits: the detection's
        // (seq 1) and the notes' (seqs 5 to 11).
        let notes: Vec<String> = (0..7)
            .map(|_| {
                r#"{"type":"note","incident":"i","at":"2026-11-25T10:06:00Z","text":"t"}"#.into()
            })
            .collect();
        append(&ledger, &notes).unwrap();
        let first = ledger.target(&reference("#5")).unwrap().id.to_string();
        let prefix = &first[..13];
        assert_eq!(
            refused(&ledger, &format!("\"{prefix}\"")).0,
            format!(
                "target: prefix {prefix} matches 8 events (seq 1, seq 5, seq 6, seq 7, seq 8, ...); give more digits"
            )
        );
    }
}
