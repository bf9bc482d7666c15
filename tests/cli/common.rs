//! The test harness: a private directory per test, the `logbook` binary run with a fixed clock
//! and actor, and outputs rendered as one text (exit status, stdout, stderr) for snapshots.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The clock every test runs under.
pub const NOW: &str = "2026-11-25T12:00:00Z";

/// The seed's history, as shipped in the binary.
pub const SEED: &str = include_str!("../../src/demo/sononaco.jsonl");

/// Snapshots go to the top-level `snapshots/` folder, named after the test's own name.
#[macro_export]
macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

/// A private directory with (optionally) a ledger in it.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub ledger: PathBuf,
}

/// What one run of `logbook` did.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Fails the test, showing everything, unless the command exited 0.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "command failed:\n{self}");
        self
    }

    /// Fails the test unless the command exited with `code`.
    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "unexpected exit status:\n{self}");
        self
    }

    /// stdout parsed as JSON Lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "exit: {}", self.code)?;
        writeln!(f, "--- stdout")?;
        f.write_str(&self.stdout)?;
        writeln!(f, "--- stderr")?;
        f.write_str(&self.stderr)
    }
}

impl Env {
    /// A directory with no ledger yet.
    pub fn empty() -> Env {
        let dir = tempfile::tempdir().expect("temporary directory");
        let ledger = dir.path().join("ledger.redb");
        Env { dir, ledger }
    }

    /// A directory with an initialised, empty ledger.
    pub fn new() -> Env {
        let env = Env::empty();
        env.run(&["init"]).ok();
        env
    }

    /// A ledger holding the seed's history.
    pub fn seeded() -> Env {
        let env = Env::new();
        env.append(SEED).ok();
        env
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The command, with a clean environment: only what logbook reads is set.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_logbook"));
        cmd.args(args)
            .env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"))
            .env("LOGBOOK_LEDGER", &self.ledger)
            .env("LOGBOOK_NOW", NOW)
            .env("LOGBOOK_ACTOR", "tester")
            // Days in UTC whatever this machine's /etc/localtime says; a test that wants
            // another zone sets TZ, LOGBOOK_TZ or --tz itself.
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(self.dir.path());
        cmd
    }

    /// Runs `logbook ARGS` with nothing on stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, None)
    }

    /// Runs `logbook ARGS` with `stdin` piped in.
    pub fn run_with(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = self.command(args);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("run logbook");
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("stdin");
            // The command may reject early and close its end; that is its business.
            let _ = pipe.write_all(input.as_bytes());
        }
        let out = child.wait_with_output().expect("wait for logbook");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: self.scrub(&String::from_utf8_lossy(&out.stdout)),
            stderr: self.scrub(&String::from_utf8_lossy(&out.stderr)),
        }
    }

    /// `logbook append -` with `input` on stdin.
    pub fn append(&self, input: &str) -> Run {
        self.run_with(&["append", "-"], Some(input))
    }

    /// The full export, for comparing ledgers before and after.
    pub fn export(&self) -> String {
        self.run(&["export"]).ok().stdout
    }

    /// Writes `text` to a file in the test directory and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }

    /// The temporary directory differs per run: show it as `[DIR]`.
    fn scrub(&self, text: &str) -> String {
        text.replace(&self.dir.path().display().to_string(), "[DIR]")
    }
}

/// The path as a `&str` for argument lists.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}
