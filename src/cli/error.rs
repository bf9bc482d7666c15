//! Command errors: every failure becomes a message, hints and an exit code (DESIGN section 5).

use logbook::store::{AppendError, StoreError};

/// Exit codes of the command-line contract.
pub mod exit {
    pub const OK: u8 = 0;
    pub const REJECTED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const UNAVAILABLE: u8 = 3;
}

/// A failed command: printed as `error: ...` with `hint:` lines on stderr.
#[derive(Debug)]
pub struct CommandError {
    pub code: u8,
    /// Empty for a failure that exits quietly (a closed pipe).
    pub message: String,
    pub details: Vec<String>,
    pub hints: Vec<String>,
}

impl CommandError {
    pub fn new(code: u8, message: impl Into<String>) -> CommandError {
        CommandError {
            code,
            message: message.into(),
            details: Vec::new(),
            hints: Vec::new(),
        }
    }

    pub fn rejected(message: impl Into<String>) -> CommandError {
        CommandError::new(exit::REJECTED, message)
    }

    pub fn usage(message: impl Into<String>) -> CommandError {
        CommandError::new(exit::USAGE, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CommandError {
        self.hints.push(hint.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> CommandError {
        self.details.push(detail.into());
        self
    }

    /// The reader went away (`logbook log | head`): stop quietly.
    pub fn closed_pipe() -> CommandError {
        CommandError::new(exit::OK, "")
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::NotFound { path } => CommandError::new(exit::UNAVAILABLE, message).hint(format!(
                "create one with `logbook --ledger {} init`, or point --ledger (or LOGBOOK_LEDGER) at an existing ledger",
                path.display()
            )),
            StoreError::Exists { .. } => CommandError::rejected(message)
                .hint("logbook never overwrites a file: use it as it is, or choose another path with --ledger"),
            StoreError::Busy { .. } => CommandError::new(exit::UNAVAILABLE, message)
                .hint("nothing was written; retry, or wait longer with --wait SECONDS"),
            StoreError::NotALedger { .. } => CommandError::new(exit::UNAVAILABLE, message)
                .hint("check the --ledger path (or LOGBOOK_LEDGER)"),
            StoreError::Corrupt { .. } => CommandError::new(exit::UNAVAILABLE, message).hint(
                "run `logbook verify` to see what is damaged; a ledger can be restored from an export with `logbook import`",
            ),
            StoreError::Storage { .. } => CommandError::new(exit::UNAVAILABLE, message),
        }
    }
}

impl From<AppendError> for CommandError {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::Rejected { line, error } => {
                let mut err = CommandError::rejected(format!("line {line}: {error}"));
                err.hints.extend(error.hint);
                err.hints
                    .push("nothing was written: an append is all or nothing".into());
                err
            }
            AppendError::NotEmpty { .. } => CommandError::rejected(e.to_string())
                .hint("create a new ledger with `logbook --ledger NEW init` and import into it"),
            AppendError::Store(e) => e.into(),
        }
    }
}

impl From<std::io::Error> for CommandError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CommandError::closed_pipe()
        } else {
            CommandError::new(exit::UNAVAILABLE, format!("i/o error: {e}"))
        }
    }
}
