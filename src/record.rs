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

    /// Builds a stored event and its chain hash from the previous hash; also returns its
    /// encoded bytes (serialised once, for the hash and for storage).
    pub fn seal(
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

/// The envelope of a stored event and the few fields `verify` needs, read without decoding
/// (and checking) the whole event.
#[derive(Debug, serde::Deserialize)]
pub struct Light<'a> {
    pub seq: u64,
    pub id: Uuid,
    pub revision: u64,
    #[serde(rename = "type", borrow)]
    pub type_name: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    pub incident: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    pub service: Option<std::borrow::Cow<'a, str>>,
    pub at: crate::event::At,
    #[serde(borrow)]
    pub hash: std::borrow::Cow<'a, str>,
}

impl<'a> Light<'a> {
    /// Reads the light view of stored bytes.
    pub fn read(bytes: &'a [u8]) -> Result<Light<'a>, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    /// The key of the stream the event belongs to (as [`crate::event::Stream::key`]).
    pub fn stream_key(&self) -> String {
        crate::event::stream_key(self.incident.as_deref(), self.service.as_deref())
    }
}

/// The canonical bytes inside stored bytes: everything but the trailing `"hash"` field.
pub fn canonical_of(bytes: &[u8]) -> Option<Vec<u8>> {
    const FIELD: &[u8] = b",\"hash\":\"";
    let at = bytes.windows(FIELD.len()).rposition(|w| w == FIELD)?;
    let mut out = bytes[..at].to_vec();
    out.push(b'}');
    Some(out)
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
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in hash {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// The hash written as 64 hex digits.
pub fn unhex(text: &str) -> Option<Hash> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = GENESIS;
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A UUIDv7 for an event written without an id: the time is `recorded_at`; the 74 bits after
/// it hold the seq (48 bits, so ids of one ledger are unique and grow with the log, which keeps
/// the id index append-friendly) and 26 bits from the previous hash. Reproducible under a fixed
/// clock.
pub fn new_id(recorded_at: OffsetDateTime, prev: &Hash, seq: u64) -> Uuid {
    let salt = u128::from(u32::from_be_bytes([prev[0], prev[1], prev[2], prev[3]]) >> 6);
    // 74 bits: seq (48) then salt (26), spread over the fields UUIDv7 leaves free (12 + 6 + 56).
    let n = (u128::from(seq & ((1 << 48) - 1)) << 26) | salt;
    let mut bits = [0u8; 10];
    bits[..2].copy_from_slice(&((n >> 62) as u16).to_be_bytes());
    bits[2] = ((n >> 56) & 0x3f) as u8;
    bits[3..].copy_from_slice(&(n as u64).to_be_bytes()[1..]);
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
        let id = new_id(now, &GENESIS, 1);
        Stored::seal(1, id, 0, now, event, &GENESIS).0
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
    fn the_light_view_and_canonical_bytes_come_from_the_stored_bytes() {
        let s = sample();
        let bytes = s.encode();
        assert_eq!(canonical_of(&bytes).unwrap(), s.canonical());
        let light = Light::read(&bytes).unwrap();
        assert_eq!(
            (
                light.seq,
                light.id,
                light.revision,
                light.type_name.as_ref()
            ),
            (1, s.id, 0, "acknowledged")
        );
        assert_eq!(
            (light.stream_key(), light.hash.as_ref()),
            ("i".to_string(), hex(&s.hash).as_str())
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
    fn generated_ids_grow_with_the_seq() {
        let now = parse_instant("2026-11-25T12:00:00Z").unwrap();
        let ids: Vec<Uuid> = (1..2000)
            .map(|seq| new_id(now, &[seq as u8; 32], seq))
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids.iter().all(|id| id.get_version_num() == 7));
    }

    #[test]
    fn generated_ids_are_v7_and_reproducible() {
        let a = sample();
        assert_eq!(a.id.get_version_num(), 7);
        assert_eq!(sample().id, a.id);
    }
}
