//! The direct writer against the serialising path it replaced, which stays here as the
//! oracle: the same bytes for generated stored events of every type, with any text (quotes,
//! backslashes, control characters, any Unicode), any instant and offset, days, and any JSON
//! in an amendment's `set`.

use super::super::time::format_instant;
use super::super::{At, Body, Channel, Event, Level, Name, RestoreLevel, Source, StepState, TYPES};
use crate::record::{GENESIS, Stored};
use proptest::prelude::*;
use proptest::strategy::{Union, ValueTree};
use proptest::test_runner::TestRunner;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Number, Value};
use time::{Date, OffsetDateTime, UtcOffset};
use uuid::Uuid;

/// The canonical bytes as `Stored::canonical` wrote them before the direct writer: through
/// serde_json, the body by way of a `serde_json::Map`.
fn canonical_via_value(s: &Stored) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::new(&mut out);
    let mut map = (&mut ser).serialize_map(None).unwrap();
    map.serialize_entry("seq", &s.seq).unwrap();
    map.serialize_entry("id", &s.id).unwrap();
    map.serialize_entry("revision", &s.revision).unwrap();
    map.serialize_entry("recorded_at", &format_instant(s.recorded_at))
        .unwrap();
    s.event.serialize_fields(&mut map).unwrap();
    map.end().unwrap();
    out
}

/// Text with the characters JSON escapes well represented, and any other.
fn text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        3 => prop::char::range('\0', '\x7f'),
        1 => prop::sample::select(vec!['"', '\\', '/', '\u{7f}', '\u{2028}', '\u{fffd}', 'é']),
        1 => any::<char>(),
    ];
    prop::collection::vec(ch, 0..12).prop_map(|c| c.into_iter().collect())
}

fn opt<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<T>> {
    prop::option::of(s)
}

fn name() -> impl Strategy<Value = Name> {
    "[A-Za-z0-9][A-Za-z0-9._:-]{0,12}".prop_map(|t| Name::parse(&t).unwrap())
}

fn names() -> impl Strategy<Value = Vec<Name>> {
    prop::collection::vec(name(), 0..4)
}

/// Any instant the type holds, in any offset (seconds included, which RFC 3339 cannot
/// write), with whole seconds, milliseconds or nanoseconds.
fn instant() -> impl Strategy<Value = OffsetDateTime> {
    let min = OffsetDateTime::new_utc(Date::MIN, time::Time::MIDNIGHT).unix_timestamp();
    let max = OffsetDateTime::new_utc(Date::MAX, time::Time::MIDNIGHT).unix_timestamp();
    let seconds = prop_oneof![
        3 => 0i64..4_102_444_800,
        1 => min..=max,
    ];
    let nanos = prop_oneof![
        2 => Just(0u32),
        1 => (0u32..1000).prop_map(|ms| ms * 1_000_000),
        1 => 0u32..1_000_000_000,
    ];
    let offset = prop_oneof![
        2 => Just(0i32),
        2 => (-24 * 60..=24 * 60).prop_map(|m| m * 60),
        1 => -93_599i32..=93_599,
    ];
    (seconds, nanos, offset).prop_map(|(s, n, o)| {
        let utc = OffsetDateTime::from_unix_timestamp(s).unwrap()
            + time::Duration::nanoseconds(i64::from(n));
        let utc = utc.min(OffsetDateTime::new_utc(Date::MAX, time::Time::MIDNIGHT));
        let offset = UtcOffset::from_whole_seconds(o).unwrap();
        utc.checked_to_offset(offset).unwrap_or(utc)
    })
}

fn at() -> impl Strategy<Value = At> {
    let day = (Date::MIN.to_julian_day()..=Date::MAX.to_julian_day())
        .prop_map(|d| At::Day(Date::from_julian_day(d).unwrap()));
    prop_oneof![3 => instant().prop_map(At::Instant), 1 => day]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn set() -> impl Strategy<Value = Map<String, Value>> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "summary", "level", "at", "services", "title", "zz", "a"
        ])
        .prop_map(str::to_string),
        text(),
    ];
    prop::collection::vec((key, json()), 1..5).prop_map(|kv| kv.into_iter().collect())
}

fn uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

fn level() -> impl Strategy<Value = Level> {
    prop::sample::select(vec![
        Level::Operational,
        Level::Degraded,
        Level::PartialOutage,
        Level::MajorOutage,
        Level::Maintenance,
    ])
}

