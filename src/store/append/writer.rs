//! The writer inside one append transaction: the tables it writes, what it keeps in memory
//! between the lines of one append (stream states, pending streams, seq lists, standings),
//! and the checks each line passes before it is sealed and stored.

use super::folder::Folder;
use super::tail::Tail;
use super::{AppendContext, Appended, Line, correction_of};
use crate::event::rules::{self, Standing, StreamState};
use crate::event::{Body, Event, FieldError, Submission, TargetRef};
use crate::projection::incident;
use crate::record::{self, Stored};
use crate::store::projections::{Projections, load_events, load_stream, stream_seqs};
use crate::store::tables::{CORRECTIONS, EVENTS, IDS, META, STREAM_STATE, STREAMS};
use crate::store::{AppendError, Head, StoreError};
use redb::{ReadableTable, Table, WriteTransaction};
use std::collections::{HashMap, VecDeque};
use time::OffsetDateTime;
use uuid::Uuid;

/// A failure inside the transaction, before the line number is attached.
pub(super) enum WriteError {
    Field(FieldError),
    Storage(String),
    /// Stored bytes that cannot be read back: the file was damaged.
    Corrupt(String),
}

impl From<FieldError> for WriteError {
    fn from(e: FieldError) -> Self {
        WriteError::Field(e)
    }
}

impl From<redb::StorageError> for WriteError {
    fn from(e: redb::StorageError) -> Self {
        match e {
            redb::StorageError::Corrupted(detail) => WriteError::Corrupt(detail),
            other => WriteError::Storage(other.to_string()),
        }
    }
}

impl From<crate::store::target::Failure> for WriteError {
    fn from(e: crate::store::target::Failure) -> Self {
        match e {
            crate::store::target::Failure::Refused(error) => WriteError::Field(error),
            crate::store::target::Failure::Storage(e) => e.into(),
            crate::store::target::Failure::Corrupt(detail) => WriteError::Corrupt(detail),
        }
    }
}

impl WriteError {
    pub(super) fn at_line(self, line: usize, path: &std::path::Path) -> AppendError {
        let path = path.to_path_buf();
        match self {
            WriteError::Field(error) => AppendError::Rejected { line, error },
            WriteError::Storage(detail) => {
                AppendError::Store(crate::store::open::storage(&path, detail))
            }
            WriteError::Corrupt(detail) => AppendError::Store(StoreError::Corrupt { path, detail }),
        }
    }
}

pub(super) struct Writer<'t> {
    events: Table<'t, u64, &'static [u8]>,
    ids: Table<'t, u128, u64>,
    streams: Table<'t, &'static str, &'static [u8]>,
    corrections: Table<'t, (u128, u64), u8>,
    states: Table<'t, &'static str, &'static [u8]>,
    pub(super) meta: Table<'t, &'static str, &'static [u8]>,
    projections: Projections<'t>,
    /// Everything else the writer keeps between lines.
    pub(super) m: Memory,
    /// Bytes of events stored since this writer was opened on its transaction.
    pub(super) written: usize,
}

/// What a writer keeps in memory between the lines of one append, carried from one
/// transaction to the next when a large append is written in several (see
/// [`Ledger::write_lines`](crate::store::Ledger)): everything but the table handles.
#[derive(Default)]
pub(super) struct Memory {
    /// The whole seq list of the streams this transaction appends to (written to `streams`
    /// when the stream leaves `pending`, or at the end: one value per stream).
    seqs: HashMap<String, Vec<u64>>,
    /// Stream states touched by this transaction (written to `states` at the end).
    touched: HashMap<String, StreamState>,
    /// Incidents whose projection must be folded again, with their whole stream in memory so
    /// nothing is decoded twice. Bounded: the oldest are folded and dropped when it is full.
    pending: HashMap<String, Vec<Stored>>,
    pending_order: VecDeque<String>,
    /// Incidents' standings for the rules, while they hold (see [`Writer::put`]).
    standings: HashMap<String, Option<Standing>>,
    /// Services named by this transaction's events (the service index is written at its end).
    named: std::collections::HashSet<String>,
    /// Known services by folded name (see [`Writer::known_folded`]).
    known: Option<HashMap<String, String>>,
    pub(super) head: Head,
    /// Folds the projections of the incidents let go of, once there are that many.
    folder: Option<Folder>,
    /// The last chunk of the log, which this transaction's events are added to.
    tail: Option<Tail>,
}

/// How many incidents' streams an append keeps in memory before folding the oldest.
const PENDING_STREAMS: usize = 4096;

