//! `logbook demo`: append the Sononaco story to a ledger and show it.

use super::error::CommandError;
use super::output::{Out, columns};
use super::{Context, Format};
use logbook::event::parse_line;
use logbook::store::{AppendError, Ledger, Line};
use std::path::PathBuf;

/// Tell the seed's story from a ledger
///
/// Appends the built-in history (a hosting company's 2008-2011 outages and maintenance, from
/// its blog) through the same path as `append`, then prints its log. Uses the ledger named by
/// --ledger (created if missing; the events carry fixed ids, so running it twice adds nothing),
/// else a fresh ledger in a temporary directory. Never your default ledger.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook demo
  logbook --ledger /tmp/demo.redb demo && logbook --ledger /tmp/demo.redb log --incident 2011-06-16-upstream-routing")]
pub struct Args {}

pub fn run(_: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    ctx.formats(&[Format::Text])?;
    let path = match &ctx.ledger {
        Some(path) => path.clone(),
        None => temporary()?,
    };
    let ledger = if path.exists() {
        Ledger::open(&path, ctx.wait)?
    } else {
        Ledger::create(&path)?
    };
    eprintln!("demo ledger: {}", path.display());
    let lines = logbook::demo::SONONACO
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, text)| {
            let submission =
                parse_line(text).map_err(|error| AppendError::Rejected { line: i + 1, error })?;
            Ok(Line {
                number: i + 1,
                submission,
            })
        });
    let appended = ledger.append(lines, &ctx.append_context())?;
    let new = appended.iter().filter(|a| !a.duplicate).count();
    out.line(format!(
        "Sononaco, 2008-2011: {} events appended ({} already there)",
        new,
        appended.len() - new
    ))?;
    out.line("")?;
    let mut rows = Vec::new();
    ledger.for_each::<CommandError>(|s| {
        rows.push(super::log::row(&s));
        Ok(())
    })?;
    for line in columns(&rows) {
        out.line(line)?;
    }
    out.line("")?;
    out.line(format!(
        "explore it: logbook --ledger {} log --incident 2011-06-16-upstream-routing",
        path.display()
    ))
}

fn temporary() -> Result<PathBuf, CommandError> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("logbook-demo-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| {
        CommandError::new(
            super::error::exit::UNAVAILABLE,
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    Ok(dir.join("ledger.redb"))
}
