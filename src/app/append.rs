//! Appending: lines in, receipts and a tally out, in one transaction; and reading the body of
//! an HTTP request (JSON Lines, one JSON object, or an array of them) into lines.

use crate::event::{FieldError, parse_line};
use crate::store::{AppendContext, AppendError, Appended, Ledger, Line};

/// What an append did, in numbers.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub new: u64,
    pub duplicates: u64,
    pub first: Option<u64>,
    pub last: Option<u64>,
}

impl Tally {
    pub fn add(&mut self, a: &Appended) {
        if a.duplicate {
            self.duplicates += 1;
        } else {
            self.new += 1;
            self.first.get_or_insert(a.seq);
            self.last = Some(a.seq);
        }
    }

    /// The tally of `appended`.
    pub fn of(appended: &[Appended]) -> Tally {
        let mut tally = Tally::default();
        appended.iter().for_each(|a| tally.add(a));
        tally
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.new, self.first, self.last) {
            (1, Some(seq), _) => write!(f, "appended 1 event (seq {seq})")?,
            (n, Some(first), Some(last)) => {
                write!(f, "appended {n} events (seq {first} to {last})")?;
            }
            _ => write!(f, "appended 0 events")?,
        }
        if self.duplicates > 0 {
            write!(
                f,
                "; {} already stored with the same id and content, left as they were",
                self.duplicates
            )?;
        }
        Ok(())
    }
}

/// The result of an append: the receipts kept, and the tally of all of them.
#[derive(Debug, Default)]
pub struct Outcome {
    pub receipts: Vec<Appended>,
    pub tally: Tally,
}

/// Appends `lines` in one transaction (all or nothing), keeping every receipt when `keep`
/// (else only the tally: a ten-million-line append need not hold ten million receipts).
pub fn append(
    ledger: &Ledger,
    lines: impl IntoIterator<Item = Result<Line, AppendError>>,
    ctx: &AppendContext,
    keep: bool,
) -> Result<Outcome, AppendError> {
    let mut outcome = Outcome::default();
    ledger.append_each(lines, ctx, &mut |a| {
        outcome.tally.add(&a);
        if keep {
            outcome.receipts.push(a);
        }
    })?;
    Ok(outcome)
}

/// Reads a request body: JSON Lines (each event on its line), one JSON object (which may span
/// lines), or a JSON array of objects. Every event is parsed by the rules of a line of
/// `append`; a refusal names the body's line where the event starts (for an array: the
/// event's position in it). An empty body is refused: it holds no event.
pub fn parse_body(body: &[u8]) -> Result<Vec<Line>, AppendError> {
    let refuse = |line: usize, field: &str, message: &str| AppendError::Rejected {
        line,
        error: FieldError::new(field, message),
    };
    let text = std::str::from_utf8(body).map_err(|e| {
        let line = line_of(body, e.valid_up_to());
        refuse(line, "-", "is not UTF-8 text")
    })?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(text).map_err(|e| {
            refuse(
                e.line(),
                "-",
                &format!("is not a JSON array of events: {e}"),
            )
        })?;
        if items.is_empty() {
            return Err(refuse(1, "-", "the array holds no event"));
        }
        return items
            .iter()
            .enumerate()
            .map(|(i, raw)| parsed(i + 1, raw.get()))
            .collect();
    }
    let mut lines = Vec::new();
    let stream =
        serde_json::Deserializer::from_str(text).into_iter::<&serde_json::value::RawValue>();
    for raw in stream {
        let raw = raw.map_err(|e| refuse(e.line(), "-", &format!("is not JSON: {e}")))?;
        // The raw value borrows from `text`: its offset there gives its line.
        let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        lines.push(parsed(line_of(body, offset), raw.get())?);
    }
    if lines.is_empty() {
        return Err(refuse(1, "-", "the body holds no event"));
    }
    Ok(lines)
}

/// One event of a body, parsed as a line of `append`.
fn parsed(number: usize, text: &str) -> Result<Line, AppendError> {
    parse_line(text)
        .map(|submission| Line { number, submission })
        .map_err(|error| AppendError::Rejected {
            line: number,
            error,
        })
}

/// The 1-based line of `body` that byte `offset` is on.
fn line_of(body: &[u8], offset: usize) -> usize {
    let before = body.get(..offset).unwrap_or(body);
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str =
        r#"{"type":"detected","incident":"a","at":"2026-11-25T11:00:00Z","services":["db"]}"#;

    #[test]
    fn reads_json_lines_an_object_and_an_array() {
        let lines = parse_body(format!("{EVENT}\n\n{EVENT}\n").as_bytes()).unwrap();
        assert_eq!(lines.iter().map(|l| l.number).collect::<Vec<_>>(), [1, 3]);
        let pretty = "{\n  \"type\": \"detected\", \"incident\": \"a\",\n  \"at\": \"2026-11-25T11:00:00Z\", \"services\": [\"db\"]\n}";
        assert_eq!(parse_body(pretty.as_bytes()).unwrap().len(), 1);
        let array = parse_body(format!("[{EVENT}, {EVENT}]").as_bytes()).unwrap();
        assert_eq!(array.iter().map(|l| l.number).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn refuses_what_is_not_events_naming_the_line() {
        let bad = format!("{EVENT}\n{{\"type\":\"nonsense\"}}\n");
        assert!(matches!(
            parse_body(bad.as_bytes()),
            Err(AppendError::Rejected { line: 2, .. })
        ));
        assert!(parse_body(b"").is_err());
        assert!(parse_body(b"[]").is_err());
        assert!(parse_body(b"{\"a\":1,\"a\":2}").is_err());
        assert!(parse_body(b"\xff").is_err());
        assert!(parse_body(b"{").is_err());
    }
}