impl<'t> Writer<'t> {
    pub(super) fn new(txn: &'t WriteTransaction) -> Result<Writer<'t>, redb::TableError> {
        Writer::resume(txn, Memory::default())
    }

    /// A writer on `txn` that goes on from where an earlier one left off.
    pub(super) fn resume(
        txn: &'t WriteTransaction,
        m: Memory,
    ) -> Result<Writer<'t>, redb::TableError> {
        Ok(Writer {
            events: txn.open_table(EVENTS)?,
            ids: txn.open_table(IDS)?,
            streams: txn.open_table(STREAMS)?,
            corrections: txn.open_table(CORRECTIONS)?,
            states: txn.open_table(STREAM_STATE)?,
            meta: txn.open_table(META)?,
            projections: Projections::open(txn)?,
            m,
            written: 0,
        })
    }

    /// Lets go of the transaction, keeping what the next writer needs.
    pub(super) fn suspend(self) -> Memory {
        self.m
    }

    pub(super) fn admit(
        &mut self,
        line: Line,
        ctx: &AppendContext,
    ) -> Result<Appended, WriteError> {
        let mut submission = line.submission;
        self.resolve_target(&mut submission)?;
        let Submission {
            mut event,
            id,
            expected_revision,
            ..
        } = submission;
        let actor_given = event.actor.is_some();
        if !actor_given {
            event.actor = Some(ctx.actor.clone());
        }
        if let Some(id) = id
            && let Some(existing) = self.find(id)?
        {
            return if same_content(&existing.event, &event, actor_given) {
                Ok(Appended::of(&existing, true))
            } else {
                Err(FieldError::new(
                    "id",
                    format!(
                        "event {id} is already stored (seq {}) with other content",
                        existing.seq
                    ),
                )
                .with_problem(crate::event::Problem::IdReused)
                .into())
            };
        }
        let key = event.stream().key();
        let state = self.state(&key)?;
        if state.is_none() && !self.m.pending.contains_key(&key) {
            // A stream without a state has no events yet: nothing to read back.
            self.hold(&key, Vec::new())?;
        }
        if let Some(expected) = expected_revision {
            let actual = state.as_ref().map(|s| s.revision);
            if actual != Some(expected) {
                let now = actual.map_or("has no events yet".to_string(), |r| {
                    format!("is at revision {r}")
                });
                return Err(FieldError::new(
                    "expected_revision",
                    format!("{} {now}, not {expected}", event.stream()),
                )
                .with_problem(crate::event::Problem::StaleRevision)
                .into());
            }
        }
        let amended = self.check(state.as_ref(), &event, ctx.now, ctx.force)?;
        self.check_names(amended.as_ref().unwrap_or(&event), ctx)?;
        let seq = self.m.head.seq + 1;
        let revision = state.as_ref().map_or(0, |s| s.revision + 1);
        let (id, indexed) = match id {
            Some(id) => (id, false),
            None => (self.fresh_id(ctx.now, seq)?, true),
        };
        let (stored, bytes) = Stored::seal(seq, id, revision, ctx.now, event, &self.m.head.hash);
        let appended = Appended::of(&stored, false);
        self.put(key, state, stored, &bytes, indexed)?;
        Ok(appended)
    }

    /// Fills in the full id of a correction's target named by seq or id prefix (DESIGN
    /// section 2), so that idempotency, the rules and the stored event see only ids.
    fn resolve_target(&mut self, submission: &mut Submission) -> Result<(), WriteError> {
        match submission.target.take() {
            None | Some(TargetRef::Id(_)) => Ok(()),
            Some(reference) => {
                self.save_tail()?;
                let target = crate::store::target::find(&self.events, &self.ids, &reference)?;
                submission.resolve(target.id);
                Ok(())
            }
        }
    }

