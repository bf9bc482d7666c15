//! `--format`: the outputs logbook has, which each command has (DESIGN section 5), and the flag
//! as each command shows it.
//!
//! `--format` stays a global flag (`logbook --format json stats` works, as it always has), and
//! each subcommand also gets its own `--format` with the same id, listing only its formats:
//! clap does not propagate a global flag into a command that has one of its own, and it
//! carries the value between the two levels, so `logbook stats --help` lists `text, json, csv`
//! and `logbook stats --format md` is a usage error naming them. A format given before the
//! command is checked when the command runs ([`check`]), with the same message.

use super::error::CommandError;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Arg, Command, ValueEnum};
use std::ffi::OsStr;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Md,
    Html,
    Csv,
}

use Format::{Csv, Html, Json, Md, Text};

/// The formats of each command: the one list `--help`, completions, the man page and the
/// run-time check read. Each command's `run` names the same list (checked in debug builds).
pub const FORMATS: &[(&str, &[Format])] = &[
    ("init", &[Text, Json]),
    ("append", &[Text, Json]),
    ("ingest", &[Text, Json]),
    ("add", &[Text, Json]),
    ("amend", &[Text, Json]),
    ("retract", &[Text, Json]),
    ("log", &[Text, Json, Csv]),
    ("incidents", &[Text, Json, Csv]),
    ("timeline", &[Text, Json]),
    ("report", &[Text, Md, Json, Html]),
    ("streak", &[Text, Json, Csv]),
    ("stats", &[Text, Json, Csv]),
    ("sla", &[Text, Md, Html, Json, Csv]),
    ("export", &[Text, Json]),
    ("import", &[Text, Json]),
    ("verify", &[Text, Json]),
    ("rebuild", &[Text, Json]),
    ("site", &[Text, Json]),
    ("demo", &[Text]),
    ("serve", &[Text]),
    ("token", &[Text, Json]),
    ("completions", &[Text]),
    ("man", &[Text]),
];

/// The formats of `command` (text alone for one not listed, such as `help`).
pub fn of(command: &str) -> &'static [Format] {
    FORMATS
        .iter()
        .find(|(name, _)| *name == command)
        .map_or(&[Text], |(_, formats)| formats)
}

/// The global flag's help, for `logbook --help`.
pub const GLOBAL_HELP: &str = "Output: text for people, json for scripts; md, html or csv where \
    the command has them (its --help lists which)";

/// The command line with each subcommand's own `--format`.
pub fn per_command(mut cmd: Command) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let formats = of(&name);
        // A command with subcommands of its own (`token`) gets the flag on each of them too.
        cmd = cmd.mut_subcommand(name, |sub| {
            let nested: Vec<String> = sub
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect();
            nested.into_iter().fold(sub.arg(arg(formats)), |sub, n| {
                sub.mut_subcommand(n, |s| s.arg(arg(formats)))
            })
        });
    }
    cmd
}

/// A command's `--format`, offering `formats`.
fn arg(formats: &'static [Format]) -> Arg {
    let what: Vec<&str> = formats
        .iter()
        .map(|f| match f {
            Text => "text for people",
            Json => "json for scripts",
            Md => "md for Markdown",
            Html => "html for a web page",
            Csv => "csv for spreadsheets",
        })
        .collect();
    Arg::new("format")
        .long("format")
        .value_name("FORMAT")
        .help(format!("Output: {}", list(&what, ", ")))
        .default_value("text")
        .value_parser(Formats(formats))
}

/// Refuses a format the command does not have (exit 2), naming those it has.
pub fn check(format: Format, formats: &[Format]) -> Result<Format, CommandError> {
    if formats.contains(&format) {
        return Ok(format);
    }
    let names: Vec<&str> = formats.iter().map(|f| name(*f)).collect();
    Err(
        CommandError::usage(format!("this command has no {} output", name(format)))
            .hint(format!("use --format {}", list(&names, " or "))),
    )
}

/// `a`, `a or b`, `a, b or c`.
fn list(items: &[&str], last: &str) -> String {
    match items.split_last() {
        Some((end, rest)) if !rest.is_empty() => format!("{}{last}{end}", rest.join(", ")),
        _ => items.concat(),
    }
}

fn name(format: Format) -> &'static str {
    match format {
        Text => "text",
        Json => "json",
        Md => "md",
        Html => "html",
        Csv => "csv",
    }
}

/// Parses a command's `--format`: one of its formats; a format it lacks is refused as
/// [`check`] refuses it, an unknown word as clap refuses any bad value.
#[derive(Clone)]
struct Formats(&'static [Format]);

impl TypedValueParser for Formats {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<Format, clap::Error> {
        let text = value.to_string_lossy();
        let refused = |format| match check(format, self.0) {
            Ok(f) => Ok(f),
            Err(e) => {
                let text = e.render();
                let text = text.strip_prefix("error: ").unwrap_or(&text);
                Err(clap::Error::raw(ErrorKind::InvalidValue, text))
            }
        };
        match Format::from_str(&text, false) {
            Ok(format) => refused(format),
            Err(_) => {
                let names: Vec<&str> = self.0.iter().map(|f| name(*f)).collect();
                PossibleValuesParser::new(names).parse_ref(cmd, arg, value)?;
                Err(clap::Error::raw(ErrorKind::InvalidValue, "unknown format"))
            }
        }
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|f| PossibleValue::new(name(*f))),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_its_formats_listed() {
        let cmd = super::super::command();
        let names: Vec<&str> = cmd
            .get_subcommands()
            .map(Command::get_name)
            .filter(|n| *n != "help")
            .collect();
        for name in &names {
            assert!(
                FORMATS.iter().any(|(n, _)| n == name),
                "{name} not in FORMATS"
            );
        }
        for (name, formats) in FORMATS {
            assert!(names.contains(name), "FORMATS names no command {name}");
            assert_eq!(formats.first(), Some(&Text), "{name}: text first");
        }
    }

    #[test]
    fn refusals_name_what_the_command_has() {
        let e = check(Md, &[Text, Json, Csv]).unwrap_err();
        assert_eq!(
            e.render(),
            "error: this command has no md output\nhint: use --format text, json or csv\n"
        );
        assert_eq!(list(&["text"], " or "), "text");
        assert_eq!(list(&["text", "json"], " or "), "text or json");
    }
}
