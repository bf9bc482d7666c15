//! The ledger file: redb tables, the append transaction, the hash chain and waiting for a busy
//! file. The only module that uses redb.
//!
//! Every command opens the file with [`Ledger::open`] (which never creates one), does its work
//! in one transaction and closes it. redb lets one process hold the file at a time; a busy file
//! is retried with jittered backoff until the caller's deadline.

mod append;
mod chunk;
pub mod codec;
mod error;
mod lookup;
mod open;
mod projections;
mod query;
pub use crate::record;
mod tables;
mod target;
#[doc(hidden)]
pub mod testing;
mod verify;

pub use append::{AppendContext, Appended, Line, Outcome, Request};
pub use error::{AppendError, LookupError, StoreError};
pub use projections::Rebuilt;
pub use query::Corrected;
pub use record::{Hash, Stored};
pub use verify::{Depth, Problem, Report};

use open::Db;
pub use open::{Access, NEEDS_REPAIR};

use std::path::{Path, PathBuf};
use std::time::Duration;
use tables::{EVENTS, META};

/// An open ledger file.
///
/// Dropping it (or [`Ledger::close`]) closes redb's database, which costs 4 fdatasyncs (a
/// two-phase commit of the allocator state, a flush before the clean-shutdown header and one
/// after it); the open costs one more. An append whose command closes the ledger before it
/// answers lets that close make it durable ([`Ledger::append_and_close`]): 5 syncs, where a
/// durable commit and a close made 6. The close is kept all the same: readers open
/// read-only, which redb allows only on a cleanly closed file. Leaving without it (the
/// commit recording the allocator state instead) measured 6 → 4 syncs per `add`, but the next
/// reader then reopens for writing to repair the file (6 syncs), and a reader without write
/// access is refused until a writer comes (BENCHMARKS.md, issue 12 section).
pub struct Ledger {
    db: Db,
    path: PathBuf,
    /// Bytes of events per transaction of a large append (see [`Ledger::set_segment_bytes`]).
    segment_bytes: usize,
    /// The last commit of an append may skip its sync: the caller closes the ledger before it
    /// acknowledges anything (see [`Ledger::append_and_close`]).
    durable_at_close: bool,
}

/// The last event of the chain (the default: seq 0 and the genesis hash, an empty ledger's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub hash: Hash,
}

impl Default for Head {
    fn default() -> Head {
        Head {
            seq: 0,
            hash: record::GENESIS,
        }
    }
}

impl Ledger {
    /// Creates a new, empty ledger; fails if the file exists.
    pub fn create(path: &Path) -> Result<Ledger, StoreError> {
        open::create(path)
    }

    /// Opens an existing ledger, waiting up to `wait` while another process holds it.
    pub fn open(path: &Path, wait: Duration, access: Access) -> Result<Ledger, StoreError> {
        open::open(path, wait, access)
    }

    /// Refuses an append of `input_bytes` bytes of input that the device holding the ledger
    /// has clearly no room for, before anything is written (see [`StoreError::NoSpace`]).
    pub fn ensure_space(&self, input_bytes: u64) -> Result<(), StoreError> {
        open::ensure_space(&self.path, input_bytes)
    }

