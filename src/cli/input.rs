//! Reading JSON Lines from a file or standard input, line by line, with line numbers.

use super::error::CommandError;
use logbook::event::FieldError;
use logbook::store::AppendError;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::Path;

/// Opens `FILE`, or standard input for `-` or no file.
pub fn open(file: Option<&Path>) -> Result<Box<dyn BufRead + Send>, CommandError> {
    match file {
        Some(path) if path != Path::new("-") => {
            let f = std::fs::File::open(path).map_err(|e| {
                CommandError::rejected(format!("cannot read {}: {e}", path.display()))
            })?;
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = super::progress::bytes(size, "reading");
            Ok(Box::new(BufReader::with_capacity(
                1 << 16,
                bar.wrap_read(f),
            )))
        }
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                eprintln!("reading JSON Lines from standard input; end with Ctrl-D");
            }
            Ok(Box::new(BufReader::with_capacity(1 << 16, stdin)))
        }
    }
}

/// The non-blank lines of `reader`, numbered from 1 as an editor shows them.
pub fn lines(
    reader: Box<dyn BufRead + Send>,
) -> impl Iterator<Item = Result<(usize, String), AppendError>> {
    reader
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let number = i + 1;
            line.map(|text| (number, text))
                .map_err(|e| AppendError::Rejected {
                    line: number,
                    error: FieldError::new("-", format!("cannot be read: {e}")),
                })
        })
        .filter(|line| !matches!(line, Ok((_, text)) if text.trim().is_empty()))
}

/// Reads standard input to the end (a file is left to stream).
pub fn buffer_if_stdin(
    reader: Box<dyn BufRead + Send>,
    file: Option<&Path>,
) -> Result<Box<dyn BufRead + Send>, CommandError> {
    if file.is_some_and(|p| p != Path::new("-")) {
        return Ok(reader);
    }
    let mut bytes = Vec::new();
    let mut reader = reader;
    std::io::Read::read_to_end(&mut reader, &mut bytes)
        .map_err(|e| CommandError::rejected(format!("cannot read standard input: {e}")))?;
    Ok(Box::new(std::io::Cursor::new(bytes)))
}

/// Reads and parses the lines of `reader` on a second thread, so parsing overlaps with the
/// append transaction; yields the results in order. Stops early if the consumer goes away.
pub fn parsed<T: Send + 'static>(
    reader: Box<dyn BufRead + Send>,
    parse: fn(usize, &str) -> Result<T, AppendError>,
) -> impl Iterator<Item = Result<T, AppendError>> {
    let (tx, rx) = std::sync::mpsc::sync_channel(4096);
    std::thread::spawn(move || {
        for line in lines(reader) {
            let item = line.and_then(|(number, text)| parse(number, &text));
            if tx.send(item).is_err() {
                break;
            }
        }
    });
    rx.into_iter()
}

/// The size of a regular input file (not of standard input, a pipe or a device).
pub fn file_size(file: Option<&Path>) -> Option<u64> {
    let meta = std::fs::metadata(file.filter(|p| *p != Path::new("-"))?).ok()?;
    meta.is_file().then_some(meta.len())
}
