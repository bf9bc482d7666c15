//! Terminal text: aligned tables that read at 80 columns, built as rows of cells (the CLI
//! aligns them).

use super::{Clock, duration};
use crate::event::word;
use crate::projection::Incident;
use crate::projection::metrics::metrics;
use crate::projection::span::{human, offset};
use crate::projection::stats::{Seconds, Stats};
use crate::projection::streak::{Run, Streaks};
use crate::projection::timeline::Entry;
use time::OffsetDateTime;

/// Rows of `incidents`: key, state, start, time to restore, services.
pub fn incidents(list: &[Incident], now: OffsetDateTime, clock: &Clock) -> Vec<Vec<String>> {
    let mut rows = vec![
        vec!["INCIDENT", "STATE", "STARTED", "RESTORED IN", "SERVICES"]
            .into_iter()
            .map(String::from)
            .collect(),
    ];
    for i in list {
        let m = metrics(i, now);
        let restored = match (m.time_to_restore, i.kind) {
            (Some(s), _) => duration(Some(s)),
            (None, crate::event::rules::Kind::Maintenance) => "-".into(),
            (None, _) if i.full_restore.or(i.resolved).is_some() => "unknown".into(),
            (None, _) => "not yet".into(),
        };
        rows.push(vec![
            i.key.clone(),
            word(&i.state).replace('_', " "),
            clock.when(&i.impact_start.unwrap_or(i.opened)),
            restored,
            i.services.join(","),
        ]);
    }
    rows
}

/// Rows of a timeline: time, T+, type, what happened.
pub fn timeline(entries: &[Entry], clock: &Clock) -> Vec<Vec<String>> {
    entries
        .iter()
        .map(|e| {
            let at = e.event.stamp();
            let amended = if e.amended { " (amended)" } else { "" };
            vec![
                clock.when(&at),
                e.offset.map(offset).unwrap_or_default(),
                format!("{}{amended}", e.event.type_name()),
                e.event.describe(),
            ]
        })
        .collect()
}

fn days(n: Option<i64>) -> String {
    n.map_or("-".to_string(), |d| {
        format!("{d} day{}", if d == 1 { "" } else { "s" })
    })
}

fn run(r: &Option<Run>) -> (String, String) {
    match r {
        Some(r) => (
            days(Some(r.days)),
            format!(
                "{} to {}{}",
                r.from,
                r.to,
                if r.current { " (current)" } else { "" }
            ),
        ),
        None => ("-".into(), String::new()),
    }
}

/// The streak board: one row per service, and one for all services.
pub fn board(rows: &[(String, Streaks)]) -> Vec<Vec<String>> {
    let mut out = vec![
        vec![
            "SERVICE",
            "SINCE LAST OUTAGE",
            "CURRENT RUN",
            "RECORD",
            "RECORD DATES",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
    ];
    for (name, s) in rows {
        let (record, dates) = run(&s.record);
        let since = if s.ongoing {
            "outage now".to_string()
        } else {
            days(s.days_since_last_outage)
        };
        out.push(vec![
            name.clone(),
            since,
            days(s.current_streak_days),
            record,
            dates,
        ]);
    }
    out
}

/// Rows of every run of one service, longest first.
pub fn runs(s: &Streaks, top: usize) -> Vec<Vec<String>> {
    let mut out = vec![vec![
        "#".to_string(),
        "DAYS".into(),
        "FROM".into(),
        "TO".into(),
        String::new(),
    ]];
    for (n, r) in s.runs.iter().take(top).enumerate() {
        out.push(vec![
            format!("{}", n + 1),
            r.days.to_string(),
            r.from.to_string(),
            r.to.to_string(),
            if r.current {
                "<- current".into()
            } else {
                String::new()
            },
        ]);
    }
    out
}

fn secs(s: Option<Seconds>) -> String {
    s.map_or("-".to_string(), |s| {
        format!(
            "{}{}",
            if s.approximate { "~" } else { "" },
            human(s.seconds)
        )
    })
}

/// Rows of `stats`: one per service and one for all.
pub fn stats(rows: &[(String, Stats)]) -> Vec<Vec<String>> {
    let mut out = vec![
        vec![
            "SERVICE",
            "INCIDENTS",
            "MTTA",
            "MTTR MEAN",
            "MTTR MEDIAN",
            "MTBF",
            "AVAILABILITY",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
    ];
    for (name, s) in rows {
        let availability = match s.availability_percent {
            Some(a) => format!(
                "{a:.3}%{}",
                if s.unmeasured_outages > 0 {
                    format!(" ({} unmeasured)", s.unmeasured_outages)
                } else {
                    String::new()
                }
            ),
            None => "-".into(),
        };
        out.push(vec![
            name.clone(),
            s.incidents.to_string(),
            secs(s.mtta),
            secs(s.mttr_mean),
            secs(s.mttr_median),
            secs(s.mtbf),
            availability,
        ]);
    }
    out
}
