//! The binary form of the projections the ledger keeps (`incidents`, `stream_state`): what a
//! query decodes for every incident it reads, so it is compact and cheap to read, unlike the
//! JSON it replaced (ledger format 2). Pure: bytes in, values out.
//!
//! Integers are LEB128 varints (signed ones zig-zagged), strings a varint length and UTF-8,
//! options and lists a varint tag or count, enums one byte. A time is a day (tag 0, Julian day)
//! or an instant (tag 1, Unix seconds, nanoseconds, offset seconds), kept exactly as written.
//! Encoding is deterministic, so `verify` compares kept projections with refolded ones byte
//! for byte. Decoding refuses anything but exactly what encoding gives (trailing bytes, a tag
//! out of range, a time out of range).

use crate::event::rules::{Kind, StreamState};
use crate::event::{At, EventType, Level};
use crate::projection::incident::{Interval, State, Vendor};
use crate::projection::{Incident, incident::Stamp};
use time::{Date, OffsetDateTime, UtcOffset};

/// Projection bytes that are not what [`encode_incident`] or [`encode_state`] writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed projection bytes: {0}")]
pub struct CodecError(&'static str);

/// The bytes the `incidents` table keeps for `incident`.
pub fn encode_incident(incident: &Incident) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(192));
    w.str(&incident.key);
    w.byte(kind_byte(incident.kind));
    w.opt(incident.title.as_ref(), |w, t| w.str(t));
    w.list(&incident.services, |w, s| w.str(s));
    w.byte(state_byte(incident.state));
    w.stamp(&incident.opened);
    for stamp in [
        &incident.impact_start,
        &incident.detected,
        &incident.acknowledged,
        &incident.partial_restore,
        &incident.full_restore,
        &incident.resolved,
        &incident.closed,
    ] {
        w.opt(stamp.as_ref(), Writer::stamp);
    }
    w.opt(incident.window.as_ref(), |w, (a, b)| {
        w.at(a);
        w.at(b);
    });
    w.list(&incident.vendors, |w, v| {
        w.str(&v.vendor);
        w.opt(v.engaged.as_ref(), Writer::stamp);
        w.opt(v.responded.as_ref(), Writer::stamp);
        w.list(&v.tickets, |w, t| w.str(t));
        w.uint(u64::from(v.responses));
    });
    w.list(&incident.intervals, |w, i| {
        w.str(&i.service);
        w.byte(level_byte(i.level));
        w.stamp(&i.from);
        w.opt(i.to.as_ref(), Writer::stamp);
    });
    w.uint(incident.events);
    w.uint(incident.corrections);
    w.0
}

/// Reads what [`encode_incident`] wrote.
pub fn decode_incident(bytes: &[u8]) -> Result<Incident, CodecError> {
    let mut r = Reader(bytes);
    let incident = Incident {
        key: r.str()?,
        kind: kind_of(r.byte()?)?,
        title: r.opt(Reader::str)?,
        services: r.list(Reader::str)?,
        state: state_of(r.byte()?)?,
        opened: r.stamp()?,
        impact_start: r.opt(Reader::stamp)?,
        detected: r.opt(Reader::stamp)?,
        acknowledged: r.opt(Reader::stamp)?,
        partial_restore: r.opt(Reader::stamp)?,
        full_restore: r.opt(Reader::stamp)?,
        resolved: r.opt(Reader::stamp)?,
        closed: r.opt(Reader::stamp)?,
        window: r.opt(|r| Ok((r.at()?, r.at()?)))?,
        vendors: r.list(|r| {
            Ok(Vendor {
                vendor: r.str()?,
                engaged: r.opt(Reader::stamp)?,
                responded: r.opt(Reader::stamp)?,
                tickets: r.list(Reader::str)?,
                responses: u32::try_from(r.uint()?).map_err(|_| CodecError("response count"))?,
            })
        })?,
        intervals: r.list(|r| {
            Ok(Interval {
                service: r.str()?,
                level: level_of(r.byte()?)?,
                from: r.stamp()?,
                to: r.opt(Reader::stamp)?,
            })
        })?,
        events: r.uint()?,
        corrections: r.uint()?,
    };
    r.end()?;
    Ok(incident)
}

