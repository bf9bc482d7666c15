//! Reading JSON Lines from a file or standard input, line by line, with line numbers; no line
//! longer than a limit is ever held in memory, and only a regular file is read while the
//! ledger is open.

use super::error::CommandError;
use logbook::event::limits::line_too_long;
use logbook::event::{FieldError, Problem};
use logbook::store::AppendError;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::os::fd::AsFd;
use std::path::Path;

/// One numbered line, or why the input cannot be read there (the last item, if any).
pub type Line = Result<(usize, String), AppendError>;

/// The lines of an input, ready before the ledger is opened.
pub enum Input {
    /// A regular file: read while appending (it cannot keep the ledger waiting).
    Stream(Lines),
    /// Anything else (a pipe, a FIFO, a terminal, a device), read to its end beforehand: a slow
    /// producer must not hold the ledger while it thinks.
    Read(std::vec::IntoIter<Line>),
}

impl Input {
    /// The size of the input in bytes: of the file it streams from (`file`), or of the lines
    /// read beforehand.
    pub fn bytes(&self, file: Option<&Path>) -> u64 {
        match self {
            // Standard input redirected from a file streams too: its size is the file's.
            Input::Stream(_) => std::fs::metadata(
                file.filter(|p| *p != Path::new("-"))
                    .unwrap_or(Path::new("/dev/stdin")),
            )
            .map_or(0, |m| m.len()),
            Input::Read(lines) => lines
                .as_slice()
                .iter()
                .map(|l| l.as_ref().map_or(0, |(_, text)| text.len() as u64 + 1))
                .sum(),
        }
    }
}

impl Iterator for Input {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        match self {
            Input::Stream(lines) => lines.next(),
            Input::Read(lines) => lines.next(),
        }
    }
}

/// Opens `FILE`, or standard input for `-` or no file, whose lines may be `max_line` bytes
/// long. Unless it is a regular file, reads it to the end now (stopping at the first line that
/// cannot be read, which is then the last item).
pub fn open(file: Option<&Path>, max_line: usize) -> Result<Input, CommandError> {
    let (reader, regular): (Box<dyn BufRead + Send>, bool) = match file {
        Some(path) if path != Path::new("-") => {
            let f = File::open(path).map_err(|e| {
                CommandError::rejected(format!("cannot read {}: {e}", path.display()))
            })?;
            let regular = is_regular(&f);
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            let reader: Box<dyn Read + Send> = if regular {
                Box::new(super::progress::bytes(size, "reading").wrap_read(f))
            } else {
                Box::new(f)
            };
            (Box::new(BufReader::with_capacity(1 << 16, reader)), regular)
        }
        _ => {
            let stdin = std::io::stdin();
            // Standard input redirected from a regular file can stream like one.
            let file = stdin
                .as_fd()
                .try_clone_to_owned()
                .map(File::from)
                .ok()
                .filter(is_regular);
            match file {
                Some(f) => (Box::new(BufReader::with_capacity(1 << 16, f)), true),
                None => {
                    if stdin.is_terminal() {
                        eprintln!("reading JSON Lines from standard input; end with Ctrl-D");
                    }
                    (Box::new(BufReader::with_capacity(1 << 16, stdin)), false)
                }
            }
        }
    };
    let lines = Lines {
        reader,
        max_line,
        number: 0,
        buf: Vec::new(),
        done: false,
    };
    Ok(if regular {
        Input::Stream(lines)
    } else {
        Input::Read(lines.collect::<Vec<_>>().into_iter())
    })
}

fn is_regular(f: &File) -> bool {
    f.metadata().is_ok_and(|m| m.file_type().is_file())
}

/// The non-blank lines of a reader, numbered from 1 as an editor shows them, each read with a
/// bound: a line longer than `max_line` bytes (without its line ending) ends the input with an
/// error, having read at most `max_line + 2` bytes of it.
pub struct Lines {
    reader: Box<dyn BufRead + Send>,
    max_line: usize,
    number: usize,
    buf: Vec<u8>,
    done: bool,
}

