//! The append transaction: every line of one command is checked and written in one redb write
//! transaction, so an append is all or nothing and durable once the command returns.

use super::tables::CORRECTIONS;
use super::{AppendError, Ledger, StoreError, encode_head};
use crate::event::{At, Body, Event, Name, Submission};
use crate::record::{self, Stored};
use redb::{Durability, TableHandle, WriteTransaction};
use time::OffsetDateTime;
use uuid::Uuid;

mod batch;
mod folder;
mod tail;
mod writer;

pub use batch::{Outcome, Request};
use writer::{Memory, Writer};

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
        self.write_lines(lines.into_iter(), |w, line| {
            let line = line?;
            let number = line.number;
            each(
                w.admit(line, ctx)
                    .map_err(|e| e.at_line(number, &self.path))?,
            );
            Ok(())
        })
        .map(|_| ())
    }

    /// [`Ledger::append`], then closes the ledger: the events are durable once this returns
    /// `Ok`, and not before. redb's close commits its own bookkeeping in two phases anyway, so
    /// the append's commit need not wait for the disk itself: one `fdatasync` fewer (5, where
    /// an append followed by a close makes 6; about 0.3 ms of a one-event `add`, BENCHMARKS.md).
    /// A crash before the close loses the append whole, as a crash before any commit would.
    pub fn append_and_close(
        mut self,
        lines: impl IntoIterator<Item = Result<Line, AppendError>>,
        ctx: &AppendContext,
    ) -> Result<Vec<Appended>, AppendError> {
        self.leave_durability_to_close();
        let appended = self.append(lines, ctx)?;
        self.close()?;
        Ok(appended)
    }

    /// From now on an append's last commit does not wait for the disk: the caller promises
    /// to [`Ledger::close`] the ledger, which makes it durable, before it acknowledges
    /// anything (see [`Ledger::append_and_close`]). Dropping the ledger closes it too, but
    /// says nothing if that fails.
    pub fn leave_durability_to_close(&mut self) {
        self.durable_at_close = true;
    }

    /// Restores exported events into this (empty) ledger, checking seqs, the rules and the chain.
    pub fn import(
        &self,
        lines: impl IntoIterator<Item = Result<(usize, record::Checked), AppendError>>,
    ) -> Result<u64, AppendError> {
        let events = self.event_count()?;
        if events > 0 {
            return Err(AppendError::NotEmpty { events });
        }
        self.write_lines(lines.into_iter(), |w, line| {
            let (number, checked) = line?;
            w.restore(checked)
                .map_err(|e| e.at_line(number, &self.path))
        })
    }

    /// Writes appends and imports larger than `bytes` of events in several transactions
    /// (all but the last without durability; all or nothing all the same: a crash leaves the
    /// ledger as it was, a refused line takes the earlier ones back). For tests, which would
    /// otherwise need appends of hundreds of megabytes to see it; 0 is taken as 1.
    pub fn set_segment_bytes(&mut self, bytes: usize) {
        self.segment_bytes = bytes.max(1);
    }

    /// Everything `body` does in one write transaction, committed (durably) if it succeeds.
    fn write<T>(
        &self,
        body: impl FnOnce(&mut Writer<'_>) -> Result<T, AppendError>,
    ) -> Result<T, AppendError> {
        let txn: WriteTransaction = self.begin_write()?;
        let value = {
            let mut w = self.writer(&txn)?;
            let value = body(&mut w)?;
            self.finish(&mut w)?;
            value
        };
        // Dropping the transaction without commit (on an error above) writes nothing.
        txn.commit().map_err(self.storage())?;
        Ok(value)
    }

    /// Every item of `items` through `step`, as one append: all or nothing, durable when this
    /// returns the last seq. A large append is written in several transactions of about
    /// [`SEGMENT_BYTES`] of events each, all but the last one not durable. redb computes
    /// the checksums of the pages a transaction wrote at its commit, reading back each one
    /// its page cache has already written out (with a 1M-event append that was every page
    /// but the last 64 MiB: each read once more and written twice); a transaction that fits
    /// the cache never does. All or nothing stays: the file's header moves to the new
    /// state only at the last, durable commit, so a crash or kill before it leaves the ledger
    /// as it was, and a refused line takes back the earlier transactions by restoring the
    /// savepoint taken before anything was written. Only the command line appends this way:
    /// the server's readers share its process and would see the transactions that are not
    /// durable yet, so its group commits use [`Ledger::write`].
    fn write_lines<I: Iterator>(
        &self,
        mut items: I,
        mut step: impl FnMut(&mut Writer<'_>, I::Item) -> Result<(), AppendError>,
    ) -> Result<u64, AppendError> {
        let txn = self.begin_write()?;
        let savepoint = txn.ephemeral_savepoint().map_err(self.storage())?;
        let mut segments = 0;
        // redb makes the transactions that are not durable yet durable when the database is
        // closed, so every way out but success takes them back first: an error here, and a
        // panic (a bug, which the command line catches before the ledger is closed).
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.write_segments(txn, &mut items, &mut step, &mut segments)
        }));
        // Should taking back fail, the database is never closed (`Db::abandon`): the file
        // stays at its last durable commit, as after a crash, and the next open repairs it.
        let take_back = |segments: usize| -> Result<(), String> {
            if segments == 0 {
                return Ok(());
            }
            let restored = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut back = self.begin_write()?;
                back.restore_savepoint(&savepoint).map_err(self.storage())?;
                #[cfg(test)]
                if for_tests::TAKE_BACK_FAILS.get() {
                    // As a commit that fails (a full disk): the restore is not written.
                    drop(back);
                    return Err(AppendError::Store(self.storage_error("injected by a test")));
                }
                back.commit().map_err(self.storage())?;
                Ok::<_, AppendError>(())
            }));
            match restored {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => {
                    self.db.abandon();
                    Err(e.to_string())
                }
                Err(_) => {
                    self.db.abandon();
                    Err("a bug panicked".into())
                }
            }
        };
        match written {
            Ok(Ok(seq)) => Ok(seq),
            Ok(Err(e)) => match take_back(segments) {
                Ok(()) => Err(e),
                Err(why) => Err(AppendError::Store(StoreError::Storage {
                    path: self.path.clone(),
                    detail: format!(
                        "{e}; taking back what the append had already written then failed \
                         ({why}), so the file was left as a crash leaves it: nothing of the \
                         append stays, and the next command on the ledger repairs it"
                    ),
                })),
            },
            Err(panic) => {
                // The panic is the report that matters.
                let _ = take_back(segments);
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// The transactions of [`Ledger::write_lines`], counting in `segments` those committed
    /// without durability.
    fn write_segments<I: Iterator>(
        &self,
        mut txn: WriteTransaction,
        items: &mut I,
        step: &mut impl FnMut(&mut Writer<'_>, I::Item) -> Result<(), AppendError>,
        segments: &mut usize,
    ) -> Result<u64, AppendError> {
        let mut carried = None;
        loop {
            match self.segment(&txn, carried.take(), items, step)? {
                Segment::More(memory) => {
                    txn.set_durability(Durability::None)
                        .map_err(self.storage())?;
                    // Counted before the commit: one that fails may still have taken effect,
                    // and taking back what was not written is harmless.
                    *segments += 1;
                    txn.commit().map_err(self.storage())?;
                    carried = Some(*memory);
                    txn = self.begin_write()?;
                }
                Segment::Done(seq) => {
                    if self.durable_at_close {
                        txn.set_durability(Durability::None)
                            .map_err(self.storage())?;
                    }
                    txn.commit().map_err(self.storage())?;
                    return Ok(seq);
                }
            }
        }
    }

    /// One transaction of [`Ledger::write_lines`]: items until the input ends or the
    /// transaction holds [`SEGMENT_BYTES`] of events.
    fn segment<'t, I: Iterator>(
        &self,
        txn: &'t WriteTransaction,
        carried: Option<Memory>,
        items: &mut I,
        step: &mut impl FnMut(&mut Writer<'t>, I::Item) -> Result<(), AppendError>,
    ) -> Result<Segment, AppendError> {
        let mut w = match carried {
            Some(memory) => Writer::resume(txn, memory).map_err(self.storage())?,
            None => self.writer(txn)?,
        };
        for item in items.by_ref() {
            step(&mut w, item)?;
            if w.written >= self.segment_bytes {
                return Ok(Segment::More(Box::new(w.suspend())));
            }
        }
        self.finish(&mut w)?;
        Ok(Segment::Done(w.m.head.seq))
    }

    /// The writer of an append's first transaction, at the ledger's head.
    fn writer<'t>(&self, txn: &'t WriteTransaction) -> Result<Writer<'t>, AppendError> {
        // A ledger written before the corrections index existed gets it filled from its log,
        // in this same transaction, before anything is added to it.
        let has_index = txn
            .list_tables()
            .map_err(self.storage())?
            .any(|t| t.name() == CORRECTIONS.name());
        let mut w = Writer::new(txn).map_err(self.storage())?;
        if !has_index {
            w.fill_corrections().map_err(|e| {
                AppendError::Store(StoreError::Corrupt {
                    path: self.path.clone(),
                    detail: e,
                })
            })?;
        }
        w.m.head = super::recorded_head(&w.meta)
            .map_err(self.storage())?
            .ok_or_else(|| self.storage_error("the head record is malformed"))?;
        Ok(w)
    }

    /// The end of an append: the projections folded and the new head recorded.
    fn finish(&self, w: &mut Writer<'_>) -> Result<(), AppendError> {
        w.project().map_err(self.storage())?;
        w.meta
            .insert("head", encode_head(&w.m.head).as_slice())
            .map_err(self.storage())?;
        Ok(())
    }
}

