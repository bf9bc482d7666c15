//! Writing to stdout: buffered, JSON, CSV or text, and quiet when the reader has gone away.

use super::error::CommandError;
use logbook::report::csv::{self, Column};
use logbook::report::inert::{terminal, terminal_lines};
use serde::Serialize;
use std::io::{BufWriter, IsTerminal, StdoutLock, Write};

/// Standard output of a command.
pub struct Out {
    inner: BufWriter<StdoutLock<'static>>,
    /// The terminal's width when stdout is a terminal: tables are cut to fit it.
    width: Option<usize>,
}

impl Out {
    // The terminal's width (COLUMNS) is the output's business, read where output is made.
    #[allow(clippy::disallowed_methods)]
    pub fn new() -> Out {
        let stdout = std::io::stdout();
        let width = stdout.is_terminal().then(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .filter(|w| *w >= 40)
                .unwrap_or(80)
        });
        Out {
            inner: BufWriter::new(stdout.lock()),
            width,
        }
    }

    /// Shows tables at their full width, whatever the terminal's (`--wide`).
    pub fn wide(mut self) -> Out {
        self.width = None;
        self
    }

    /// Rows as aligned columns, never cut: keys, dates and figures are shown whole (a narrow
    /// terminal wraps them). Control characters in cells are shown escaped (before widths are
    /// measured), so a row is always one line.
    pub fn table(&mut self, rows: &[Vec<String>]) -> Result<(), CommandError> {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|c| terminal(c).into_owned()).collect())
            .collect();
        for line in columns(&rows) {
            self.line(line)?;
        }
        Ok(())
    }

    /// [`Out::table`] for rows whose last column is free text: on a terminal, that text is cut
    /// to the width with `…` (`--wide` shows it whole); the other columns are never cut.
    pub fn table_text_last(&mut self, rows: &[Vec<String>]) -> Result<(), CommandError> {
        let mut rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|c| terminal(c).into_owned()).collect())
            .collect();
        if let Some(width) = self.width {
            // What the columns before the text take, as `columns` lays them out.
            let n = rows.iter().map(Vec::len).max().unwrap_or(0);
            let before: usize = (0..n.saturating_sub(1))
                .map(|c| {
                    2 + rows
                        .iter()
                        .filter_map(|r| r.get(c))
                        .map(|s| s.chars().count())
                        .max()
                        .unwrap_or(0)
                })
                .sum();
            // Too little room left for text to be worth cutting: show it whole (the terminal
            // wraps it) rather than cut a key or a date.
            let room = width.saturating_sub(before);
            if room >= 12 {
                for row in rows.iter_mut().filter(|r| r.len() == n) {
                    if let Some(text) = row.last_mut()
                        && text.chars().count() > room
                    {
                        *text = format!("{}…", text.chars().take(room - 1).collect::<String>());
                    }
                }
            }
        }
        for line in columns(&rows) {
            self.line(line)?;
        }
        Ok(())
    }

    /// One line of text (or several, split by line feeds); control characters in it are shown
    /// escaped.
    pub fn line(&mut self, text: impl AsRef<str>) -> Result<(), CommandError> {
        self.inner
            .write_all(terminal_lines(text.as_ref()).as_bytes())?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    /// A sentence or two of explanation (a rule, a policy): wrapped at spaces to the terminal's
    /// width, continuation lines indented, when stdout is a terminal; one line otherwise, so
    /// scripts and files see it whole.
    pub fn prose(&mut self, text: impl AsRef<str>) -> Result<(), CommandError> {
        match self.width {
            Some(width) => self.line(wrap(text.as_ref(), width)),
            None => self.line(text),
        }
    }

    /// A CSV header row, then one row per item (each item its JSON rendering).
    pub fn csv(
        &mut self,
        columns: &[Column],
        items: impl IntoIterator<Item = serde_json::Value>,
    ) -> Result<(), CommandError> {
        self.bytes(csv::header(columns).as_bytes())?;
        for item in items {
            self.bytes(csv::row(columns, &item).as_bytes())?;
        }
        Ok(())
    }

    /// Raw bytes as they are (a completion script, a man page, CSV rows).
    pub fn bytes(&mut self, bytes: &[u8]) -> Result<(), CommandError> {
        self.inner.write_all(bytes)?;
        Ok(())
    }

    /// Raw bytes followed by a newline (exported events).
    pub fn bytes_line(&mut self, bytes: &[u8]) -> Result<(), CommandError> {
        self.inner.write_all(bytes)?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    /// One value as one line of JSON.
    pub fn json(&mut self, value: &impl Serialize) -> Result<(), CommandError> {
        serde_json::to_writer(&mut self.inner, value).map_err(std::io::Error::from)?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    /// One value as indented JSON (documents such as reports, meant to be read too).
    pub fn json_pretty(&mut self, value: &impl Serialize) -> Result<(), CommandError> {
        serde_json::to_writer_pretty(&mut self.inner, value).map_err(std::io::Error::from)?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    pub fn flush(&mut self) -> Result<(), CommandError> {
        self.inner.flush()?;
        Ok(())
    }
}

/// Pads `cells` into columns separated by two spaces; the last column is not padded.
/// `text` broken at spaces into lines of at most `width` characters (a longer word stays
/// whole), continuation lines indented by two spaces.
pub fn wrap(text: &str, width: usize) -> String {
    let width = width.max(20);
    let mut out = String::with_capacity(text.len() + 8);
    let mut used = 0;
    for word in text.split(' ') {
        let n = word.chars().count();
        if used > 0 && used + 1 + n > width {
            out.push_str("\n  ");
            used = 2;
        } else if used > 0 {
            out.push(' ');
            used += 1;
        }
        out.push_str(word);
        used += n;
    }
    out
}

pub fn columns(rows: &[Vec<String>]) -> Vec<String> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}
