//! `logbook log`: the stored events, filtered, as aligned text, JSON Lines or CSV, with the
//! corrections that name each event marked on it.

use super::error::CommandError;
use super::output::Out;
use super::stream::{Batches, Direction};
use super::{Context, Format};
use logbook::event::{At, Body, Name, TYPES};
use logbook::projection::zone;
use logbook::report::csv;
use logbook::store::{Ledger, Stored};
use std::collections::HashMap;
use uuid::Uuid;

/// Show the log, oldest first
///
/// One line per event: seq, when it happened (~ marks an estimate), incident or service, type
/// and what it says. An event that corrections name is marked "[amended by #45]" or
/// "[retracted by #46]"; a correction names the seq it corrects ("amends #11 (at): reason").
/// --format json prints each stored event as a JSON line (as `export` does), followed, where
/// they apply, by `amended_by` and `retracted_by` (lists of seqs) and a correction's
/// `target_seq`. --format csv prints a header row, then one row per event: seq, at,
/// approximate, incident, service, type, text, actor, id, amended_by, retracted_by (seqs joined
/// with `;`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook log
  logbook log --incident 2011-06-16-upstream-routing
  logbook log --service mail --since 2011-01-01 --until 2011-12-31
  logbook log --type vendor_engaged --type vendor_responded --format json
  logbook log --incident 2011-06-16-upstream-routing --format csv > routing.csv")]
pub struct Args {
    /// Only this incident
    #[arg(long, short)]
    incident: Option<String>,
    /// Only this service: every event of the incidents that affect it, and its own history
    #[arg(long, short)]
    service: Option<String>,
    /// Only events of this type (repeat for several)
    #[arg(long = "type", short = 't', value_name = "TYPE", value_parser = clap::builder::PossibleValuesParser::new(TYPES))]
    types: Vec<String>,
    /// Only events that happened on or after this day (in the zone) or time
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only events that happened on or before this day (in the zone) or time
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Only the newest N events that match (still oldest first unless --reverse)
    #[arg(short = 'n', long = "last", value_name = "N")]
    last: Option<usize>,
    /// Newest first
    #[arg(long)]
    reverse: bool,
}

struct Filter {
    incident: Option<Name>,
    service: Option<Name>,
    /// The incidents that name the service (filled in from the ledger before reading).
    incidents_of_service: std::collections::HashSet<String>,
    types: Vec<String>,
    since: Option<At>,
    until: Option<At>,
}

impl Filter {
    fn new(args: Args) -> Result<Filter, CommandError> {
        let name = |flag: &str, v: Option<String>| {
            v.map(|v| Name::parse(&v).map_err(|e| CommandError::usage(format!("{flag}: {e}"))))
                .transpose()
        };
        let time = |flag: &str, v: Option<String>| {
            v.map(|v| {
                At::parse(&v).ok_or_else(|| {
                    CommandError::usage(format!("{flag}: `{v}` is not a date or an RFC 3339 time"))
                        .hint("e.g. 2011-06-16 or 2011-06-16T03:00:00-04:00")
                })
            })
            .transpose()
        };
        Ok(Filter {
            incident: name("--incident", args.incident)?,
            service: name("--service", args.service)?,
            incidents_of_service: Default::default(),
            types: args.types,
            since: time("--since", args.since)?,
            until: time("--until", args.until)?,
        })
    }

