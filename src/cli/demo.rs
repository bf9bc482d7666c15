//! `logbook demo`: append the Sononaco story to a ledger and show it.

use super::error::CommandError;
use super::output::Out;
use super::zone::TimeZone;
use super::{Context, Format};
use logbook::app::streak::View;
use logbook::event::parse_line;
use logbook::projection::Policy;
use logbook::projection::zone::{self, Zone};
use logbook::report::{Clock, build, md, text};
use logbook::store::{Access, AppendError, Ledger, Line};
use std::path::PathBuf;

/// Tell the seed's story from a ledger
///
/// Appends the built-in history (a hosting company's 2008-2011 outages and maintenance, from
/// its blog) through the same path as `append`, then prints its log, its incidents, the
/// streak board as of the story's last day and the routing outage's report. Uses the ledger named by
/// --ledger (created if missing; the events carry fixed ids, so running it twice adds nothing),
/// else a fresh ledger in a temporary directory. Never your default ledger.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook demo
  logbook --ledger /tmp/demo.redb demo && logbook --ledger /tmp/demo.redb log --incident 2011-06-16-upstream-routing")]
pub struct Args {}

pub fn run(_: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    ctx.formats(&[Format::Text])?;
    // Only a ledger named with --ledger on this command line; never LOGBOOK_LEDGER's or the
    // default one, which may be the user's own.
    let path = match (&ctx.ledger, ctx.ledger_typed) {
        (Some(path), true) => path.clone(),
        _ => temporary()?,
    };
    let ledger = if path.exists() {
        let ledger = Ledger::open(&path, ctx.wait, Access::Write)?;
        refuse_other_events(&ledger)?;
        ledger
    } else {
        Ledger::create(&path)?
    };
    eprintln!("demo ledger: {}", path.display());
    // The story's days are those of the blog's zone, whatever the user's (DESIGN section 9).
    let story = TimeZone::parse(STORY_ZONE)
        .map_err(|e| CommandError::internal(format!("the demo's zone: {e}")))?;
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
    // The story's events were written by the blog, unless the caller names someone.
    let mut append = ctx.append_context(false, &[]);
    append.actor = ctx.named_actor().unwrap_or_else(|| "sononaco-blog".into());
    let appended = ledger.append(lines, &append)?;
    let new = appended.iter().filter(|a| !a.duplicate).count();
    out.line(format!(
        "Sononaco, 2008-2011: {new} events appended ({} already there)",
        appended.len() - new
    ))?;

    heading(out, "The log")?;
    let mut events = Vec::new();
    let mut last_day = None;
    ledger.for_each::<CommandError>(|s| {
        last_day = last_day.max(Some(zone::day(&s.event.at, &story)));
        events.push(s);
        Ok(())
    })?;
    let marks = super::log::Marks::for_rows(&ledger, &events)?;
    let rows: Vec<Vec<String>> = events.iter().map(|s| super::log::row(s, &marks)).collect();
    print_rows(out, &rows)?;

    heading(out, "Incidents")?;
    let clock = Clock::zone(story.name(), story.clone());
    print_rows(out, &text::incidents(&ledger.incidents()?, ctx.now, &clock))?;

    // The story ends with its newest event: the streaks are as of that day.
    let as_of = last_day.unwrap_or(story.day_of(ctx.now));
    heading(
        out,
        &format!(
            "Uptime streaks as of {as_of}, the story's last day, days in {}",
            story.name()
        ),
    )?;
    let policy = Policy::default();
    let view = View {
        ledger: &ledger,
        policy,
        zone: &story,
        as_of,
    };
    let board = view.board().map_err(ctx.app_error())?;
    let mut rows = board.rows;
    rows.push(("all services".into(), board.all));
    print_rows(out, &text::board(&rows))?;
    out.line(format!("policy: {}", policy.describe()))?;

    heading(out, "Post-incident report: 2011-06-16-upstream-routing")?;
    let key = "2011-06-16-upstream-routing";
    let incident = super::report::find(&ledger, key)?;
    let report = build(incident, &ledger.stream(key)?, policy, ctx.now).shown_in(clock);
    out.line(md::plain(&md::render(&report)).trim_end())?;
    out.line("")?;

    // The public face of the story: the status page Sononaco could have had on its last day,
    // the blog's announcements as its updates.
    let dir = path.with_extension("site");
    let zone: std::sync::Arc<dyn Zone + Send + Sync> = std::sync::Arc::new(story.clone());
    let settings = logbook::app::site::Settings {
        title: Some("Sononaco status".into()),
        url: None,
        services: None,
    };
    let site = logbook::app::site::build(
        &ledger,
        &logbook::app::site::Inputs {
            zone: &zone,
            tz: &story.name(),
            settings: &settings,
            policy,
            as_of,
            now: story.day_bounds(as_of).1,
        },
    )
    .map_err(ctx.app_error())?;
    super::site::write(&dir, &site.files())?;
    out.line(format!(
        "status site as of {as_of}: open {}",
        dir.join("index.html").display()
    ))?;
    out.line(format!(
        "explore it: logbook --ledger {} report 2011-12-28-web-1-kernel-panic",
        path.display()
    ))
}

/// The zone of the blog the story comes from.
const STORY_ZONE: &str = "America/New_York";

fn heading(out: &mut Out, title: &str) -> Result<(), CommandError> {
    out.line("")?;
    out.line(format!("== {title} =="))?;
    out.line("")
}

/// The demo writes only into an empty ledger or one that holds the demo: never 44 story events
/// into a real ledger, where they would stay for good.
fn refuse_other_events(ledger: &Ledger) -> Result<(), CommandError> {
    let demo: std::collections::HashSet<uuid::Uuid> = logbook::demo::SONONACO
        .lines()
        .filter_map(|l| parse_line(l).ok()?.id)
        .collect();
    let mut other = None;
    ledger.for_each::<CommandError>(|s| {
        if other.is_none() && !demo.contains(&s.id) {
            other = Some(s.seq);
        }
        Ok(())
    })?;
    match other {
        None => Ok(()),
        Some(seq) => Err(CommandError::rejected(format!(
            "ledger {} holds events that are not the demo's (seq {seq} is one)",
            ledger.path().display()
        ))
        .hint("the demo writes only into a new ledger or one that holds the demo alone: give --ledger a new path, or leave it out")),
    }
}

fn print_rows(out: &mut Out, rows: &[Vec<String>]) -> Result<(), CommandError> {
    out.table_text_last(rows)?;
    Ok(())
}

// A unique name for a scratch directory, not a time the ledger records.
#[allow(clippy::disallowed_methods)]
fn temporary() -> Result<PathBuf, CommandError> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("logbook-demo-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CommandError::unavailable(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir.join("ledger.redb"))
}
