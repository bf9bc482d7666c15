//! Test-only helpers that write the tables directly, to simulate tampering and corruption.
//! Nothing in logbook calls these; they exist so tests can prove `verify` catches damage.

use super::tables::EVENTS;
use redb::{Database, ReadableTable};
use std::path::Path;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Every event of the log by seq, for the helpers below to edit.
type Log = std::collections::BTreeMap<u64, Vec<u8>>;

/// Reads the whole log, lets `edit` change it, and writes it back in chunks as the ledger
/// writes them, a new chunk wherever a seq is missing (so each event keeps the seq its
/// place in its chunk gives it, and a removed event reads as missing, not as a shift).
fn edit_log(path: &Path, edit: impl FnOnce(&mut Log) -> Result<()>) -> Result<()> {
    let db = Database::open(path)?;
    let txn = db.begin_write()?;
    {
        let mut events = txn.open_table(EVENTS)?;
        let mut log = Log::new();
        for entry in events.iter()? {
            let (first, chunk) = entry?;
            for event in super::chunk::events(first.value(), chunk.value()) {
                let (seq, bytes) = event?;
                log.insert(seq, bytes.to_vec());
            }
        }
        edit(&mut log)?;
        events.retain(|_, _| false)?;
        let mut chunk: Option<(u64, Vec<u8>)> = None;
        let mut last = 0;
        for (seq, bytes) in &log {
            let start_new = match &chunk {
                None => true,
                Some((_, held)) => *seq != last + 1 || super::chunk::full(held, bytes.len()),
            };
            if start_new {
                if let Some((first, held)) = chunk.take() {
                    events.insert(first, held.as_slice())?;
                }
                chunk = Some((*seq, Vec::new()));
            }
            if let Some((_, held)) = &mut chunk {
                super::chunk::push(held, bytes);
            }
            last = *seq;
        }
        if let Some((first, held)) = chunk {
            events.insert(first, held.as_slice())?;
        }
    }
    txn.commit()?;
    Ok(())
}

/// Replaces the stored bytes of event `seq` with `edit(old bytes)`.
pub fn rewrite_event(path: &Path, seq: u64, edit: impl FnOnce(&str) -> String) -> Result<()> {
    edit_log(path, |log| {
        let old = log.get_mut(&seq).ok_or("no such event")?;
        *old = edit(std::str::from_utf8(old)?).into_bytes();
        Ok(())
    })
}

/// Deletes event `seq` from the log (leaving the indexes as they were).
pub fn remove_event(path: &Path, seq: u64) -> Result<()> {
    edit_log(path, |log| {
        log.remove(&seq).ok_or("no such event")?;
        Ok(())
    })
}

/// Swaps the stored bytes of events `a` and `b`.
pub fn swap_events(path: &Path, a: u64, b: u64) -> Result<()> {
    edit_log(path, |log| {
        let bytes_a = log.get(&a).ok_or("no such event")?.clone();
        let bytes_b = log.insert(b, bytes_a).ok_or("no such event")?;
        log.insert(a, bytes_b);
        Ok(())
    })
}

/// Replaces the projection of incident `key` with what `edit` makes of it.
pub fn rewrite_projection(
    path: &Path,
    key: &str,
    edit: impl FnOnce(&mut crate::projection::Incident),
) -> Result<()> {
    let db = Database::open(path)?;
    let txn = db.begin_write()?;
    {
        let mut incidents = txn.open_table(super::tables::INCIDENTS)?;
        let mut incident =
            super::codec::decode_incident(incidents.get(key)?.ok_or("no such incident")?.value())?;
        edit(&mut incident);
        incidents.insert(key, super::codec::encode_incident(&incident).as_slice())?;
    }
    txn.commit()?;
    Ok(())
}

/// Deletes the corrections index, as a ledger written before it existed lacks it.
pub fn drop_corrections_index(path: &Path) -> Result<()> {
    let db = Database::open(path)?;
    let txn = db.begin_write()?;
    txn.delete_table(super::tables::CORRECTIONS)?;
    txn.commit()?;
    Ok(())
}

/// Sets the format record, as a ledger written by another version of logbook has it.
pub fn set_format(path: &Path, format: &[u8]) -> Result<()> {
    let db = Database::open(path)?;
    let txn = db.begin_write()?;
    txn.open_table(super::tables::META)?
        .insert("format", format)?;
    txn.commit()?;
    Ok(())
}
