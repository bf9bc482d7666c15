//! `logbook serve` and `logbook token` against a real server on 127.0.0.1: auth and scopes,
//! the error statuses and bodies, all-or-nothing requests, 16 concurrent clients with nothing
//! lost or doubled, SIGTERM under load, and the CLI writing while the server runs.

use crate::common::{Env, s};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};

/// A running `logbook serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    pub log: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(env: &Env, extra: &[&str]) -> Server {
        let tokens = env.path("tokens");
        let mut args = vec!["serve", "--listen", "127.0.0.1:0", "--tokens", s(&tokens)];
        args.extend_from_slice(extra);
        let mut child = env
            .command(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start logbook serve");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut addr = String::new();
        let log = Arc::new(Mutex::new(String::new()));
        let mut line = String::new();
        while stderr.read_line(&mut line).expect("read stderr") > 0 {
            log.lock().unwrap().push_str(&line);
            if let Some(rest) = line
                .trim()
                .strip_prefix("logbook serve: listening on http://")
            {
                addr = rest.to_string();
                break;
            }
            line.clear();
        }
        assert!(
            !addr.is_empty(),
            "serve did not start:\n{}",
            log.lock().unwrap()
        );
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while stderr.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Server { child, addr, log }
    }

    /// The server's stderr so far, once it holds `needle` (its access log is written after the
    /// answer, and read by a thread: wait for it, up to 10 s, rather than race it).
    pub fn log_with(&self, needle: &str) -> String {
        for _ in 0..200 {
            let log = self.log.lock().unwrap().clone();
            if log.contains(needle) {
                return log;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn stop(mut self) -> i32 {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        self.child.wait().expect("wait").code().unwrap_or(-1)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer: status, headers (lowercase names) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on its own connection (`Connection: close`).
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(addr)?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // A server that refuses early (413) may close before reading all of a large body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("no HTTP answer: {text}")))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Answer {
        status,
        headers,
        body: body.to_string(),
    })
}

/// A new token's secret.
pub fn token(env: &Env, name: &str, scope: &str) -> String {
    let tokens = env.path("tokens");
    let run = env
        .run(&[
            "token",
            "new",
            name,
            "--scope",
            scope,
            "--tokens",
            s(&tokens),
        ])
        .ok();
    run.stdout.trim().to_string()
}

/// `POST /v1/events` with `body` as JSON.
pub fn post(addr: &str, secret: &str, body: &str) -> std::io::Result<Answer> {
    let auth = format!("Bearer {secret}");
    request(
        addr,
        "POST",
        "/v1/events",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    )
}

/// `GET path` with a token.
pub fn get(addr: &str, secret: &str, path: &str) -> Answer {
    let auth = format!("Bearer {secret}");
    request(addr, "GET", path, &[("Authorization", &auth)], b"").expect("GET")
}

/// A detected event of incident `key`.
pub fn detected(key: &str) -> String {
    format!(
        r#"{{"type":"detected","incident":"{key}","at":"2026-11-25T11:00:00Z","services":["db"]}}"#
    )
}