/// The bytes the `stream_state` table keeps for `state`.
pub fn encode_state(state: &StreamState) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(24));
    w.byte(kind_byte(state.kind));
    w.uint(state.revision);
    w.at(&state.opened_at);
    w.opt(state.closed_by.as_ref(), |w, t| w.byte(type_byte(*t)));
    w.0
}

/// Reads what [`encode_state`] wrote.
pub fn decode_state(bytes: &[u8]) -> Result<StreamState, CodecError> {
    let mut r = Reader(bytes);
    let state = StreamState {
        kind: kind_of(r.byte()?)?,
        revision: r.uint()?,
        opened_at: r.at()?,
        closed_by: r.opt(|r| type_of(r.byte()?))?,
    };
    r.end()?;
    Ok(state)
}

struct Writer(Vec<u8>);

impl Writer {
    fn byte(&mut self, b: u8) {
        self.0.push(b);
    }

    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt<T>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Writer, &T)) {
        match v {
            None => self.byte(0),
            Some(v) => {
                self.byte(1);
                f(self, v);
            }
        }
    }

    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Writer, &T)) {
        self.uint(items.len() as u64);
        for item in items {
            f(self, item);
        }
    }

    fn at(&mut self, at: &At) {
        match at {
            At::Day(d) => {
                self.byte(0);
                self.int(i64::from(d.to_julian_day()));
            }
            At::Instant(t) => {
                self.byte(1);
                self.int(t.unix_timestamp());
                self.uint(u64::from(t.nanosecond()));
                self.int(i64::from(t.offset().whole_seconds()));
            }
        }
    }

    fn stamp(&mut self, s: &Stamp) {
        self.at(&s.at);
        self.byte(u8::from(s.approximate));
    }
}

struct Reader<'b>(&'b [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, CodecError> {
        let (&b, rest) = self.0.split_first().ok_or(CodecError("ends early"))?;
        self.0 = rest;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64, CodecError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f)
                .checked_shl(shift)
                .filter(|x| x >> shift == u64::from(b & 0x7f))
                .ok_or(CodecError("number too large"))?;
            if b < 0x80 {
                // The shortest form only, so that one value has one encoding.
                if b == 0 && shift > 0 {
                    return Err(CodecError("number not in its shortest form"));
                }
                return Ok(v);
            }
        }
        Err(CodecError("number too long"))
    }

    fn int(&mut self) -> Result<i64, CodecError> {
        let v = self.uint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn str(&mut self) -> Result<String, CodecError> {
        let len = usize::try_from(self.uint()?).map_err(|_| CodecError("length"))?;
        if len > self.0.len() {
            return Err(CodecError("ends early"));
        }
        let (s, rest) = self.0.split_at(len);
        self.0 = rest;
        String::from_utf8(s.to_vec()).map_err(|_| CodecError("text is not UTF-8"))
    }

    fn opt<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, CodecError>,
    ) -> Result<Option<T>, CodecError> {
        match self.byte()? {
            0 => Ok(None),
            1 => f(self).map(Some),
            _ => Err(CodecError("option tag")),
        }
    }

    fn list<T>(
        &mut self,
        mut f: impl FnMut(&mut Self) -> Result<T, CodecError>,
    ) -> Result<Vec<T>, CodecError> {
        let n = self.uint()?;
        // Every item takes at least one byte: a count beyond that is damage, not a reason to
        // reserve memory.
        if n > self.0.len() as u64 {
            return Err(CodecError("list count"));
        }
        (0..n).map(|_| f(self)).collect()
    }

    fn at(&mut self) -> Result<At, CodecError> {
        match self.byte()? {
            0 => {
                let day = i32::try_from(self.int()?).map_err(|_| CodecError("day"))?;
                Date::from_julian_day(day)
                    .map(At::Day)
                    .map_err(|_| CodecError("day"))
            }
            1 => {
                let seconds = self.int()?;
                let nanos = u32::try_from(self.uint()?).map_err(|_| CodecError("nanoseconds"))?;
                let offset = i32::try_from(self.int()?).map_err(|_| CodecError("offset"))?;
                let offset =
                    UtcOffset::from_whole_seconds(offset).map_err(|_| CodecError("offset"))?;
                OffsetDateTime::from_unix_timestamp(seconds)
                    .ok()
                    .and_then(|t| t.replace_nanosecond(nanos).ok())
                    .and_then(|t| t.checked_to_offset(offset))
                    .map(At::Instant)
                    .ok_or(CodecError("instant"))
            }
            _ => Err(CodecError("time tag")),
        }
    }

    fn stamp(&mut self) -> Result<Stamp, CodecError> {
        let at = self.at()?;
        let approximate = match self.byte()? {
            0 => false,
            1 => true,
            _ => return Err(CodecError("approximate flag")),
        };
        Ok(Stamp { at, approximate })
    }

    fn end(&self) -> Result<(), CodecError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CodecError("trailing bytes"))
        }
    }
}

