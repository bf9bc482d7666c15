//! `logbook serve` against one process per event: events/s and p50/p99 latency of single-event
//! appends from 1, 4 and 16 concurrent HTTP clients (each request on its own connection), and
//! of `logbook append` run once per event by 1 and 4 concurrent shells. Every append is
//! durable when answered; the server commits concurrent requests together (group commit).
//!
//! cargo bench --bench serve                    # 400 events per configuration
//! cargo bench --bench serve -- --events 2000

use std::path::Path;
use std::process::Command;
use std::time::Duration;

const LOGBOOK: &str = env!("CARGO_BIN_EXE_logbook");

#[path = "support/serve.rs"]
mod serve;
use serve::{Server, append_one, event, load, quantile};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let events: usize = args
        .iter()
        .position(|a| a == "--events")
        .and_then(|i| args.get(i + 1))
        .map_or(400, |n| n.parse().expect("--events N"));
    let dir = tempfile::tempdir().expect("temporary directory");
    let ledger = dir.path().join("ledger.redb");
    let tokens = dir.path().join("tokens");
    run(&ledger, &["init"]);
    println!("| writer | clients | events | events/s | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut cli_rate = 0.0;
    for clients in [1, 4] {
        let (rate, lat) = load(clients, events, |c, i| {
            append_one(logbook(&ledger), &event(&format!("cli{clients}-{c}-{i}")));
        });
        if clients == 1 {
            cli_rate = rate;
        }
        report("CLI, one process per event", clients, events, rate, &lat);
    }
    let server = Server::start(|| logbook(&ledger), &tokens);
    let mut rates = Vec::new();
    for clients in [1, 4, 16] {
        let (rate, lat) = load(clients, events, |c, i| {
            server.post(&event(&format!("http{clients}-{c}-{i}")));
        });
        rates.push((clients, rate));
        report("HTTP, one event per request", clients, events, rate, &lat);
    }
    drop(server);
    for (clients, rate) in rates {
        println!(
            "\nHTTP with {clients} clients: {:.1}x the CLI's events/s",
            rate / cli_rate
        );
    }
    run(&ledger, &["verify", "--quick"]);
}

fn logbook(ledger: &Path) -> Command {
    let mut c = Command::new(LOGBOOK);
    c.env("LOGBOOK_LEDGER", ledger)
        .env("LOGBOOK_ACTOR", "bench")
        .env("TZ", "UTC");
    c
}

fn run(ledger: &Path, args: &[&str]) {
    let out = logbook(ledger).args(args).output().expect("logbook");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn report(writer: &str, clients: usize, events: usize, rate: f64, lat: &[Duration]) {
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| {writer} | {clients} | {events} | {rate:.0} | {} | {} |",
        ms(quantile(lat, 0.50)),
        ms(quantile(lat, 0.99))
    );
}
