//! The context of one command: where the ledger is, the clock, the zone, who writes, the
//! config file's defaults; read once from the command line and the environment (the only
//! place outside `main` that reads the environment).

use super::error::CommandError;
use super::zone::TimeZone;
use super::{Format, config, format, policy, zone};
use logbook::store::{Access, AppendContext, Ledger};
use std::path::PathBuf;
use std::time::Duration;
use time::OffsetDateTime;

/// What the command line says about the context (global flags).
pub struct Flags {
    pub ledger: Option<PathBuf>,
    pub ledger_typed: bool,
    pub command: String,
    pub format: Format,
    pub wait: f64,
    pub actor: Option<String>,
    pub tz: Option<String>,
}

impl Context {
    /// The context of a command: the flags, then the environment and the config file.
    pub fn new(flags: Flags) -> Result<Context, CommandError> {
        if !(flags.wait.is_finite() && flags.wait >= 0.0) {
            return Err(CommandError::usage(format!(
                "--wait: `{}` is not a number of seconds >= 0",
                flags.wait
            )));
        }
        let config = config::load()?;
        let ctx = Context {
            ledger: flags.ledger,
            ledger_typed: flags.ledger_typed,
            command: flags.command,
            format: flags.format,
            wait: Duration::try_from_secs_f64(flags.wait).map_err(|_| {
                CommandError::usage(format!("--wait: {} seconds is too long", flags.wait))
            })?,
            actor: flags.actor,
            now: now()?,
            zone: zone_of(flags.tz.as_deref(), &config)?,
            config,
        };
        if let Some(actor) = ctx.named_actor() {
            check_actor(&actor)?;
        }
        Ok(ctx)
    }
}

/// What every command may need: where the ledger is, how to show things, the clock, who writes.
pub struct Context {
    pub(super) ledger: Option<PathBuf>,
    /// `--ledger` was given on the command line (not from `LOGBOOK_LEDGER`).
    pub(super) ledger_typed: bool,
    /// The command's name, as FORMATS in `format.rs` lists it.
    pub(super) command: String,
    pub(super) format: Format,
    pub(super) wait: Duration,
    pub(super) actor: Option<String>,
    pub(super) now: OffsetDateTime,
    /// The zone of calendar days and of "now" (DESIGN section 5, **Zone**).
    pub(super) zone: TimeZone,
    /// The config file's defaults (DESIGN section 5, **Config**).
    pub(super) config: config::Config,
}

impl Context {
    #[allow(clippy::disallowed_methods)] // the context reads the environment
    pub(super) fn ledger_path(&self) -> Result<PathBuf, CommandError> {
        if let Some(path) = &self.ledger {
            return Ok(path.clone());
        }
        let data = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
        match data {
            Some(dir) => Ok(dir.join("logbook").join("ledger.redb")),
            None => Err(CommandError::usage(
                "cannot tell where the ledger lives: neither XDG_DATA_HOME nor HOME is set",
            )
            .hint("name it with --ledger PATH or LOGBOOK_LEDGER")),
        }
    }

    /// Opens the existing ledger to read it (read-only where the file needs no repair),
    /// waiting while it is busy.
    pub(super) fn open(&self) -> Result<Ledger, CommandError> {
        Ok(Ledger::open(&self.ledger_path()?, self.wait, Access::Read)?)
    }

    /// Opens the existing ledger to write to it, waiting while it is busy.
    pub(super) fn open_write(&self) -> Result<Ledger, CommandError> {
        let mut ledger = Ledger::open(&self.ledger_path()?, self.wait, Access::Write)?;
        if let Some(bytes) = test_segment_bytes() {
            ledger.set_segment_bytes(bytes);
        }
        Ok(ledger)
    }

    /// Reports a use case's failure as this command does.
    pub(super) fn app_error(&self) -> impl Fn(logbook::app::AppError) -> CommandError + '_ {
        |e| CommandError::from_app(e, &self.command)
    }

    /// What the ledger adds to an append; `force` skips the plausibility rules; `new_services`
    /// are new although spelled like known ones.
    pub(super) fn append_context(&self, force: bool, new_services: &[String]) -> AppendContext {
        AppendContext {
            now: self.now,
            actor: self.named_actor().unwrap_or_else(user_at_host),
            force,
            new_services: new_services
                .iter()
                .chain(&self.config.services)
                .cloned()
                .collect(),
        }
    }

    /// The actor named by `--actor`, `LOGBOOK_ACTOR` or the config file's `actor`.
    #[allow(clippy::disallowed_methods)] // the context reads the environment
    pub(super) fn named_actor(&self) -> Option<String> {
        self.actor
            .clone()
            .or_else(|| std::env::var("LOGBOOK_ACTOR").ok())
            .filter(|a| !a.is_empty())
            .or_else(|| self.config.actor.clone().filter(|a| !a.is_empty()))
    }

    /// The policy of a figure: the config file's `[policy]`, with the command's flags over it.
    pub(super) fn policy(
        &self,
        flags: &policy::PolicyArgs,
    ) -> Result<logbook::projection::Policy, CommandError> {
        flags.policy(self.config.policy.policy())
    }

    /// "Now" as the zone's clock shows it, to the second: the default time of a new event.
    pub(super) fn now_in_zone(&self) -> OffsetDateTime {
        use logbook::projection::zone::Zone;
        let now = self.zone.local(self.now);
        now.replace_millisecond(0).unwrap_or(now)
    }

    /// How times are shown to people: on the zone's clock (DESIGN section 6).
    pub(super) fn clock(&self) -> logbook::report::Clock {
        logbook::report::Clock::zone(self.zone.name(), self.zone.clone())
    }

    /// Refuses formats a command cannot produce; `allowed` is the command's list in
    /// `format::FORMATS` (its `--help` shows that list).
    pub(super) fn formats(&self, allowed: &[Format]) -> Result<Format, CommandError> {
        debug_assert_eq!(
            allowed,
            format::of(&self.command),
            "FORMATS in src/cli/format.rs lists other formats for `{}`",
            self.command
        );
        format::check(self.format, allowed)
    }
}

