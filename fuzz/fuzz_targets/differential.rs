//! What readers decode is what the hash covers.
//!
//! 1. On arbitrary bytes: when `Stored::decode` accepts, `record::split` splits them too, into
//!    exactly `stored.canonical()` and `stored.hash`.
//! 2. On a valid stored event built from the input (its first line, an event line or a stored
//!    encoding, sealed with the numbers in the bytes after it), with one byte replaced, inserted
//!    or deleted where the fuzzer says: decode refuses the result, or it re-encodes to exactly
//!    those bytes and its hash check fails, unless the bytes did not change. No edit changes
//!    what a reader decodes while keeping the chain valid.
//! 3. The canonical bytes, written directly, are exactly what serialising the same fields
//!    through serde_json gives (the path they replaced).
#![no_main]

use libfuzzer_sys::fuzz_target;
use logbook::event::time::format_instant;
use logbook::event::{Event, parse_line};
use logbook::record::{self, GENESIS, Hash, Stored, chain, split};
use time::{Duration, OffsetDateTime, UtcOffset};
use uuid::Uuid;

fuzz_target!(|data: &[u8]| {
    readers_see_what_the_hash_covers(data);

    let (first, params) = match data.iter().position(|b| *b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Some((event, id)) = source_event(first) else {
        return;
    };
    let p = Params(params);
    let prev: Hash = match p.byte(12) {
        0 => GENESIS,
        b => chain(&GENESIS, &[b]),
    };
    let seq = 1 + u64::from(p.u16(0));
    let revision = u64::from(p.byte(2));
    let recorded_at = p.instant(3);
    let id = match id {
        Some(id) if p.byte(13) & 1 == 1 => id,
        _ => record::new_id(recorded_at, &prev, seq, 0),
    };

    let (stored, bytes) = Stored::seal(seq, id, revision, recorded_at, event, &prev);
    canonical_is_the_serialised_form(&stored);
    assert!(stored.encode() == bytes, "seal and encode disagree");
    match Stored::decode(&bytes) {
        Ok(back) => assert_eq!(back, stored, "a sealed event decodes as another"),
        Err(e) => panic!(
            "a sealed event does not decode: {e}\n{}",
            String::from_utf8_lossy(&bytes)
        ),
    }
    let (canonical, hash) = split(&bytes).expect("a sealed event splits");
    assert_eq!(
        chain(&prev, &canonical),
        hash,
        "a sealed event breaks the chain"
    );

    let mutated = mutate(&bytes, p.u16(14), p.byte(16), p.byte(17));
    readers_see_what_the_hash_covers(&mutated);
    let Ok(decoded) = Stored::decode(&mutated) else {
        return;
    };
    assert!(
        decoded.encode() == mutated,
        "decode accepted a non-canonical edit"
    );
    let (canonical, hash) = split(&mutated).expect("decoded bytes split");
    if mutated == bytes {
        assert_eq!(decoded, stored);
        assert_eq!(chain(&prev, &canonical), hash);
    } else {
        assert_ne!(
            chain(&prev, &canonical),
            hash,
            "an edited event decodes and still matches the chain:\n{}\nwas\n{}",
            String::from_utf8_lossy(&mutated),
            String::from_utf8_lossy(&bytes),
        );
    }
});

/// Property 1: decode accepts only bytes whose split gives its own canonical bytes and hash.
fn readers_see_what_the_hash_covers(bytes: &[u8]) {
    let Ok(stored) = Stored::decode(bytes) else {
        return;
    };
    let Some((canonical, hash)) = split(bytes) else {
        panic!(
            "decode accepts what split refuses:\n{}",
            String::from_utf8_lossy(bytes)
        );
    };
    assert!(
        canonical == stored.canonical(),
        "the hash covers other bytes than the decoded event's:\n{}\nsplit gives\n{}",
        String::from_utf8_lossy(&stored.canonical()),
        String::from_utf8_lossy(&canonical),
    );
    assert_eq!(hash, stored.hash, "split and decode read different hashes");
}

/// Property 3: the direct writer against serde_json serialising the envelope and the event.
fn canonical_is_the_serialised_form(stored: &Stored) {
    let event = serde_json::to_string(&stored.event).expect("an event serialises");
    let oracle = format!(
        "{{\"seq\":{},\"id\":{},\"revision\":{},\"recorded_at\":{},{}",
        stored.seq,
        serde_json::to_string(&stored.id).expect("a uuid serialises"),
        stored.revision,
        serde_json::to_string(&format_instant(stored.recorded_at)).expect("a string serialises"),
        &event[1..],
    );
    assert!(
        stored.canonical() == oracle.as_bytes(),
        "the canonical bytes differ from the serialised form:\n{}\nserde_json gives\n{oracle}",
        String::from_utf8_lossy(&stored.canonical()),
    );
}

/// The event of an input line (an event as writers submit it, or a stored encoding) and the
/// id it names, if any.
fn source_event(line: &[u8]) -> Option<(Event, Option<Uuid>)> {
    if let Ok(sub) = std::str::from_utf8(line).ok().map(parse_line)? {
        return Some((sub.event, sub.id));
    }
    let stored = Stored::decode(line).ok()?;
    Some((stored.event, Some(stored.id)))
}

/// Replaces (op 0), inserts before (op 1) or deletes (op 2) the byte at `at` (wrapped).
fn mutate(bytes: &[u8], at: u16, op: u8, value: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let at = usize::from(at) % (out.len() + 1);
    match op % 3 {
        0 if at < out.len() => out[at] = value,
        1 => out.insert(at, value),
        2 if at < out.len() => {
            out.remove(at);
        }
        _ => {}
    }
    out
}

/// Numbers read from the bytes after the first line (zeros past the end).
struct Params<'a>(&'a [u8]);

impl Params<'_> {
    fn byte(&self, i: usize) -> u8 {
        self.0.get(i).copied().unwrap_or(0)
    }

    fn u16(&self, i: usize) -> u16 {
        u16::from_le_bytes([self.byte(i), self.byte(i + 1)])
    }

    fn u32(&self, i: usize) -> u32 {
        u32::from_le_bytes([
            self.byte(i),
            self.byte(i + 1),
            self.byte(i + 2),
            self.byte(i + 3),
        ])
    }

    /// An instant from 1970 to 2106 with nanoseconds and a whole-minute offset within a day.
    fn instant(&self, i: usize) -> OffsetDateTime {
        let seconds = i64::from(self.u32(i));
        let nanos = i64::from(self.u16(i + 4)) * 15_259;
        let minutes = i32::from(self.u16(i + 6) as i16) % (24 * 60);
        let offset = UtcOffset::from_whole_seconds(minutes * 60).expect("within a day");
        (OffsetDateTime::UNIX_EPOCH + Duration::seconds(seconds) + Duration::nanoseconds(nanos))
            .to_offset(offset)
    }
}
