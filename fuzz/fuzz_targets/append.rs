//! The append pipeline: input lines parsed with `parse_line` and appended with
//! `Ledger::append` never panic, a refused append writes nothing, and after every successful
//! append `Ledger::verify` finds no problem.
//!
//! Blank lines split the input into appends (one transaction each); lines that do not parse
//! are skipped. The ledger lives in a tmpfs when there is one and is replaced every
//! `LOGBOOK_FUZZ_RECREATE` inputs (default 200), or sooner once it holds
//! `LOGBOOK_FUZZ_MAX_EVENTS` events (default 64), so it stays small and fast; set
//! `LOGBOOK_FUZZ_RECREATE=1` to reproduce a crash from its input alone. Run it with
//! `-detect_leaks=0`: libFuzzer's leak check runs an input twice, which appends it twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logbook::event::parse_line;
use logbook::store::{AppendContext, AppendError, Ledger, Line};
use std::cell::RefCell;
use std::path::PathBuf;
use time::{Duration, OffsetDateTime, macros::datetime};

/// The ledger of this process and how many inputs it has taken.
struct State {
    ledger: Option<Ledger>,
    inputs: u64,
    created: u64,
    recreate: u64,
    max_events: u64,
}

impl State {
    fn new() -> State {
        State {
            ledger: None,
            inputs: 0,
            created: 0,
            recreate: setting("LOGBOOK_FUZZ_RECREATE", 200),
            max_events: setting("LOGBOOK_FUZZ_MAX_EVENTS", 64),
        }
    }

    /// The ledger for the next input: a fresh one every `recreate` inputs, or once the current
    /// one holds `max_events` events.
    fn ledger(&mut self) -> &Ledger {
        let full = self
            .ledger
            .as_ref()
            .is_some_and(|l| l.head().expect("read the head").seq >= self.max_events);
        if full || (self.inputs - 1) % self.recreate == 0 {
            self.ledger = None;
        }
        if self.ledger.is_none() {
            self.created += 1;
            let dir = if std::path::Path::new("/dev/shm").is_dir() {
                PathBuf::from("/dev/shm")
            } else {
                std::env::temp_dir()
            };
            let path = dir.join(format!(
                "logbook-fuzz-append-{}-{}.redb",
                std::process::id(),
                self.created
            ));
            let _ = std::fs::remove_file(&path);
            let ledger = Ledger::create(&path).expect("create a ledger");
            // The open file stays usable; nothing is left behind when the fuzzer exits.
            std::fs::remove_file(&path).expect("unlink the ledger file");
            self.ledger = Some(ledger);
        }
        self.ledger.as_ref().expect("just created")
    }
}

/// A positive number from the environment, or `default`.
fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::new());
}

const START: OffsetDateTime = datetime!(2026-01-01 00:00:00 UTC);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    STATE.with_borrow_mut(|state| {
        state.inputs += 1;
        let ctx = AppendContext {
            now: START + Duration::seconds(i64::try_from(state.inputs).unwrap_or(0)),
            actor: "fuzz".to_string(),
            force: false,
            new_services: Vec::new(),
        };
        let ledger = state.ledger();
        let mut group = Vec::new();
        for (i, line) in text.split('\n').enumerate() {
            if line.trim().is_empty() {
                append(ledger, std::mem::take(&mut group), &ctx);
            } else if let Ok(submission) = parse_line(line) {
                group.push(Line {
                    number: i + 1,
                    submission,
                });
            }
        }
        append(ledger, group, &ctx);
    });
});

/// Appends one group of lines in one transaction and checks the ledger after it.
fn append(ledger: &Ledger, lines: Vec<Line>, ctx: &AppendContext) {
    if lines.is_empty() {
        return;
    }
    let before = ledger.head().expect("read the head");
    let count = lines.len();
    match ledger.append(lines.into_iter().map(Ok), ctx) {
        Ok(appended) => {
            assert_eq!(appended.len(), count, "one outcome per line");
            let report = ledger.verify().expect("verify runs");
            assert!(
                report.problems.is_empty(),
                "verify finds problems after an append: {:?}",
                report.problems
            );
        }
        Err(AppendError::Rejected { .. }) => {
            let after = ledger.head().expect("read the head");
            assert_eq!(before, after, "a refused append moved the head");
        }
        Err(e) => panic!("append failed other than by refusing a line: {e}"),
    }
}