    fn matches(&self, s: &Stored, zone: &dyn zone::Zone) -> bool {
        let e = &s.event;
        self.incident
            .as_ref()
            .is_none_or(|k| e.incident.as_ref() == Some(k))
            && self.service.as_ref().is_none_or(|svc| {
                e.services().contains(&svc)
                    || e.incident
                        .as_ref()
                        .is_some_and(|k| self.incidents_of_service.contains(k.as_str()))
            })
            && (self.types.is_empty() || self.types.iter().any(|t| t == e.type_name()))
            && self
                .since
                .is_none_or(|t| zone::compare(&e.at, &t, zone).is_ge())
            && self
                .until
                .is_none_or(|t| zone::compare(&e.at, &t, zone).is_le())
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json, Format::Csv])?;
    let (last, reverse) = (args.last, args.reverse);
    let mut filter = Filter::new(args)?;
    if let Some(service) = &filter.service {
        filter.incidents_of_service = ctx
            .open()?
            .incidents_of(service.as_str())?
            .into_iter()
            .map(|i| i.key)
            .collect();
    }
    let mut shown = 0usize;
    // CSV's header goes out with the first batch (so an error before it leaves stdout empty).
    let mut header = format != Format::Csv;
    let mut show = |rows: Vec<Stored>, marks: &Marks, out: &mut Out| {
        shown += rows.len();
        if format == Format::Csv {
            if !std::mem::replace(&mut header, true) {
                out.bytes(csv::header(csv::LOG).as_bytes())?;
            }
            for s in &rows {
                out.bytes(csv::row(csv::LOG, &marks.item(s)).as_bytes())?;
            }
        } else if format == Format::Json {
            for s in &rows {
                out.bytes_line(&marks.json(s))?;
            }
        } else if !rows.is_empty() {
            out.table_text_last(&rows.iter().map(|s| row(s, marks)).collect::<Vec<_>>())?;
        }
        out.flush()
    };
    match &filter.incident {
        // One incident: read its stream through the index (not the whole log), let go of the
        // ledger, then print.
        Some(key) => {
            let ledger = ctx.open()?;
            let mut rows: Vec<Stored> = ledger
                .stream(key.as_str())?
                .into_iter()
                .filter(|s| filter.matches(s, &ctx.zone))
                .collect();
            if let Some(n) = last {
                rows.drain(..rows.len().saturating_sub(n));
            }
            if reverse {
                rows.reverse();
            }
            let marks = Marks::for_rows(&ledger, &rows)?;
            drop(ledger);
            show(rows, &marks, out)?;
        }
        None => {
            // The newest N are found reading backwards; they are shown oldest first unless
            // --reverse, so those are held (N of them) until the scan ends.
            let direction = if reverse || last.is_some() {
                Direction::NewestFirst
            } else {
                Direction::OldestFirst
            };
            let mut batches = Batches::new(ctx, direction)?;
            let head = batches.head();
            let mut held: Vec<(Vec<Stored>, Marks)> = Vec::new();
            let mut left = last.unwrap_or(usize::MAX);
            while left > 0
                && let Some((rows, marks)) = batches.next(ctx, |ledger, range| {
                    let mut rows = Vec::new();
                    for (seq, bytes) in ledger.raw_range(range)? {
                        let stored = Stored::decode(&bytes).map_err(|e| {
                            CommandError::unavailable(format!(
                                "ledger {} is corrupt: event {seq} cannot be read: {e}",
                                ledger.path().display()
                            ))
                            .hint("run `logbook verify` to see what is damaged")
                        })?;
                        if filter.matches(&stored, &ctx.zone) {
                            rows.push(stored);
                        }
                    }
                    if direction == Direction::NewestFirst {
                        rows.reverse();
                    }
                    rows.truncate(left);
                    let marks = Marks::up_to(ledger, &rows, head)?;
                    Ok((rows, marks))
                })?
            {
                left -= rows.len();
                if last.is_some() && !reverse {
                    held.push((rows, marks));
                } else {
                    show(rows, &marks, out)?;
                }
            }
            for (mut rows, marks) in held.into_iter().rev() {
                rows.reverse();
                show(rows, &marks, out)?;
            }
        }
    }
    if !header {
        out.bytes(csv::header(csv::LOG).as_bytes())?;
    }
    if shown == 0 && format == Format::Text {
        eprintln!("no events match");
    }
    Ok(())
}

/// What corrections say about the events shown, from the corrections index, and the seqs of
/// the events the shown corrections name.
#[derive(Default)]
pub struct Marks {
    /// Target id → the seqs of its amendments and of its retractions.
    by_target: HashMap<Uuid, (Vec<u64>, Vec<u64>)>,
    /// Target id → its seq, for the corrections shown.
    seqs: HashMap<Uuid, u64>,
}

impl Marks {
    /// What the corrections index says about `rows`, and the seqs of the events the
    /// corrections among them name.
    pub fn for_rows(ledger: &Ledger, rows: &[Stored]) -> Result<Marks, CommandError> {
        Marks::up_to(ledger, rows, u64::MAX)
    }

    /// [`Marks::for_rows`], counting only corrections up to seq `head` (a read that streams
    /// shows the log as it was when it started, marks included).
    pub fn up_to(ledger: &Ledger, rows: &[Stored], head: u64) -> Result<Marks, CommandError> {
        let by_target = ledger
            .corrections_of(rows.iter().map(|s| s.id))?
            .into_iter()
            .map(|(id, mut c)| {
                c.amended_by.retain(|seq| *seq <= head);
                c.retracted_by.retain(|seq| *seq <= head);
                (id, (c.amended_by, c.retracted_by))
            })
            .filter(|(_, (a, r))| !a.is_empty() || !r.is_empty())
            .collect();
        let seqs = ledger.seqs_of(rows.iter().filter_map(|s| target(&s.event.body)))?;
        Ok(Marks { by_target, seqs })
    }