/// Bytes of events one transaction of a large append holds (see [`Ledger::write_lines`]):
/// what it writes (the events, their ids, the projections and indexes: about 1.3 times the
/// events' bytes) must fit the half of the page cache redb keeps for written pages.
pub(super) const SEGMENT_BYTES: usize = super::open::WRITE_CACHE_BYTES / 4;

/// How one transaction of a large append ended.
enum Segment {
    /// The input is not done: what the writer keeps goes on to the next transaction.
    More(Box<Memory>),
    /// The input is done and the append complete; its last seq.
    Done(u64),
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

#[cfg(test)]
mod tests;

/// What the store's tests append with: a fixed clock and actor, and lines numbered from 1.
#[cfg(test)]
pub(crate) mod for_tests {
    use super::{AppendContext, AppendError, Line};

    std::thread_local! {
        /// Makes the commit that takes back a refused segmented append fail, on this thread.
        pub(crate) static TAKE_BACK_FAILS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Written at 2026-11-25T12:00:00Z by `t`.
    pub(crate) fn context() -> AppendContext {
        AppendContext {
            now: crate::event::time::parse_instant("2026-11-25T12:00:00Z").unwrap(),
            actor: "t".into(),
            force: false,
            new_services: Vec::new(),
        }
    }

    /// `texts` as the lines of one append (each must parse).
    pub(crate) fn lines<T: AsRef<str>>(
        texts: &[T],
    ) -> impl Iterator<Item = Result<Line, AppendError>> + '_ {
        texts.iter().enumerate().map(|(i, text)| {
            let text = text.as_ref();
            Ok(Line {
                number: i + 1,
                submission: crate::event::parse_line(text)
                    .unwrap_or_else(|e| panic!("{text}: {e}")),
            })
        })
    }
}
