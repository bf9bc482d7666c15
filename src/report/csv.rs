//! CSV renderings (DESIGN section 5, `--format csv`): a header row, then one row per item.
//!
//! A row is read out of the item's JSON rendering ([`super::json`]), so the columns are the
//! JSON field names and hold the same values: each [`Column`] names a field by JSON pointer
//! (`/record/days` becomes the column `record_days`). A `null` or absent value is an empty
//! cell, never 0; a list (`services`, `amended_by`) is one cell, its items joined with `;`.
//!
//! Fields follow RFC 4180: separated by `,`; a field holding `,`, `"`, CR or LF is quoted, its
//! `"` doubled. Records end with LF alone (what Unix tools expect; RFC 4180 readers such as
//! spreadsheets, Python's `csv` and Rust's `csv` take it too). Writer text is made inert
//! ([`field`]):
//! - line feeds, carriage returns and tabs are kept as written (inside quotes where RFC 4180
//!   wants them), so text round-trips; every other [`hazardous`]
//!   character is shown escaped (`\u{1b}`), as in every other output;
//! - a field a spreadsheet would take as a formula gets a leading `'` (OWASP's advice on CSV
//!   injection): one whose first character is `=`, `+`, `-`, `@`, TAB or CR, or whose first
//!   character after leading white space is one of those. A plain decimal number (`-3`,
//!   `99.995`) is left alone: it cannot be a formula. The `'` stays in the data: a reader
//!   that is not a spreadsheet sees `'=SUM(A1)`, which is what inert means here.

use super::inert::{hazardous, visible};
use serde_json::Value;
use std::borrow::Cow;

/// One column: its name in the header and the JSON pointer of its value in an item.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub pointer: &'static str,
}

const fn col(name: &'static str, pointer: &'static str) -> Column {
    Column { name, pointer }
}

/// `logbook log`: one row per event.
pub const LOG: &[Column] = &[
    col("seq", "/seq"),
    col("at", "/at"),
    col("approximate", "/approximate"),
    col("incident", "/incident"),
    col("service", "/service"),
    col("type", "/type"),
    col("text", "/text"),
    col("actor", "/actor"),
    col("id", "/id"),
    col("amended_by", "/amended_by"),
    col("retracted_by", "/retracted_by"),
];

/// `logbook incidents`: one row per incident, the fields of [`super::json::incident`].
pub const INCIDENTS: &[Column] = &[
    col("incident", "/incident"),
    col("kind", "/kind"),
    col("state", "/state"),
    col("title", "/title"),
    col("services", "/services"),
    col("impact_start", "/impact_start"),
    col("opened", "/opened"),
    col("resolved", "/resolved"),
    col("events", "/events"),
];

/// `logbook stats`: one row per service, then all services together (an empty `service`, as
/// JSON's `null`); the fields of [`super::json::stats`] with the period and the zone.
pub const STATS: &[Column] = &[
    col("service", "/service"),
    col("incidents", "/incidents"),
    col("mtta_seconds", "/mtta_seconds"),
    col("mttr_seconds", "/mttr_seconds"),
    col("mttr_median_seconds", "/mttr_median_seconds"),
    col("mtbf_seconds", "/mtbf_seconds"),
    col("availability_percent", "/availability_percent"),
    col("period_since", "/period/since"),
    col("period_until", "/period/until"),
    col("tz", "/tz"),
];

/// `logbook streak`: one row per service, then all services together (an empty `service`);
/// the fields of [`super::json::streaks`] with the day asked about and the zone of its days.
pub const STREAK: &[Column] = &[
    col("service", "/service"),
    col("days_since_last_outage", "/days_since_last_outage"),
    col("current_streak_days", "/current_streak_days"),
    col("record_days", "/record/days"),
    col("record_from", "/record/from"),
    col("record_to", "/record/to"),
    col("ongoing_outage", "/ongoing_outage"),
    col("as_of", "/as_of"),
    col("tz", "/tz"),
];

/// `logbook sla`: one row per service, then all services together (an empty `service`); the
/// fields of [`super::sla::line_json`] with the target, the period and the zone.
pub const SLA: &[Column] = &[
    col("service", "/service"),
    col("availability_percent", "/availability_percent"),
    col("downtime_seconds", "/downtime_seconds"),
    col("allowed_downtime_seconds", "/allowed_downtime_seconds"),
    col("budget_remaining_seconds", "/budget_remaining_seconds"),
    col("met", "/met"),
    col("incidents", "/incidents"),
    col("target_percent", "/target_percent"),
    col("period_since", "/period/since"),
    col("period_until", "/period/until"),
    col("cut_at", "/period/cut_at"),
    col("tz", "/tz"),
];

/// The header row, with its line feed.
pub fn header(columns: &[Column]) -> String {
    record(columns.iter().map(|c| c.name))
}

