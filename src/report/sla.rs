//! The SLA report (`logbook sla`): one model, rendered as terminal rows, Markdown for a monthly
//! customer report and JSON (CSV rows are read out of the JSON, HTML is in
//! [`super::html::sla`]). Writer text (service names, the zone) goes through [`super::inert`].

use super::Clock;
use super::inert::markdown;
use crate::event::time::format_instant;
use crate::projection::Policy;
use crate::projection::sla::{Line, Month, Target};
use crate::projection::stats::{AVAILABILITY_RULE, Period};
use serde_json::{Value, json};
use std::fmt::Write;
use time::OffsetDateTime;

/// How `met` is decided, printed beside it.
pub const MET_RULE: &str = "availability >= the target: the weighted downtime, in whole seconds, is at most the allowed downtime, (1 - target/100) x the time counted for availability";

/// Everything the SLA report shows.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub period: Period,
    /// The calendar month asked for (or the default one); `None` for `--since`/`--until`.
    pub month: Option<Month>,
    /// When the period ends after now: now, where the figures stop.
    pub cut_at: Option<OffsetDateTime>,
    pub target: Target,
    pub policy: Policy,
    /// The zone's name (`Europe/Berlin`) and its clock.
    pub tz: String,
    pub clock: Clock,
    /// One line per service, then all services (`service` `None`) when every service is shown.
    pub lines: Vec<Line>,
}

impl Sheet {
    /// `October 2026`, or `2026-10-03 00:00 UTC to 2026-10-09 23:59 UTC`.
    pub fn title(&self) -> String {
        match self.month {
            Some(m) => m.name(),
            None => format!(
                "{} to {}",
                self.clock.instant(self.period.since),
                self.clock.instant(self.period.until)
            ),
        }
    }

    /// The period in full with its length: `2026-10-01 00:00 +02:00 to 2026-10-31 23:59
    /// +01:00 (745 h)`.
    pub fn span(&self) -> String {
        let seconds = (self.period.until - self.period.since).as_seconds_f64();
        format!(
            "{} to {} ({} h)",
            self.clock.instant(self.period.since),
            self.clock.instant(self.period.until),
            (seconds / 3600.0).round()
        )
    }

    /// The sentence saying the period is not over (or has not begun), when it is not.
    pub fn cut(&self) -> Option<String> {
        self.cut_at.map(|now| match now < self.period.since {
            true => format!(
                "the period has not begun: nothing to count before now, {}",
                self.clock.instant(now)
            ),
            false => format!(
                "the period is not over: figures count up to now, {}",
                self.clock.instant(now)
            ),
        })
    }

    /// Each line's name: the service, or `all services`.
    fn name(line: &Line) -> &str {
        line.service.as_deref().unwrap_or("all services")
    }
}

/// A duration to the second for people: `2h 18m`, `43m 12s`, `-1h 34m 48s`, `0s`, `1d 2h`.
pub fn duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let parts = [
        (s / 86_400, "d"),
        (s % 86_400 / 3600, "h"),
        (s % 3600 / 60, "m"),
        (s % 60, "s"),
    ];
    let shown: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    match shown.is_empty() {
        true => "0s".to_string(),
        false => format!("{sign}{}", shown.join(" ")),
    }
}

fn availability(line: &Line, unknown: &str) -> String {
    match line.availability_percent {
        Some(a) if line.unmeasured_outages > 0 => {
            format!("{a:.3}% ({} unmeasured)", line.unmeasured_outages)
        }
        Some(a) => format!("{a:.3}%"),
        None => unknown.to_string(),
    }
}

fn seconds(s: Option<i64>, unknown: &str) -> String {
    s.map_or(unknown.to_string(), duration)
}

fn met(m: Option<bool>, unknown: &str) -> String {
    match m {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => unknown.to_string(),
    }
}

/// A line's cells for people, `unknown` where a figure is: service, availability, downtime,
/// allowed, budget left, met, and the incidents joined by `join`.
pub fn cells(line: &Line, unknown: &str, join: &str) -> [String; 7] {
    [
        Sheet::name(line).to_string(),
        availability(line, unknown),
        seconds(line.downtime_seconds, unknown),
        seconds(line.allowed_downtime_seconds, unknown),
        seconds(line.budget_remaining_seconds, unknown),
        met(line.met, unknown),
        line.incidents.join(join),
    ]
}

/// The column heads of [`cells`].
pub const HEADS: [&str; 7] = [
    "Service",
    "Availability",
    "Downtime",
    "Allowed",
    "Budget left",
    "Met",
    "Incidents",
];

/// Terminal rows: a header row, then one row per line.
pub fn rows(sheet: &Sheet) -> Vec<Vec<String>> {
    let head = HEADS.iter().map(|h| h.to_uppercase()).collect();
    let lines = sheet.lines.iter().map(|l| cells(l, "-", ",").to_vec());
    std::iter::once(head).chain(lines).collect()
}

/// The lines under the table: the policy and the rules.
pub fn notes(sheet: &Sheet) -> Vec<String> {
    vec![
        format!(
            "policy: {}; ~ marks figures resting on estimated times",
            sheet.policy.describe()
        ),
        format!("availability: {AVAILABILITY_RULE}"),
        format!("met: {MET_RULE}"),
    ]
}