fn kind_byte(kind: Kind) -> u8 {
    match kind {
        Kind::Unplanned => 0,
        Kind::Maintenance => 1,
        Kind::Service => 2,
    }
}

fn kind_of(b: u8) -> Result<Kind, CodecError> {
    Ok(match b {
        0 => Kind::Unplanned,
        1 => Kind::Maintenance,
        2 => Kind::Service,
        _ => return Err(CodecError("kind")),
    })
}

fn state_byte(state: State) -> u8 {
    match state {
        State::Open => 0,
        State::PartiallyRestored => 1,
        State::Restored => 2,
        State::Resolved => 3,
        State::Scheduled => 4,
        State::InProgress => 5,
        State::Completed => 6,
        State::Cancelled => 7,
    }
}

fn state_of(b: u8) -> Result<State, CodecError> {
    Ok(match b {
        0 => State::Open,
        1 => State::PartiallyRestored,
        2 => State::Restored,
        3 => State::Resolved,
        4 => State::Scheduled,
        5 => State::InProgress,
        6 => State::Completed,
        7 => State::Cancelled,
        _ => return Err(CodecError("state")),
    })
}

fn level_byte(level: Level) -> u8 {
    match level {
        Level::Operational => 0,
        Level::Degraded => 1,
        Level::PartialOutage => 2,
        Level::MajorOutage => 3,
        Level::Maintenance => 4,
    }
}

fn level_of(b: u8) -> Result<Level, CodecError> {
    Ok(match b {
        0 => Level::Operational,
        1 => Level::Degraded,
        2 => Level::PartialOutage,
        3 => Level::MajorOutage,
        4 => Level::Maintenance,
        _ => return Err(CodecError("level")),
    })
}

/// An event type by its place in [`EventType::ALL`] (which only ever grows at its end).
fn type_byte(ty: EventType) -> u8 {
    let at = EventType::ALL.iter().position(|t| *t == ty);
    u8::try_from(at.expect("every type is in ALL")).expect("fewer than 256 types")
}

