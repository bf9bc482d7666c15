//! `record::split` (the verifier's view of stored bytes) never panics, and splits exactly:
//! `Some((canonical, hash))` only when the input is `canonical` without its closing `}` plus
//! `,"hash":"<lowercase hex>"}`, and always when the input ends that way.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logbook::record::{hex, split};

const FIELD: &[u8] = b",\"hash\":\"";
const TAIL: usize = FIELD.len() + 64 + 2;

fuzz_target!(|data: &[u8]| {
    match split(data) {
        Some((canonical, hash)) => {
            let mut expect = canonical.clone();
            assert_eq!(
                expect.pop(),
                Some(b'}'),
                "canonical bytes must end with `}}`"
            );
            expect.extend_from_slice(FIELD);
            expect.extend_from_slice(hex(&hash).as_bytes());
            expect.extend_from_slice(b"\"}");
            assert!(
                expect == data,
                "split does not rebuild its input:\n{}",
                String::from_utf8_lossy(data)
            );
        }
        None => assert!(
            !ends_with_hash(data),
            "split refused bytes that end with a hash field:\n{}",
            String::from_utf8_lossy(data)
        ),
    }
});

/// Whether `data` ends with `,"hash":"` + 64 lowercase hex digits + `"}` (written separately
/// from `split`, as the specification of what it must accept).
fn ends_with_hash(data: &[u8]) -> bool {
    let Some(at) = data.len().checked_sub(TAIL) else {
        return false;
    };
    let tail = &data[at..];
    tail.starts_with(FIELD)
        && tail.ends_with(b"\"}")
        && tail[FIELD.len()..FIELD.len() + 64]
            .iter()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
