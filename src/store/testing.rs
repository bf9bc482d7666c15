//! Test-only helpers that write the tables directly, to simulate tampering and corruption.
//! Nothing in logbook calls these; they exist so tests can prove `verify` catches damage.

use super::tables::EVENTS;
use redb::{Database, ReadableTable};
use std::path::Path;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Replaces the stored bytes of event `seq` with `edit(old bytes)`.
pub fn rewrite_event(path: &Path, seq: u64, edit: impl FnOnce(&str) -> String) -> Result<()> {
    let db = Database::open(path)?;
    let txn = db.begin_write()?;
    {
        let mut events = txn.open_table(EVENTS)?;
        let old = events.get(seq)?.ok_or("no such event")?.value().to_vec();
        let new = edit(std::str::from_utf8(&old)?);
        events.insert(seq, new.as_bytes())?;
    }
    txn.commit()?;
    Ok(())
}

/// Deletes event `seq` from the log (leaving the indexes as they were).
pub fn remove_event(path: &Path, seq: u64) -> Result<()> {
    let db = Database::open(path)?;
    let txn = db.begin_write()?;
    txn.open_table(EVENTS)?.remove(seq)?;
    txn.commit()?;
    Ok(())
}

/// Swaps the stored bytes of events `a` and `b`.
pub fn swap_events(path: &Path, a: u64, b: u64) -> Result<()> {
    let db = Database::open(path)?;
    let txn = db.begin_write()?;
    {
        let mut events = txn.open_table(EVENTS)?;
        let bytes_a = events.get(a)?.ok_or("no such event")?.value().to_vec();
        let bytes_b = events.get(b)?.ok_or("no such event")?.value().to_vec();
        events.insert(a, bytes_b.as_slice())?;
        events.insert(b, bytes_a.as_slice())?;
    }
    txn.commit()?;
    Ok(())
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
