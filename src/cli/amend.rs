//! `logbook amend TARGET`: correct fields of an earlier event named by seq or id, in the
//! target's own incident (or service); and what `amend` and `retract` share: finding the
//! target, appending the correction, and naming flags in errors.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::event::json::read_object;
use logbook::event::parse::parse_input;
use logbook::event::time::format_instant;
use logbook::event::{FieldError, TargetRef};
use logbook::store::{AppendError, Line, LookupError};
use serde_json::{Map, Value};

/// Correct fields of an earlier event
///
/// Appends an `amended` event: the original stays in the log as it was written, and reports,
/// timelines and statistics use the corrected fields. The new values are given with the
/// --set-FIELD flags or as a JSON object with --set.
#[derive(Debug, clap::Args)]
#[command(after_help = r#"Examples:
  logbook amend 27 --set-at 2011-06-16T03:10:00-04:00 --reason "typo in the hour"
  logbook amend 31 --set-level partial --reason "only some traffic was back"
  logbook amend 19 --set-service dns --set-service mail --reason "mail was down too"
  logbook amend 15 --set '{"vendor":"COX","ticket":"4711"}' --reason "wrong vendor"
  logbook amend 0190c3a2-7b1e --set-summary "Ticket opened with COX" --reason "typo"

TARGET is the seq that `logbook log` shows (27, or '#27' quoted for the shell), the event's
id, or the first 8 or more hex digits of its id. The correction goes to the target's own
incident (or service). --set-at sets the event's new time; --at is the time of the
correction itself and defaults to now. type, incident, service and id cannot be amended:
retract the event (logbook retract) and append a corrected one instead."#)]
pub struct Args {
    /// The event to correct: its seq (27 or #27), its id, or 8+ hex digits of its id
    #[arg(value_name = "TARGET")]
    target: String,
    /// Why the event is corrected
    #[arg(long)]
    reason: String,
    /// The event's new time: RFC 3339 or YYYY-MM-DD, or in the zone "2026-11-28 02:10", "14:00",
    /// "yesterday 14:00", "-15m"
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    set_at: Option<String>,
    /// Whether the event's time is an estimate
    #[arg(long, value_name = "true|false")]
    set_approximate: Option<bool>,
    /// The event's new summary
    #[arg(long, value_name = "TEXT")]
    set_summary: Option<String>,
    /// The new level: degraded, partial_outage, major_outage (operational for impact_changed);
    /// partial or full for restored
    #[arg(long, value_name = "LEVEL")]
    set_level: Option<String>,
    /// The event's services, replacing the old list (repeat for several)
    #[arg(long = "set-service", value_name = "SERVICE")]
    set_services: Vec<String>,
    /// The new text of a note or an announcement
    #[arg(long, value_name = "TEXT")]
    set_text: Option<String>,
    /// Any fields, as a JSON object of the new values, e.g. '{"vendor":"COX"}'
    #[arg(long, value_name = "JSON")]
    set: Option<String>,
    #[command(flatten)]
    common: Common,
}

/// Flags of `amend` and `retract` about the correction itself.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// When the correction is made, as --set-at takes it [default: now, in the zone's offset]
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    at: Option<String>,
    /// Your own UUID for the correction, so a retry cannot append it twice
    #[arg(long, value_name = "UUID")]
    id: Option<String>,
    /// Accept times that look like typos (an acknowledgement before the detection): you vouch
    /// that they are right
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let (set, flags) = new_values(&args, ctx)?;
    let fields = Map::from_iter([("set".to_string(), Value::Object(set))]);
    let correction = Correction {
        kind: "amended",
        target: &args.target,
        reason: &args.reason,
        common: &args.common,
        fields,
    };
    correction.append(ctx, out, &|key| {
        flags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, flag)| (*flag).to_string())
    })
}

