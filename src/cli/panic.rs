//! Panics: a panic in logbook's own code is a bug (exit 70, "please report"); a panic raised
//! inside the storage engine while it reads the file is how redb meets pages damaged outside it
//! (its documentation says so), and is reported as a corrupt ledger (exit 3). The hook records
//! where the first panic was raised, so the two are told apart by location, not guessed.

use super::error::CommandError;
use std::sync::Mutex;

/// Where the first panic of this process was raised (`file:line`) and its message.
static FIRST: Mutex<Option<(String, String)>> = Mutex::new(None);

/// Replaces the default hook: records the first panic; prints the usual report only with
/// `RUST_BACKTRACE` set.
// RUST_BACKTRACE is read while a panic is reported, outside any command's context.
#[allow(clippy::disallowed_methods)]
pub fn install() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut first) = FIRST.lock()
            && first.is_none()
        {
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            *first = Some((location, message(info.payload())));
        }
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            default_hook(info);
        }
    }));
}

/// The error a caught panic stands for.
pub fn error(
    payload: &(dyn std::any::Any + Send),
    ledger: Option<&std::path::Path>,
) -> CommandError {
    let (location, text) = FIRST
        .lock()
        .ok()
        .and_then(|first| first.clone())
        .unwrap_or_else(|| (String::new(), message(payload)));
    if in_storage_engine(&location) {
        let file = ledger.map_or("the ledger".to_string(), |p| p.display().to_string());
        return CommandError::unavailable(format!(
            "ledger {file} is corrupt: the storage engine could not read its pages ({text})"
        ))
        .hint("run `logbook verify` to see what is damaged; a ledger can be restored from an export with `logbook import`");
    }
    CommandError::internal(format!("{text} at {location}"))
}

/// Whether a panic location is in redb's source (a registry or vendored crate `redb-X.Y.Z`).
fn in_storage_engine(location: &str) -> bool {
    location.split(['/', '\\']).any(|part| {
        part.strip_prefix("redb-")
            .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    })
}

fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(std::string::ToString::to_string)
        })
        .unwrap_or_else(|| "a panic without a message".into())
}

#[cfg(test)]
mod tests {
    use super::in_storage_engine;

    #[test]
    fn only_redb_sources_count_as_the_storage_engine() {
        assert!(in_storage_engine(
            "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/redb-4.6.0/src/tree_store/btree_base.rs:283"
        ));
        assert!(in_storage_engine("vendor\\redb-4.6.0\\src\\db.rs:1"));
        assert!(!in_storage_engine("src/report/html.rs:120"));
        assert!(!in_storage_engine("/work/redb-notes/src/main.rs:3"));
        assert!(!in_storage_engine(""));
    }
}