    pub(super) fn restore(&mut self, checked: record::Checked) -> Result<(), WriteError> {
        let (stored, bytes, prev, chained) = checked.into_parts();
        let expect = self.m.head.seq + 1;
        if stored.seq != expect {
            return Err(FieldError::new(
                "seq",
                format!(
                    "is {}, expected {expect}: the export is missing or reorders events",
                    stored.seq
                ),
            )
            .into());
        }
        if self.find(stored.id)?.is_some() {
            return Err(FieldError::new("id", format!("{} appears twice", stored.id)).into());
        }
        let key = stored.event.stream().key();
        let state = self.state(&key)?;
        let revision = state.as_ref().map_or(0, |s| s.revision + 1);
        if stored.revision != revision {
            return Err(FieldError::new(
                "revision",
                format!(
                    "is {}, expected {revision} for {}",
                    stored.revision,
                    stored.event.stream()
                ),
            )
            .into());
        }
        if prev != self.m.head.hash || chained != stored.hash {
            return Err(FieldError::new(
                "hash",
                "does not match the chain: the export was changed after it was written",
            )
            .into());
        }
        // History is replayed as it was accepted (perhaps forced): the plausibility rules,
        // which compare with the time of writing, are not asked again.
        let _ = self.check(state.as_ref(), &stored.event, stored.recorded_at, true)?;
        self.put(key, state, stored, &bytes, false)
    }

    fn check(
        &mut self,
        state: Option<&StreamState>,
        event: &Event,
        recorded_at: OffsetDateTime,
        force: bool,
    ) -> Result<Option<Event>, WriteError> {
        let key = event.stream().key();
        let target = match &event.body {
            // An amendment applies to the event as the reports see it (earlier amendments
            // applied): that is what it is checked against, so none is accepted and then
            // dropped by the fold.
            Body::Amended { target, .. } => match self.find(*target)? {
                Some(found) if found.event.stream().key() == key => {
                    Some(self.effective(&key, *target)?.unwrap_or(found.event))
                }
                other => other.map(|s| s.event),
            },
            Body::Retracted { target, .. } => self.find(*target)?.map(|s| s.event),
            _ => None,
        };
        let standing = match (&event.incident, state) {
            (Some(_), Some(_)) => self.standing(&key)?,
            _ => None,
        };
        rules::check(
            event,
            &rules::Check {
                state,
                standing: standing.as_ref(),
                target: target.as_ref(),
                recorded_at,
                force,
            },
        )?;
        if let Body::Amended { target, .. } | Body::Retracted { target, .. } = &event.body
            && let Some(first) = self.retraction_of(&key, *target)?
        {
            let what = if matches!(event.body, Body::Amended { .. }) {
                "is retracted: retract that retraction first to amend it"
            } else {
                "was already retracted"
            };
            return Err(
                FieldError::new("target", format!("event {target} {what} (seq {first})"))
                    .with_problem(crate::event::Problem::Retracted)
                    .into(),
            );
        }
        // The event an amendment leaves, for the checks that read its fields.
        Ok(match (&event.body, target) {
            (Body::Amended { set, .. }, Some(target)) => Some(rules::amend(&target, set)?),
            _ => None,
        })
    }

    /// Event `id` of stream `key` with its amendments applied (`None` when it is retracted).
    fn effective(&mut self, key: &str, id: Uuid) -> Result<Option<Event>, WriteError> {
        let stream = self.stream(key)?;
        let (events, _) = crate::projection::effective::corrected(stream);
        Ok(events
            .into_iter()
            .find(|e| e.id == id)
            .map(|e| e.event.into_owned()))
    }

    /// The seq of the retraction in effect that withdraws `target` in stream `key`, if any.
    fn retraction_of(&mut self, key: &str, target: Uuid) -> Result<Option<u64>, WriteError> {
        let stream = self.stream(key)?;
        Ok(crate::projection::effective::retracted(stream)
            .get(&target)
            .copied())
    }

    /// The standing of incident `key` from the fold of its effective events, as every report
    /// reads it; kept between events of one append while they cannot change it.
    fn standing(&mut self, key: &str) -> Result<Option<Standing>, WriteError> {
        if let Some(standing) = self.m.standings.get(key) {
            return Ok(standing.clone());
        }
        let stream = self.stream(key)?;
        let standing = incident::fold(key, stream).map(|i| i.standing());
        self.m.standings.insert(key.to_string(), standing.clone());
        Ok(standing)
    }

    /// The events of stream `key` so far (this transaction's included), kept in memory for the
    /// projection fold at the end. Bounded: the oldest stream is folded and dropped when full.
    fn stream(&mut self, key: &str) -> Result<&Vec<Stored>, WriteError> {
        if !self.m.pending.contains_key(key) {
            self.save_tail()?;
            // This transaction's events of the stream are in `seqs`, not yet in the index.
            let stream = match self.m.seqs.get(key) {
                Some(seqs) => load_events(&self.events, seqs)?,
                None => load_stream(&self.streams, &self.events, key)?,
            };
            self.hold(key, stream)?;
        }
        Ok(&self.m.pending[key])
    }

