//! `logbook sla`: availability against a target for a calendar month (or a period), per service
//! and for all services: the downtime, the downtime allowed, the budget left, met or not, and
//! the incidents behind it (DESIGN section 12).

use super::error::CommandError;
use super::output::Out;
use super::policy::PolicyArgs;
use super::{Context, Format};
use logbook::app::streak::require_known;
use logbook::projection::Incident;
use logbook::projection::service::Service;
use logbook::projection::sla::{Month, Target, cut_at, last_complete_month, line};
use logbook::projection::stats::Period;
use logbook::projection::zone::Zone;
use logbook::report::html;
use logbook::report::sla::{self as render, Sheet};

/// Show availability against a target: downtime allowed, budget left, met or not
///
/// For a calendar month of the zone (--month; default: the last complete month) or a period
/// (--since/--until, as `stats` takes them), per service and for all services: availability
/// (as `stats` counts it), the weighted downtime under the policy, the downtime the target
/// allows ((1 - target/100) x the time each service existed in the period), the budget left
/// (negative when overspent), whether the target was met, and the unplanned outages behind the
/// downtime. A period that ends after now is counted up to now, and the output says so.
/// --format csv prints a header row, then one row per service and one for all services (an
/// empty service); an unknown figure is an empty cell.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook sla
  logbook sla --month 2026-10 --target 99.95
  logbook sla --month 2026-10 --service mail --format md > sla-mail-2026-10.md
  logbook sla --month 2026-10 --tz Europe/Berlin --format html > sla-2026-10.html
  logbook sla --since 2026-07-01 --until 2026-09-30 --format json
  logbook sla --month 2026-10 --partial-weight 0.5 --format csv > sla-2026-10.csv")]
pub struct Args {
    /// One service (default: every service, and all together)
    #[arg(long, short)]
    service: Option<String>,
    /// A calendar month of the zone, YYYY-MM [default: the last complete month]
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["since", "until"])]
    month: Option<Month>,
    /// Start of the period (a day in the zone, from its midnight, or an RFC 3339 time)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// End of the period (a day in the zone, counted whole, or an RFC 3339 time)
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Target availability in percent: above 0, at most 100
    #[arg(
        long,
        value_name = "PCT",
        default_value = "99.9",
        allow_negative_numbers = true
    )]
    target: Target,
    #[command(flatten)]
    policy: PolicyArgs,
}

/// The period asked for, its month (if it is one), and whether its start was given.
fn period(
    args: &Args,
    ctx: &Context,
    services: &[Service],
    incidents: &[Incident],
) -> Result<(Period, Option<Month>, bool), CommandError> {
    let zone = &ctx.zone;
    if args.since.is_none() && args.until.is_none() {
        let month = match args.month {
            Some(m) => m,
            None => last_complete_month(zone.day_of(ctx.now)).ok_or_else(|| {
                CommandError::usage("there is no month before today's").hint("name one: --month")
            })?,
        };
        return Ok((month.period(zone), Some(month), true));
    }
    let period = logbook::app::stats::period(
        args.since.as_deref(),
        args.until.as_deref(),
        services,
        incidents,
        zone,
        ctx.now,
    )
    .map_err(|e| {
        let mut error = CommandError::from_app(e, "sla");
        if error.kind == super::error::Kind::Usage && error.message.contains("RFC 3339") {
            error.hints = vec!["e.g. 2026-10-01, or --month 2026-10".into()];
        }
        error
    })?;
    Ok((period, None, args.since.is_some()))
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[
        Format::Text,
        Format::Md,
        Format::Html,
        Format::Json,
        Format::Csv,
    ])?;
    let policy = ctx.policy(&args.policy)?;
    let ledger = ctx.open()?;
    let (services, incidents): (Vec<Service>, Vec<Incident>) = match &args.service {
        Some(name) => {
            let (service, incidents) = (ledger.service(name)?, ledger.incidents_of(name)?);
            require_known(&service, &incidents).map_err(|e| CommandError::from_app(e, "sla"))?;
            (vec![service], incidents)
        }
        None => (ledger.services()?, ledger.incidents()?),
    };
    let (period, month, since_asked) = period(&args, ctx, &services, &incidents)?;

    // The figures, counted as `stats` counts them (one use case for both).
    let figures = logbook::app::stats::over(
        &services,
        &incidents,
        &logbook::app::stats::Span {
            period,
            since_asked,
            service: args.service.as_deref(),
        },
        &policy,
        &ctx.zone,
        ctx.now,
    );
    let mut lines: Vec<_> = figures
        .per_service
        .iter()
        .map(|(name, stats)| line(Some(name), stats, args.target))
        .collect();
    lines.push(line(args.service.as_deref(), &figures.overall, args.target));
    let sheet = Sheet {
        period,
        month,
        cut_at: cut_at(&period, ctx.now),
        target: args.target,
        policy,
        tz: ctx.zone.name().clone(),
        clock: ctx.clock(),
        lines,
    };
    show(&sheet, format, out)
}

/// Writes the report in `format`.
fn show(sheet: &Sheet, format: Format, out: &mut Out) -> Result<(), CommandError> {
    match format {
        Format::Json => out.json(&render::json(sheet)),
        Format::Csv => out.csv(logbook::report::csv::SLA, render::csv_items(sheet)),
        Format::Md => out.bytes(render::md(sheet).as_bytes()),
        Format::Html => out.bytes(html::sla::render(sheet).as_bytes()),
        Format::Text => {
            out.line(format!("SLA for {}, times in {}", sheet.title(), sheet.tz))?;
            out.line(format!("period: {}", sheet.span()))?;
            out.line(format!("target: {} availability", sheet.target))?;
            if let Some(cut) = sheet.cut() {
                out.line(format!("note: {cut}"))?;
            }
            out.line("")?;
            out.table(&render::rows(sheet))?;
            out.line("")?;
            for note in render::notes(sheet) {
                out.prose(note)?;
            }
            Ok(())
        }
    }
}
