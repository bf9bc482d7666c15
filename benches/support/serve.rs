//! Driving `logbook serve` and one process per event from a benchmark: start a server on a
//! free port, post single events on fresh connections, run `logbook append` per event, and
//! spread a number of appends over concurrent clients (events/s and every latency).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `logbook serve`, stopped (SIGTERM) on drop.
pub struct Server {
    pub addr: String,
    pub secret: String,
    child: Child,
}

impl Server {
    /// Makes an append token in `tokens` and starts the server on `ledger`.
    pub fn start(logbook: impl Fn() -> Command, tokens: &Path) -> Server {
        let out = logbook()
            .args(["token", "new", "bench", "--scope", "append", "--tokens"])
            .arg(tokens)
            .output()
            .expect("token new");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let secret = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let mut child = logbook()
            .args(["serve", "--listen", "127.0.0.1:0", "--tokens"])
            .arg(tokens)
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
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
        Server {
            addr,
            secret,
            child,
        }
    }

    /// One `POST /v1/events` on its own connection; panics unless answered 200.
    pub fn post(&self, body: &str) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        let request = format!(
            "POST /v1/events HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            self.secret,
            body.len()
        );
        stream.write_all(request.as_bytes()).expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// A detection of a new incident `key` (each append opens its own incident).
pub fn event(key: &str) -> String {
    format!(
        r#"{{"type":"detected","incident":"{key}","at":"2026-11-25T11:00:00Z","services":["db"]}}"#
    )
}

/// `logbook append --quiet -` of one line, as a script would run it per event.
pub fn append_one(mut cmd: Command, line: &str) {
    let mut child = cmd
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
}

/// `events` appends spread over `clients` threads: events/s and every latency, sorted.
pub fn load(
    clients: usize,
    events: usize,
    one: impl Fn(usize, usize) + Sync,
) -> (f64, Vec<Duration>) {
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

/// The latency at quantile `q` of sorted latencies.
pub fn quantile(lat: &[Duration], q: f64) -> Duration {
    lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)]
}
