//! `verify`: recompute the hash chain, check that seqs are dense, and that the indexes and the
//! stream states agree with the log.

use super::tables::{EVENTS, IDS, META, STREAM_STATE, STREAMS};
use super::{Head, Ledger, StoreError, decode_head};
use crate::event::rules::{self, StreamState};
use crate::record::{self, Stored};
use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata};
use std::collections::HashMap;

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
    pub fn verify(&self) -> Result<Report, StoreError> {
        let storage = |e: &dyn std::fmt::Display| StoreError::Storage {
            path: self.path.clone(),
            detail: e.to_string(),
        };
        let txn = self.db.begin_read().map_err(|e| storage(&e))?;
        let events = txn.open_table(EVENTS).map_err(|e| storage(&e))?;
        let ids = txn.open_table(IDS).map_err(|e| storage(&e))?;
        let streams = txn.open_table(STREAMS).map_err(|e| storage(&e))?;
        let states = txn.open_table(STREAM_STATE).map_err(|e| storage(&e))?;
        let meta = txn.open_table(META).map_err(|e| storage(&e))?;

        let mut problems = Vec::new();
        let mut problem = |seq: Option<u64>, what: String| problems.push(Problem { seq, what });
        let mut prev = Head {
            seq: 0,
            hash: record::GENESIS,
        };
        let mut folded: HashMap<String, StreamState> = HashMap::new();
        let mut count = 0u64;
        for entry in events.iter().map_err(|e| storage(&e))? {
            let (key, bytes) = entry.map_err(|e| storage(&e))?;
            let seq = key.value();
            count += 1;
            if seq != prev.seq + 1 {
                let what = if seq == prev.seq + 2 {
                    format!("seq {} before it is missing", prev.seq + 1)
                } else if seq > prev.seq + 2 {
                    format!("seqs {} to {} before it are missing", prev.seq + 1, seq - 1)
                } else {
                    "is out of order".into()
                };
                problem(Some(seq), what);
            }
            let stored = match Stored::decode(bytes.value()) {
                Ok(s) => s,
                Err(e) => {
                    problem(Some(seq), format!("cannot be read: {e}"));
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
            if record::chain(&prev.hash, &stored.canonical()) != stored.hash {
                problem(
                    Some(seq),
                    "its hash does not match its content and the chain before it".into(),
                );
            }
            match ids.get(stored.id.as_u128()).map_err(|e| storage(&e))? {
                Some(v) if v.value() == seq => {}
                Some(v) => problem(
                    Some(seq),
                    format!("the id index sends {} to seq {}", stored.id, v.value()),
                ),
                None => problem(
                    Some(seq),
                    format!("its id {} is missing from the id index", stored.id),
                ),
            }
            let key = stored.event.stream().key();
            let state = folded.remove(&key);
            let revision = state.as_ref().map_or(0, |s| s.revision + 1);
            if stored.revision != revision {
                problem(
                    Some(seq),
                    format!("has revision {}, expected {revision}", stored.revision),
                );
            }
            match streams
                .get((key.as_str(), stored.revision))
                .map_err(|e| storage(&e))?
            {
                Some(v) if v.value() == seq => {}
                _ => problem(
                    Some(seq),
                    format!(
                        "the stream index does not send ({key}, {}) to it",
                        stored.revision
                    ),
                ),
            }
            folded.insert(key, rules::apply(state, &stored.event, stored.revision));
            prev = Head {
                seq,
                hash: stored.hash,
            };
        }

        let id_count = ids.len().map_err(|e| storage(&e))?;
        if id_count != count {
            problem(
                None,
                format!("the id index has {id_count} entries for {count} events"),
            );
        }
        let stream_count = streams.len().map_err(|e| storage(&e))?;
        if stream_count != count {
            problem(
                None,
                format!("the stream index has {stream_count} entries for {count} events"),
            );
        }
        let stored_head = match meta.get("head").map_err(|e| storage(&e))? {
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
        let state_count = states.len().map_err(|e| storage(&e))?;
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
            let kept = states.get(key.as_str()).map_err(|e| storage(&e))?;
            let kept: Option<StreamState> =
                kept.and_then(|v| serde_json::from_slice(v.value()).ok());
            if kept.as_ref() != Some(state) {
                problem(
                    None,
                    format!("the kept state of stream {key} does not match its events"),
                );
            }
        }
        problems.sort_by_key(|p| p.seq.unwrap_or(u64::MAX));
        Ok(Report {
            events: count,
            streams: folded.len() as u64,
            head: prev,
            problems,
        })
    }
}
