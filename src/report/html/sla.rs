//! The SLA report as one self-contained HTML page, in the post-incident report's style: inline
//! CSS, no scripts, fonts or links to other hosts; every text escaped ([`crate::report::inert::html`]).

use super::escape;
use super::{Narrow, STYLE, table};
use crate::projection::sla::Line;
use crate::projection::stats::AVAILABILITY_RULE;
use crate::report::sla::{HEADS, MET_RULE, Sheet, cells};
use std::fmt::Write;

/// The page's extra rules: met and missed marked in words and colour.
const SLA_STYLE: &str =
    ".met{color:#1e6b2e;font-weight:600} .missed{color:#b3261e;font-weight:600}";

/// One row: each cell escaped; figures in tabular digits; met and missed in words and colour.
fn row(line: &Line) -> Vec<String> {
    let [
        service,
        availability,
        downtime,
        allowed,
        budget,
        met,
        incidents,
    ] = cells(line, "—", ", ").map(|c| escape(&c));
    let figure = |c: String| format!("<span class=\"t\">{c}</span>");
    let met = match line.met {
        Some(true) => format!("<span class=\"met\">{met}</span>"),
        Some(false) => format!("<span class=\"missed\">{met}</span>"),
        None => met,
    };
    let service = match line.service {
        Some(_) => service,
        None => format!("<strong>{service}</strong>"),
    };
    vec![
        service,
        figure(availability),
        figure(downtime),
        figure(allowed),
        figure(budget),
        met,
        incidents,
    ]
}

/// Renders the SLA report as one HTML page.
pub fn render(sheet: &Sheet) -> String {
    let title = escape(&sheet.title());
    let mut o = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Service levels: {title}</title>\n<style>{STYLE}{SLA_STYLE}</style>\n</head>\n<body>\n<main>\n<h1>Service levels: {title}</h1>\n"
    );
    let _ = writeln!(
        o,
        "<p class=\"sub\">Target: {} availability</p>",
        escape(&sheet.target.to_string())
    );
    let rows = [
        ("Period", escape(&sheet.span())),
        ("Times in", escape(&sheet.tz)),
        ("Target", escape(&sheet.target.to_string())),
    ];
    o.push_str("<section>\n<h2>Summary</h2>\n<table>\n");
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>");
    }
    o.push_str("</table>\n");
    if let Some(cut) = sheet.cut() {
        let _ = writeln!(o, "<p class=\"note\">Note: {}.</p>", escape(&cut));
    }
    o.push_str("</section>\n<section>\n<h2>Services</h2>\n");
    let rows: Vec<Vec<String>> = sheet.lines.iter().map(row).collect();
    table(&mut o, Narrow::Stack, &HEADS.join("|"), &rows);
    let _ = writeln!(
        o,
        "<p class=\"note\">Policy: {}. Availability: {}. Met: {}. Budget left is the allowed downtime less the downtime; negative when overspent.</p>\n</section>",
        escape(&sheet.policy.describe()),
        escape(AVAILABILITY_RULE),
        escape(MET_RULE)
    );
    o.push_str("</main>\n</body>\n</html>\n");
    o
}
