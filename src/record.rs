//! Stored events: the envelope the ledger adds, their canonical bytes, and the hash chain
//! (pure: the store writes these bytes, projections and export read them).
//!
//! A stored event is written (and exported) as one JSON object: `seq`, `id`, `revision`,
//! `recorded_at`, the event's own fields, then `hash`. The canonical bytes that are hashed are
//! the same object without `hash`: `hash_n = SHA-256(hash_{n-1} ‖ canonical_n)`, `hash_0` = zeros.

use crate::event::canonical::{write_u64, write_uuid};
use crate::event::time::{parse_instant, write_instant};
use crate::event::{Event, FieldError, parse::parse_object};
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
    /// The bytes that are hashed: the stored object without `hash`. Written directly, byte
    /// for byte what serialising the same fields through `serde_json` gives (a property test
    /// in `event::canonical` holds the two together).
    pub fn canonical(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(320);
        out.extend_from_slice(b"{\"seq\":");
        write_u64(&mut out, self.seq);
        out.extend_from_slice(b",\"id\":");
        write_uuid(&mut out, &self.id);
        out.extend_from_slice(b",\"revision\":");
        write_u64(&mut out, self.revision);
        out.extend_from_slice(b",\"recorded_at\":\"");
        write_instant(&mut out, self.recorded_at);
        out.push(b'"');
        self.event.write_fields(&mut out);
        out.push(b'}');
        out
    }

    /// The stored (and exported) form: the canonical object with `hash` last.
    pub fn encode(&self) -> Vec<u8> {
        with_hash(self.canonical(), &self.hash)
    }

    /// The stored form, and the chain hash its canonical bytes give after `prev` (which an
    /// import compares with the hash the event carries), from one serialisation.
    pub fn encode_chained(&self, prev: &Hash) -> (Vec<u8>, Hash) {
        let canonical = self.canonical();
        let hash = chain(prev, &canonical);
        (with_hash(canonical, &self.hash), hash)
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

    /// Reads a stored (or exported) object back, strictly: the bytes must be exactly the
    /// encoding [`Stored::encode`] gives for what they hold, so no byte a reader uses lies
    /// outside the hash (an extra or repeated member, a reordered field, other spacing or
    /// trailing data are all refused). Errors name the field at fault.
    pub fn decode(bytes: &[u8]) -> Result<Stored, FieldError> {
        let stored = Stored::decode_fields(bytes)?;
        if stored.encode() != bytes {
            return Err(FieldError::new(
                "-",
                "is not exactly the encoding logbook writes (an extra, repeated or reordered member, other spacing, or trailing bytes)",
            ));
        }
        Ok(stored)
    }

    /// Reads the fields of a stored object without checking that it is canonical.
    fn decode_fields(bytes: &[u8]) -> Result<Stored, FieldError> {
        // serde_json keeps the last of repeated members; `decode` refuses them all the same,
        // since the bytes would not be the encoding of what was read.
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
    for b in hash {
        canonical.push(HEX_DIGITS[usize::from(b >> 4)]);
        canonical.push(HEX_DIGITS[usize::from(b & 15)]);
    }
    canonical.extend_from_slice(b"\"}");
    canonical
}

/// A stored event read from an export, with what the import's writer compares: its exact
/// bytes (what it stores) and the chain hash they give after `prev`, the hash the line before
/// it carries. Worked out where the line is read (a second thread), so the writer, which
/// knows the real previous hash, only compares 32 bytes twice.
/// Only [`Chain::read`] makes one, so what the writer compares was worked out from the bytes
/// it stores.
#[derive(Debug, Clone)]
pub struct Checked {
    stored: Stored,
    bytes: Vec<u8>,
    prev: Hash,
    chained: Hash,
}

impl Checked {
    /// Reads `bytes` strictly ([`Stored::decode`]) and hashes them after `prev`.
    fn read(bytes: &[u8], prev: &Hash) -> Result<Checked, FieldError> {
        let stored = Stored::decode(bytes)?;
        // A strict decode leaves exactly `,"hash":"<64 hex>"}` after the canonical members.
        let members = &bytes[..bytes.len() - HASH_TAIL];
        let mut h = Sha256::new();
        h.update(prev);
        h.update(members);
        h.update(b"}");
        Ok(Checked {
            stored,
            bytes: bytes.to_vec(),
            prev: *prev,
            chained: h.finalize().into(),
        })
    }

    /// The event, its bytes, the hash it was chained after, and the hash that gave.
    pub fn into_parts(self) -> (Stored, Vec<u8>, Hash, Hash) {
        (self.stored, self.bytes, self.prev, self.chained)
    }
}

/// Reads the lines of an export in order, each strictly ([`Stored::decode`]) and hashed after
/// the hash the line before it carries (the genesis hash before the first).
#[derive(Debug)]
pub struct Chain {
    prev: Hash,
}

impl Default for Chain {
    fn default() -> Chain {
        Chain { prev: GENESIS }
    }
}

impl Chain {
    /// Reads the next line.
    pub fn read(&mut self, bytes: &[u8]) -> Result<Checked, FieldError> {
        let checked = Checked::read(bytes, &self.prev)?;
        self.prev = checked.stored.hash;
        Ok(checked)
    }
}

/// The bytes a stored value ends with after its canonical members: `,"hash":"<64 hex>"}`.
const HASH_TAIL: usize = b",\"hash\":\"".len() + 64 + 2;

/// Splits stored bytes into the canonical bytes the hash covers and the hash written after
/// them, without decoding the event: the value must end with exactly `,"hash":"<64 hex>"}`.
/// Whether the canonical part is a well-formed event is for [`Stored::decode`] to say.
pub fn split(bytes: &[u8]) -> Option<(Vec<u8>, Hash)> {
    const FIELD: &[u8] = b",\"hash\":\"";
    let at = bytes.len().checked_sub(HASH_TAIL)?;
    let (body, tail) = bytes.split_at(at);
    let digits = tail.strip_prefix(FIELD)?.strip_suffix(b"\"}")?;
    let hash = unhex(std::str::from_utf8(digits).ok()?)?;
    // `unhex` takes either case; the ledger writes lowercase.
    if digits.iter().any(u8::is_ascii_uppercase) {
        return None;
    }
    let mut canonical = body.to_vec();
    canonical.push(b'}');
    Some((canonical, hash))
}

/// One link of the chain.
pub fn chain(prev: &Hash, canonical: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical);
    h.finalize().into()
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of a hash.
pub fn hex(hash: &Hash) -> String {
    let mut out = String::with_capacity(64);
    for b in hash {
        out.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
        out.push(char::from(HEX_DIGITS[usize::from(b & 15)]));
    }
    out
}

/// The hash written as 64 hex digits.
pub fn unhex(text: &str) -> Option<Hash> {
    // Hex digits only, either case (no sign, no spacing); `verify` reads two per event.
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = GENESIS;
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// The value of one hex digit.
fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// A UUIDv7 for an event written without an id: the time is `recorded_at`; the 74 bits after
/// it hold the seq (48 bits, so ids of one ledger grow with the log, which keeps the id index
/// append-friendly) and 26 bits from the previous hash, mixed with `attempt`. Reproducible
/// under a fixed clock. A writer may have chosen the same id for an earlier event: the store
/// then asks again with the next `attempt` until the id is free.
pub fn new_id(recorded_at: OffsetDateTime, prev: &Hash, seq: u64, attempt: u32) -> Uuid {
    let salt = u128::from(
        (u32::from_be_bytes([prev[0], prev[1], prev[2], prev[3]]) >> 6)
            ^ (attempt.wrapping_mul(0x9e37_79b9) & ((1 << 26) - 1)),
    );
    // 74 bits: seq (48) then salt (26), spread over the fields UUIDv7 leaves free (12 + 6 + 56).
    let n = (u128::from(seq & ((1 << 48) - 1)) << 26) | salt;
    let mut bits = [0u8; 10];
    bits[..2].copy_from_slice(&((n >> 62) as u16).to_be_bytes());
    bits[2] = ((n >> 56) & 0x3f) as u8;
    bits[3..].copy_from_slice(&(n as u64).to_be_bytes()[1..]);
    let millis = (recorded_at.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
    uuid::Builder::from_unix_timestamp_millis(millis, &bits).into_uuid()
}

/// A stable id derived from a name: a UUIDv8 made of the first 16 bytes of its SHA-256. The
/// same name gives the same id on every machine, so what is named after it (an event built
/// from a source's own ids, a feed) keeps its id across runs.
pub fn derived_id(name: &str) -> Uuid {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
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
        let id = new_id(now, &GENESIS, 1, 0);
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
    fn split_gives_the_canonical_bytes_and_the_hash() {
        let s = sample();
        let bytes = s.encode();
        assert_eq!(split(&bytes), Some((s.canonical(), s.hash)));
        let mut extra = bytes.clone();
        extra.pop();
        extra.extend_from_slice(br#","text":"all fine"}"#);
        assert_eq!(split(&extra), None);
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(split(text.to_uppercase().as_bytes()), None);
        // Found by fuzzing: a sign inside a digit pair was read as a digit.
        let hash_at = text.rfind("\"hash\":\"").unwrap() + 8;
        let mut signed = text.clone();
        signed.replace_range(hash_at..hash_at + 1, "+");
        assert_eq!(split(signed.as_bytes()), None);
    }

    #[test]
    fn decode_refuses_anything_but_the_exact_encoding() {
        let bytes = String::from_utf8(sample().encode()).unwrap();
        let hash_at = bytes.find(",\"hash\"").unwrap();
        let cases = [
            // a member after the hash, read by a lax reader but not covered by it
            bytes.replace("\"}", "\",\"actor\":\"mallory\"}"),
            // a repeated member inside the hashed part
            format!(
                "{},\"type\":\"resolved\"{}",
                &bytes[..hash_at],
                &bytes[hash_at..]
            ),
            format!("{bytes} "),
            format!("{bytes}\n"),
            bytes.replacen("{", "{ ", 1),
            // the same members in another order
            bytes
                .replacen(",\"revision\":0", "", 1)
                .replacen("{", "{\"revision\":0,", 1),
        ];
        for case in cases {
            assert_ne!(case, bytes);
            assert!(Stored::decode(case.as_bytes()).is_err(), "accepted: {case}");
        }
        assert!(Stored::decode(bytes.as_bytes()).is_ok());
    }

    #[test]
    fn unhex_reads_hex_of_either_case_and_nothing_else() {
        let hash: Hash = std::array::from_fn(|i| (i * 37 + 5) as u8);
        let text = hex(&hash);
        assert_eq!(unhex(&text), Some(hash));
        assert_eq!(unhex(&text.to_uppercase()), Some(hash));
        for bad in ["+", "-", " ", "g", "G", "x", "\u{e9}"] {
            let mut changed = text.clone();
            changed.replace_range(10..10 + bad.len(), bad);
            assert_eq!(unhex(&changed), None, "{changed}");
        }
        assert_eq!(unhex(&text[..62]), None);
        assert_eq!(unhex(&format!("{text}0")), None);
    }

    #[test]
    fn the_hash_covers_every_field() {
        let s = sample();
        let mut changed = s.clone();
        changed.revision = 1;
        assert_ne!(chain(&GENESIS, &changed.canonical()), s.hash);
        assert_eq!(chain(&GENESIS, &s.canonical()), s.hash);
        assert_eq!(s.encode_chained(&GENESIS), (s.encode(), s.hash));
        assert_ne!(changed.encode_chained(&GENESIS).1, s.hash);
    }

    #[test]
    fn generated_ids_grow_with_the_seq() {
        let now = parse_instant("2026-11-25T12:00:00Z").unwrap();
        let ids: Vec<Uuid> = (1..2000)
            .map(|seq| new_id(now, &[seq as u8; 32], seq, 0))
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids.iter().all(|id| id.get_version_num() == 7));
    }

    #[test]
    fn another_attempt_gives_another_id() {
        let now = parse_instant("2026-11-25T12:00:00Z").unwrap();
        let ids: std::collections::HashSet<Uuid> = (0..1000)
            .map(|attempt| new_id(now, &GENESIS, 7, attempt))
            .collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn generated_ids_are_v7_and_reproducible() {
        let a = sample();
        assert_eq!(a.id.get_version_num(), 7);
        assert_eq!(sample().id, a.id);
    }
}