    /// Keeps `stream` as the events of stream `key` so far, folding and dropping the oldest
    /// kept stream when there are too many.
    fn hold(&mut self, key: &str, stream: Vec<Stored>) -> Result<(), WriteError> {
        self.m.pending.insert(key.to_string(), stream);
        self.m.pending_order.push_back(key.to_string());
        if self.m.pending_order.len() > PENDING_STREAMS
            && let Some(oldest) = self.m.pending_order.pop_front()
            && oldest != key
            && let Some(stream) = self.m.pending.remove(&oldest)
        {
            self.m.standings.remove(&oldest);
            // Its seq list goes to the index now, so that memory stays bounded however many
            // streams one append touches; a later event of it reads the list back.
            if let Some(seqs) = self.m.seqs.remove(&oldest) {
                self.streams.insert(
                    oldest.as_str(),
                    crate::store::tables::seqs_value(&seqs).as_slice(),
                )?;
            }
            if !oldest.starts_with('@') {
                let folder = self.m.folder.get_or_insert_with(Folder::start);
                folder.send(oldest, stream);
                for (key, projected) in folder.ready() {
                    self.projections.put(&key, projected)?;
                }
            }
        }
        Ok(())
    }

    /// Stores `stored` (its `bytes`) and brings everything kept of its stream up to date;
    /// `indexed`: its id is in the id index already ([`Writer::fresh_id`] put it there).
    fn put(
        &mut self,
        key: String,
        state: Option<StreamState>,
        stored: Stored,
        bytes: &[u8],
        indexed: bool,
    ) -> Result<(), WriteError> {
        self.add_to_tail(stored.seq, bytes)?;
        if !indexed {
            self.ids.insert(stored.id.as_u128(), stored.seq)?;
        }
        self.written += bytes.len();
        match self.m.seqs.get_mut(&key) {
            Some(seqs) => seqs.push(stored.seq),
            None => {
                // A stream without a state is new: it has no list yet.
                let mut seqs = match state {
                    Some(_) => stream_seqs(&self.streams, &key)?,
                    None => Vec::new(),
                };
                seqs.push(stored.seq);
                self.m.seqs.insert(key.clone(), seqs);
            }
        }
        self.m.head = Head {
            seq: stored.seq,
            hash: stored.hash,
        };
        if let Some((target, kind)) = correction_of(&stored.event) {
            self.corrections
                .insert((target.as_u128(), stored.seq), kind)?;
        }
        let state = rules::apply(state, &stored.event, stored.revision);
        self.m.touched.insert(key.clone(), state);
        for service in stored.event.services() {
            if self.m.named.insert(service.to_string())
                && let Some(known) = &mut self.m.known
            {
                known
                    .entry(crate::event::folded(service.as_str()))
                    .or_insert_with(|| service.to_string());
            }
        }
        // The standing stays right while an event can change neither when the incident opened
        // nor whether it is closed.
        let keeps_standing = match self.m.standings.get(&key) {
            Some(Some(standing)) => {
                stored.event.event_type().keeps_standing()
                    && stored.event.at.compare(&standing.opened).is_gt()
            }
            Some(None) | None => false,
        };
        if !keeps_standing {
            self.m.standings.remove(&key);
        }
        if stored.event.incident.is_none() {
            // A service stream is kept only once a correction rule asked for it.
            if let Some(stream) = self.m.pending.get_mut(&key) {
                stream.push(stored);
            }
            return Ok(());
        }
        // `stream` loads its earlier events; the table already holds the one just inserted.
        let seq = stored.seq;
        let stream = self.stream(&key)?;
        if stream.last().is_none_or(|s| s.seq != seq)
            && let Some(stream) = self.m.pending.get_mut(&key)
        {
            stream.push(stored);
        }
        Ok(())
    }

    /// Writes the touched stream states and folds every pending incident, once each.
    pub(super) fn project(&mut self) -> Result<(), redb::StorageError> {
        self.save_tail()?;
        self.settle_folds()?;
        self.m.folder = None;
        for (key, seqs) in std::mem::take(&mut self.m.seqs) {
            self.streams.insert(
                key.as_str(),
                crate::store::tables::seqs_value(&seqs).as_slice(),
            )?;
        }
        for (key, state) in std::mem::take(&mut self.m.touched) {
            self.states.insert(
                key.as_str(),
                crate::store::codec::encode_state(&state).as_slice(),
            )?;
        }
        for key in std::mem::take(&mut self.m.pending_order) {
            // Service streams are kept for the correction rules only; they have no projection.
            if let Some(stream) = self.m.pending.remove(&key)
                && !key.starts_with('@')
            {
                self.projections.refresh(&key, &stream)?;
            }
        }
        Ok(())
    }