/// A body of every type, each with all its optional fields present or absent.
fn body() -> impl Strategy<Value = Body> {
    let source = prop::sample::select(vec![
        Source::Monitoring,
        Source::Customer,
        Source::Staff,
        Source::Vendor,
    ]);
    let channel = prop::sample::select(vec![
        Channel::Blog,
        Channel::Twitter,
        Channel::StatusPage,
        Channel::Email,
        Channel::Other,
    ]);
    let step = prop::sample::select(vec![StepState::Started, StepState::Done]);
    let restore = prop::sample::select(vec![RestoreLevel::Partial, RestoreLevel::Full]);
    Union::new(vec![
        (names(), opt(source), opt(level()), opt(text()))
            .prop_map(|(services, source, level, title)| Body::Detected {
                services,
                source,
                level,
                title,
            })
            .boxed(),
        (opt(names()), opt(text()))
            .prop_map(|(services, title)| Body::ImpactStarted { services, title })
            .boxed(),
        Just(Body::Acknowledged {}).boxed(),
        text().prop_map(|to| Body::Escalated { to }).boxed(),
        (text(), opt(text()), opt(text()))
            .prop_map(|(vendor, ticket, channel)| Body::VendorEngaged {
                vendor,
                ticket,
                channel,
            })
            .boxed(),
        (text(), opt(text()))
            .prop_map(|(vendor, contact)| Body::VendorResponded { vendor, contact })
            .boxed(),
        opt(text())
            .prop_map(|cause| Body::Diagnosed { cause })
            .boxed(),
        (opt(names()), level())
            .prop_map(|(services, level)| Body::ImpactChanged { services, level })
            .boxed(),
        opt(step)
            .prop_map(|state| Body::RestoreStep { state })
            .boxed(),
        (opt(names()), opt(restore))
            .prop_map(|(services, level)| Body::Restored { services, level })
            .boxed(),
        Just(Body::Resolved {}).boxed(),
        (opt(names()), opt(level()))
            .prop_map(|(services, level)| Body::Reopened { services, level })
            .boxed(),
        (
            opt(channel),
            opt(text()),
            opt(text()),
            opt(text()),
            opt(text()),
        )
            .prop_map(|(channel, audience, title, url, text)| Body::Announced {
                channel,
                audience,
                title,
                url,
                text,
            })
            .boxed(),
        (opt(text()), opt(at()))
            .prop_map(|(owner, due)| Body::ActionItem { owner, due })
            .boxed(),
        text().prop_map(|text| Body::Note { text }).boxed(),
        (names(), at(), at(), opt(text()))
            .prop_map(
                |(services, window_start, window_end, title)| Body::MaintenanceScheduled {
                    services,
                    window_start,
                    window_end,
                    title,
                },
            )
            .boxed(),
        Just(Body::MaintenanceStarted {}).boxed(),
        Just(Body::MaintenanceCompleted {}).boxed(),
        Just(Body::MaintenanceCancelled {}).boxed(),
        Just(Body::ServiceCommissioned {}).boxed(),
        Just(Body::ServiceRetired {}).boxed(),
        (uuid(), set(), opt(text()))
            .prop_map(|(target, set, reason)| Body::Amended {
                target,
                set,
                reason,
            })
            .boxed(),
        (uuid(), opt(text()))
            .prop_map(|(target, reason)| Body::Retracted { target, reason })
            .boxed(),
    ])
}

fn event() -> impl Strategy<Value = Event> {
    (
        body(),
        opt(name()),
        opt(name()),
        at(),
        any::<bool>(),
        opt(text()),
        opt(text()),
    )
        .prop_map(
            |(body, incident, service, at, approximate, actor, summary)| Event {
                body,
                incident,
                service,
                at,
                approximate,
                actor,
                summary,
            },
        )
}

fn stored() -> impl Strategy<Value = Stored> {
    let number = prop_oneof![0u64..1000, any::<u64>()];
    (number.clone(), uuid(), number, instant(), event()).prop_map(
        |(seq, id, revision, recorded_at, event)| Stored {
            seq,
            id,
            revision,
            recorded_at,
            event,
            hash: GENESIS,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn the_direct_writer_writes_the_serialised_bytes(s in stored()) {
        let direct = s.canonical();
        let oracle = canonical_via_value(&s);
        prop_assert_eq!(
            String::from_utf8_lossy(&direct),
            String::from_utf8_lossy(&oracle)
        );
        prop_assert_eq!(direct, oracle);
    }

    #[test]
    fn the_event_alone_writes_its_serialised_fields(e in event()) {
        let mut fields = Vec::new();
        e.write_fields(&mut fields);
        fields[0] = b'{';
        fields.push(b'}');
        prop_assert_eq!(fields, serde_json::to_vec(&e).unwrap());
    }
}

#[test]
fn the_generated_events_cover_every_type() {
    let strategy = event();
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..2000 {
        seen.insert(
            strategy
                .new_tree(&mut runner)
                .unwrap()
                .current()
                .type_name(),
        );
    }
    assert_eq!(seen.len(), TYPES.len(), "{seen:?}");
}

#[test]
fn strings_are_escaped_as_serde_json_escapes_them() {
    let all: String = (0u32..0x80).filter_map(char::from_u32).collect();
    for text in [all.as_str(), "", "\u{2028}\u{2029}é\u{10ffff}", "a\"b\\c/d"] {
        let mut out = Vec::new();
        super::write_str(&mut out, text);
        assert_eq!(out, serde_json::to_vec(text).unwrap(), "{text:?}");
    }
}
