//! `verify`: recompute the hash chain and check that seqs are dense; in full (the default),
//! also decode every event strictly, and check every index and projection table against a
//! refold of the log, so damage any query could meet is met here first.

use super::projections::{load_stream, project};
use super::tables::{
    CORRECTIONS, EVENTS, IDS, INCIDENTS, META, SERVICE_INCIDENTS, STREAM_STATE, STREAMS,
};
use super::{Head, Ledger, StoreError, codec, tables};
use crate::event::FieldError;
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
    /// One thread reads the log, recomputes the chain, decodes every event strictly and folds
    /// the stream states; in full, a second checks every event against the id and stream
    /// indexes, and a third refolds every incident from the events the first decoded (handed
    /// over stream by stream, so each event is decoded once) and compares it with the
    /// projection tables, each in its own read transaction. When the log or the indexes are
    /// damaged, the projections are refolded again as queries would read them, through the
    /// stream index, so the report says what a query would meet.
    pub fn verify_with(
        &self,
        depth: Depth,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Report, StoreError> {
        std::thread::scope(|scope| {
            let full = depth == Depth::Full;
            let (index_tx, index_rx) = std::sync::mpsc::sync_channel::<Vec<Indexed>>(64);
            let (refold_tx, refold_rx) = std::sync::mpsc::sync_channel::<Vec<Whole>>(64);
            let indexes = full.then(|| scope.spawn(move || self.check_indexes(index_rx)));
            let refolded = full.then(|| scope.spawn(move || self.check_refolds(refold_rx)));
            let to = full.then_some(Threads {
                indexes: index_tx,
                refold: refold_tx,
            });
            let (mut report, handed_whole) = self.check_log(to, progress)?;
            let log_sound = report.problems.iter().all(|p| p.derived);
            let mut indexes_sound = true;
            if let Some(thread) = indexes {
                let found = join(thread)?;
                indexes_sound = found.is_empty();
                report.problems.extend(found);
            }
            if let Some(thread) = refolded {
                let found = join(thread)?;
                if handed_whole && log_sound && indexes_sound {
                    // Every stream was read whole and in order from a sound log, and the stream
                    // index sends each (stream, revision) to exactly that event: the refold
                    // through the index would have read the very same events.
                    report.problems.extend(found);
                } else {
                    report.problems.extend(self.check_projections()?);
                }
            }
            report.problems.sort_by_key(|p| p.seq.unwrap_or(u64::MAX));
            Ok(report)
        })
    }

    /// Reads the log in seq order. With `to`, also decodes every event strictly (on as many
    /// threads as there are cores, in batches put back in log order), sends what the index
    /// check needs, and hands each incident's events, once its stream is whole, to the refold;
    /// says whether every stream handed over was whole (see [`Pending`]).
    fn check_log(
        &self,
        to: Option<Threads>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<(Report, bool), StoreError> {
        let full = to.is_some();
        let txn = self.db.begin_read().map_err(self.storage())?;
        let events = txn.open_table(EVENTS).map_err(self.storage())?;
        let meta = txn.open_table(META).map_err(self.storage())?;

        let (read, decoded) = match to {
            None => (self.read_log(&events, &[], progress)?, Decoded::default()),
            Some(to) => {
                let ends = self.stream_ends(&txn)?;
                let decoders = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
                std::thread::scope(|scope| {
                    let mut inputs = Vec::with_capacity(decoders);
                    let mut outputs = Vec::with_capacity(decoders);
                    for _ in 0..decoders {
                        let (raw_tx, raw_rx) = std::sync::mpsc::sync_channel::<Vec<Raw>>(4);
                        let (out_tx, out_rx) = std::sync::mpsc::sync_channel::<Vec<Decoding>>(4);
                        scope.spawn(move || {
                            for batch in raw_rx {
                                let decoded: Vec<_> = batch
                                    .into_iter()
                                    .map(|raw| (raw.seq, Stored::decode(&raw.bytes)))
                                    .collect();
                                if out_tx.send(decoded).is_err() {
                                    break;
                                }
                            }
                        });
                        inputs.push(raw_tx);
                        outputs.push(out_rx);
                    }
                    let events = &events;
                    let reader = scope.spawn(move || self.read_log(events, &inputs, progress));
                    let decoded = fold_decoded(&outputs, &to, ends);
                    drop(to);
                    Ok::<_, StoreError>((join(reader)?, decoded))
                })?
            }
        };
        let Decoded {
            problems: decode_problems,
            folded,
            corrections,
            whole,
        } = decoded;
        let Read {
            mut problems,
            count,
            head,
        } = read;
        problems.extend(decode_problems);

        let stored_head = super::recorded_head(&meta).map_err(self.storage())?;
        if stored_head != Some(head) {
            problems.push(problem(
                None,
                "the recorded head does not match the last event",
            ));
        }
        if full {
            problems.extend(self.check_states(&txn, &folded)?);
            problems.extend(self.check_corrections(&txn, &corrections)?);
        }
        Ok((
            Report {
                events: count,
                streams: folded.len() as u64,
                head,
                full,
                problems,
            },
            whole,
        ))
    }

    /// Reads the log in seq order: the seqs, the split into canonical bytes and hash, and the
    /// chain. Sends the bytes of every event that splits, in batches, to `decoders` in turn.
    fn read_log(
        &self,
        events: &redb::ReadOnlyTable<u64, &'static [u8]>,
        decoders: &[SyncSender<Vec<Raw>>],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Read, StoreError> {
        let mut problems = Vec::new();
        let mut prev = Head::default();
        let mut count = 0u64;
        let mut batch = Vec::with_capacity(DECODED);
        let mut turn = 0;
        'log: for entry in events.iter().map_err(self.storage())? {
            let (first, chunk) = entry.map_err(self.storage())?;
            for event in super::chunk::events(first.value(), chunk.value()) {
                let (seq, bytes) = match event {
                    Ok(event) => event,
                    Err(detail) => {
                        // The rest of the chunk cannot be told apart: its seqs read as missing.
                        problems.push(problem(Some(first.value()), detail));
                        break;
                    }
                };
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
                // The chain continues from the hash as stored, so one damaged event is one
                // problem.
                prev = Head {
                    seq,
                    hash: stored_hash,
                };
                if decoders.is_empty() {
                    continue;
                }
                batch.push(Raw {
                    seq,
                    bytes: bytes.to_vec(),
                });
                if batch.len() == DECODED {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(DECODED));
                    if decoders[turn].send(full).is_err() {
                        // The decoded events are no longer read: a check thread failed, and
                        // says so when joined.
                        break 'log;
                    }
                    turn = (turn + 1) % decoders.len();
                }
            }
        }
        if !batch.is_empty() && !decoders.is_empty() {
            let _ = decoders[turn].send(batch);
        }
        Ok(Read {
            problems,
            count,
            head: prev,
        })
    }

    /// The last revision of each stream as the `stream_state` table keeps it: only a hint of
    /// when a stream is whole, checked against the log as it is read.
    fn stream_ends(&self, txn: &redb::ReadTransaction) -> Result<HashMap<String, u64>, StoreError> {
        let states = txn.open_table(STREAM_STATE).map_err(self.storage())?;
        let mut ends = HashMap::new();
        for entry in states.iter().map_err(self.storage())? {
            let (key, state) = entry.map_err(self.storage())?;
            if let Ok(state) = codec::decode_state(state.value()) {
                ends.insert(key.value().to_string(), state.revision);
            }
        }
        Ok(ends)
    }

    /// Compares the `stream_state` table with the states folded from the log, byte for byte.
    fn check_states(
        &self,
        txn: &redb::ReadTransaction,
        folded: &HashMap<String, Folded>,
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
            let expected = state.state.as_ref().map(codec::encode_state);
            let kept = states.get(key.as_str()).map_err(self.storage())?;
            if kept.as_ref().map(redb::AccessGuard::value) != expected.as_deref() {
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
        // Every stream's list, read once (100,000 lists of 80 bytes at a million events).
        let mut lists: HashMap<String, Vec<u64>> = HashMap::new();
        let mut listed = 0u64;
        for entry in streams.iter().map_err(self.storage())? {
            let (key, list) = entry.map_err(self.storage())?;
            let key = key.value().to_string();
            match tables::seqs(list.value()) {
                Some(seqs) => {
                    let seqs: Vec<u64> = seqs.collect();
                    listed += seqs.len() as u64;
                    lists.insert(key, seqs);
                }
                None => problems.push(problem(
                    None,
                    format!("the stream index entry of {key} is not a list of seqs"),
                )),
            }
        }
        let mut count = 0u64;
        for e in events.into_iter().flatten() {
            count += 1;
            let what = match ids.get(e.id.as_u128()).map_err(self.storage())? {
                Some(v) if v.value() == e.seq => None,
                Some(v) => Some(format!("the id index sends {} to seq {}", e.id, v.value())),
                None => Some(format!("its id {} is missing from the id index", e.id)),
            };
            problems.extend(what.map(|what| problem(Some(e.seq), what)));
            let listed_seq = usize::try_from(e.revision)
                .ok()
                .and_then(|r| lists.get(&e.key)?.get(r).copied());
            match listed_seq {
                Some(seq) if seq == e.seq => {}
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
        if listed != count {
            problems.push(problem(
                None,
                format!("the stream index has {listed} entries for {count} events"),
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
        let mut refolds = Refolds::open(self, &txn)?;
        let mut keys = Vec::new();
        for entry in streams.iter().map_err(self.storage())? {
            let (key, _) = entry.map_err(self.storage())?;
            let key = key.value();
            if !key.starts_with('@') {
                keys.push(key.to_string());
            }
        }
        for key in keys {
            match load_stream(&streams, &events, &key) {
                Ok(stream) => {
                    if !refolds.compare(self, &key, &stream)? {
                        refolds.problems.push(unmatched(&key));
                    }
                }
                Err(e) => refolds.problems.push(problem(
                    None,
                    format!("incident {key} cannot be refolded: {e}"),
                )),
            }
        }
        refolds.finish(self)
    }

    /// [`Ledger::check_projections`] from the incidents' events as the log check decoded
    /// them, handed over whole; each incident is compared as it arrives, and its problems are
    /// reported in key order as [`Ledger::check_projections`] reports them.
    fn check_refolds(&self, streams: Receiver<Vec<Whole>>) -> Result<Vec<Problem>, StoreError> {
        let txn = self.db.begin_read().map_err(self.storage())?;
        let mut refolds = Refolds::open(self, &txn)?;
        let mut mismatched = BTreeSet::new();
        for whole in streams.into_iter().flatten() {
            if !refolds.compare(self, &whole.key, &whole.events)? {
                mismatched.insert(whole.key);
            }
        }
        refolds
            .problems
            .extend(mismatched.iter().map(|key| unmatched(key)));
        refolds.finish(self)
    }
}

/// The projection tables and what a refold of every incident expects of them.
struct Refolds<'t> {
    incidents: redb::ReadOnlyTable<&'static str, &'static [u8]>,
    by_service: redb::ReadOnlyTable<(&'static str, &'static str), ()>,
    problems: Vec<Problem>,
    expected_incidents: u64,
    expected_pairs: BTreeSet<(String, String)>,
    _txn: std::marker::PhantomData<&'t redb::ReadTransaction>,
}

impl<'t> Refolds<'t> {
    fn open(ledger: &Ledger, txn: &'t redb::ReadTransaction) -> Result<Refolds<'t>, StoreError> {
        Ok(Refolds {
            incidents: txn.open_table(INCIDENTS).map_err(ledger.storage())?,
            by_service: txn
                .open_table(SERVICE_INCIDENTS)
                .map_err(ledger.storage())?,
            problems: Vec::new(),
            expected_incidents: 0,
            expected_pairs: BTreeSet::new(),
            _txn: std::marker::PhantomData,
        })
    }

    /// Whether the kept projection of incident `key` is the fold of its whole `stream`.
    fn compare(
        &mut self,
        ledger: &Ledger,
        key: &str,
        stream: &[Stored],
    ) -> Result<bool, StoreError> {
        let projected = project(key, stream);
        let kept = self.incidents.get(key).map_err(ledger.storage())?;
        let kept = kept.as_ref().map(redb::AccessGuard::value);
        let matched = kept == projected.as_ref().map(|p| p.bytes.as_slice());
        if let Some(p) = projected {
            self.expected_incidents += 1;
            self.expected_pairs
                .extend(p.services.into_iter().map(|s| (s, key.to_string())));
        }
        Ok(matched)
    }

    /// Compares the number of projections and the service index with the refolds.
    fn finish(mut self, ledger: &Ledger) -> Result<Vec<Problem>, StoreError> {
        let kept_incidents = self.incidents.len().map_err(ledger.storage())?;
        let expected_incidents = self.expected_incidents;
        if kept_incidents != expected_incidents {
            self.problems.push(derived(
                None,
                format!(
                    "the incidents table holds {kept_incidents} projections for {expected_incidents} incidents"
                ),
            ));
        }
        let mut kept_pairs = BTreeSet::new();
        for entry in self.by_service.iter().map_err(ledger.storage())? {
            let (key, _) = entry.map_err(ledger.storage())?;
            let (service, incident) = key.value();
            kept_pairs.insert((service.to_string(), incident.to_string()));
        }
        for (service, incident) in kept_pairs.symmetric_difference(&self.expected_pairs) {
            let what = if kept_pairs.contains(&(service.clone(), incident.clone())) {
                "names"
            } else {
                "leaves out"
            };
            self.problems.push(derived(
                None,
                format!("the service index {what} incident {incident} for service {service}"),
            ));
        }
        Ok(self.problems)
    }
}

/// Takes the decoded events back in log order (batches from `decoders` in turn, as
/// [`Ledger::read_log`] dealt them) and checks what decoding shows: that each event reads
/// strictly, says its own seq, and has the next revision of its stream; folds the stream
/// states, sends what the index check needs and hands whole incidents to the refold.
fn fold_decoded(
    decoders: &[Receiver<Vec<Decoding>>],
    to: &Threads,
    mut ends: HashMap<String, u64>,
) -> Decoded {
    let mut out = Decoded {
        whole: true,
        ..Decoded::default()
    };
    let mut wholes: Vec<Whole> = Vec::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut turn = 0;
    while let Ok(decoded) = decoders[turn].recv() {
        turn = (turn + 1) % decoders.len();
        for (seq, stored) in decoded {
            let stored = match stored {
                Ok(stored) => stored,
                Err(e) => {
                    out.problems
                        .push(problem(Some(seq), format!("cannot be read: {e}")));
                    continue;
                }
            };
            if stored.seq != seq {
                out.problems.push(problem(
                    Some(seq),
                    format!("is stored under seq {seq} but says seq {}", stored.seq),
                ));
            }
            let key = stored.event.stream().key();
            let stream = match out.folded.get_mut(&key) {
                Some(stream) => stream,
                None => {
                    let end = ends.remove(&key);
                    out.folded.entry(key.clone()).or_insert(Folded {
                        state: None,
                        pending: Pending::Collecting(Vec::new(), end),
                    })
                }
            };
            let revision = stream.state.as_ref().map_or(0, |s| s.revision + 1);
            if stored.revision != revision {
                out.problems.push(problem(
                    Some(seq),
                    format!("has revision {}, expected {revision}", stored.revision),
                ));
            }
            if let Some((target, kind)) = super::append::correction_of(&stored.event) {
                out.corrections.push(((target.as_u128(), seq), kind));
            }
            stream.state = Some(rules::apply(
                stream.state.take(),
                &stored.event,
                stored.revision,
            ));
            batch.push(Indexed {
                seq,
                id: stored.id,
                key: key.clone(),
                revision: stored.revision,
            });
            if batch.len() == BATCH {
                // A closed channel means the index thread failed; its error is reported on join.
                let _ = to
                    .indexes
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
            if !out.whole || key.starts_with('@') {
                continue;
            }
            match &mut stream.pending {
                Pending::Collecting(events, end) => {
                    let last = *end == Some(stored.revision);
                    events.push(stored);
                    if last {
                        wholes.push(Whole {
                            key,
                            events: std::mem::take(events),
                        });
                        stream.pending = Pending::Handed;
                        if wholes.len() == HANDED {
                            let _ = to.refold.send(std::mem::take(&mut wholes));
                        }
                    }
                }
                Pending::Handed => {
                    // The stream went on past the end its kept state names (which the state
                    // check reports): what was handed over was not the whole stream.
                    out.whole = false;
                    for stream in out.folded.values_mut() {
                        stream.pending = Pending::Handed;
                    }
                }
            }
        }
    }
    let _ = to.indexes.send(batch);
    if out.whole {
        // Streams whose kept state names no end, or a later one, end with the log.
        for (key, stream) in &mut out.folded {
            if let Pending::Collecting(events, _) = &mut stream.pending
                && !events.is_empty()
            {
                wholes.push(Whole {
                    key: key.clone(),
                    events: std::mem::take(events),
                });
            }
        }
        let _ = to.refold.send(wholes);
    }
    out
}

/// What [`Ledger::read_log`] found.
struct Read {
    problems: Vec<Problem>,
    count: u64,
    head: Head,
}

/// One event as a decoding thread read it: its seq, and what it holds or why it cannot be read.
type Decoding = (u64, Result<Stored, FieldError>);

/// One stored value on its way to be decoded.
struct Raw {
    seq: u64,
    bytes: Vec<u8>,
}

/// What [`fold_decoded`] found.
#[derive(Default)]
struct Decoded {
    problems: Vec<Problem>,
    folded: HashMap<String, Folded>,
    corrections: Vec<((u128, u64), u8)>,
    /// Whether every stream handed to the refold was whole.
    whole: bool,
}

/// The threads the log check feeds in a full verify.
struct Threads {
    indexes: SyncSender<Vec<Indexed>>,
    refold: SyncSender<Vec<Whole>>,
}

/// One stream as the log check folds it.
struct Folded {
    state: Option<StreamState>,
    pending: Pending,
}

/// Where an incident's decoded events are on their way to the refold.
enum Pending {
    /// Its events so far, in log order, and the revision its kept state says is its last (a
    /// hint only: when the log goes on past it, the refold's result is not used).
    Collecting(Vec<Stored>, Option<u64>),
    /// Handed over.
    Handed,
}

/// One incident's whole stream, in log order.
struct Whole {
    key: String,
    events: Vec<Stored>,
}

/// Incidents handed to the refold at a time.
const HANDED: usize = 64;

/// The projection of incident `key` differs from its refold.
fn unmatched(key: &str) -> Problem {
    derived(
        None,
        format!("the projection of incident {key} does not match its events"),
    )
}

/// Joins a check thread; a panic in it is raised again here, as it was.
fn join<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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

/// Events handed to a decoding thread at a time.
const DECODED: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::append::for_tests::{context, lines};

    /// The demo ledger, as the CLI tests seed it.
    fn seeded(dir: &std::path::Path) -> Ledger {
        let ledger = Ledger::create(&dir.join("l.redb")).unwrap();
        let texts: Vec<&str> = include_str!("../demo/sononaco.jsonl").lines().collect();
        ledger.append(lines(&texts), &context()).unwrap();
        ledger
    }

    /// What a full verify of `ledger` finds, each problem as it says it.
    fn problems(ledger: &Ledger) -> Vec<String> {
        let report = ledger.verify().unwrap();
        report.problems.iter().map(|p| p.what.clone()).collect()
    }

    /// Replaces the stream index's list of stream `key` with `list`.
    fn set_list(ledger: &Ledger, key: &str, list: &[u8]) {
        let txn = ledger.begin_write().unwrap();
        txn.open_table(STREAMS).unwrap().insert(key, list).unwrap();
        txn.commit().unwrap();
    }

    #[test]
    fn a_damaged_stream_list_is_named_and_every_reader_refuses_it() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = seeded(dir.path());
        let key = "2011-06-16-upstream-routing";
        let good = ledger.stream(key).unwrap();
        let seqs: Vec<u64> = good.iter().map(|s| s.seq).collect();
        let bytes = tables::seqs_value;
        assert_eq!(problems(&ledger), Vec::<String>::new());

        // Not a whole number of seqs: verify names it, a query is told the ledger is corrupt.
        let mut torn = bytes(&seqs);
        torn.pop();
        set_list(&ledger, key, &torn);
        assert!(
            problems(&ledger).contains(&format!(
                "the stream index entry of {key} is not a list of seqs"
            )),
            "{:?}",
            problems(&ledger)
        );
        assert!(ledger.stream(key).is_err());

        // Two seqs swapped: each event's revision points at the other.
        let mut swapped = seqs.clone();
        swapped.swap(0, 1);
        set_list(&ledger, key, &bytes(&swapped));
        let found = problems(&ledger);
        assert!(
            found
                .iter()
                .any(|p| p.contains(&format!("does not send ({key}, 0)"))),
            "{found:?}"
        );

        // One seq too many: counted.
        let mut longer = seqs.clone();
        longer.push(seqs[0]);
        set_list(&ledger, key, &bytes(&longer));
        let found = problems(&ledger);
        assert!(found.iter().any(|p| p.contains("entries for")), "{found:?}");

        set_list(&ledger, key, &bytes(&seqs));
        assert_eq!(problems(&ledger), Vec::<String>::new());
    }

    /// Takes the `events` table's chunk stored under `first` out, lets `edit` change its bytes,
    /// and stores it under `to`.
    fn move_chunk(ledger: &Ledger, first: u64, to: u64, edit: impl FnOnce(&mut Vec<u8>)) {
        let txn = ledger.begin_write().unwrap();
        {
            let mut events = txn.open_table(EVENTS).unwrap();
            let mut chunk = events.remove(first).unwrap().unwrap().value().to_vec();
            edit(&mut chunk);
            events.insert(to, chunk.as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }

    /// The framing of the log's chunks is not hashed: a chunk stored under another seq, or
    /// cut short, is met by verify and refused by every read by seq.
    #[test]
    fn damaged_chunk_framing_is_named_and_reads_refuse_it() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = seeded(dir.path());
        let key = "2011-06-16-upstream-routing";
        assert_eq!(problems(&ledger), Vec::<String>::new());
        let first = ledger.stream(key).unwrap()[0].seq;
        let txn = ledger.db.begin_read().unwrap();
        let chunk_first = txn
            .open_table(EVENTS)
            .unwrap()
            .range(..=first)
            .unwrap()
            .next_back()
            .unwrap()
            .unwrap()
            .0
            .value();
        drop(txn);

        // Stored one seq later: every event of it sits one place off.
        move_chunk(&ledger, chunk_first, chunk_first + 1, |_| {});
        let found = problems(&ledger);
        assert!(!found.is_empty());
        assert!(
            found.iter().any(|p| p.contains("before it is missing")),
            "{found:?}"
        );
        let err = ledger.stream(key).unwrap_err().to_string();
        assert!(
            err.contains("holds event") || err.contains("missing"),
            "{err}"
        );
        move_chunk(&ledger, chunk_first + 1, chunk_first, |_| {});
        assert_eq!(problems(&ledger), Vec::<String>::new());

        // Cut short: the events after the cut are missing, and verify says why.
        let mut whole = Vec::new();
        move_chunk(&ledger, chunk_first, chunk_first, |c| {
            whole.clone_from(c);
            c.truncate(c.len() - 3);
        });
        let found = problems(&ledger);
        assert!(
            found.iter().any(|p| p.contains("cut short or misframed")),
            "{found:?}"
        );
        move_chunk(&ledger, chunk_first, chunk_first, |c| c.clone_from(&whole));
        assert_eq!(problems(&ledger), Vec::<String>::new());

        // An empty chunk among the others: readers of later seqs would stop at it.
        let set_empty = |present: bool| {
            let txn = ledger.begin_write().unwrap();
            {
                let mut events = txn.open_table(EVENTS).unwrap();
                if present {
                    events.insert(first + 1, &[][..]).unwrap();
                } else {
                    events.remove(first + 1).unwrap();
                }
            }
            txn.commit().unwrap();
        };
        set_empty(true);
        let found = problems(&ledger);
        assert!(found.iter().any(|p| p.contains("is empty")), "{found:?}");
        let later = crate::event::TargetRef::Seq(first + 2);
        assert!(ledger.target(&later).is_err());
        set_empty(false);
        assert_eq!(problems(&ledger), Vec::<String>::new());
    }

    /// Sets the kept state of stream `key` to say `revision` is its last (`None`: removes it);
    /// gives back the bytes it held.
    fn set_end(ledger: &Ledger, key: &str, revision: Option<u64>) -> Vec<u8> {
        let txn = ledger.begin_write().unwrap();
        let old = {
            let mut states = txn.open_table(STREAM_STATE).unwrap();
            let old = states.get(key).unwrap().unwrap().value().to_vec();
            match revision {
                Some(revision) => {
                    let mut state = codec::decode_state(&old).unwrap();
                    state.revision = revision;
                    let new = codec::encode_state(&state);
                    states.insert(key, new.as_slice()).unwrap();
                }
                None => {
                    states.remove(key).unwrap();
                }
            }
            old
        };
        txn.commit().unwrap();
        old
    }

    fn restore(ledger: &Ledger, key: &str, state: &[u8]) {
        let txn = ledger.begin_write().unwrap();
        txn.open_table(STREAM_STATE)
            .unwrap()
            .insert(key, state)
            .unwrap();
        txn.commit().unwrap();
    }

    fn projection_problems(report: &Report) -> Vec<String> {
        report
            .problems
            .iter()
            .filter(|p| p.what.contains("incident"))
            .map(ToString::to_string)
            .collect()
    }

    /// Whatever the kept stream states say of where streams end, the refold from the decoded
    /// log reports exactly what the refold through the stream index reports.
    #[test]
    fn the_refold_from_the_log_reports_what_the_refold_through_the_index_does() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = seeded(dir.path());
        assert!(ledger.verify().unwrap().problems.is_empty());
        let keys: Vec<String> = ledger
            .incidents()
            .unwrap()
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert!(keys.len() >= 3, "{keys:?}");
        // One projection edited, so both refolds have something to find.
        let txn = ledger.begin_write().unwrap();
        {
            let mut incidents = txn.open_table(INCIDENTS).unwrap();
            let mut edited =
                codec::decode_incident(incidents.get(keys[1].as_str()).unwrap().unwrap().value())
                    .unwrap();
            edited.events += 10;
            let new = codec::encode_incident(&edited);
            incidents.insert(keys[1].as_str(), new.as_slice()).unwrap();
        }
        txn.commit().unwrap();
        let cases = [
            (keys[0].as_str(), Some(0)),      // ends too early: the hint breaks
            (keys[1].as_str(), None),         // no end known: handed over with the log's end
            (keys[2].as_str(), Some(10_000)), // ends later than the log
        ];
        for (key, end) in cases {
            let kept = set_end(&ledger, key, end);
            let report = ledger.verify().unwrap();
            let through_index: Vec<String> = ledger
                .check_projections()
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(projection_problems(&report), through_index, "{key} {end:?}");
            assert!(
                through_index
                    .iter()
                    .any(|p| p.contains(&format!("incident {} does not match", keys[1]))),
                "{through_index:?}"
            );
            assert!(
                report.problems.iter().any(|p| p.what
                    == format!("the kept state of stream {key} does not match its events")
                    || p.what.contains("stream states are kept")),
                "{:?}",
                report.problems
            );
            restore(&ledger, key, &kept);
        }
    }
}