    /// The seq of a correction's target as `#N` (its id if it cannot be found).
    fn name(&self, id: Uuid) -> String {
        self.seqs
            .get(&id)
            .map_or_else(|| id.to_string(), |seq| format!("#{seq}"))
    }

    /// "[amended by #3, #4; retracted by #5] " for an event corrections name, else "".
    fn mark(&self, id: Uuid) -> String {
        let Some((amended, retracted)) = self.by_target.get(&id) else {
            return String::new();
        };
        let list = |word: &str, seqs: &[u64]| {
            let seqs: Vec<String> = seqs.iter().map(|s| format!("#{s}")).collect();
            (!seqs.is_empty()).then(|| format!("{word} by {}", seqs.join(", ")))
        };
        let parts: Vec<String> = [list("amended", amended), list("retracted", retracted)]
            .into_iter()
            .flatten()
            .collect();
        format!("[{}] ", parts.join("; "))
    }

    /// The event as a CSV row reads it ([`csv::LOG`]): its text as the text output shows it,
    /// and the seqs of the corrections that name it.
    fn item(&self, s: &Stored) -> serde_json::Value {
        let e = &s.event;
        let (amended, retracted) = self.by_target.get(&s.id).cloned().unwrap_or_default();
        serde_json::json!({
            "seq": s.seq,
            "at": e.at,
            "approximate": e.approximate,
            "incident": e.incident,
            "service": e.service,
            "type": e.type_name(),
            "text": correction(s, self).unwrap_or_else(|| e.describe()),
            "actor": e.actor,
            "id": s.id,
            "amended_by": amended,
            "retracted_by": retracted,
        })
    }

    /// The stored event as exported, followed by what corrections say about it.
    fn json(&self, s: &Stored) -> Vec<u8> {
        let mut extra = serde_json::Map::new();
        if let Some((amended, retracted)) = self.by_target.get(&s.id) {
            for (key, seqs) in [("amended_by", amended), ("retracted_by", retracted)] {
                if !seqs.is_empty() {
                    extra.insert(key.into(), seqs.as_slice().into());
                }
            }
        }
        if let Some(seq) = target(&s.event.body).and_then(|id| self.seqs.get(&id)) {
            extra.insert("target_seq".into(), (*seq).into());
        }
        let mut bytes = s.encode();
        if !extra.is_empty() {
            let fields = serde_json::Value::Object(extra).to_string();
            // `{...stored...}` + `{"amended_by":[..]}` → `{...stored...,"amended_by":[..]}`
            bytes.pop();
            bytes.push(b',');
            bytes.extend_from_slice(&fields.as_bytes()[1..]);
        }
        bytes
    }
}

/// The id a correction names.
fn target(body: &Body) -> Option<Uuid> {
    if let Body::Amended { target, .. } | Body::Retracted { target, .. } = body {
        Some(*target)
    } else {
        None
    }
}

/// What a correction's line says: the seq it corrects, the fields, and why.
fn correction(s: &Stored, marks: &Marks) -> Option<String> {
    let e = &s.event;
    let (what, reason) = if let Body::Amended {
        target,
        set,
        reason,
    } = &e.body
    {
        let fields: Vec<&str> = set.keys().map(String::as_str).collect();
        let what = format!("amends {} ({})", marks.name(*target), fields.join(", "));
        (what, reason)
    } else if let Body::Retracted { target, reason } = &e.body {
        (format!("retracts {}", marks.name(*target)), reason)
    } else {
        return None;
    };
    Some(match e.summary.as_ref().or(reason.as_ref()) {
        Some(why) => format!("{what}: {why}"),
        None => what,
    })
}

/// One text row: seq, at, stream, type, description (after the marks of corrections).
pub fn row(s: &Stored, marks: &Marks) -> Vec<String> {
    let e = &s.event;
    let at = format!("{}{}", if e.approximate { "~" } else { " " }, e.at);
    let stream = match (&e.incident, &e.service) {
        (Some(k), _) => k.to_string(),
        (None, Some(svc)) => format!("service {svc}"),
        (None, None) => String::new(),
    };
    vec![
        format!("{:>4}", s.seq),
        at,
        stream,
        e.type_name().to_string(),
        format!(
            "{}{}",
            marks.mark(s.id),
            correction(s, marks).unwrap_or_else(|| e.describe())
        ),
    ]
}
