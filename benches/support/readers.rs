//! Readers against writers (DESIGN section 3, **Many hands**): how soon a streaming reader's
//! first line arrives, and how long an append waits while a reader's output sits unread.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Median time until `cmd()` prints its first line (the reader is killed after it, as
/// `| head -1` would end it).
pub fn first_line(runs: usize, mut cmd: impl FnMut() -> Command) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let mut c = cmd();
            let start = Instant::now();
            let mut child = c
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn reader");
            let mut line = String::new();
            BufReader::new(child.stdout.take().expect("stdout"))
                .read_line(&mut line)
                .expect("first line");
            let took = start.elapsed();
            assert!(!line.is_empty(), "{c:?} printed nothing");
            let _ = child.kill();
            let _ = child.wait();
            took
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// How long `append()` takes while `reader()` runs with its output unread (as under
/// `logbook log | sleep 30`): the reader is given `hold` to fill its pipe first. Median of
/// `runs`; every append must succeed.
pub fn append_while_held(
    runs: usize,
    hold: Duration,
    mut reader: impl FnMut() -> Command,
    mut append: impl FnMut() -> Command,
) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let mut held = reader()
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn reader");
            std::thread::sleep(hold);
            let mut c = append();
            let start = Instant::now();
            let out = c.stdout(Stdio::null()).output().expect("append");
            let took = start.elapsed();
            let _ = held.kill();
            let _ = held.wait();
            assert!(
                out.status.success(),
                "{c:?} failed while a reader was held: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            took
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}
