//! The append transaction: every line of one command is checked and written in one redb write
//! transaction, so an append is all or nothing and durable once the command returns.

use super::tables::CORRECTIONS;
use super::{AppendError, Head, Ledger, StoreError, decode_head, encode_head};
use crate::event::{At, Body, Event, Name, Submission};
use crate::record::{self, Stored};
use redb::{ReadableTable, TableHandle, WriteTransaction};
use time::OffsetDateTime;
use uuid::Uuid;

mod batch;
mod writer;

pub use batch::{Outcome, Request};
use writer::Writer;

/// What the ledger adds to what writers submit.
#[derive(Debug, Clone)]
pub struct AppendContext {
    /// `recorded_at` of every event of this append.
    pub now: OffsetDateTime,
    /// The actor of events that name none.
    pub actor: String,
    /// The writer vouches for implausible times (`--force`): the plausibility rules are skipped.
    pub force: bool,
    /// Services the writer says are new although a known one is spelled alike
    /// (`--new-service`).
    pub new_services: Vec<String>,
}

/// One input line: its number (1-based, for errors) and what it held.
#[derive(Debug, Clone)]
pub struct Line {
    pub number: usize,
    pub submission: Submission,
}

/// What happened to one submitted line.
#[derive(Debug, Clone, PartialEq)]
pub struct Appended {
    pub seq: u64,
    pub id: Uuid,
    pub incident: Option<Name>,
    pub service: Option<Name>,
    pub revision: u64,
    pub type_name: &'static str,
    pub at: At,
    /// The id was already stored with the same content: nothing new was written.
    pub duplicate: bool,
}

impl Appended {
    fn of(stored: &Stored, duplicate: bool) -> Appended {
        Appended {
            seq: stored.seq,
            id: stored.id,
            incident: stored.event.incident.clone(),
            service: stored.event.service.clone(),
            revision: stored.revision,
            type_name: stored.event.type_name(),
            at: stored.event.at,
            duplicate,
        }
    }
}

impl Ledger {
    /// Appends every line in one transaction. Lines are produced lazily so large inputs stream;
    /// the first error (a bad line or a broken rule) aborts the whole append.
    pub fn append(
        &self,
        lines: impl IntoIterator<Item = Result<Line, AppendError>>,
        ctx: &AppendContext,
    ) -> Result<Vec<Appended>, AppendError> {
        let mut out = Vec::new();
        self.append_each(lines, ctx, &mut |a| out.push(a))?;
        Ok(out)
    }

    /// [`Ledger::append`], handing each line's outcome to `each` instead of keeping them all
    /// (a ten-million-line append need not hold ten million receipts). Outcomes are only
    /// final once this returns `Ok`: on an error nothing was written.
    pub fn append_each(
        &self,
        lines: impl IntoIterator<Item = Result<Line, AppendError>>,
        ctx: &AppendContext,
        each: &mut dyn FnMut(Appended),
    ) -> Result<(), AppendError> {
        self.write(|w| {
            for line in lines {
                let line = line?;
                let number = line.number;
                each(
                    w.admit(line, ctx)
                        .map_err(|e| e.at_line(number, &self.path))?,
                );
            }
            Ok(())
        })
    }

    /// Restores exported events into this (empty) ledger, checking seqs, the rules and the chain.
    pub fn import(
        &self,
        lines: impl IntoIterator<Item = Result<(usize, Stored), AppendError>>,
    ) -> Result<u64, AppendError> {
        let events = self.event_count()?;
        if events > 0 {
            return Err(AppendError::NotEmpty { events });
        }
        self.write(|w| {
            for line in lines {
                let (number, stored) = line?;
                w.restore(stored)
                    .map_err(|e| e.at_line(number, &self.path))?;
            }
            Ok(w.head.seq)
        })
    }

    fn write<T>(
        &self,
        body: impl FnOnce(&mut Writer<'_>) -> Result<T, AppendError>,
    ) -> Result<T, AppendError> {
        let txn: WriteTransaction = self.begin_write()?;
        // A ledger written before the corrections index existed gets it filled from its log,
        // in this same transaction, before anything is added to it.
        let has_index = txn
            .list_tables()
            .map_err(self.storage())?
            .any(|t| t.name() == CORRECTIONS.name());
        let result = {
            let mut w = Writer::new(&txn).map_err(self.storage())?;
            if !has_index {
                w.fill_corrections().map_err(|e| {
                    AppendError::Store(StoreError::Corrupt {
                        path: self.path.clone(),
                        detail: e,
                    })
                })?;
            }
            w.head = match w.meta.get("head").map_err(self.storage())? {
                Some(bytes) => decode_head(bytes.value())
                    .ok_or_else(|| self.storage_error("the head record is malformed"))?,
                None => Head {
                    seq: 0,
                    hash: record::GENESIS,
                },
            };
            let result = body(&mut w);
            if result.is_ok() {
                w.project().map_err(self.storage())?;
                w.meta
                    .insert("head", encode_head(&w.head).as_slice())
                    .map_err(self.storage())?;
            }
            result
        };
        match result {
            Ok(value) => {
                txn.commit().map_err(self.storage())?;
                Ok(value)
            }
            // Dropping the transaction without commit writes nothing.
            Err(e) => Err(e),
        }
    }
}

/// What the corrections index keeps of an event: the target it corrects and how (0 amended,
/// 1 retracted); `None` for an event that corrects nothing.
pub(super) fn correction_of(event: &Event) -> Option<(Uuid, u8)> {
    match &event.body {
        Body::Amended { target, .. } => Some((*target, 0)),
        Body::Retracted { target, .. } => Some((*target, 1)),
        _ => None,
    }
}
