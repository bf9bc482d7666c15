//! `logbook serve` against one process per event: events/s and p50/p99 latency of single-event
//! appends from 1, 4 and 16 concurrent HTTP clients (each request on its own connection), and
//! of `logbook append` run once per event by 1 and 4 concurrent shells. Every append is
//! durable when answered; the server commits concurrent requests together (group commit).
//!
//! cargo bench --bench serve                    # 400 events per configuration
//! cargo bench --bench serve -- --events 2000

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LOGBOOK: &str = env!("CARGO_BIN_EXE_logbook");

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
    let out = logbook(&ledger)
        .args(["token", "new", "bench", "--scope", "append", "--tokens"])
        .arg(&tokens)
        .output()
        .expect("token new");
    let secret = String::from_utf8_lossy(&out.stdout).trim().to_string();
    println!("| writer | clients | events | events/s | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut cli_rate = 0.0;
    for clients in [1, 4] {
        let (rate, lat) = load(clients, events, |c, i| {
            let line = event(&format!("cli{clients}-{c}-{i}"));
            let mut child = logbook(&ledger)
                .args(["append", "--quiet", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .spawn()
                .expect("append");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(line.as_bytes())
                .expect("write");
            assert!(child.wait().expect("wait").success());
        });
        if clients == 1 {
            cli_rate = rate;
        }
        report("CLI, one process per event", clients, events, rate, &lat);
    }
    let mut server = logbook(&ledger)
        .args(["serve", "--listen", "127.0.0.1:0", "--tokens"])
        .arg(&tokens)
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut stderr = BufReader::new(server.stderr.take().expect("stderr"));
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("stderr") > 0,
            "serve did not start"
        );
        if let Some(a) = line
            .trim()
            .strip_prefix("logbook serve: listening on http://")
        {
            break a.to_string();
        }
    };
    // The access log is drained so the server never blocks on it.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let mut rates = Vec::new();
    for clients in [1, 4, 16] {
        let (rate, lat) = load(clients, events, |c, i| {
            post(&addr, &secret, &event(&format!("http{clients}-{c}-{i}")));
        });
        rates.push((clients, rate));
        report("HTTP, one event per request", clients, events, rate, &lat);
    }
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
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

fn event(key: &str) -> String {
    format!(
        r#"{{"type":"detected","incident":"{key}","at":"2026-11-25T11:00:00Z","services":["db"]}}"#
    )
}

/// `events` appends spread over `clients` threads: events/s and every latency.
fn load(clients: usize, events: usize, one: impl Fn(usize, usize) + Sync) -> (f64, Vec<Duration>) {
    let started = Instant::now();
    let per = events / clients;
    let mut lat: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let one = &one;
                s.spawn(move || {
                    (0..per)
                        .map(|i| {
                            let t = Instant::now();
                            one(c, i);
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("client"))
            .collect()
    });
    let rate = lat.len() as f64 / started.elapsed().as_secs_f64();
    lat.sort();
    (rate, lat)
}

fn report(writer: &str, clients: usize, events: usize, rate: f64, lat: &[Duration]) {
    let at = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| {writer} | {clients} | {events} | {rate:.0} | {} | {} |",
        ms(at(0.50)),
        ms(at(0.99))
    );
}

/// One `POST /v1/events` on its own connection; panics unless answered 200.
fn post(addr: &str, secret: &str, body: &str) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let request = format!(
        "POST /v1/events HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {secret}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
