//! `logbook completions SHELL`: a completion script for bash, zsh, fish, elvish or PowerShell,
//! generated from the command line itself (clap_complete), so it offers every command, flag
//! and value, each command's own `--format` values among them.

use super::error::CommandError;
use super::format::{Format, check, of};
use super::output::Out;
use clap_complete::Shell;

/// Print a shell completion script
///
/// The script completes commands, flags and their values (event types, formats, shells). Save
/// it where the shell looks for completions and start a new shell.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook completions bash > ~/.local/share/bash-completion/completions/logbook
  logbook completions zsh > ~/.zfunc/_logbook        # with fpath+=~/.zfunc before compinit
  logbook completions fish > ~/.config/fish/completions/logbook.fish")]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: Args, format: Format) -> Result<(), CommandError> {
    check(format, of("completions"))?;
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut super::command(), "logbook", &mut script);
    let mut out = Out::new();
    out.bytes(&script)?;
    out.flush()
}
