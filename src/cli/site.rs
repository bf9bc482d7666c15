//! `logbook site --out DIR`: the static status site (DESIGN section 12), from the public
//! projection alone.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::app::streak::View;
use logbook::event::At;
use logbook::projection::Incident;
use logbook::projection::public::public;
use logbook::projection::status::{Frame, by_service};
use logbook::projection::zone::{self, Zone};
use logbook::report::site::{Shown, Site};
use logbook::store::Ledger;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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
/// services shown.
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

/// The site of `ledger` as of `as_of` (default today, in the zone).
pub fn build(ledger: &Ledger, ctx: &Context, as_of: Option<&str>) -> Result<Site, CommandError> {
    let config = &ctx.config.site;
    if let Some(url) = &config.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(CommandError::usage(format!(
            "config file: [site] url = `{url}` is not an http or https address"
        ))
        .hint("e.g. url = \"https://status.example.com\""));
    }
    let policy = ctx.config.policy.policy();
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
    let frame = Frame {
        zone: &ctx.zone,
        policy,
        as_of,
        now,
    };
    let incidents = ledger.incidents()?;
    let touching = by_service(&frame, &incidents);
    let known = ledger.services()?;
    let (window_start, _) = frame.window();
    let shown: Vec<_> = match &config.services {
        Some(names) => names
            .iter()
            .map(|n| ledger.service(n))
            .collect::<Result<_, _>>()?,
        None => known
            .into_iter()
            .filter(|s| {
                s.retired
                    .is_none_or(|r| after(&r.at, window_start, &ctx.zone))
            })
            .collect(),
    };
    let view = View {
        ledger,
        policy,
        zone: &ctx.zone,
        as_of,
    };
    let mut services = Vec::with_capacity(shown.len());
    for service in &shown {
        let none = Vec::new();
        let of = touching.get(service.name.as_str()).unwrap_or(&none);
        let streaks = view.service(&service.name).ok();
        services.push(Shown {
            status: frame.service(service, of),
            days_since_outage: streaks.and_then(|s| s.days_since_last_outage),
        });
    }
    let public_incidents = public_incidents(ledger, &frame, &incidents, &shown)?;
    Ok(Site {
        title: config.title.clone().unwrap_or_else(|| "Status".to_string()),
        url: config.url.clone(),
        tz: ctx.zone.name(),
        clock: ctx.clock(),
        zone: Box::new(ctx.zone.clone()),
        policy,
        as_of,
        generated_at: now,
        services,
        incidents: public_incidents,
    })
}

/// Whether a written time is at or after `t` (a day-only time: its day's start in the zone).
fn after(at: &At, t: time::OffsetDateTime, zone: &dyn Zone) -> bool {
    match at {
        At::Instant(i) => *i >= t,
        At::Day(d) => zone.day_bounds(*d).1 > t,
    }
}

/// The public incidents the site lists: those touching its window and those still active,
/// that concern a shown service; newest first.
fn public_incidents(
    ledger: &Ledger,
    frame: &Frame<'_>,
    incidents: &[Incident],
    shown: &[logbook::projection::service::Service],
) -> Result<Vec<logbook::projection::public::PublicIncident>, CommandError> {
    let names: BTreeSet<&str> = shown.iter().map(|s| s.name.as_str()).collect();
    let mut out = Vec::new();
    let window_start = frame.window().0;
    for incident in incidents {
        if !incident.services.iter().any(|s| names.contains(s.as_str())) {
            continue;
        }
        let upcoming = incident
            .window
            .is_some_and(|(_, end)| after(&end, window_start, frame.zone));
        let is_open =
            incident.closed.is_none() && incident.intervals.iter().any(|i| i.to.is_none());
        if !(frame.touches(incident) || upcoming || is_open) {
            continue;
        }
        let stream = ledger.stream(&incident.key)?;
        let mut p = public(incident, &stream);
        // Only the shown services are public.
        p.services.retain(|(s, _)| names.contains(s.as_str()));
        p.intervals.retain(|i| names.contains(i.service.as_str()));
        out.push(p);
    }
    let start = |p: &logbook::projection::public::PublicIncident| {
        p.started
            .or(p.window.map(|w| logbook::projection::Stamp {
                at: w.0,
                approximate: false,
            }))
            .map(|s| match s.at {
                At::Instant(t) => t,
                At::Day(d) => frame.zone.start_of(d),
            })
    };
    out.sort_by(|a, b| start(b).cmp(&start(a)).then(a.key.cmp(&b.key)));
    Ok(out)
}

/// Writes the files, each by a rename (a reader never sees half a file), and removes pages and
/// badges of an earlier run that this one no longer has.
fn write(dir: &Path, files: &[logbook::report::site::File]) -> Result<(), CommandError> {
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
