//! Writes a realistic synthetic ledger as JSON Lines (see `logbook::synth`), for benchmarks:
//!
//! cargo run --release --example synth -- --incidents 100000 [--services 200] [--seed 1] > big.jsonl

use std::io::{BufWriter, Write};

fn arg(args: &[String], flag: &str, default: u64) -> u64 {
    match args.iter().position(|a| a == flag) {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                eprintln!("error: {flag} needs a whole number");
                std::process::exit(2);
            }),
        None => default,
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("usage: synth --incidents N [--services N] [--seed N]  (JSON Lines on stdout)");
        return Ok(());
    }
    let incidents = arg(&args, "--incidents", 1000);
    let services = arg(&args, "--services", 200);
    let seed = arg(&args, "--seed", 1);
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    logbook::synth::write(incidents, services, seed, &mut out)?;
    out.flush()
}