    /// Fills the corrections index from every stored event (once, for an older ledger).
    pub(super) fn fill_corrections(&mut self) -> Result<(), String> {
        let mut found = Vec::new();
        let storage = |e: redb::StorageError| e.to_string();
        crate::store::chunk::from(&self.events, 1, storage, |seq, bytes| {
            let stored =
                Stored::decode(bytes).map_err(|e| format!("event {seq} cannot be read: {e}"))?;
            if let Some((target, kind)) = correction_of(&stored.event) {
                found.push(((target.as_u128(), stored.seq), kind));
            }
            Ok(std::ops::ControlFlow::Continue(()))
        })?;
        for (key, kind) in found {
            self.corrections
                .insert(key, kind)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Adds event `seq` (its stored `bytes`) to the last chunk of the log.
    fn add_to_tail(&mut self, seq: u64, bytes: &[u8]) -> Result<(), WriteError> {
        let mut tail = match self.m.tail.take() {
            Some(tail) => tail,
            None => Tail::last(&self.events, seq)?,
        };
        tail.add(&mut self.events, seq, bytes)?;
        self.m.tail = Some(tail);
        Ok(())
    }

    /// Writes every fold the folding thread has done or still owes, so that the projection
    /// tables are as the events so far make them (before the writer reads them).
    fn settle_folds(&mut self) -> Result<(), redb::StorageError> {
        if let Some(folder) = &mut self.m.folder {
            for (key, projected) in folder.wait() {
                self.projections.put(&key, projected)?;
            }
        }
        Ok(())
    }

    /// Writes the last chunk to the table if it holds events the table does not, so that
    /// reads of the table see every event of this transaction.
    fn save_tail(&mut self) -> Result<(), redb::StorageError> {
        match &mut self.m.tail {
            Some(tail) => tail.save(&mut self.events),
            None => Ok(()),
        }
    }

    /// A generated id no stored event has (a writer may have chosen it earlier), entered in
    /// the id index for event `seq`: one walk down the index where a lookup and an insert took
    /// two. An id found taken gets its entry back and the next candidate is tried.
    fn fresh_id(&mut self, now: OffsetDateTime, seq: u64) -> Result<Uuid, WriteError> {
        let mut attempt = 0;
        loop {
            let id = record::new_id(now, &self.m.head.hash, seq, attempt);
            let taken = self.ids.insert(id.as_u128(), seq)?.map(|old| old.value());
            match taken {
                None => return Ok(id),
                Some(old) => {
                    self.ids.insert(id.as_u128(), old)?;
                    attempt += 1;
                }
            }
        }
    }

    fn find(&mut self, id: Uuid) -> Result<Option<Stored>, WriteError> {
        let Some(seq) = self.ids.get(id.as_u128())?.map(|v| v.value()) else {
            return Ok(None);
        };
        self.save_tail()?;
        let bytes = crate::store::chunk::get(&self.events, seq)?.ok_or_else(|| {
            WriteError::Corrupt(format!("the id index names missing event {seq}"))
        })?;
        let stored = Stored::decode(&bytes)
            .map_err(|e| WriteError::Corrupt(format!("event {seq} cannot be read: {e}")))?;
        if stored.seq != seq {
            return Err(crate::store::projections::misplaced(seq, stored.seq).into());
        }
        Ok(Some(stored))
    }

    fn state(&self, key: &str) -> Result<Option<StreamState>, WriteError> {
        if let Some(state) = self.m.touched.get(key) {
            return Ok(Some(state.clone()));
        }
        let Some(bytes) = self.states.get(key)? else {
            return Ok(None);
        };
        crate::store::codec::decode_state(bytes.value())
            .map(Some)
            .map_err(|e| WriteError::Corrupt(format!("stream state of {key} cannot be read: {e}")))
    }
}

/// Same event for idempotency: the same bytes as written (an instant written in another offset
/// is another event: its day differs), the actor compared only when the retry names one.
fn same_content(stored: &Event, new: &Event, actor_given: bool) -> bool {
    let bytes = |event: &Event| serde_json::to_vec(event).ok();
    if actor_given {
        return bytes(stored) == bytes(new);
    }
    let mut new = new.clone();
    new.actor.clone_from(&stored.actor);
    bytes(stored) == bytes(&new)
}

mod names;
#[cfg(test)]
mod tests;
