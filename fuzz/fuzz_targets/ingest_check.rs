//! What every ingest fuzz target checks: any payload bytes either are refused with an error or
//! become intents whose every event object (with an episode filled in where the ledger would)
//! passes `logbook::event::parse_input`; the adapter never panics.

use logbook::ingest::{Config, Source, adapt, common::event_id};
use time::macros::datetime;

pub fn check(source: Source, data: &[u8]) {
    let received = datetime!(2026-01-01 00:00:00 UTC);
    let Ok(adapted) = adapt(source, data, &Config::default(), received) else {
        return;
    };
    for intent in adapted.intents {
        let prefix = intent.when_prefix().to_string();
        let mut event = intent.event;
        if !event.contains_key("incident") {
            // An intent for the open episode of a key prefix: the resolver fills these in.
            let key = format!("{prefix}x");
            let id = event_id(intent.source, &key, &intent.role);
            event.insert("incident".into(), key.into());
            event.insert("id".into(), id.to_string().into());
        }
        if let Err(e) = logbook::event::parse_input(event.clone()) {
            panic!("an adapted event does not parse: {e}: {event:?}");
        }
    }
}