/// The object of new values, and which of its keys came from which --set-FIELD flag.
type Values = (Map<String, Value>, Vec<(String, &'static str)>);

/// The new values of `--set` and the `--set-FIELD` flags, each field given once.
fn new_values(args: &Args, ctx: &Context) -> Result<Values, CommandError> {
    let mut set = match &args.set {
        None => Map::new(),
        Some(json) => read_object(json.as_bytes()).map_err(|e| {
            let err = CommandError::rejected(format!("--set: {e}"));
            if e.field == "-" {
                err.hint(r#"a JSON object of the new values, e.g. --set '{"vendor":"COX"}'"#)
            } else {
                err
            }
        })?,
    };
    let services = (!args.set_services.is_empty()).then(|| {
        Value::Array(
            args.set_services
                .iter()
                .cloned()
                .map(Value::String)
                .collect(),
        )
    });
    let text = |v: &Option<String>| v.clone().map(Value::String);
    let set_at = args
        .set_at
        .as_deref()
        .map(|t| super::when::at(t, "--set-at", &ctx.zone, ctx.now))
        .transpose()?
        .map(Value::String);
    let flagged = [
        ("at", "--set-at", set_at),
        (
            "approximate",
            "--set-approximate",
            args.set_approximate.map(Value::Bool),
        ),
        ("summary", "--set-summary", text(&args.set_summary)),
        ("level", "--set-level", text(&args.set_level)),
        ("services", "--set-service", services),
        ("text", "--set-text", text(&args.set_text)),
    ];
    let mut flags = Vec::new();
    for (key, flag, value) in flagged {
        let Some(value) = value else { continue };
        if set.contains_key(key) {
            return Err(CommandError::usage(format!(
                "`{key}` is given twice: by --set and by {flag}"
            )));
        }
        set.insert(key.to_string(), value);
        flags.push((key.to_string(), flag));
    }
    if set.is_empty() {
        let mut err = CommandError::usage(
            "nothing to amend: give the new values with --set-at, --set-summary, ... or --set JSON",
        );
        if args.common.at.is_some() {
            err = err.hint("--at is when the correction is made; the event's new time is --set-at");
        }
        return Err(err.hint("`logbook amend --help` shows examples"));
    }
    Ok((set, flags))
}

/// A correction to append: its type, the target as typed, and its own fields.
pub(super) struct Correction<'a> {
    pub kind: &'static str,
    pub target: &'a str,
    pub reason: &'a str,
    pub common: &'a Common,
    /// The type's own fields beyond `target` and `reason` (`set` for `amended`).
    pub fields: Map<String, Value>,
}

impl Correction<'_> {
    /// Finds the target, appends the correction to the target's stream and prints the
    /// receipt. `flag_of` names the flag that gave a field of `set`, for errors.
    pub(super) fn append(
        self,
        ctx: &Context,
        out: &mut Out,
        flag_of: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), CommandError> {
        let format = ctx.formats(&[Format::Text, Format::Json])?;
        let reference =
            TargetRef::parse(self.target).map_err(|e| refused(&e.at("target"), flag_of))?;
        let mut ledger = ctx.open_write()?;
        let target = ledger.target(&reference).map_err(|e| match e {
            LookupError::Refused(e) => refused(&e, flag_of),
            LookupError::Store(e) => e.into(),
        })?;
        let mut object = Map::new();
        object.insert("type".into(), self.kind.into());
        match (&target.event.incident, &target.event.service) {
            (Some(incident), _) => object.insert("incident".into(), incident.as_str().into()),
            (None, Some(service)) => object.insert("service".into(), service.as_str().into()),
            (None, None) => None,
        };
        let at = match &self.common.at {
            Some(text) => super::when::at(text, "--at", &ctx.zone, ctx.now)?,
            None => format_instant(ctx.now_in_zone()),
        };
        object.insert("at".into(), at.into());
        object.insert("target".into(), target.id.to_string().into());
        object.extend(self.fields);
        object.insert("reason".into(), self.reason.into());
        if let Some(id) = &self.common.id {
            object.insert("id".into(), id.as_str().into());
        }
        let submission = parse_input(object).map_err(|e| refused(&e, flag_of))?;
        let appended = super::write_or_shrink(&mut ledger, |ledger| {
            let line = Line {
                number: 1,
                submission,
            };
            ledger
                .append([Ok(line)], &ctx.append_context(self.common.force, &[]))
                .map_err(|e| match e {
                    AppendError::Rejected { error, .. } => refused(&error, flag_of),
                    other => other.into(),
                })
        })?;
        super::append::receipts(&appended, format, out)
    }
}

/// A refused correction, naming the flag (or TARGET) at fault rather than the JSON field.
fn refused(e: &FieldError, flag_of: &dyn Fn(&str) -> Option<String>) -> CommandError {
    let flag = match e.field.as_str() {
        // Rules about the stream as a whole are reported on `type`.
        "type" | "-" => None,
        "set" => Some("--set".to_string()),
        field => match field.strip_prefix("set.") {
            Some(key) => Some(flag_of(key).unwrap_or_else(|| format!("--set: {key}"))),
            None if field == "target" => Some("target".to_string()),
            None => Some(format!("--{}", field.replace('_', "-"))),
        },
    };
    let mut err = CommandError::rejected(match flag {
        Some(flag) => format!("{flag}: {}", e.message),
        None => e.message.clone(),
    });
    err.hints.extend(e.problem.as_ref().map(super::hints::hint));
    err.hint("nothing was written")
}
