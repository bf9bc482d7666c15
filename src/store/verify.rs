//! `verify`: recompute the hash chain and check that seqs are dense; in full (the default),
//! also decode every event strictly, and check every index and projection table against a
//! refold of the log, so damage any query could meet is met here first.

use super::projections::{load_stream, project};
use super::tables::{
    CORRECTIONS, EVENTS, IDS, INCIDENTS, META, SERVICE_INCIDENTS, STREAM_STATE, STREAMS,
};
use super::{Head, Ledger, StoreError, decode_head};
use crate::event::rules::{self, StreamState};
use crate::record::{self, Stored};
use redb::{ReadableTable, ReadableTableMetadata};
use std::collections::{BTreeSet, HashMap};
use std::sync::mpsc::{Receiver, SyncSender};

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub events: u64,
    pub streams: u64,
    pub head: Head,
    /// Whether indexes and projections were checked too (not with `--quick`).
    pub full: bool,
    /// Everything that is wrong, in log order; empty when the ledger is sound.
    pub problems: Vec<Problem>,
}

/// One thing `verify` found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The seq it concerns, when it concerns one event.
    pub seq: Option<u64>,
    pub what: String,
    /// It is in what is derived from the log (projections, the corrections index), so
    /// `rebuild` repairs it; the log itself is not at fault.
    pub derived: bool,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seq {
            Some(seq) => write!(f, "event {seq}: {}", self.what),
            None => f.write_str(&self.what),
        }
    }
}

/// How much `verify` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The chain, the seqs and the shape of each stored value: what proves the log.
    Quick,
    /// Also every event decoded strictly, the indexes and every projection table refolded.
    Full,
}

fn problem(seq: Option<u64>, what: impl Into<String>) -> Problem {
    Problem {
        seq,
        what: what.into(),
        derived: false,
    }
}

/// A problem in what `rebuild` derives again from the log.
fn derived(seq: Option<u64>, what: impl Into<String>) -> Problem {
    Problem {
        derived: true,
        ..problem(seq, what)
    }
}

impl Ledger {
    /// Checks the whole ledger. Storage failures are errors; inconsistencies are problems.
    pub fn verify(&self) -> Result<Report, StoreError> {
        self.verify_with(Depth::Full, &|_| {})
    }