/// The actor named by `--actor` or `LOGBOOK_ACTOR` is stored in every event that names none:
/// it keeps the limits of an `actor` written in an event.
fn check_actor(actor: &str) -> Result<(), CommandError> {
    use logbook::event::limits::MAX_SHORT_TEXT_BYTES;
    if actor.len() > MAX_SHORT_TEXT_BYTES {
        return Err(CommandError::usage(format!(
            "--actor (or LOGBOOK_ACTOR, or the config file's actor): {} bytes, longer than {MAX_SHORT_TEXT_BYTES}",
            actor.len()
        )));
    }
    if actor.chars().any(logbook::report::inert::hazardous) {
        return Err(CommandError::usage(format!(
            "--actor (or LOGBOOK_ACTOR, or the config file's actor): `{actor}` holds a control character"
        )));
    }
    Ok(())
}

/// The default actor: `user@host`.
#[allow(clippy::disallowed_methods)] // the context reads the environment
fn user_at_host() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{user}@{host}")
}

/// `LOGBOOK_SEGMENT_BYTES` in a debug build: the size of the transactions a large append is
/// written in ([`Ledger::set_segment_bytes`]), so that the command-line tests can kill an
/// append between them without appending hundreds of megabytes. Release builds ignore it.
#[allow(clippy::disallowed_methods)] // the context reads the environment
fn test_segment_bytes() -> Option<usize> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var("LOGBOOK_SEGMENT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
}

/// The clock: `LOGBOOK_NOW` (RFC 3339) when set, for reproducible tests; else the system clock.
#[allow(clippy::disallowed_methods)] // the context reads the environment
fn now() -> Result<OffsetDateTime, CommandError> {
    match std::env::var("LOGBOOK_NOW") {
        Ok(text) => logbook::event::time::parse_instant(&text).ok_or_else(|| {
            CommandError::usage(format!("LOGBOOK_NOW: `{text}` is not an RFC 3339 time"))
                .hint("e.g. LOGBOOK_NOW=2026-11-25T12:00:00Z")
        }),
        Err(_) => {
            let now = OffsetDateTime::now_utc();
            Ok(now
                .replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
                .unwrap_or(now))
        }
    }
}

/// The zone of calendar days and of "now" (DESIGN section 5): `--tz`, else `LOGBOOK_TZ`, else
/// the config file's `timezone`, else `TZ` (a zone `TZ` does not name is UTC, as the C library takes it, with a warning), else the
/// zone `/etc/localtime` names, else UTC. An unknown zone in `--tz` or `LOGBOOK_TZ` is a usage
/// error.
#[allow(clippy::disallowed_methods)] // the context reads the environment
fn zone_of(flag: Option<&str>, config: &config::Config) -> Result<TimeZone, CommandError> {
    if let Some(text) = flag {
        return TimeZone::parse(text).map_err(|e| zone::usage("--tz", e));
    }
    if let Some(text) = std::env::var("LOGBOOK_TZ").ok().filter(|t| !t.is_empty()) {
        return TimeZone::parse(&text).map_err(|e| zone::usage("LOGBOOK_TZ", e));
    }
    if let Some(text) = config.timezone.as_deref().filter(|t| !t.is_empty()) {
        let key = config::source(config, "timezone");
        return TimeZone::parse(text).map_err(|e| zone::usage(&key, e));
    }
    if let Some(text) = std::env::var_os("TZ") {
        let text = text.to_string_lossy();
        return Ok(TimeZone::from_tz_env(&text).unwrap_or_else(|e| {
            let clean = logbook::report::inert::terminal;
            eprintln!("warning: TZ: {}; using UTC", clean(&e.to_string()));
            eprintln!(
                "hint: {}; LOGBOOK_TZ or --tz set logbook's alone",
                zone::hint(&e)
            );
            TimeZone::UTC
        }));
    }
    Ok(TimeZone::system().unwrap_or(TimeZone::UTC))
}
