//! Random single-byte flips of a ledger, in process: every flip either changes nothing any
//! reader sees, or is caught by `verify`; no query answers wrongly and nothing panics outside
//! the storage engine. Prints the table (`cargo test byteflip -- --nocapture`).

use crate::common::{Env, SEED};
use logbook::store::{Access, Ledger};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// Where the first panic since the last reset was raised (any thread: verify reads on three).
static PANICKED_AT: Mutex<Option<String>> = Mutex::new(None);

/// What a reader sees of a ledger, or why it could not.
#[derive(Debug, PartialEq)]
enum Seen {
    Answers(Vec<String>),
    Failed(String),
    /// A panic raised in logbook's own code: a bug.
    Panicked(String),
}

/// Runs one reader; a panic raised inside redb (how it meets damaged pages) counts as a
/// failure to read, any other as a bug.
fn guarded(read: impl FnOnce() -> Result<String, String>) -> Result<String, Seen> {
    PANICKED_AT.lock().expect("lock").take();
    match catch_unwind(AssertUnwindSafe(read)) {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(e)) => Err(Seen::Failed(e)),
        Err(_) => {
            let at = PANICKED_AT.lock().expect("lock").take().unwrap_or_default();
            if at.contains("/redb-") {
                Err(Seen::Failed(format!("storage engine panicked at {at}")))
            } else {
                Err(Seen::Panicked(at))
            }
        }
    }
}

/// Everything the queries of the command line read, as text.
fn queries(path: &Path, keys: &[String]) -> Seen {
    let mut answers = Vec::new();
    let ledger = match guarded(|| {
        Ledger::open(path, Duration::ZERO, Access::Read)
            .map(|_| String::new())
            .map_err(|e| e.to_string())
    }) {
        Ok(_) => Ledger::open(path, Duration::ZERO, Access::Read).expect("opened once already"),
        Err(seen) => return seen,
    };
    let ledger = &ledger;
    let mut reads: Vec<Box<dyn Fn() -> Result<String, String>>> = vec![
        Box::new(|| {
            ledger
                .head()
                .map(|h| format!("{h:?}"))
                .map_err(|e| e.to_string())
        }),
        Box::new(|| {
            let mut text = String::new();
            ledger
                .for_each::<logbook::store::StoreError>(|s| {
                    text.push_str(&String::from_utf8_lossy(&s.encode()));
                    Ok(())
                })
                .map(|()| text)
                .map_err(|e| e.to_string())
        }),
        Box::new(|| {
            let mut text = String::new();
            ledger
                .for_each_raw::<logbook::store::StoreError>(|_, b| {
                    text.push_str(&String::from_utf8_lossy(b));
                    Ok(())
                })
                .map(|()| text)
                .map_err(|e| e.to_string())
        }),
        Box::new(|| {
            ledger
                .incidents()
                .map(|i| format!("{i:?}"))
                .map_err(|e| e.to_string())
        }),
        Box::new(|| {
            ledger
                .services()
                .map(|s| format!("{s:?}"))
                .map_err(|e| e.to_string())
        }),
    ];
    for key in keys {
        reads.push(Box::new(move || {
            ledger
                .incident(key)
                .map(|i| format!("{i:?}"))
                .map_err(|e| e.to_string())
        }));
        reads.push(Box::new(move || {
            ledger
                .stream(key)
                .map(|s| format!("{s:?}"))
                .map_err(|e| e.to_string())
        }));
        reads.push(Box::new(move || {
            ledger
                .incidents_of(key)
                .map(|s| format!("{s:?}"))
                .map_err(|e| e.to_string())
        }));
    }
    for read in reads {
        match guarded(read) {
            Ok(answer) => answers.push(answer),
            Err(seen) => return seen,
        }
    }
    Seen::Answers(answers)
}

/// `verify` passes.
fn verifies(path: &Path) -> Result<bool, Seen> {
    guarded(|| {
        let ledger = Ledger::open(path, Duration::ZERO, Access::Read).map_err(|e| e.to_string())?;
        let report = ledger.verify().map_err(|e| e.to_string())?;
        Ok(if report.problems.is_empty() {
            "ok"
        } else {
            "bad"
        }
        .to_string())
    })
    .map(|r| r == "ok")
    .or_else(|seen| match seen {
        Seen::Failed(_) => Ok(false),
        other => Err(other),
    })
}

#[test]
fn random_byte_flips_are_harmless_or_caught_by_verify() {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let at = info.location().map(|l| l.file().to_string());
        let in_redb = at.as_deref().is_some_and(|a| a.contains("/redb-"));
        if let Ok(mut first) = PANICKED_AT.lock()
            && first.is_none()
        {
            *first = at;
        }
        // Other tests' failures are reported as usual.
        if !in_redb || std::env::var_os("RUST_BACKTRACE").is_some() {
            hook(info);
        }
    }));

    let env = Env::new();
    env.append(SEED).ok();
    let pristine = std::fs::read(&env.ledger).expect("read ledger");
    let keys: Vec<String> = Ledger::open(&env.ledger, Duration::ZERO, Access::Read)
        .and_then(|l| l.incidents())
        .expect("incidents")
        .into_iter()
        .map(|i| i.key)
        .chain(["mail".to_string(), "web-1".to_string()])
        .collect();
    let expected = queries(&env.ledger, &keys);
    assert!(matches!(expected, Seen::Answers(_)), "{expected:?}");

    let damaged = env.path("damaged.redb");
    let (mut caught, mut harmless) = (0, 0);
    let mut wrong = Vec::new();
    // xorshift: the same 400 flips on every run.
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..400 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let offset = (rng % pristine.len() as u64) as usize;
        let flip = ((rng >> 32) % 255 + 1) as u8;
        let mut bytes = pristine.clone();
        bytes[offset] ^= flip;
        std::fs::write(&damaged, &bytes).expect("write");
        let seen = queries(&damaged, &keys);
        match (verifies(&damaged), seen) {
            (Err(panic), _) | (_, panic @ Seen::Panicked(_)) => {
                wrong.push(format!("byte {offset} flip {flip:#04x}: panic {panic:?}"));
            }
            (Ok(false), _) => caught += 1,
            (Ok(true), seen) if seen == expected => harmless += 1,
            (Ok(true), Seen::Failed(e)) => {
                wrong.push(format!(
                    "byte {offset} flip {flip:#04x}: verify ok, a query failed: {e}"
                ));
            }
            (Ok(true), _) => {
                wrong.push(format!(
                    "byte {offset} flip {flip:#04x}: verify ok, a query answered wrongly"
                ));
            }
        }
    }
    println!(
        "400 single-byte flips of a {} byte ledger: {caught} caught by verify, {harmless} harmless, {} other",
        pristine.len(),
        wrong.len()
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