    /// [`Ledger::verify`] at `depth`, calling `progress` with the number of events read so far.
    ///
    /// One thread reads the log, recomputes the chain and folds the stream states; in full, a
    /// second checks every event against the id and stream indexes, and a third refolds every
    /// incident and compares it with the projection tables, each in its own read transaction.
    pub fn verify_with(
        &self,
        depth: Depth,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Report, StoreError> {
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Indexed>>(64);
            let full = depth == Depth::Full;
            let indexes = full.then(|| scope.spawn(move || self.check_indexes(rx)));
            let projections = full.then(|| scope.spawn(|| self.check_projections()));
            let mut report = self.check_log(full.then_some(tx), progress)?;
            for thread in [indexes, projections].into_iter().flatten() {
                // A panic in a check thread is raised again here, as it was.
                let found = thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                report.problems.extend(found);
            }
            report.problems.sort_by_key(|p| p.seq.unwrap_or(u64::MAX));
            Ok(report)
        })
    }

    fn check_log(
        &self,
        indexes: Option<SyncSender<Vec<Indexed>>>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Report, StoreError> {
        let full = indexes.is_some();
        let txn = self.db.begin_read().map_err(self.storage())?;
        let events = txn.open_table(EVENTS).map_err(self.storage())?;
        let meta = txn.open_table(META).map_err(self.storage())?;

        let mut problems = Vec::new();
        let mut prev = Head {
            seq: 0,
            hash: record::GENESIS,
        };
        let mut folded: HashMap<String, StreamState> = HashMap::new();
        let mut corrections = Vec::new();
        let mut count = 0u64;
        let mut batch = Vec::with_capacity(BATCH);
        for entry in events.iter().map_err(self.storage())? {
            let (key, bytes) = entry.map_err(self.storage())?;
            let seq = key.value();
            count += 1;
            if count.is_multiple_of(BATCH as u64) {
                progress(count);
            }
            if seq != prev.seq + 1 {
                let what = match seq.checked_sub(prev.seq + 1) {
                    Some(1) => format!("seq {} before it is missing", prev.seq + 1),
                    Some(_) => {
                        format!("seqs {} to {} before it are missing", prev.seq + 1, seq - 1)
                    }
                    None => "is out of order".into(),
                };
                problems.push(problem(Some(seq), what));
            }
            let bytes = bytes.value();
            let Some((canonical, stored_hash)) = record::split(bytes) else {
                problems.push(problem(
                    Some(seq),
                    "does not end with its hash as logbook writes it",
                ));
                prev.seq = seq;
                continue;
            };
            if record::chain(&prev.hash, &canonical) != stored_hash {
                problems.push(problem(
                    Some(seq),
                    "its hash does not match its content and the chain before it",
                ));
            }
            // The chain continues from the hash as stored, so one damaged event is one problem.
            prev = Head {
                seq,
                hash: stored_hash,
            };
            if !full {
                continue;
            }
            let stored = match Stored::decode(bytes) {
                Ok(stored) => stored,
                Err(e) => {
                    problems.push(problem(Some(seq), format!("cannot be read: {e}")));
                    continue;
                }
            };
            if stored.seq != seq {
                problems.push(problem(
                    Some(seq),
                    format!("is stored under seq {seq} but says seq {}", stored.seq),
                ));
            }
            let key = stored.event.stream().key();
            let state = folded.remove(&key);
            let revision = state.as_ref().map_or(0, |s| s.revision + 1);
            if stored.revision != revision {
                problems.push(problem(
                    Some(seq),
                    format!("has revision {}, expected {revision}", stored.revision),
                ));
            }
            if let Some((target, kind)) = super::append::correction_of(&stored.event) {
                corrections.push(((target.as_u128(), seq), kind));
            }
            let state = rules::apply(state, &stored.event, stored.revision);
            batch.push(Indexed {
                seq,
                id: stored.id,
                key: key.clone(),
                revision: stored.revision,
            });
            if batch.len() == BATCH
                && let Some(tx) = &indexes
            {
                // A closed channel means the index thread failed; its error is reported on join.
                let _ = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
            folded.insert(key, state);
        }
        if let Some(tx) = indexes {
            let _ = tx.send(batch);
        }

        let stored_head = match meta.get("head").map_err(self.storage())? {
            Some(v) => decode_head(v.value()),
            None => Some(Head {
                seq: 0,
                hash: record::GENESIS,
            }),
        };
        if stored_head != Some(prev) {
            problems.push(problem(
                None,
                "the recorded head does not match the last event",
            ));
        }
        if full {
            problems.extend(self.check_states(&txn, &folded)?);
            problems.extend(self.check_corrections(&txn, &corrections)?);
        }
        Ok(Report {
            events: count,
            streams: folded.len() as u64,
            head: prev,
            full,
            problems,
        })
    }

    /// Compares the `stream_state` table with the states folded from the log, byte for byte.
    fn check_states(
        &self,
        txn: &redb::ReadTransaction,
        folded: &HashMap<String, StreamState>,
    ) -> Result<Vec<Problem>, StoreError> {
        let states = txn.open_table(STREAM_STATE).map_err(self.storage())?;
        let mut problems = Vec::new();
        let state_count = states.len().map_err(self.storage())?;
        if state_count != folded.len() as u64 {
            problems.push(derived(
                None,
                format!(
                    "{state_count} stream states are kept for {} streams",
                    folded.len()
                ),
            ));
        }
        for (key, state) in folded {
            let expected = serde_json::to_vec(state).map_err(self.storage())?;
            let kept = states.get(key.as_str()).map_err(self.storage())?;
            if kept.as_ref().map(redb::AccessGuard::value) != Some(expected.as_slice()) {
                problems.push(derived(
                    None,
                    format!("the kept state of stream {key} does not match its events"),
                ));
            }
        }
        Ok(problems)
    }

    /// Compares the corrections index with the corrections found in the log.
    fn check_corrections(
        &self,
        txn: &redb::ReadTransaction,
        expected: &[((u128, u64), u8)],
    ) -> Result<Vec<Problem>, StoreError> {
        let table = match txn.open_table(CORRECTIONS) {
            Ok(table) => table,
            // A ledger made before the index existed: it is built by the next write or rebuild.
            Err(redb::TableError::TableDoesNotExist(_)) if expected.is_empty() => {
                return Ok(Vec::new());
            }
            Err(redb::TableError::TableDoesNotExist(_)) => {
                return Ok(vec![derived(None, "the corrections index is missing")]);
            }
            Err(e) => return Err(self.storage_error(e)),
        };
        let mut problems = Vec::new();
        let kept = table.len().map_err(self.storage())?;
        if kept != expected.len() as u64 {
            problems.push(derived(
                None,
                format!(
                    "the corrections index has {kept} entries for {} corrections",
                    expected.len()
                ),
            ));
        }
        for ((target, seq), kind) in expected {
            let found = table.get((*target, *seq)).map_err(self.storage())?;
            if found.map(|v| v.value()) != Some(*kind) {
                problems.push(derived(
                    None,
                    format!("the corrections index does not hold the correction at seq {seq}"),
                ));
            }
        }
        Ok(problems)
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
            problems.extend(what.map(|what| problem(Some(e.seq), what)));
            match streams
                .get((e.key.as_str(), e.revision))
                .map_err(self.storage())?
            {
                Some(v) if v.value() == e.seq => {}
                _ => problems.push(problem(
                    Some(e.seq),
                    format!(
                        "the stream index does not send ({}, {}) to it",
                        e.key, e.revision
                    ),
                )),
            }
        }
        let id_count = ids.len().map_err(self.storage())?;
        if id_count != count {
            problems.push(problem(
                None,
                format!("the id index has {id_count} entries for {count} events"),
            ));
        }
        let stream_count = streams.len().map_err(self.storage())?;
        if stream_count != count {
            problems.push(problem(
                None,
                format!("the stream index has {stream_count} entries for {count} events"),
            ));
        }
        Ok(problems)
    }

    /// Refolds every incident from its events (read through the stream index, which
    /// [`Ledger::check_indexes`] vouches for) and compares the `incidents` and
    /// `service_incidents` tables with the result, byte for byte and entry for entry.
    fn check_projections(&self) -> Result<Vec<Problem>, StoreError> {
        let txn = self.db.begin_read().map_err(self.storage())?;
        let streams = txn.open_table(STREAMS).map_err(self.storage())?;
        let events = txn.open_table(EVENTS).map_err(self.storage())?;
        let incidents = txn.open_table(INCIDENTS).map_err(self.storage())?;
        let by_service = txn.open_table(SERVICE_INCIDENTS).map_err(self.storage())?;
        let mut problems = Vec::new();
        let mut expected_incidents = 0u64;
        let mut expected_pairs: BTreeSet<(String, String)> = BTreeSet::new();
        let mut keys = Vec::new();
        for entry in streams.iter().map_err(self.storage())? {
            let (key, _) = entry.map_err(self.storage())?;
            let (key, revision) = key.value();
            if revision == 0 && !key.starts_with('@') {
                keys.push(key.to_string());
            }
        }
        for key in keys {
            let stream = match load_stream(&streams, &events, &key) {
                Ok(stream) => stream,
                Err(e) => {
                    problems.push(problem(
                        None,
                        format!("incident {key} cannot be refolded: {e}"),
                    ));
                    continue;
                }
            };
            let projected = project(&key, &stream).map_err(self.storage())?;
            let kept = incidents.get(key.as_str()).map_err(self.storage())?;
            let kept = kept.as_ref().map(redb::AccessGuard::value);
            if kept != projected.as_ref().map(|p| p.bytes.as_slice()) {
                problems.push(derived(
                    None,
                    format!("the projection of incident {key} does not match its events"),
                ));
            }
            if let Some(p) = projected {
                expected_incidents += 1;
                expected_pairs.extend(p.services.into_iter().map(|s| (s, key.clone())));
            }
        }
        let kept_incidents = incidents.len().map_err(self.storage())?;
        if kept_incidents != expected_incidents {
            problems.push(derived(
                None,
                format!(
                    "the incidents table holds {kept_incidents} projections for {expected_incidents} incidents"
                ),
            ));
        }
        let mut kept_pairs = BTreeSet::new();
        for entry in by_service.iter().map_err(self.storage())? {
            let (key, _) = entry.map_err(self.storage())?;
            let (service, incident) = key.value();
            kept_pairs.insert((service.to_string(), incident.to_string()));
        }
        for (service, incident) in kept_pairs.symmetric_difference(&expected_pairs) {
            let what = if kept_pairs.contains(&(service.clone(), incident.clone())) {
                "names"
            } else {
                "leaves out"
            };
            problems.push(derived(
                None,
                format!("the service index {what} incident {incident} for service {service}"),
            ));
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
