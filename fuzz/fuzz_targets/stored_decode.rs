//! `record::Stored::decode` on arbitrary bytes never panics, and accepts only the exact
//! canonical encoding: whatever it accepts encodes back to the very same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logbook::record::Stored;

fuzz_target!(|data: &[u8]| {
    let Ok(stored) = Stored::decode(data) else {
        return;
    };
    assert!(
        stored.encode() == data,
        "decode accepted a non-canonical encoding:\n{}\nencodes as\n{}",
        String::from_utf8_lossy(data),
        String::from_utf8_lossy(&stored.encode()),
    );
});
