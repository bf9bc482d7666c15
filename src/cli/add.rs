//! `logbook add TYPE`: append one event from flags, without writing JSON.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::event::json::read_object;
use logbook::event::parse::parse_input;
use logbook::event::time::format_instant;
use logbook::event::{FieldError, Problem, TYPES};
use logbook::store::Line;
use serde_json::{Map, Value};

/// Append one event given as flags
///
/// The same as `append` with one JSON line, built from flags: common flags plus the type's own
/// fields (--vendor, --ticket, --level, ...). --at defaults to now.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  logbook add detected --incident 2011-06-16-upstream-routing --at 2011-06-16T03:20:00-04:00 \
      --service dns --source monitoring --summary "DNS resolution failing"
  logbook add escalated --incident 2011-06-16-upstream-routing --to "on-call senior network admins"
  logbook add vendor_engaged --incident 2011-06-16-upstream-routing --vendor COX --channel phone
  logbook add restored --incident 2011-06-16-upstream-routing --level partial --at 2011-06-16T06:40:00-04:00
  logbook add service_commissioned --service web-1 --at 2009-04-10

Which flags a type takes: detected --service... [--source] [--level] [--title]; escalated --to;
vendor_engaged --vendor [--ticket] [--channel]; vendor_responded --vendor [--contact];
diagnosed [--cause]; impact_changed --level [--service...]; restore_step --summary [--state];
restored [--service...] [--level partial|full]; announced [--channel] [--audience] [--title]
[--url] [--text]; action_item --summary [--owner] [--due]; note --text;
maintenance_scheduled --service... --window-start --window-end [--title]; service_commissioned and
service_retired --service; amended --target --set JSON [--reason]; retracted --target [--reason]."#)]
pub struct Args {
    /// The event type
    #[arg(value_name = "TYPE", value_parser = clap::builder::PossibleValuesParser::new(TYPES))]
    kind: String,
    /// Incident key, e.g. 2011-06-16-upstream-routing
    #[arg(long, short)]
    incident: Option<String>,
    /// When it happened: RFC 3339 or YYYY-MM-DD, or in the zone (--tz) "2026-11-28 02:10",
    /// "14:00", "yesterday 14:00", "-15m" [default: now, in the zone's offset]
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    at: Option<String>,
    /// The time is an estimate ("approximately 3PM")
    #[arg(long)]
    approximate: bool,
    /// Affected service (repeat for several); the service of service_* events
    #[arg(long = "service", short = 's', value_name = "SERVICE")]
    services: Vec<String>,
    /// One line saying what happened
    #[arg(long)]
    summary: Option<String>,
    /// Your own UUID for the event, so a retry cannot append it twice
    #[arg(long)]
    id: Option<String>,
    /// Append only if the incident's latest revision is this one
    // Read as text so that a wrong number is rejected input (exit 1), as in a JSON line.
    #[arg(long, value_name = "REVISION", allow_negative_numbers = true)]
    expected_revision: Option<String>,
    /// detected: monitoring, customer, staff or vendor
    #[arg(long)]
    source: Option<String>,
    /// detected / impact_changed: degraded, partial_outage, major_outage (operational too for
    /// impact_changed); restored: partial or full
    #[arg(long)]
    level: Option<String>,
    /// escalated: the person, team or tier it went to
    #[arg(long)]
    to: Option<String>,
    /// vendor_engaged / vendor_responded: the vendor
    #[arg(long)]
    vendor: Option<String>,
    /// vendor_engaged: the vendor's ticket number
    #[arg(long)]
    ticket: Option<String>,
    /// vendor_engaged: how (phone, portal...); announced: blog, twitter, status_page, email, other
    #[arg(long)]
    channel: Option<String>,
    /// vendor_responded: who answered
    #[arg(long)]
    contact: Option<String>,
    /// diagnosed: the cause
    #[arg(long)]
    cause: Option<String>,
    /// restore_step: started or done
    #[arg(long)]
    state: Option<String>,
    /// announced: who it was for
    #[arg(long)]
    audience: Option<String>,
    /// detected, impact_started, maintenance_scheduled: the incident's title; announced: the
    /// announcement's
    #[arg(long)]
    title: Option<String>,
    /// announced: where it was published
    #[arg(long)]
    url: Option<String>,
    /// note / announced: the text
    #[arg(long)]
    text: Option<String>,
    /// action_item: who owns it
    #[arg(long)]
    owner: Option<String>,
    /// action_item: when it is due (date or time)
    #[arg(long)]
    due: Option<String>,
    /// maintenance_scheduled: start of the window
    #[arg(long)]
    window_start: Option<String>,
    /// maintenance_scheduled: end of the window
    #[arg(long)]
    window_end: Option<String>,
    /// amended / retracted: the event corrected: its seq (27 or #27), its id, or 8+ hex digits
    /// of its id (`logbook amend` and `logbook retract` also find its incident)
    #[arg(long)]
    target: Option<String>,
    /// amended: JSON object of the replaced fields, e.g. '{"at":"2011-06-16T03:10:00-04:00"}'
    #[arg(long, value_name = "JSON")]
    set: Option<String>,
    /// amended / retracted: why
    #[arg(long)]
    reason: Option<String>,