fn type_of(b: u8) -> Result<EventType, CodecError> {
    EventType::ALL
        .get(usize::from(b))
        .copied()
        .ok_or(CodecError("event type"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::parse_line;
    use crate::record::{GENESIS, Stored};
    use proptest::prelude::*;
    use time::macros::datetime;

    /// The lines as one stream's stored events, chained.
    fn stored(lines: &[&str]) -> Vec<Stored> {
        let mut prev = GENESIS;
        (0u64..)
            .zip(lines)
            .map(|(n, line)| {
                let event = parse_line(line).unwrap().event;
                let id = uuid::Uuid::from_u128(u128::from(n) + 1);
                let at = datetime!(2026-11-25 12:00 UTC);
                let s = Stored::seal(n + 1, id, n, at, event, &prev).0;
                prev = s.hash;
                s
            })
            .collect()
    }

    #[test]
    fn an_incident_reads_back_as_it_was_and_every_damage_is_refused() {
        let stream = stored(&[
            r#"{"type":"detected","incident":"i","at":"2011-06-16T03:20:00.25-04:00","approximate":true,"services":["dns","mail"],"summary":"DNS fails"}"#,
            r#"{"type":"acknowledged","incident":"i","at":"2011-06-16T03:25:00Z"}"#,
            r#"{"type":"vendor_engaged","incident":"i","at":"2011-06-16","vendor":"Level3","ticket":"T-1"}"#,
            r#"{"type":"restored","incident":"i","at":"2011-06-16T05:00:00+05:30","level":"full"}"#,
            r#"{"type":"resolved","incident":"i","at":"2011-06-17"}"#,
        ]);
        let incident = crate::projection::incident::fold("i", &stream).expect("an incident");
        let bytes = encode_incident(&incident);
        assert_eq!(decode_incident(&bytes), Ok(incident.clone()));
        assert!(bytes.len() < serde_json::to_vec(&incident).unwrap().len() / 2);
        // Every shorter prefix and every trailing byte is refused, never misread.
        for cut in 0..bytes.len() {
            assert!(decode_incident(&bytes[..cut]).is_err(), "prefix {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_incident(&longer), Err(CodecError("trailing bytes")));
    }

    #[test]
    fn a_number_has_one_encoding() {
        assert_eq!(
            Reader(&[0x80, 0x00]).uint(),
            Err(CodecError("number not in its shortest form"))
        );
        assert_eq!(
            Reader(&[0xff; 11]).uint(),
            Err(CodecError("number too large"))
        );
        let mut w = Writer(Vec::new());
        w.uint(u64::MAX);
        w.int(i64::MIN);
        w.int(-1);
        let mut r = Reader(&w.0);
        assert_eq!(
            (r.uint(), r.int(), r.int()),
            (Ok(u64::MAX), Ok(i64::MIN), Ok(-1))
        );
    }

    #[test]
    fn stream_states_read_back() {
        for state in [
            StreamState {
                kind: Kind::Maintenance,
                revision: 300,
                opened_at: At::parse("2011-05-20").unwrap(),
                closed_by: Some(EventType::MaintenanceCancelled),
            },
            StreamState {
                kind: Kind::Service,
                revision: 0,
                opened_at: At::parse("1999-12-31T23:59:59.999999999+14:00").unwrap(),
                closed_by: None,
            },
        ] {
            assert_eq!(decode_state(&encode_state(&state)), Ok(state));
        }
        for ty in EventType::ALL {
            assert_eq!(type_of(type_byte(ty)), Ok(ty));
        }
    }

    proptest! {
        #[test]
        fn any_time_reads_back_exactly(
            seconds in -2_208_988_800i64..32_503_680_000,
            nanos in 0u32..1_000_000_000,
            offset in -86_399i32..=86_399,
            day in 2_415_021i32..2_816_788,
        ) {
            let offset = UtcOffset::from_whole_seconds(offset).unwrap();
            let t = OffsetDateTime::from_unix_timestamp(seconds).unwrap()
                .replace_nanosecond(nanos).unwrap().to_offset(offset);
            for at in [At::Instant(t), At::Day(Date::from_julian_day(day).unwrap())] {
                let mut w = Writer(Vec::new());
                w.at(&at);
                let mut r = Reader(&w.0);
                prop_assert_eq!(r.at(), Ok(at));
                prop_assert!(r.end().is_ok());
            }
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_incident(&bytes);
            let _ = decode_state(&bytes);
        }
    }
}