/// The report as Markdown, for a monthly customer report.
pub fn md(sheet: &Sheet) -> String {
    // Only writer text (service names, incident keys, the zone) is escaped: the rest is ours.
    let mut o = format!("# Service levels: {}\n\n", sheet.title());
    let _ = writeln!(
        o,
        "Period: {}, times in {}. Target: {} availability.\n",
        sheet.span(),
        markdown(&sheet.tz),
        sheet.target
    );
    if let Some(cut) = sheet.cut() {
        let _ = writeln!(o, "Note: {cut}.\n");
    }
    let _ = writeln!(o, "| {} |", HEADS.join(" | "));
    o.push_str("| --- | ---: | ---: | ---: | ---: | :---: | --- |\n");
    for line in &sheet.lines {
        let [service, a, d, al, b, m, _] = cells(line, "—", ", ");
        let keys: Vec<String> = line.incidents.iter().map(|k| markdown(k)).collect();
        let service = match line.service {
            Some(_) => markdown(&service),
            None => format!("**{service}**"),
        };
        let _ = writeln!(
            o,
            "| {service} | {a} | {d} | {al} | {b} | {m} | {} |",
            keys.join(", ")
        );
    }
    let _ = writeln!(
        o,
        "\nDowntime is weighted by impact: {}. Availability: {AVAILABILITY_RULE}. Met: {MET_RULE}. Budget left: the allowed downtime less the downtime; negative when overspent.",
        sheet.policy.describe(),
    );
    o
}

/// One line as JSON; `null` for an unknown figure, never 0.
pub fn line_json(line: &Line) -> Value {
    json!({
        "service": line.service,
        "availability_percent": line.availability_percent.map(|a| (a * 1000.0).round() / 1000.0),
        "downtime_seconds": line.downtime_seconds,
        "allowed_downtime_seconds": line.allowed_downtime_seconds,
        "budget_remaining_seconds": line.budget_remaining_seconds,
        "met": line.met,
        "incidents": line.incidents,
        "counted_seconds": line.counted_seconds,
        "unmeasured_outages": line.unmeasured_outages,
    })
}

/// The period object: its bounds as `stats` prints them, the month, and where it was cut.
fn period(sheet: &Sheet) -> Value {
    json!({
        "since": format_instant(sheet.period.since),
        "until": format_instant(sheet.period.until),
        "month": sheet.month.map(|m| m.to_string()),
        "cut_at": sheet.cut_at.map(format_instant),
    })
}

/// The report as JSON (`schemas/sla.v1.json`).
pub fn json(sheet: &Sheet) -> Value {
    json!({
        "period": period(sheet),
        "tz": sheet.tz,
        "target_percent": sheet.target.percent(),
        "policy": super::json::policy(&sheet.policy),
        "rules": {"availability": AVAILABILITY_RULE, "met": MET_RULE},
        "services": sheet.lines.iter().map(line_json).collect::<Vec<_>>(),
    })
}

/// One CSV item per line: the line's JSON with the target, the period and the zone.
pub fn csv_items(sheet: &Sheet) -> impl Iterator<Item = Value> + '_ {
    let period = period(sheet);
    sheet.lines.iter().map(move |line| {
        let mut value = line_json(line);
        value["target_percent"] = sheet.target.percent().into();
        value["period"] = period.clone();
        value["tz"] = sheet.tz.clone().into();
        value
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// A sheet whose writer text (a service name, a zone, an incident key) is hostile: the
    /// command line never lets such names in, but the renderers must not rely on it.
    fn hostile() -> Sheet {
        let line = Line {
            service: Some("<img src=x onerror=alert(1)>|*x*".into()),
            availability_percent: Some(99.5),
            downtime_seconds: Some(60),
            allowed_downtime_seconds: Some(30),
            budget_remaining_seconds: Some(-30),
            met: Some(false),
            incidents: vec!["[a](javascript:x)".into()],
            counted_seconds: Some(12_000),
            unmeasured_outages: 0,
        };
        Sheet {
            period: Period {
                since: datetime!(2026-10-01 00:00 UTC),
                until: datetime!(2026-10-31 23:59:59.999_999_999 UTC),
            },
            month: "2026-10".parse().ok(),
            cut_at: None,
            target: Target::DEFAULT,
            policy: Policy::default(),
            tz: "<script>".into(),
            clock: Clock::as_written(),
            lines: vec![line],
        }
    }

    #[test]
    fn writer_text_is_inert_in_markdown_and_html() {
        let md = md(&hostile());
        assert!(!md.contains("<img") && !md.contains("<script>"), "{md}");
        assert!(!md.contains("](javascript"), "{md}");
        assert!(md.contains("\\|"), "a pipe cannot end the cell: {md}");
        let html = crate::report::html::sla::render(&hostile());
        assert!(
            !html.contains("<img") && !html.contains("<script"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(html.contains("<span class=\"missed\">no</span>"), "{html}");
    }

    #[test]
    fn durations_to_the_second() {
        assert_eq!(duration(8280), "2h 18m");
        assert_eq!(duration(2592), "43m 12s");
        assert_eq!(duration(2592 - 8280), "-1h 34m 48s");
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(93_600), "1d 2h");
        assert_eq!(duration(i64::MIN), "-106751991167300d 15h 30m 8s");
    }
}
