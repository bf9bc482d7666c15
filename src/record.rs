//! Stored events: the envelope the ledger adds, their canonical bytes, and the hash chain
//! (pure: the store writes these bytes, projections and export read them).
//!
//! A stored event is written (and exported) as one JSON object: `seq`, `id`, `revision`,
//! `recorded_at`, the event's own fields, then `hash`. The canonical bytes that are hashed are
//! the same object without `hash`: `hash_n = SHA-256(hash_{n-1} ‖ canonical_n)`, `hash_0` = zeros.

use crate::event::time::{format_instant, parse_instant};
use crate::event::{Event, FieldError, parse::parse_object};
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

/// A SHA-256 chain hash.
pub type Hash = [u8; 32];

/// The hash before the first event.
pub const GENESIS: Hash = [0; 32];

/// An event as the ledger keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub seq: u64,
    pub id: Uuid,
    pub revision: u64,
    pub recorded_at: OffsetDateTime,
    pub event: Event,
    pub hash: Hash,
}

impl Stored {
    /// Builds a stored event and its chain hash from the previous hash.
    pub fn seal(
        seq: u64,
        id: Uuid,
        revision: u64,
        recorded_at: OffsetDateTime,
        event: Event,
        prev: &Hash,
    ) -> Stored {
        let mut stored = Stored {
            seq,
            id,
            revision,
            recorded_at,
            event,
            hash: GENESIS,
        };
        stored.hash = chain(prev, &stored.canonical());
        stored
    }

    /// The bytes that are hashed: the stored object without `hash`.
    pub fn canonical(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(320);
        let mut ser = serde_json::Serializer::new(&mut out);
        let written = (|| {
            let mut map = (&mut ser).serialize_map(None)?;
            map.serialize_entry("seq", &self.seq)?;
            map.serialize_entry("id", &self.id)?;
            map.serialize_entry("revision", &self.revision)?;
            map.serialize_entry("recorded_at", &format_instant(self.recorded_at))?;
            self.event.serialize_fields(&mut map)?;
            map.end()
        })();
        // Writing JSON into a Vec cannot fail: every value is a string, number, list or map.
        debug_assert!(written.is_ok());
        out
    }

    /// The stored (and exported) form: the canonical object with `hash` last.
    pub fn encode(&self) -> Vec<u8> {
        with_hash(self.canonical(), &self.hash)
    }

    /// Seals like [`Stored::seal`] and also returns the encoded bytes, serialising only once.
    pub fn seal_encoded(
        seq: u64,
        id: Uuid,
        revision: u64,
        recorded_at: OffsetDateTime,
        event: Event,
        prev: &Hash,
    ) -> (Stored, Vec<u8>) {
        let mut stored = Stored {
            seq,
            id,
            revision,
            recorded_at,
            event,
            hash: GENESIS,
        };
        let canonical = stored.canonical();
        stored.hash = chain(prev, &canonical);
        let bytes = with_hash(canonical, &stored.hash);
        (stored, bytes)
    }

    /// Reads a stored (or exported) object back. Errors name the field at fault.
    pub fn decode(bytes: &[u8]) -> Result<Stored, FieldError> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| FieldError::new("-", format!("not valid JSON: {e}")))?;
        let Value::Object(mut map) = value else {
            return Err(FieldError::new("-", "expected a JSON object"));
        };
        let seq = take_u64(&mut map, "seq")?;
        let revision = take_u64(&mut map, "revision")?;
        let recorded_at = match map.remove("recorded_at") {
            Some(Value::String(s)) => parse_instant(&s).ok_or_else(|| {
                FieldError::new("recorded_at", format!("`{s}` is not an RFC 3339 time"))
            })?,
            _ => return Err(FieldError::new("recorded_at", "required in a stored event")),
        };
        let hash = match map.remove("hash") {
            Some(Value::String(s)) => {
                unhex(&s).ok_or_else(|| FieldError::new("hash", "must be 64 hex digits"))?
            }
            _ => return Err(FieldError::new("hash", "required in a stored event")),
        };
        let sub = parse_object(map)?;
        let id = sub
            .id
            .ok_or_else(|| FieldError::new("id", "required in a stored event"))?;
        if sub.expected_revision.is_some() {
            return Err(FieldError::new(
                "expected_revision",
                "is not part of a stored event",
            ));
        }
        Ok(Stored {
            seq,
            id,
            revision,
            recorded_at,
            event: sub.event,
            hash,
        })
    }
}

fn take_u64(map: &mut serde_json::Map<String, Value>, key: &str) -> Result<u64, FieldError> {
    map.remove(key)
        .and_then(|v| v.as_u64())
        .ok_or_else(|| FieldError::new(key, "required in a stored event, as a whole number"))
}

/// The canonical object with `"hash":"…"` added as its last field.
fn with_hash(mut canonical: Vec<u8>, hash: &Hash) -> Vec<u8> {
    canonical.pop(); // the closing brace
    canonical.extend_from_slice(b",\"hash\":\"");
    canonical.extend_from_slice(hex(hash).as_bytes());
    canonical.extend_from_slice(b"\"}");
    canonical
}

/// One link of the chain.
pub fn chain(prev: &Hash, canonical: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical);
    h.finalize().into()
}

/// Lowercase hex of a hash.
pub fn hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Hash> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = GENESIS;
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A UUIDv7 for an event written without an id: the time is `recorded_at`, the random bits
/// come from the chain (previous hash, seq and content), so ids are unique within a ledger and
/// reproducible under a fixed clock.
pub fn new_id(recorded_at: OffsetDateTime, prev: &Hash, seq: u64, event: &Event) -> Uuid {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(serde_json::to_vec(event).unwrap_or_default());
    let digest: Hash = h.finalize().into();
    let mut bits = [0u8; 10];
    bits.copy_from_slice(&digest[..10]);
    let millis = (recorded_at.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
    uuid::Builder::from_unix_timestamp_millis(millis, &bits).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::parse_line;

    fn sample() -> Stored {
        let event = parse_line(
            r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T03:25:00-04:00"}"#,
        )
        .unwrap()
        .event;
        let now = parse_instant("2026-11-25T12:00:00Z").unwrap();
        let id = new_id(now, &GENESIS, 1, &event);
        Stored::seal(1, id, 0, now, event, &GENESIS)
    }

    #[test]
    fn encode_decode_round_trips_byte_for_byte() {
        let s = sample();
        let bytes = s.encode();
        let back = Stored::decode(&bytes).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.encode(), bytes);
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .starts_with(r#"{"seq":1,"id":""#)
        );
    }

    #[test]
    fn the_hash_covers_every_field() {
        let s = sample();
        let mut changed = s.clone();
        changed.revision = 1;
        assert_ne!(chain(&GENESIS, &changed.canonical()), s.hash);
        assert_eq!(chain(&GENESIS, &s.canonical()), s.hash);
    }

    #[test]
    fn generated_ids_are_v7_and_reproducible() {
        let a = sample();
        assert_eq!(a.id.get_version_num(), 7);
        assert_eq!(sample().id, a.id);
    }
}
