//! `logbook site --out DIR`: the static status site (DESIGN section 12), from the public
//! projection alone.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::app::site::{self, Settings};
use logbook::event::At;
use logbook::projection::zone::{self, Zone};
use logbook::report::site::Site;
use logbook::store::Ledger;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Write the public status site: page, status.json, feed, calendar, badges
///
/// Writes index.html (the overall status, each service's current level and 90 days of bars,
/// active incidents, maintenance and the last 90 days of incidents), status.json, feed.atom,
/// maintenance.ics, incidents/KEY.html and badges/SERVICE.svg (uptime) and
/// badges/streak/SERVICE.svg (days without outage) into DIR. Only public facts are used:
/// titles, services and impact levels, maintenance windows and announcements whose audience is
/// not `internal`; never notes, diagnoses, vendors, tickets, escalations or actors. Days are
/// days of the zone (--tz). With --as-of every byte derives from the ledger and that day, so
/// the same ledger gives the same files. The config file's [site] sets title, url and the
/// services shown (default: every service the ledger names, ingested ones included). Incident
/// keys are public: they name the pages.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook site --out public/
  logbook site --out /var/www/status --tz Europe/Berlin
  logbook site --out public/ --as-of 2011-12-31 && xdg-open public/index.html")]
pub struct Args {
    /// The directory to write the site into (created if missing)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The last day of the 90 (in the zone) [default: today]; the files then derive from it
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let ledger = ctx.open()?;
    let site = build(&ledger, ctx, args.as_of.as_deref())?;
    drop(ledger);
    if ctx.config.site.services.is_none() {
        eprintln!(
            "note: the site shows every service the ledger names ({}); name the public ones, in \
             order, with [site] services in the config file",
            site.services.len()
        );
    }
    let files = site.files();
    write(&args.out, &files)?;
    let index = args.out.join("index.html");
    if format == Format::Json {
        return out.json(&serde_json::json!({
            "out": args.out,
            "files": files.iter().map(|f| &f.path).collect::<Vec<_>>(),
            "as_of": site.as_of.to_string(),
            "tz": site.tz,
        }));
    }
    out.line(format!(
        "wrote {} files to {} (as of {}, days in {})",
        files.len(),
        args.out.display(),
        site.as_of,
        site.tz
    ))?;
    out.line(format!("open {}", index.display()))
}

/// The `[site]` settings, refused with the config file's words when their url is no web
/// address (`site` and `serve` both check them before they start).
pub fn settings(ctx: &Context) -> Result<&Settings, CommandError> {
    let settings = &ctx.config.site;
    if let Some(url) = settings.bad_url() {
        return Err(CommandError::usage(format!(
            "config file: [site] url = `{url}` is not an http or https address"
        ))
        .hint("e.g. url = \"https://status.example.com\""));
    }
    Ok(settings)
}

/// The site of `ledger` as of `as_of` (default today, in the zone).
pub fn build(ledger: &Ledger, ctx: &Context, as_of: Option<&str>) -> Result<Site, CommandError> {
    let settings = settings(ctx)?;
    let (as_of, now) = match as_of {
        Some(text) => {
            let day = At::parse(text)
                .map(|a| zone::day(&a, &ctx.zone))
                .ok_or_else(|| {
                    CommandError::usage(format!("--as-of: `{text}` is not a date"))
                        .hint("e.g. --as-of 2011-12-31")
                })?;
            // Everything derives from the day: "now" is its end.
            (day, ctx.zone.day_bounds(day).1)
        }
        None => (ctx.zone.day_of(ctx.now), ctx.now),
    };
    let zone: Arc<dyn Zone + Send + Sync> = Arc::new(ctx.zone.clone());
    let inputs = site::Inputs {
        zone: &zone,
        tz: &ctx.zone.name(),
        settings,
        policy: ctx.config.policy.policy(),
        as_of,
        now,
    };
    site::build(ledger, &inputs).map_err(ctx.app_error())
}

/// Writes the files, each by a rename (a reader never sees half a file), and removes pages and
/// badges of an earlier run that this one no longer has.
pub(super) fn write(dir: &Path, files: &[logbook::report::site::File]) -> Result<(), CommandError> {
    let failed = |path: &Path, e: std::io::Error| {
        CommandError::usage(format!("cannot write {}: {e}", path.display()))
            .hint("--out names a directory you can write to")
    };
    let mut wanted = BTreeSet::new();
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| failed(parent, e))?;
        }
        let tmp = path.with_extension("tmp~");
        std::fs::write(&tmp, &f.bytes).map_err(|e| failed(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| failed(&path, e))?;
        wanted.insert(path);
    }
    for sub in ["incidents", "badges", "badges/streak"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let ours = path.extension().is_some_and(|e| e == "html" || e == "svg");
            if ours && path.is_file() && !wanted.contains(&path) {
                std::fs::remove_file(&path).map_err(|e| failed(&path, e))?;
            }
        }
    }
    Ok(())
}
