//! Store errors: why a ledger could not be used, and why an append was refused.

use crate::event::FieldError;
use std::path::PathBuf;

/// The ledger file cannot be used (exit code 3 at the command line).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no ledger at {}", path.display())]
    NotFound { path: PathBuf },
    #[error("a file already exists at {}", path.display())]
    Exists { path: PathBuf },
    #[error("ledger busy: another process holds {} (waited {waited_ms} ms)", path.display())]
    Busy {
        path: PathBuf,
        waited_ms: u128,
        /// The command meant to write (so nothing was written).
        write: bool,
    },
    #[error("{} is not a logbook ledger: {detail}", path.display())]
    NotALedger { path: PathBuf, detail: String },
    #[error(
        "ledger {} was written by an older logbook (format {found}); this logbook reads format {}",
        path.display(),
        String::from_utf8_lossy(super::tables::FORMAT)
    )]
    OldFormat { path: PathBuf, found: String },
    #[error("ledger {} is corrupt: {detail}", path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("ledger {} {what}", path.display())]
    ReadOnly { path: PathBuf, what: &'static str },
    #[error("cannot use {}: {detail}", path.display())]
    Storage { path: PathBuf, detail: String },
    #[error("no space left on the device that holds {}", path.display())]
    NoSpace { path: PathBuf },
    #[error("the device that holds {} has {} free; this append may need up to {}", path.display(), mib(*free), mib(*need))]
    TooLittleSpace { path: PathBuf, need: u64, free: u64 },
}

/// Why an append (or import) wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// A line broke a rule (exit code 1).
    #[error("line {line}: {error}")]
    Rejected { line: usize, error: FieldError },
    /// Import needs an empty ledger (exit code 1).
    #[error("the ledger already holds {events} events; import restores into an empty ledger")]
    NotEmpty { events: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why [`Ledger::target`](super::Ledger::target) found no single event.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// The reference names no stored event, or several (exit code 1).
    #[error(transparent)]
    Refused(FieldError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Bytes as MiB with one decimal, for messages.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}