impl Lines {
    fn read(&mut self) -> Result<Option<String>, FieldError> {
        self.buf.clear();
        let bound = self.max_line as u64 + 2;
        let n = (&mut self.reader)
            .take(bound)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| FieldError::new("-", format!("cannot be read: {e}")))?;
        if n == 0 {
            return Ok(None);
        }
        let complete = self.buf.last() == Some(&b'\n');
        if complete {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        }
        if self.buf.len() > self.max_line || (!complete && n as u64 == bound) {
            return Err(line_too_long(self.max_line));
        }
        match String::from_utf8(std::mem::take(&mut self.buf)) {
            Ok(text) => Ok(Some(text)),
            Err(_) => {
                Err(FieldError::new("-", "is not valid UTF-8").with_problem(Problem::NotUtf8))
            }
        }
    }
}

impl Iterator for Lines {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        while !self.done {
            self.number += 1;
            match self.read() {
                Ok(None) => self.done = true,
                Ok(Some(text)) if text.trim().is_empty() => {}
                Ok(Some(text)) => return Some(Ok((self.number, text))),
                Err(error) => {
                    self.done = true;
                    return Some(Err(AppendError::Rejected {
                        line: self.number,
                        error,
                    }));
                }
            }
        }
        None
    }
}

/// Parsed lines handed from the parser thread to the writer in one message. One message per
/// line made the channel (its locking, wake-ups and context switches) cost more than the
/// parsing itself: batching cut a 1M-line import's CPU time by about a fifth (BENCHMARKS.md).
const BATCH: usize = 512;
/// Batches in flight: with [`BATCH`], about as many lines as the former 4,096-line channel.
const BATCHES: usize = 8;

/// Parses the lines of `input` on a second thread, so parsing overlaps with the append
/// transaction (and a regular file is read meanwhile); yields the results in order. Stops early
/// if the consumer goes away.
pub fn parsed<T: Send + 'static>(
    input: Input,
    mut parse: impl FnMut(usize, &str) -> Result<T, AppendError> + Send + 'static,
) -> impl Iterator<Item = Result<T, AppendError>> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<T, AppendError>>>(BATCHES);
    std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(BATCH);
        for line in input {
            batch.push(line.and_then(|(number, text)| parse(number, &text)));
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if tx.send(full).is_err() {
                    return;
                }
            }
        }
        let _ = tx.send(batch);
    });
    rx.into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max_line: usize) -> Vec<Result<(usize, String), String>> {
        Lines {
            reader: Box::new(std::io::Cursor::new(input.to_vec())),
            max_line,
            number: 0,
            buf: Vec::new(),
            done: false,
        }
        .map(|l| {
            l.map_err(|e| match e {
                AppendError::Rejected { line, error } => format!("line {line}: {error}"),
                other => other.to_string(),
            })
        })
        .collect()
    }

    #[test]
    fn numbers_lines_skipping_blank_ones_and_line_endings() {
        assert_eq!(
            lines(b"a\r\n\n  \nbb\nccc", 3),
            vec![
                Ok((1, "a".to_string())),
                Ok((4, "bb".to_string())),
                Ok((5, "ccc".to_string()))
            ]
        );
        assert_eq!(
            lines(b"abc\r\nabc\n", 3).len(),
            2,
            "the ending is not counted"
        );
    }

    #[test]
    fn stops_at_the_first_line_too_long_or_not_utf8() {
        let too_long = "is longer than 3 bytes, the limit for one line";
        for input in [
            &b"ok\nabcd\nnever"[..],
            b"ok\nabcd",
            b"ok\nabcd\r\n",
            b"ok\nabc\r\r\n",
        ] {
            assert_eq!(
                lines(input, 3),
                vec![
                    Ok((1, "ok".to_string())),
                    Err(format!("line 2: {too_long}"))
                ],
                "{input:?}"
            );
        }
        assert_eq!(
            lines(b"\xff\xfe{}\nok", 4),
            vec![Err("line 1: is not valid UTF-8".to_string())]
        );
    }
}
