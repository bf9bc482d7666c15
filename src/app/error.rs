//! Why a use case gave no answer: typed, with lowercase messages; the command line and the
//! HTTP server add their own hints and choose the exit code or status.

use crate::store::StoreError;

/// A use case that failed (the ledger itself, or what was asked of it).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No incident has this key; `near` is a key spelled alike.
    #[error("no incident {key}")]
    NoIncident { key: String, near: Option<String> },
    /// No incident names this service and it has no history of its own.
    #[error("no service {name}")]
    NoService { name: String },
    /// A parameter (named without dashes: `as_of`, `since`) holds no value of its kind.
    #[error("`{value}` is not {expected}")]
    BadValue {
        param: &'static str,
        value: String,
        expected: &'static str,
    },
    /// The policy's partial weight is outside 0..1.
    #[error("{value} is not between 0 and 1")]
    PartialWeight { value: f64 },
    /// A period whose end comes before its start.
    #[error("the period ends ({until}) before it starts ({since})")]
    EmptyPeriod { since: String, until: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}