    /// Accept times that look like typos (an acknowledgement before the detection, an event
    /// more than a day ahead): the writer vouches that they are right
    #[arg(long)]
    force: bool,

    /// A service that is new although a known one is spelled alike (Web1 beside web1);
    /// repeat for several
    #[arg(long, value_name = "NAME")]
    new_service: Vec<String>,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let object = to_object(&args, ctx)?;
    let submission = parse_input(object).map_err(|e| flag_error(&e, &args.kind))?;
    // The ledger is closed before the receipt says anything: the event is durable then, with
    // one sync fewer than committing durably and closing after.
    let appended = ctx
        .open_write()?
        .append_and_close(
            [Ok(Line {
                number: 1,
                submission,
            })],
            &ctx.append_context(args.force, &args.new_service),
        )
        .map_err(|e| match e {
            logbook::store::AppendError::Rejected { error, .. } => flag_error(&error, &args.kind),
            other => other.into(),
        })?;
    super::append::receipts(&appended, format, out)
}

/// The JSON object the flags stand for.
fn to_object(args: &Args, ctx: &Context) -> Result<Map<String, Value>, CommandError> {
    let mut m = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            m.insert(key.to_string(), v);
        }
    };
    let text = |v: &Option<String>| v.clone().map(Value::String);
    put("type", Some(Value::String(args.kind.clone())));
    put("incident", text(&args.incident));
    // Times as people type them (no seconds, no offset, `-15m`), read in the zone.
    let time = |flag: &str, v: &Option<String>| {
        v.as_deref()
            .map(|t| super::when::at(t, flag, &ctx.zone, ctx.now))
            .transpose()
    };
    let at = time("--at", &args.at)?.unwrap_or_else(|| format_instant(ctx.now_in_zone()));
    put("at", Some(Value::String(at)));
    put("due", time("--due", &args.due)?.map(Value::String));
    put(
        "window_start",
        time("--window-start", &args.window_start)?.map(Value::String),
    );
    put(
        "window_end",
        time("--window-end", &args.window_end)?.map(Value::String),
    );
    put("approximate", args.approximate.then_some(Value::Bool(true)));
    let service_event = args.kind.starts_with("service_")
        || args.incident.is_none() && matches!(args.kind.as_str(), "amended" | "retracted");
    match (service_event, args.services.as_slice()) {
        (_, []) => {}
        (true, [one]) => put("service", Some(Value::String(one.clone()))),
        (true, _) => {
            return Err(CommandError::usage(format!(
                "{} takes one --service",
                args.kind
            )));
        }
        (false, many) => put(
            "services",
            Some(Value::Array(
                many.iter().cloned().map(Value::String).collect(),
            )),
        ),
    }
    put("summary", text(&args.summary));
    put("id", text(&args.id));
    if let Some(text) = &args.expected_revision {
        let revision: u64 = text.parse().map_err(|_| {
            CommandError::rejected(format!(
                "--expected-revision: must be a whole number >= 0, not `{text}`"
            ))
            .hint("the revision that `logbook log --format json` shows for the incident's latest event")
            .hint("nothing was written")
        })?;
        put("expected_revision", Some(Value::from(revision)));
    }
    for (key, value) in [
        ("source", &args.source),
        ("level", &args.level),
        ("to", &args.to),
        ("vendor", &args.vendor),
        ("ticket", &args.ticket),
        ("channel", &args.channel),
        ("contact", &args.contact),
        ("cause", &args.cause),
        ("state", &args.state),
        ("audience", &args.audience),
        ("title", &args.title),
        ("url", &args.url),
        ("text", &args.text),
        ("owner", &args.owner),
        ("target", &args.target),
        ("reason", &args.reason),
    ] {
        put(key, text(value));
    }
    if let Some(set) = &args.set {
        let object = read_object(set.as_bytes()).map_err(|e| {
            let err = CommandError::rejected(format!("--set: {e}"));
            if e.field == "-" {
                err.hint(r#"e.g. --set '{"at":"2011-06-16T03:10:00-04:00"}'"#)
            } else {
                err
            }
        })?;
        put("set", Some(Value::Object(object)));
    }
    Ok(m)
}

/// Names the flag (not the JSON field) in errors about flags.
fn flag_error(e: &FieldError, kind: &str) -> CommandError {
    let flag = match e.field.as_str() {
        // Rules about the stream as a whole (not about one flag) are reported on `type`.
        "type" => String::new(),
        "services" | "service" => "--service".to_string(),
        "-" => String::new(),
        field if field.starts_with("set.") => format!("--set: {}", &field[4..]),
        field => format!("--{}", field.replace('_', "-")),
    };
    // An unknown field of `set` is no flag: it gets the advice of any input field.
    let unknown_field =
        matches!(e.problem, Some(Problem::UnknownField { .. })) && !e.field.starts_with("set.");
    let message = if unknown_field {
        format!("does not apply to {kind}")
    } else {
        e.message.clone()
    };
    let mut err = CommandError::rejected(if flag.is_empty() {
        message
    } else {
        format!("{flag}: {message}")
    });
    if unknown_field {
        err.hints
            .push("`logbook add --help` lists the flags of each type".into());
    } else {
        err.hints.extend(e.problem.as_ref().map(super::hints::hint));
    }
    err.hints.push("nothing was written".into());
    err
}
