//! The `events` table keeps the log in chunks: consecutive stored events under the seq of the
//! first, each as its length (4 bytes, big endian) and its bytes, until a chunk holds about
//! [`CHUNK_BYTES`]. One redb insert per chunk instead of one per event: a million-event append
//! made a million inserts into a tree whose leaves hold a dozen events each.
//!
//! The framing is not covered by the hash, and need not be: every reader takes an event's seq
//! from its place in the chunk and `verify` compares it with the seq its bytes (which the hash
//! covers) hold, so framing that was tampered with reads as a damaged or missing event.

use redb::{ReadableTable, StorageError};
use std::ops::{ControlFlow, Range};

/// A chunk is closed once the next event would take it past this many bytes (a chunk of one
/// event may be larger). 16 KB: measured against 4 KB chunks and against one event per
/// entry, a 1M-event append took 0.79 of the time (4 KB: 0.90); a single event's append
/// rewrites at most this much.
pub const CHUNK_BYTES: usize = 16_000;

/// Adds `bytes` (one stored event) to `chunk`.
pub fn push(chunk: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("an event is far below 4 GiB");
    chunk.extend_from_slice(&len.to_be_bytes());
    chunk.extend_from_slice(bytes);
}

/// Whether `chunk` is closed to an event of `len` bytes.
pub fn full(chunk: &[u8], len: usize) -> bool {
    !chunk.is_empty() && chunk.len() + 4 + len > CHUNK_BYTES
}

/// The events of the chunk stored under `first`: (seq, bytes) in order, then an error if the
/// framing does not end where the chunk does.
pub fn events(first: u64, chunk: &[u8]) -> Events<'_> {
    Events {
        seq: first,
        rest: chunk,
        // A chunk holds at least one event: an empty one is misframed (readers looking for a
        // later seq would stop at it).
        failed: false,
        empty: chunk.is_empty(),
    }
}

/// See [`events`].
pub struct Events<'c> {
    seq: u64,
    rest: &'c [u8],
    failed: bool,
    empty: bool,
}

impl<'c> Iterator for Events<'c> {
    type Item = Result<(u64, &'c [u8]), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        if self.empty {
            self.failed = true;
            return Some(Err(format!(
                "the chunk of the log stored under seq {} is empty",
                self.seq
            )));
        }
        if self.rest.is_empty() {
            return None;
        }
        let framed = self.rest.split_first_chunk::<4>().and_then(|(len, rest)| {
            let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
            (len > 0 && len <= rest.len()).then(|| rest.split_at(len))
        });
        // The seq after this one must exist too (a chunk stored under a seq near the end of
        // the range would otherwise wrap).
        let framed = framed.filter(|_| self.seq.checked_add(1).is_some());
        let Some((bytes, rest)) = framed else {
            self.failed = true;
            return Some(Err(format!(
                "the chunk of the log holding seq {} is cut short or misframed",
                self.seq
            )));
        };
        let seq = self.seq;
        self.seq += 1;
        self.rest = rest;
        Some(Ok((seq, bytes)))
    }
}

/// Calls `read` with the chunk that can hold `seq` (its first seq and its bytes), found with
/// one walk down the table; `None` when no chunk can.
fn with_chunk_of<R>(
    table: &impl ReadableTable<u64, &'static [u8]>,
    seq: u64,
    read: impl FnOnce(u64, &[u8]) -> Result<R, StorageError>,
) -> Result<Option<R>, StorageError> {
    match table.range(..=seq)?.next_back() {
        Some(entry) => {
            let (first, chunk) = entry?;
            read(first.value(), chunk.value()).map(Some)
        }
        None => Ok(None),
    }
}

/// The stored bytes of event `seq`.
pub fn get(
    table: &impl ReadableTable<u64, &'static [u8]>,
    seq: u64,
) -> Result<Option<Vec<u8>>, StorageError> {
    let found = with_chunk_of(table, seq, |first, chunk| {
        for event in events(first, chunk) {
            let (at, bytes) = event.map_err(StorageError::Corrupted)?;
            if at == seq {
                return Ok(Some(bytes.to_vec()));
            }
        }
        Ok(None)
    })?;
    Ok(found.flatten())
}

