//! `logbook man`: the manual page of logbook and every command, as one roff page on stdout,
//! generated from the command line itself (clap_mangen) so it says what `--help` says.
//!
//! The page is clap_mangen's page of `logbook` (name, synopsis, description, global options,
//! the list of commands), then a COMMAND DETAILS section with, for each command, its synopsis,
//! description, own options and examples, then EXAMPLES and EXIT STATUS from the top-level
//! help's epilogue. Examples are set without filling, so they copy as they are.

use super::error::CommandError;
use super::format::{Format, check, of};
use super::output::Out;
use clap::Command;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

/// Print the manual page (roff)
///
/// One page for logbook and all its commands. Install it where man looks, or read it at once
/// with `logbook man | man -l -`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook man | man -l -
  mkdir -p ~/.local/share/man/man1
  logbook man | gzip > ~/.local/share/man/man1/logbook.1.gz")]
pub struct Args {}

pub fn run(_: Args, format: Format) -> Result<(), CommandError> {
    check(format, of("man"))?;
    let mut page = Vec::new();
    render(super::command(), &mut page)?;
    let mut out = Out::new();
    out.bytes(&page)?;
    out.flush()
}

/// Writes the page of `cmd` and its subcommands.
pub fn render(cmd: Command, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut parts = Vec::new();
    pieces(cmd, &mut parts)?;
    // Each piece starts with roff's definition of `\*(Aq` (an apostrophe); the page gets it
    // once, after the title line, so the page starts with `.TH` as man pages do.
    let text = String::from_utf8_lossy(&parts);
    let (preamble, body): (Vec<&str>, Vec<&str>) = text
        .lines()
        .partition(|l| l.starts_with(".ie \\n(.g .ds Aq") || l.starts_with(".el .ds Aq"));
    let (title, rest) = body
        .split_first()
        .map_or((None, &[][..]), |(t, r)| (Some(*t), r));
    let lines = title
        .into_iter()
        .chain(preamble.into_iter().take(2))
        .chain(rest.iter().copied());
    for line in lines {
        writeln!(w, "{}", ascii(line))?;
    }
    Ok(())
}

/// Non-ASCII characters as roff's `\[uXXXX]` escapes, which troff reads without a
/// character-set preprocessor (`→` is `\[u2192]`).
fn ascii(line: &str) -> std::borrow::Cow<'_, str> {
    if line.is_ascii() {
        return line.into();
    }
    line.chars()
        .map(|c| match c.is_ascii() {
            true => c.to_string(),
            false => format!("\\[u{:04X}]", u32::from(c)),
        })
        .collect::<String>()
        .into()
}

/// The page's pieces, each as clap_mangen or roff writes it.
fn pieces(mut cmd: Command, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let after = cmd.get_after_help().map(ToString::to_string);
    let top = Man::new(cmd.clone().after_help(None::<&str>)).title("LOGBOOK");
    top.render_title(w)?;
    top.render_name_section(w)?;
    top.render_synopsis_section(w)?;
    top.render_description_section(w)?;
    top.render_options_section(w)?;
    // The commands, listed here and described below (not as pages of their own).
    let mut roff = Roff::default();
    roff.control("SH", ["COMMANDS"]);
    for sub in cmd.get_subcommands() {
        roff.control("TP", []);
        roff.text([bold(format!("logbook {}", sub.get_name()))]);
        roff.text([roman(
            sub.get_about().map(ToString::to_string).unwrap_or_default(),
        )]);
    }
    roff.control("SH", ["COMMAND DETAILS"]);
    roff.to_writer(w)?;
    for sub in cmd.get_subcommands() {
        subcommand(sub, w)?;
    }
    if let Some(text) = after {
        epilogue(&text, true).to_writer(w)?;
    }
    top.render_version_section(w)
}

/// One command: a subsection with its synopsis, description, own options (the global ones
/// are described once, above) and examples.
fn subcommand(sub: &Command, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let name = sub.get_bin_name().unwrap_or(sub.get_name()).to_string();
    let examples = sub.get_after_help().map(ToString::to_string);
    let sub = sub
        .clone()
        .after_help(None::<&str>)
        .mut_args(|a| if a.is_global_set() { a.hide(true) } else { a });
    let man = Man::new(sub);
    let mut roff = Roff::default();
    roff.control("SS", [name.as_str()]);
    roff.to_writer(w)?;
    // clap_mangen writes sections (.SH); inside a command they are paragraphs with a heading.
    let mut parts = Vec::new();
    man.render_synopsis_section(&mut parts)?;
    man.render_description_section(&mut parts)?;
    man.render_options_section(&mut parts)?;
    for line in String::from_utf8_lossy(&parts).lines() {
        match line.strip_prefix(".SH ") {
            Some(heading) => {
                let heading = heading.trim_matches('"').to_lowercase();
                let mut roff = Roff::default();
                paragraph_heading(&mut roff, &heading);
                roff.to_writer(w)?;
            }
            None => writeln!(w, "{line}")?,
        }
    }
    if let Some(text) = examples {
        epilogue(&text, false).to_writer(w)?;
    }
    Ok(())
}

/// An epilogue's paragraphs: `Examples:` is a heading over lines set as they are, `Exit
/// codes:` a heading over filled text, any other paragraph filled text. `sections`: headings
/// are sections (EXAMPLES, EXIT STATUS), else bold paragraph headings.
fn epilogue(text: &str, sections: bool) -> Roff {
    let mut roff = Roff::default();
    for block in text.split("\n\n") {
        let (first, rest) = block.split_once('\n').unwrap_or((block, ""));
        if let Some(after) = first.strip_prefix("Examples:") {
            heading(&mut roff, sections, "EXAMPLES", "examples");
            roff.control("nf", []);
            roff.control("RS", ["2"]);
            for line in after.lines().chain(rest.lines()) {
                let line = line.strip_prefix("  ").unwrap_or(line);
                if !line.trim().is_empty() {
                    roff.text([roman(line)]);
                }
            }
            roff.control("RE", []);
            roff.control("fi", []);
        } else {
            let (title, body) = match block.strip_prefix("Exit codes:") {
                Some(body) => (Some(("EXIT STATUS", "exit status")), body),
                None => (None, block),
            };
            if let Some((section, paragraph)) = title {
                heading(&mut roff, sections, section, paragraph);
            } else {
                roff.control("PP", []);
            }
            roff.text([roman(body.split_whitespace().collect::<Vec<_>>().join(" "))]);
        }
    }
    roff
}

fn heading(roff: &mut Roff, section: bool, upper: &str, lower: &str) {
    if section {
        roff.control("SH", [upper]);
    } else {
        paragraph_heading(roff, lower);
    }
}

/// A bold heading on a line of its own, inside a command's subsection: `Options`.
fn paragraph_heading(roff: &mut Roff, heading: &str) {
    let mut chars = heading.chars();
    let heading: String = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect();
    roff.control("PP", []);
    roff.text([bold(heading)]);
    roff.control("br", []);
}
