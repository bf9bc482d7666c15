//! The alertmanager ingest adapter never panics, and every event it makes parses (see
//! `ingest_check.rs`).
#![no_main]

#[path = "ingest_check.rs"]
mod ingest_check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| ingest_check::check(
    logbook::ingest::Source::Alertmanager,
    data
));
