//! Command errors: every failure has a kind (which decides the exit code of DESIGN section 5),
//! a message, the chain of causes behind it, and hints for the person reading it. Hints live
//! here, in the command line, not in the pure core.

use logbook::app::AppError;
use logbook::store::{AppendError, StoreError};

/// What went wrong, as far as the exit code is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Input broke a rule, or a thing asked for does not exist (exit 1).
    Rejected,
    /// The command line itself is wrong (exit 2).
    Usage,
    /// The ledger is missing, busy, unreadable or corrupt; or storage failed (exit 3).
    Unavailable,
    /// A bug in logbook: a panic or a broken internal invariant (exit 70, EX_SOFTWARE).
    Internal,
    /// The reader of our output went away (`logbook log | head`): stop quietly (exit 0).
    BrokenPipe,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::BrokenPipe => 0,
            Kind::Rejected => 1,
            Kind::Usage => 2,
            Kind::Unavailable => 3,
            Kind::Internal => 70,
        }
    }
}

/// A failed command: printed as `error: ...`, then indented details, `caused by:` lines and
/// `hint:` lines on stderr.
#[derive(Debug)]
pub struct CommandError {
    pub kind: Kind,
    pub message: String,
    pub details: Vec<String>,
    pub causes: Vec<String>,
    pub hints: Vec<String>,
}

impl CommandError {
    pub fn new(kind: Kind, message: impl Into<String>) -> CommandError {
        CommandError {
            kind,
            message: message.into(),
            details: Vec::new(),
            causes: Vec::new(),
            hints: Vec::new(),
        }
    }

    pub fn rejected(message: impl Into<String>) -> CommandError {
        CommandError::new(Kind::Rejected, message)
    }

    pub fn usage(message: impl Into<String>) -> CommandError {
        CommandError::new(Kind::Usage, message)
    }

    pub fn unavailable(message: impl Into<String>) -> CommandError {
        CommandError::new(Kind::Unavailable, message)
    }

    /// A bug in logbook, with the line that asks the user to report it.
    pub fn internal(message: impl Into<String>) -> CommandError {
        CommandError::new(Kind::Internal, format!("internal error: {}", message.into())).hint(
            "this is a bug in logbook, not a problem with your ledger or input; please report it with the command you ran",
        )
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CommandError {
        self.hints.push(hint.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> CommandError {
        self.details.push(detail.into());
        self
    }

    /// Keeps the chain of causes of `error` (its `source()`s), printed as `caused by:`.
    pub fn caused_by(mut self, error: &dyn std::error::Error) -> CommandError {
        let mut source = error.source();
        while let Some(e) = source {
            self.causes.push(e.to_string());
            source = e.source();
        }
        self
    }

    /// What stderr shows (nothing for a broken pipe). Every line is made inert: messages
    /// quote writers' text and file contents.
    pub fn render(&self) -> String {
        if self.kind == Kind::BrokenPipe {
            return String::new();
        }
        let clean = logbook::report::inert::terminal;
        let mut text = format!("error: {}\n", clean(&self.message));
        for d in &self.details {
            text.push_str(&format!("  {}\n", clean(d)));
        }
        for c in &self.causes {
            text.push_str(&format!("caused by: {}\n", clean(c)));
        }
        for h in &self.hints {
            text.push_str(&format!("hint: {}\n", clean(h)));
        }
        text
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::NotFound { path } => CommandError::unavailable(message).hint(format!(
                "create one with `logbook --ledger {} init`, or point --ledger (or LOGBOOK_LEDGER) at an existing ledger",
                path.display()
            )),
            StoreError::Exists { .. } => CommandError::rejected(message)
                .hint("logbook never overwrites a file: use it as it is, or choose another path with --ledger"),
            StoreError::Busy { write: true, .. } => CommandError::unavailable(message)
                .hint("nothing was written; retry, or wait longer with --wait SECONDS"),
            StoreError::Busy { write: false, .. } => CommandError::unavailable(message)
                .hint("retry, or wait longer with --wait SECONDS"),
            StoreError::NotALedger { .. } => CommandError::unavailable(message)
                .hint("check the --ledger path (or LOGBOOK_LEDGER)"),
            StoreError::OldFormat { path, .. } => CommandError::unavailable(message).hint(format!(
                "export it with the logbook that wrote it (`logbook --ledger {0} export > events.jsonl`), \
                 then with this one: `logbook --ledger NEW.redb init` and \
                 `logbook --ledger NEW.redb import events.jsonl` (every event, id and hash is kept)",
                path.display()
            )),
            StoreError::Corrupt { .. } => CommandError::unavailable(message).hint(
                "run `logbook verify` to see what is damaged; a ledger can be restored from an export with `logbook import`",
            ),
            StoreError::ReadOnly { what, .. } if what == logbook::store::NEEDS_REPAIR => {
                CommandError::unavailable(message).hint(
                    "open it once where it is writable (or a copy of it) so it can be repaired; then it can be read read-only",
                )
            }
            StoreError::ReadOnly { .. } => CommandError::unavailable(message).hint(
                "reading, verifying and exporting work on a read-only file; to write, make it writable or copy it",
            ),
            StoreError::Storage { .. } => CommandError::unavailable(message),
            StoreError::NoSpace { .. } | StoreError::TooLittleSpace { .. } => {
                CommandError::unavailable(message).hint(
                    "nothing was written; free some space (or move the ledger) and retry",
                )
            }
        }
    }
}

impl CommandError {
    /// A use case's failure as command `command` reports it (its flags, its hints).
    pub fn from_app(e: AppError, command: &str) -> CommandError {
        let message = e.to_string();
        match e {
            AppError::NoIncident { near, .. } => {
                let err = CommandError::rejected(message);
                match near {
                    Some(near) => err.hint(format!("did you mean {near}?")),
                    None => err.hint("`logbook incidents` lists them"),
                }
            }
            AppError::NoService { .. } => CommandError::rejected(message)
                .hint(format!("`logbook {command}` shows every service")),
            AppError::BadValue { param, .. } => {
                let flag = format!("--{}", param.replace('_', "-"));
                let example = if param == "as_of" {
                    "e.g. --as-of 2011-12-28"
                } else {
                    "e.g. 2011-01-01"
                };
                CommandError::usage(format!("{flag}: {message}")).hint(example)
            }
            AppError::PartialWeight { .. } => {
                CommandError::usage(format!("--partial-weight: {message}"))
            }
            AppError::EmptyPeriod { .. } => CommandError::usage(message),
            AppError::Store(e) => e.into(),
        }
    }
}

impl From<AppendError> for CommandError {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::Rejected { line, error } => {
                let mut err = CommandError::rejected(format!("line {line}: {error}"));
                err.hints
                    .extend(error.problem.as_ref().map(super::hints::hint));
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
            CommandError::new(Kind::BrokenPipe, "the reader of the output went away")
        } else {
            CommandError::unavailable(format!("cannot write the output: {e}")).caused_by(&e)
        }
    }
}
