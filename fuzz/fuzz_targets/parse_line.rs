//! `event::parse_line` on arbitrary UTF-8 never panics, and an accepted event round-trips:
//! serialising it and parsing that again gives an equal event (and the same text again).
#![no_main]

use libfuzzer_sys::fuzz_target;
use logbook::event::parse_line;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(submission) = parse_line(line) else {
        return;
    };
    let written = serde_json::to_string(&submission.event).expect("an event serialises");
    let again = match parse_line(&written) {
        Ok(again) => again,
        Err(e) => panic!("the written form of an accepted event is refused: {e}\n{written}"),
    };
    assert_eq!(
        again.event, submission.event,
        "round trip changed the event: {written}"
    );
    let rewritten = serde_json::to_string(&again.event).expect("an event serialises");
    assert_eq!(rewritten, written, "the written form is not stable");
});