/// Reads events by seq, keeping the last chunk it read: the events of one stream are often
/// neighbours in the log.
pub struct Reader<'t, T> {
    table: &'t T,
    /// The last chunk read: its first seq, its bytes, and where each of its events lies in them.
    last: Option<(u64, Vec<u8>, Vec<Range<usize>>)>,
}

impl<'t, T: ReadableTable<u64, &'static [u8]>> Reader<'t, T> {
    pub fn new(table: &'t T) -> Self {
        Reader { table, last: None }
    }

    /// The stored bytes of event `seq`.
    pub fn get(&mut self, seq: u64) -> Result<Option<&[u8]>, StorageError> {
        let cached = self
            .last
            .as_ref()
            .is_some_and(|(first, _, spans)| seq >= *first && seq - first < spans.len() as u64);
        if !cached {
            self.last = with_chunk_of(self.table, seq, |first, chunk| {
                // Where each event lies: its offset from the chunk's start.
                let spans = events(first, chunk)
                    .map(|event| {
                        let bytes = event.map_err(StorageError::Corrupted)?.1;
                        let start = bytes.as_ptr() as usize - chunk.as_ptr() as usize;
                        Ok(start..start + bytes.len())
                    })
                    .collect::<Result<Vec<_>, StorageError>>()?;
                Ok((first, chunk.to_vec(), spans))
            })?;
        }
        Ok(self.last.as_ref().and_then(|(first, bytes, spans)| {
            let i = usize::try_from(seq.checked_sub(*first)?).ok()?;
            spans.get(i).map(|span| &bytes[span.clone()])
        }))
    }
}

/// Calls `each` with the events from seq `from` on, (seq, bytes) in order, until it breaks;
/// `storage` turns redb's failures (and misframed chunks) into the caller's error.
pub fn from<E>(
    table: &impl ReadableTable<u64, &'static [u8]>,
    from: u64,
    storage: impl Fn(StorageError) -> E,
    mut each: impl FnMut(u64, &[u8]) -> Result<ControlFlow<()>, E>,
) -> Result<(), E> {
    let start = with_chunk_of(table, from, |first, _| Ok(first))
        .map_err(&storage)?
        .unwrap_or(from);
    for entry in table.range(start..).map_err(&storage)? {
        let (first, chunk) = entry.map_err(&storage)?;
        for event in events(first.value(), chunk.value()) {
            let (seq, bytes) = event.map_err(|e| storage(StorageError::Corrupted(e)))?;
            if seq >= from && each(seq, bytes)?.is_break() {
                return Ok(());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_gives_back_its_events_with_their_seqs() {
        let mut chunk = Vec::new();
        push(&mut chunk, b"one");
        push(&mut chunk, b"two!");
        let read: Vec<_> = events(7, &chunk).map(Result::unwrap).collect();
        assert_eq!(read, [(7, &b"one"[..]), (8, &b"two!"[..])]);
    }

    #[test]
    fn misframed_chunks_are_errors_not_panics() {
        let mut chunk = Vec::new();
        push(&mut chunk, b"one");
        for cut in 0..chunk.len() {
            let read: Vec<_> = events(1, &chunk[..cut]).collect();
            assert!(read.last().unwrap().is_err(), "cut at {cut}");
        }
        // A zero length is not an event, nor is an empty chunk a chunk.
        let read: Vec<_> = events(1, &[0, 0, 0, 0]).collect();
        assert!(read[0].is_err());
        let read: Vec<_> = events(1, &[]).collect();
        assert!(read.len() == 1 && read[0].is_err());
        // Stored under the last seq there is: an error, not a wrap.
        let mut two = Vec::new();
        push(&mut two, b"a");
        push(&mut two, b"b");
        let read: Vec<_> = events(u64::MAX, &two).collect();
        assert!(read.iter().any(Result::is_err));
        // Random bytes never panic.
        let mut x: u32 = 12345;
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..(x % 40))
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8 % 8
                })
                .collect();
            let _ = events(1, &bytes).count();
        }
    }

    #[test]
    fn a_chunk_is_full_before_it_passes_its_size_unless_empty() {
        assert!(!full(&[], CHUNK_BYTES * 2));
        let chunk = vec![0; CHUNK_BYTES - 10];
        assert!(!full(&chunk, 6));
        assert!(full(&chunk, 7));
    }
}
