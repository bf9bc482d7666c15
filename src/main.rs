//! The `logbook` binary: parse the command line, run the command, map the outcome to an exit
//! code. Everything else lives in the library and in `cli/`.

#![forbid(unsafe_code)]

mod cli;
mod http;

fn main() -> std::process::ExitCode {
    cli::main()
}
