//! The `logbook` binary: parse the command line, run the command, map the outcome to an exit
//! code. Everything else lives in the library and in `cli/`.

#![forbid(unsafe_code)]

mod cli;
mod http;

/// mimalloc instead of the system allocator: the whole-ledger commands allocate and free
/// millions of small values (decoded events and projections), partly on other threads, where
/// glibc's per-thread arenas grow by one `mprotect` call at a time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
