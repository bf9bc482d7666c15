//! The last chunk of the log while an append adds to it: kept in memory and written to the
//! `events` table when it is full, before the writer reads the table, and at the end, so that
//! an append of many events makes one insert per chunk (see [`chunk`](crate::store::chunk)).

use super::writer::WriteError;
use crate::store::chunk::{self, CHUNK_BYTES};
use redb::{ReadableTable, Table};

/// The last chunk of the log.
pub(super) struct Tail {
    /// The seq it is stored under: its first event's.
    first: u64,
    bytes: Vec<u8>,
    /// The table does not hold it as it is now.
    unsaved: bool,
}

type Events<'t> = Table<'t, u64, &'static [u8]>;

impl Tail {
    /// The last chunk of the log as `events` holds it, to add event `next` to (an empty one
    /// beginning at `next` when the log is empty); a chunk that does not end right before
    /// `next` is a damaged file.
    pub(super) fn last(events: &Events<'_>, next: u64) -> Result<Tail, WriteError> {
        let Some(entry) = events.last()? else {
            return Ok(Tail::beginning(next));
        };
        let (first, bytes) = (entry.0.value(), entry.1.value().to_vec());
        let mut held = 0;
        for event in chunk::events(first, &bytes) {
            event.map_err(WriteError::Corrupt)?;
            held += 1;
        }
        if first.checked_add(held) != Some(next) {
            return Err(WriteError::Corrupt(format!(
                "the last chunk of the log, stored under seq {first}, does not end at the head's seq {}",
                next - 1
            )));
        }
        Ok(Tail {
            first,
            bytes,
            unsaved: false,
        })
    }

    fn beginning(first: u64) -> Tail {
        Tail {
            first,
            bytes: Vec::with_capacity(CHUNK_BYTES),
            unsaved: false,
        }
    }

    /// Adds event `seq` (its stored `bytes`), writing this chunk out and beginning the next
    /// when it is full.
    pub(super) fn add(
        &mut self,
        events: &mut Events<'_>,
        seq: u64,
        bytes: &[u8],
    ) -> Result<(), WriteError> {
        if chunk::full(&self.bytes, bytes.len()) {
            self.save(events)?;
            *self = Tail::beginning(seq);
        }
        chunk::push(&mut self.bytes, bytes);
        self.unsaved = true;
        Ok(())
    }

    /// Writes the chunk to `events` if the table does not hold it as it is.
    pub(super) fn save(&mut self, events: &mut Events<'_>) -> Result<(), redb::StorageError> {
        if self.unsaved {
            events.insert(self.first, self.bytes.as_slice())?;
            self.unsaved = false;
        }
        Ok(())
    }
}
