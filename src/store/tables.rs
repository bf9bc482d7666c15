//! The redb tables of a ledger file and their key and value types.

use redb::TableDefinition;

/// The log in chunks: the seq of a chunk's first event → consecutive stored events (the
/// encoded JSON objects, hash included), each as its length and its bytes (see
/// [`chunk`](super::chunk)).
pub const EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("events");
/// Event id (UUID as u128) → `seq`.
pub const IDS: TableDefinition<u128, u64> = TableDefinition::new("ids");
/// Stream key → the seqs of its events in revision order (8 bytes each, big endian; the
/// revision of an event is its place in the list). Service streams have keys starting with
/// `@`. One value per stream, written once per append that touches it, instead of one entry
/// per event.
pub const STREAMS: TableDefinition<&str, &[u8]> = TableDefinition::new("streams");

/// The [`STREAMS`] value listing `seqs`.
pub fn seqs_value(seqs: &[u64]) -> Vec<u8> {
    seqs.iter().flat_map(|s| s.to_be_bytes()).collect()
}

/// The seqs a [`STREAMS`] value holds (`None`: not a whole number of seqs).
pub fn seqs(value: &[u8]) -> Option<impl Iterator<Item = u64> + '_> {
    value.len().is_multiple_of(8).then(|| {
        value
            .chunks_exact(8)
            .map(|c| u64::from_be_bytes(c.try_into().expect("8 bytes")))
    })
}
/// `format` → format version; `head` → last seq (8 bytes, big endian) ‖ its hash (32 bytes).
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Projection: stream key → its [`StreamState`](crate::event::rules::StreamState), in the
/// binary form of [`codec`](super::codec).
pub const STREAM_STATE: TableDefinition<&str, &[u8]> = TableDefinition::new("stream_state");

/// The format version written by `init`. Format 2 kept the projections (`incidents`,
/// `stream_state`) in the binary form of [`codec`](super::codec) instead of JSON, and each
/// stream's seqs as one list ([`STREAMS`]) instead of one entry per event; format 3 keeps the
/// log in chunks of consecutive events ([`EVENTS`]) instead of one entry per event. The
/// events are the same bytes in all three.
pub const FORMAT: &[u8] = b"logbook-ledger-3";
/// Formats of earlier versions: opening one says how to move its events over (export with
/// the version that wrote it, import with this one).
pub const OLD_FORMATS: [&[u8]; 2] = [b"logbook-ledger-1", b"logbook-ledger-2"];
/// Projection: incident key → its [`Incident`](crate::projection::Incident), in the binary
/// form of [`codec`](super::codec).
pub const INCIDENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("incidents");
/// Projection: (service, incident key) for every service an incident names.
pub const SERVICE_INCIDENTS: TableDefinition<(&str, &str), ()> =
    TableDefinition::new("service_incidents");
/// Index: (target id as u128, seq of a correction) → 0 for an amendment, 1 for a retraction.
/// Lets `log` mark corrected events while it streams, without reading the whole log first.
pub const CORRECTIONS: TableDefinition<(u128, u64), u8> = TableDefinition::new("corrections");