/// The row of one item (its JSON rendering), with its line feed.
pub fn row(columns: &[Column], item: &Value) -> String {
    let cells: Vec<String> = columns
        .iter()
        .map(|c| cell(item.pointer(c.pointer)))
        .collect();
    record(cells.iter().map(String::as_str))
}

/// The text of one cell: empty for `null` or absent, a string as it is, a list's items
/// joined with `;`, anything else as JSON.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| cell(Some(i)))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

/// One record: the fields made inert and quoted where needed, joined with `,`, ending in LF.
pub fn record<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = String::new();
    for (n, text) in fields.into_iter().enumerate() {
        if n > 0 {
            line.push(',');
        }
        line.push_str(&field(text));
    }
    line.push('\n');
    line
}

/// One field as it is written: hazardous characters but LF, CR and TAB shown escaped, a
/// formula neutralised with a leading `'`, and quoted (`"` doubled) when it holds `,`, `"`,
/// CR or LF.
pub fn field(text: &str) -> Cow<'_, str> {
    let kept = |c: char| matches!(c, '\n' | '\r' | '\t');
    let formula = starts_formula(text);
    let quote = text.contains([',', '"', '\r', '\n']);
    if !formula && !quote && !text.contains(|c| hazardous(c) && !kept(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in text.chars() {
        match c {
            '"' => out.push_str("\"\""),
            c if hazardous(c) && !kept(c) => visible(&mut out, c),
            c => out.push(c),
        }
    }
    if quote {
        out.push('"');
    }
    Cow::Owned(out)
}

/// Whether a spreadsheet could read `text` as a formula: it starts with `=`, `+`, `-`, `@`,
/// TAB or CR, or with one of those after white space, and it is not a plain decimal number.
fn starts_formula(text: &str) -> bool {
    let trigger = |c: char| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r');
    let first = text.chars().next().is_some_and(trigger);
    let after_space = text.trim_start().chars().next().is_some_and(trigger);
    (first || after_space) && !number(text)
}

/// A plain decimal number: an optional `-`, digits, and optionally `.` and digits.
fn number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

/// The records an RFC 4180 reader sees in `text`: what [`row`] wrote, read back (quoted fields
/// may hold `,`, `""` and line breaks; records end with LF, as `row` writes them).
/// `None` when the text ends inside a record. For tests and tools that check CSV output.
pub fn records(text: &str) -> Option<Vec<Vec<String>>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    (row.is_empty() && cell.is_empty() && !quoted).then_some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn fields_are_quoted_and_formulas_neutralised() {
        let cases = [
            ("plain", "plain"),
            ("", ""),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("one\ntwo", "\"one\ntwo\""),
            ("cr\r", "\"cr\r\""),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "\"'\r=1\""),
            ("  =1", "'  =1"),
            ("\n=1", "\"'\n=1\""),
            ("-", "'-"),
            ("-3", "-3"),
            ("99.995", "99.995"),
            ("-0.5", "-0.5"),
            ("2011-06-16T03:20:00-04:00", "2011-06-16T03:20:00-04:00"),
            ("a\tb", "a\tb"),
            ("esc\u{1b}[2J", r"esc\u{1b}[2J"),
            ("\u{202e}=1", r"\u{202e}=1"),
            ("a\u{0}b,c", "\"a\\u{0}b,c\""),
            ("naïve 東京", "naïve 東京"),
        ];
        for (text, written) in cases {
            assert_eq!(field(text), written, "{text:?}");
        }
        assert!(matches!(field("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn rows_mirror_the_json_fields() {
        let cols = [
            col("a", "/a"),
            col("b", "/b/c"),
            col("l", "/l"),
            col("n", "/n"),
        ];
        assert_eq!(header(&cols), "a,b,l,n\n");
        let item = json!({"a": "x,y", "b": {"c": 3}, "l": ["db", "web"], "n": null});
        assert_eq!(row(&cols, &item), "\"x,y\",3,db;web,\n");
        assert_eq!(row(&cols, &json!({})), ",,,\n");
        assert_eq!(row(&cols, &json!({"a": true, "n": 99.5})), "true,,,99.5\n");
    }

    proptest! {
        #[test]
        fn every_text_round_trips_inert(cells in proptest::collection::vec(any::<String>(), 1..4)) {
            let line = record(cells.iter().map(String::as_str));
            let rows = records(&line).expect("a whole record");
            prop_assert_eq!(rows.len(), 1, "{:?}", line);
            prop_assert_eq!(rows[0].len(), cells.len());
            for (read, text) in rows[0].iter().zip(&cells) {
                prop_assert!(!read.contains(|c| hazardous(c) && !"\n\r\t".contains(c)));
                prop_assert!(!starts_formula(read), "{:?}", read);
                let mut expected = String::from(if starts_formula(text) { "'" } else { "" });
                for c in text.chars() {
                    match hazardous(c) && !"\n\r\t".contains(c) {
                        true => visible(&mut expected, c),
                        false => expected.push(c),
                    }
                }
                prop_assert_eq!(read, &expected);
            }
        }
    }
}