    /// A write transaction, or [`StoreError::ReadOnly`] on a ledger opened for reading.
    fn begin_write(&self) -> Result<redb::WriteTransaction, StoreError> {
        match self.db.begin_write() {
            Some(txn) => txn.map_err(self.storage()),
            None => Err(StoreError::ReadOnly {
                path: self.path.clone(),
                what: "was opened for reading only",
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The head of the chain (seq 0 and the genesis hash when empty).
    pub fn head(&self) -> Result<Head, StoreError> {
        let txn = self.db.begin_read().map_err(self.storage())?;
        let meta = txn.open_table(META).map_err(self.storage())?;
        recorded_head(&meta)
            .map_err(self.storage())?
            .ok_or_else(|| self.corrupt("the head record is malformed"))
    }

    /// Number of stored events.
    pub fn event_count(&self) -> Result<u64, StoreError> {
        // Seqs are dense from 1 (`verify` checks it): the head's is the count.
        Ok(self.head()?.seq)
    }

    /// Calls `each` with every stored event's encoded bytes in `seq` order, as exported, after
    /// checking that the bytes are exactly what the chain covers (a damaged event stops the
    /// export with a corrupt-ledger error, so an export never carries bytes the hash does not).
    pub fn for_each_raw<E: From<StoreError>>(
        &self,
        mut each: impl FnMut(u64, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let txn = self.db.begin_read().map_err(self.storage())?;
        let events = txn.open_table(EVENTS).map_err(self.storage())?;
        let mut prev = record::GENESIS;
        chunk::from(
            &events,
            1,
            |e| E::from(self.storage_error(e)),
            |seq, bytes| {
                match record::split(bytes) {
                    Some((canonical, hash)) if record::chain(&prev, &canonical) == hash => {
                        prev = hash;
                    }
                    _ => {
                        let detail = format!("event {seq} does not match the hash chain");
                        return Err(E::from(self.corrupt(&detail)));
                    }
                }
                each(seq, bytes).map(|()| std::ops::ControlFlow::Continue(()))
            },
        )
    }

    /// Calls `each` with every stored event, decoded, in `seq` order.
    pub fn for_each<E: From<StoreError>>(
        &self,
        mut each: impl FnMut(Stored) -> Result<(), E>,
    ) -> Result<(), E> {
        self.for_each_raw(|seq, bytes| {
            let stored = Stored::decode(bytes)
                .map_err(|e| E::from(self.corrupt(&format!("event {seq} cannot be read: {e}"))))?;
            each(stored)
        })
    }

    /// Closes the file, reporting what closing it met (dropping a ledger closes it too, but
    /// says nothing of a failure).
    pub fn close(self) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.db.close().map_err(|e| open::storage(&path, e))
    }

    /// Gives back the space a large append leaves in free and half-full pages (redb
    /// compaction; crash safe, like any redb transaction).
    pub fn compact(&mut self) -> Result<(), StoreError> {
        while self.db.compact().map_err(self.storage())? {}
        Ok(())
    }

    /// Whether [`Ledger::compact`] pays after a large append: while the file fits in the
    /// writable open's page cache, compaction moves pages in memory (0.1 s at 100k events) and
    /// gives back a large share (a fresh 100k-event ledger: 71 MB → 50 MB). A larger file is
    /// re-read through the cache, which took 2-9 s at 1M events to give back about a tenth
    /// (570 → 512 MB): not worth a fifth of the import's time (BENCHMARKS.md). The pages stay
    /// free in the file and the next appends reuse them.
    pub fn compaction_pays(&self) -> bool {
        std::fs::metadata(&self.path).is_ok_and(|m| m.len() <= open::WRITE_CACHE_BYTES as u64)
    }

    fn storage<E: std::fmt::Display>(&self) -> impl Fn(E) -> StoreError + '_ {
        move |e| self.storage_error(e)
    }

    fn storage_error(&self, e: impl std::fmt::Display) -> StoreError {
        open::storage(&self.path, e)
    }

    fn corrupt(&self, detail: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail: detail.to_string(),
        }
    }
}

/// The head `meta` records (an empty ledger's, the default, when there is none); `None` when
/// the record is malformed.
fn recorded_head(
    meta: &impl redb::ReadableTable<&'static str, &'static [u8]>,
) -> Result<Option<Head>, redb::StorageError> {
    Ok(match meta.get("head")? {
        Some(bytes) => decode_head(bytes.value()),
        None => Some(Head::default()),
    })
}

fn encode_head(head: &Head) -> [u8; 40] {
    let mut out = [0u8; 40];
    out[..8].copy_from_slice(&head.seq.to_be_bytes());
    out[8..].copy_from_slice(&head.hash);
    out
}

fn decode_head(bytes: &[u8]) -> Option<Head> {
    let seq = u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?);
    let hash = bytes.get(8..40)?.try_into().ok()?;
    (bytes.len() == 40).then_some(Head { seq, hash })
}
