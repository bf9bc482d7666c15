//! `verify`: recompute the hash chain, check that seqs are dense, and that the indexes and the
//! stream states agree with the log.

use super::tables::{EVENTS, IDS, META, STREAM_STATE, STREAMS};
use super::{Head, Ledger, StoreError, decode_head};
use crate::event::rules::{self, StreamState};
use crate::record::{self, Light};
use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata};
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, SyncSender};

/// What `verify` found on a sound ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub events: u64,
    pub streams: u64,
    pub head: Head,
    /// Everything that is wrong, in log order; empty when the ledger is sound.
    pub problems: Vec<Problem>,
}

/// One thing `verify` found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The seq it concerns, when it concerns one event.
    pub seq: Option<u64>,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seq {
            Some(seq) => write!(f, "event {seq}: {}", self.what),
            None => f.write_str(&self.what),
        }
    }
}

impl Ledger {
    /// Checks the whole ledger. Storage failures are errors; inconsistencies are problems.
    ///
    /// One thread reads the log, recomputes the chain and folds the stream states; a second
    /// checks every event against the id and stream indexes, in its own read transaction.
    pub fn verify(&self) -> Result<Report, StoreError> {
        self.verify_with(&|_| {})
    }

    /// [`Ledger::verify`], calling `progress` with the number of events read so far.
    pub fn verify_with(&self, progress: &(dyn Fn(u64) + Sync)) -> Result<Report, StoreError> {
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Indexed>>(64);
            let indexes = scope.spawn(move || self.check_indexes(rx));
            let log = self.check_log(tx, progress);
            let from_indexes = indexes
                .join()
                .map_err(|_| self.corrupt("the index check failed"))??;
            let mut report = log?;
            report.problems.extend(from_indexes);
            report.problems.sort_by_key(|p| p.seq.unwrap_or(u64::MAX));
            Ok(report)
        })
    }

    fn check_log(
        &self,
        indexes: SyncSender<Vec<Indexed>>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Report, StoreError> {
        let txn = self.db.begin_read().map_err(self.storage())?;
        let events = txn.open_table(EVENTS).map_err(self.storage())?;
        let states = txn.open_table(STREAM_STATE).map_err(self.storage())?;
        let meta = txn.open_table(META).map_err(self.storage())?;

        let mut problems = Vec::new();
        let mut problem = |seq: Option<u64>, what: String| problems.push(Problem { seq, what });
        let mut prev = Head {
            seq: 0,
            hash: record::GENESIS,
        };
        let mut folded: HashMap<String, StreamState> = HashMap::new();
        let mut count = 0u64;
        let mut batch = Vec::with_capacity(BATCH);
        for entry in events.iter().map_err(self.storage())? {
            let (key, bytes) = entry.map_err(self.storage())?;
            let seq = key.value();
            count += 1;
            if seq != prev.seq + 1 {
                let what = match seq.checked_sub(prev.seq + 1) {
                    Some(1) => format!("seq {} before it is missing", prev.seq + 1),
                    Some(_) => {
                        format!("seqs {} to {} before it are missing", prev.seq + 1, seq - 1)
                    }
                    None => "is out of order".into(),
                };
                problem(Some(seq), what);
            }
            // The chain proves the content; the light view gives what the indexes need.
            let bytes = bytes.value();
            let (stored, canonical) = match (Light::read(bytes), record::canonical_of(bytes)) {
                (Ok(light), Some(canonical)) => (light, canonical),
                (Err(e), _) => {
                    problem(Some(seq), format!("cannot be read: {e}"));
                    prev.seq = seq;
                    continue;
                }
                (_, None) => {
                    problem(Some(seq), "has no hash".into());
                    prev.seq = seq;
                    continue;
                }
            };
            if stored.seq != seq {
                problem(
                    Some(seq),
                    format!("is stored under seq {seq} but says seq {}", stored.seq),
                );
            }
            let hash = record::chain(&prev.hash, &canonical);
            let stored_hash = record::unhex(&stored.hash);
            if stored_hash != Some(hash) {
                problem(
                    Some(seq),
                    "its hash does not match its content and the chain before it".into(),
                );
            }
            let key = stored.stream_key();
            let state = folded.remove(&key);
            let revision = state.as_ref().map_or(0, |s| s.revision + 1);
            if stored.revision != revision {
                problem(
                    Some(seq),
                    format!("has revision {}, expected {revision}", stored.revision),
                );
            }
            let state = rules::apply_parts(state, &stored.type_name, stored.at, stored.revision);
            batch.push(Indexed {
                seq,
                id: stored.id,
                key: key.clone(),
                revision: stored.revision,
            });
            if batch.len() == BATCH {
                progress(count);
                // A closed channel means the index thread failed; its error is reported on join.
                let _ = indexes.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
            folded.insert(key, state);
            // The chain continues from the hash as stored, so one damaged event is one problem.
            prev = Head {
                seq,
                hash: stored_hash.unwrap_or(hash),
            };
        }
        let _ = indexes.send(batch);
        drop(indexes);

        let stored_head = match meta.get("head").map_err(self.storage())? {
            Some(v) => decode_head(v.value()),
            None => Some(Head {
                seq: 0,
                hash: record::GENESIS,
            }),
        };
        if stored_head != Some(prev) {
            problem(
                None,
                "the recorded head does not match the last event".into(),
            );
        }
        let state_count = states.len().map_err(self.storage())?;
        if state_count != folded.len() as u64 {
            problem(
                None,
                format!(
                    "{state_count} stream states are kept for {} streams",
                    folded.len()
                ),
            );
        }
        for (key, state) in &folded {
            let kept = states.get(key.as_str()).map_err(self.storage())?;
            let kept: Option<StreamState> =
                kept.and_then(|v| serde_json::from_slice(v.value()).ok());
            if kept.as_ref() != Some(state) {
                problem(
                    None,
                    format!("the kept state of stream {key} does not match its events"),
                );
            }
        }
        Ok(Report {
            events: count,
            streams: folded.len() as u64,
            head: prev,
            problems,
        })
    }

    /// Checks that the id and stream indexes send each event's id and (stream, revision) to it,
    /// and hold nothing else.
    fn check_indexes(&self, events: Receiver<Vec<Indexed>>) -> Result<Vec<Problem>, StoreError> {
        let txn = self.db.begin_read().map_err(self.storage())?;
        let ids = txn.open_table(IDS).map_err(self.storage())?;
        let streams = txn.open_table(STREAMS).map_err(self.storage())?;
        let mut problems = Vec::new();
        let mut count = 0u64;
        for e in events.into_iter().flatten() {
            count += 1;
            let what = match ids.get(e.id.as_u128()).map_err(self.storage())? {
                Some(v) if v.value() == e.seq => None,
                Some(v) => Some(format!("the id index sends {} to seq {}", e.id, v.value())),
                None => Some(format!("its id {} is missing from the id index", e.id)),
            };
            problems.extend(what.map(|what| Problem {
                seq: Some(e.seq),
                what,
            }));
            match streams
                .get((e.key.as_str(), e.revision))
                .map_err(self.storage())?
            {
                Some(v) if v.value() == e.seq => {}
                _ => problems.push(Problem {
                    seq: Some(e.seq),
                    what: format!(
                        "the stream index does not send ({}, {}) to it",
                        e.key, e.revision
                    ),
                }),
            }
        }
        let id_count = ids.len().map_err(self.storage())?;
        if id_count != count {
            problems.push(Problem {
                seq: None,
                what: format!("the id index has {id_count} entries for {count} events"),
            });
        }
        let stream_count = streams.len().map_err(self.storage())?;
        if stream_count != count {
            problems.push(Problem {
                seq: None,
                what: format!("the stream index has {stream_count} entries for {count} events"),
            });
        }
        Ok(problems)
    }
}

/// What the index check needs of one event.
struct Indexed {
    seq: u64,
    id: uuid::Uuid,
    key: String,
    revision: u64,
}

/// Events handed to the index thread at a time.
const BATCH: usize = 1024;
