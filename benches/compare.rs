//! logbook beside the do-it-yourself alternative: incident events as JSON in SQLite (WAL,
//! `synchronous=FULL`, the indexed columns a user would add, `json_extract` SQL for the
//! figures). Every job runs as a whole process, repeated; the table shows medians and ratios.
//!
//! cargo bench --bench compare                       # 100k and 1M events
//! cargo bench --bench compare -- --sizes 10000000 --runs 1
//!
//! The same binary is also the SQLite side's command-line tool (`compare sqlite JOB ...`), the
//! floor of any redb append (`compare redb-floor FILE`: open, insert one key, close) and a
//! peak-memory meter (`compare rss CMD ...`), so every side pays for a process start.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LOGBOOK: &str = env!("CARGO_BIN_EXE_logbook");

/// The one-event append the benchmark times: a note on the first incident.
const ADD_NOTE: [&str; 6] = [
    "add",
    "note",
    "--incident",
    "inc-0000001",
    "--text",
    "bench",
];

#[path = "support/readers.rs"]
mod readers;
#[path = "support/serve.rs"]
mod serve;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("sqlite") => sqlite::main(&args[1..]),
        Some("rss") => rss(&args[1..]),
        Some("redb-floor") => redb_floor(&args[1]),
        _ => bench(&args),
    }
}

/// Runs a command and prints its peak resident memory in KiB (the only child of this process).
#[allow(unsafe_code)]
fn rss(args: &[String]) {
    let status = Command::new(&args[0])
        .args(&args[1..])
        .stdout(Stdio::null())
        .status()
        .expect("run");
    assert!(status.success(), "{args:?} failed");
    // SAFETY: getrusage writes into the struct we pass; RUSAGE_CHILDREN covers the child we waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    println!("{}", usage.ru_maxrss);
}

/// What every append to a redb file pays, whatever it stores: open the file as logbook opens it
/// (the same page cache), insert one key in a table of its own with a commit the close makes
/// durable (as `logbook add` does), close. Run on a copy of a ledger of the benchmark's size, so
/// redb's bookkeeping (its allocator state, written at every close) is the ledger's.
fn redb_floor(path: &str) {
    use redb::{Database, Durability, ReadableTableMetadata, TableDefinition};
    const FLOOR: TableDefinition<u64, &[u8]> = TableDefinition::new("bench_floor");
    let db = Database::builder()
        .set_cache_size(128 << 20)
        .open(path)
        .expect("open the copy");
    let mut txn = db.begin_write().expect("write");
    txn.set_durability(Durability::None).expect("durability");
    {
        let mut table = txn.open_table(FLOOR).expect("table");
        let n = table.len().expect("len");
        table
            .insert(
                n,
                br#"{"type":"note","incident":"inc-0000001","text":"bench"}"#.as_slice(),
            )
            .expect("insert");
    }
    txn.commit().expect("commit");
    db.close().expect("close");
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn bench(args: &[String]) {
    let sizes: Vec<u64> = flag(args, "--sizes")
        .unwrap_or_else(|| "100000,1000000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("--sizes: whole numbers"))
        .collect();
    let runs: usize = flag(args, "--runs").map_or(5, |r| r.parse().expect("--runs"));
    let dir = PathBuf::from(flag(args, "--dir").unwrap_or_else(|| "target/bench-data".into()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let me = std::env::current_exe().expect("own path");
    println!(
        "logbook vs DIY SQLite, whole processes, median of {runs} runs (big jobs: of {} runs)",
        runs.min(3)
    );
    println!(
        "machine: {} cores; {}",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        first_line("/proc/cpuinfo", "model name")
    );
    println!();
    println!("| events | job | logbook | sqlite | ratio | target | met |");
    println!("|---:|---|---:|---:|---:|---|---|");
    for events in sizes {
        let file = dir.join(format!("events-{events}.jsonl"));
        generate(&file, events);
        Sizes {
            events,
            file,
            dir: dir.clone(),
            runs,
            me: me.clone(),
        }
        .run();
    }
}

fn first_line(path: &str, key: &str) -> String {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with(key))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default()
}

fn generate(file: &Path, events: u64) {
    if file.exists() {
        return;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(file).expect("create"));
    logbook::synth::write(events / 10, 200, 1, &mut out).expect("generate");
}

struct Sizes {
    events: u64,
    file: PathBuf,
    dir: PathBuf,
    runs: usize,
    me: PathBuf,
}

/// Median wall time of `runs` runs of `cmd()`, with `before()` run untimed before each.
fn median(runs: usize, mut before: impl FnMut(), mut cmd: impl FnMut() -> Command) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            before();
            let mut c = cmd();
            let start = Instant::now();
            let out = c
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()
                .expect("run");
            let took = start.elapsed();
            assert!(
                out.status.success(),
                "{c:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            took
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Medians of `runs` runs of each command, taken in turns (a, b, c, a, b, c, ...): for small
/// jobs whose times drift with the machine, so every side meets the same drift.
fn medians_in_turns<const N: usize>(
    runs: usize,
    mut sides: [&mut dyn FnMut() -> Command; N],
) -> [Duration; N] {
    let mut times = [(); N].map(|()| Vec::with_capacity(runs));
    for _ in 0..runs {
        for (side, times) in sides.iter_mut().zip(&mut times) {
            times.push(median(1, || {}, &mut **side));
        }
    }
    times.map(|mut t| {
        t.sort();
        t[runs / 2]
    })
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

fn row(
    events: u64,
    job: &str,
    ours: String,
    theirs: String,
    ratio: Option<f64>,
    target: &str,
    met: Option<bool>,
) {
    let ratio = ratio.map_or("-".into(), |r| format!("{r:.2}"));
    let met = met.map_or("-", |m| if m { "yes" } else { "**no**" });
    println!("| {events} | {job} | {ours} | {theirs} | {ratio} | {target} | {met} |");
}

impl Sizes {
    #[allow(clippy::unused_self)] // reads like the other steps of a run
    fn logbook(&self, ledger: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(LOGBOOK);
        c.arg("--ledger")
            .arg(ledger)
            .args(args)
            .env("LOGBOOK_ACTOR", "bench");
        c
    }

    /// Removes `ledger` and makes an empty one in its place.
    fn fresh_ledger(&self, ledger: &Path) {
        let _ = std::fs::remove_file(ledger);
        let ok = self
            .logbook(ledger, &["init"])
            .stdout(Stdio::null())
            .status()
            .expect("init")
            .success();
        assert!(ok);
    }

    fn sqlite(&self, db: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(&self.me);
        c.arg("sqlite").arg(args[0]).arg(db).args(&args[1..]);
        c
    }

    fn run(&self) {
        let n = self.events;
        let big = self.runs.min(3);
        let ledger = self.dir.join(format!("ledger-{n}.redb"));
        let db = self.dir.join(format!("diy-{n}.sqlite"));
        let file = self.file.to_str().expect("utf-8 path");
        let fresh_ledger = || self.fresh_ledger(&ledger);
        let fresh_db = || remove_db(&db);
        let ours = median(big, fresh_ledger, || {
            self.logbook(&ledger, &["append", "--quiet", file])
        });
        let theirs = median(big, fresh_db, || self.sqlite(&db, &["import", file]));
        let r = ours.as_secs_f64() / theirs.as_secs_f64();
        row(
            n,
            "import the file (append)",
            ms(ours),
            ms(theirs),
            Some(r),
            "<= 1.0 (aim 0.5)",
            Some(r <= 1.0),
        );

        let rss_ours = self.rss(|| {
            fresh_ledger();
            self.logbook(&ledger, &["append", "--quiet", file])
        });
        let rss_theirs = self.rss(|| {
            fresh_db();
            self.sqlite(&db, &["import", file])
        });
        row(
            n,
            "peak memory of the import",
            mib(rss_ours),
            mib(rss_theirs),
            Some(rss_ours as f64 / rss_theirs as f64),
            "<= 512 MiB (aim 256 MiB)",
            Some(rss_ours <= 512 << 10),
        );

        let export = self.dir.join(format!("export-{n}.jsonl"));
        let out = std::fs::File::create(&export).expect("export file");
        assert!(
            self.logbook(&ledger, &["export"])
                .stdout(out)
                .status()
                .expect("export")
                .success()
        );
        self.import_export(&export);
        let (ledger_bytes, export_bytes, db_bytes) = (size(&ledger), size(&export), size(&db));
        let per = |b: u64| format!("{} B/event", b / n);
        row(
            n,
            "bytes on disk per event",
            per(ledger_bytes),
            per(db_bytes),
            Some(ledger_bytes as f64 / db_bytes as f64),
            "ledger <= 2x its export",
            Some(ledger_bytes <= 2 * export_bytes),
        );
        row(
            n,
            "ledger / its JSON Lines export",
            format!("{:.2}x", ledger_bytes as f64 / export_bytes as f64),
            "-".into(),
            None,
            "<= 2.0",
            Some(ledger_bytes <= 2 * export_bytes),
        );

        let note = r#"{"type":"note","incident":"inc-0000001","at":"2026-11-25T12:00:00Z","text":"bench"}"#;
        // The floor runs on a copy of the ledger: redb's own bookkeeping is the ledger's, and
        // the ledger stays logbook's alone.
        let floor = self.dir.join(format!("redb-floor-{n}.redb"));
        std::fs::copy(&ledger, &floor).expect("copy the ledger for the redb floor");
        // In turns and at least 21 runs: one run is a few milliseconds, most of them
        // fdatasync, whose cost moves with what else the disk is doing.
        let [ours, theirs, least] = medians_in_turns(
            self.runs.max(21),
            [
                &mut || self.logbook(&ledger, &ADD_NOTE),
                &mut || self.sqlite(&db, &["insert", note]),
                &mut || {
                    let mut c = Command::new(&self.me);
                    c.arg("redb-floor").arg(&floor);
                    c
                },
            ],
        );
        let _ = std::fs::remove_file(&floor);
        let r = ours.as_secs_f64() / theirs.as_secs_f64();
        row(
            n,
            "one durable append",
            ms(ours),
            ms(theirs),
            Some(r),
            "<= 1.0x",
            Some(r <= 1.0),
        );
        row(
            n,
            "redb's floor of one append: open, insert one key, close (no logbook code)",
            ms(least),
            ms(theirs),
            Some(least.as_secs_f64() / theirs.as_secs_f64()),
            "the bound of the row above",
            None,
        );
        if let (Some(ours), Some(theirs)) = (
            syncs(self.logbook(&ledger, &ADD_NOTE)),
            syncs(self.sqlite(&db, &["insert", note])),
        ) {
            row(
                n,
                "syncs per durable append (strace: fsync + fdatasync)",
                ours.to_string(),
                theirs.to_string(),
                Some(ours as f64 / theirs as f64),
                "only what durability needs",
                None,
            );
        }

        for (job, args, sql, limit) in [
            (
                "stats --service (MTTR of one service)",
                vec!["stats", "--service", "svc-001"],
                vec!["mttr", "svc-001"],
                Some(50.0),
            ),
            (
                "streak --service",
                vec!["streak", "--service", "svc-001"],
                vec!["streak", "svc-001"],
                Some(50.0),
            ),
            (
                "report of one incident",
                vec!["report", "inc-0000001"],
                vec!["report", "inc-0000001"],
                None,
            ),
        ] {
            let ours = median(self.runs, || {}, || self.logbook(&ledger, &args));
            let theirs = median(self.runs, || {}, || self.sqlite(&db, &sql));
            let target = limit.map_or("-".into(), |l| format!("<= {l} ms"));
            let met = limit.map(|l| ours.as_secs_f64() * 1000.0 <= l);
            row(
                n,
                job,
                ms(ours),
                ms(theirs),
                Some(ours.as_secs_f64() / theirs.as_secs_f64()),
                &target,
                met,
            );
        }
        self.readers(&ledger, &db);
        self.serve(&ledger);
        let ours = median(big, || {}, || self.logbook(&ledger, &["verify", "--quick"]));
        row(
            n,
            "verify --quick (chain and seqs only)",
            ms(ours),
            "-".into(),
            None,
            "-",
            None,
        );
        let ours = median(big, || {}, || self.logbook(&ledger, &["verify"]));
        let theirs = median(big, || {}, || self.sqlite(&db, &["verify"]));
        row(
            n,
            "verify (sqlite: integrity_check)",
            ms(ours),
            ms(theirs),
            Some(ours.as_secs_f64() / theirs.as_secs_f64()),
            "<= 3 s",
            Some(ours.as_secs_f64() <= 3.0),
        );
        let ours = median(big, || {}, || self.logbook(&ledger, &["rebuild"]));
        let theirs = median(big, || {}, || self.sqlite(&db, &["rebuild"]));
        row(
            n,
            "rebuild (sqlite: REINDEX)",
            ms(ours),
            ms(theirs),
            Some(ours.as_secs_f64() / theirs.as_secs_f64()),
            "<= 5 s",
            Some(ours.as_secs_f64() <= 5.0),
        );
    }

    /// `import` of the ledger's export into a new ledger, beside SQLite importing the same
    /// file (its lines carry seq, id, revision, recorded_at and hash as well).
    fn import_export(&self, export: &Path) {
        let n = self.events;
        let big = self.runs.min(3);
        let ledger = self.dir.join(format!("imported-{n}.redb"));
        let db = self.dir.join(format!("diy-imported-{n}.sqlite"));
        let file = export.to_str().expect("utf-8 path");
        let ours = median(
            big,
            || self.fresh_ledger(&ledger),
            || self.logbook(&ledger, &["import", file]),
        );
        let theirs = median(
            big,
            || remove_db(&db),
            || self.sqlite(&db, &["import", file]),
        );
        let r = ours.as_secs_f64() / theirs.as_secs_f64();
        row(
            n,
            "import of its export (`import`)",
            ms(ours),
            ms(theirs),
            Some(r),
            "<= 1.0 (aim 0.5)",
            Some(r <= 1.0),
        );
        let _ = std::fs::remove_file(&ledger);
        remove_db(&db);
    }

    /// `logbook serve` with 16 clients posting one event per request (each on its own
    /// connection) against one `logbook append` process per event, on this size's ledger.
    fn serve(&self, ledger: &Path) {
        let n = self.events;
        let logbook = || self.logbook(ledger, &[]);
        let (cli, _) = serve::load(1, 100, |_, i| {
            serve::append_one(logbook(), &serve::event(&format!("bench-cli-{n}-{i}")));
        });
        let tokens = self.dir.join(format!("tokens-{n}"));
        let _ = std::fs::remove_file(&tokens);
        let server = serve::Server::start(logbook, &tokens);
        let (http, lat) = serve::load(16, 320, |c, i| {
            server.post(&serve::event(&format!("bench-http-{n}-{c}-{i}")));
        });
        drop(server);
        let _ = std::fs::remove_file(&tokens);
        row(
            n,
            &format!(
                "serve, 16 clients, one event per request (peer: one `append` process per event); p99 {}",
                ms(serve::quantile(&lat, 0.99))
            ),
            format!("{http:.0} ev/s"),
            format!("{cli:.0} ev/s"),
            Some(http / cli),
            ">= 5x the peer",
            Some(http >= 5.0 * cli),
        );
    }

    /// Streaming readers, whole-ledger queries, and an append while a reader is held.
    fn readers(&self, ledger: &Path, db: &Path) {
        let n = self.events;
        // `| head -1` in a job's name would split its Markdown cell: "first line" says it.
        for (job, args) in [
            ("log, first line", ["log"]),
            ("export, first line", ["export"]),
        ] {
            let ours = readers::first_line(self.runs, || self.logbook(ledger, &args));
            let theirs = readers::first_line(self.runs, || self.sqlite(db, &["dump"]));
            row(
                n,
                &format!("{job} (sqlite: first row of SELECT all)"),
                ms(ours),
                ms(theirs),
                Some(ours.as_secs_f64() / theirs.as_secs_f64()),
                "<= 100 ms",
                Some(ours.as_secs_f64() <= 0.1),
            );
        }
        for (job, args) in [
            ("stats, every service", vec!["stats"]),
            ("streak, every service", vec!["streak"]),
        ] {
            let ours = median(self.runs, || {}, || self.logbook(ledger, &args));
            row(
                n,
                job,
                ms(ours),
                "-".into(),
                None,
                "<= 300 ms",
                Some(ours.as_secs_f64() <= 0.3),
            );
        }
        let site = self.dir.join(format!("site-{n}"));
        let ours = median(
            self.runs,
            || {},
            || {
                self.logbook(
                    ledger,
                    &["site", "--out", site.to_str().expect("utf-8 path")],
                )
            },
        );
        row(
            n,
            "site: status page of 200 services, 90 days",
            ms(ours),
            "-".into(),
            None,
            "<= 2 s",
            Some(ours.as_secs_f64() <= 2.0),
        );
        let _ = std::fs::remove_dir_all(&site);
        let ours = readers::append_while_held(
            self.runs.min(3),
            Duration::from_secs(2),
            || self.logbook(ledger, &["log"]),
            || self.logbook(ledger, &ADD_NOTE),
        );
        row(
            n,
            "add while `log` output sits unread",
            ms(ours),
            "-".into(),
            None,
            "<= 1 s",
            Some(ours.as_secs_f64() <= 1.0),
        );
    }

    /// Peak RSS in KiB of the command `prepare` returns (it also resets the files).
    fn rss(&self, prepare: impl FnOnce() -> Command) -> u64 {
        let cmd = prepare();
        let mut wrapper = Command::new(&self.me);
        wrapper
            .arg("rss")
            .arg(cmd.get_program())
            .args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            if let Some(v) = v {
                wrapper.env(k, v);
            }
        }
        let out = wrapper.output().expect("rss");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("kib")
    }
}

/// The fsync and fdatasync calls `cmd` makes, counted by `strace -f -c` (`None` without strace).
fn syncs(cmd: Command) -> Option<u64> {
    let out = Command::new("strace")
        .args([
            "-f",
            "-c",
            "-e",
            "trace=fsync,fdatasync",
            "-o",
            "/dev/stderr",
        ])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .stdout(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stderr);
    let count = |name: &str| -> u64 {
        text.lines()
            .find(|l| l.split_whitespace().last() == Some(name))
            .and_then(|l| l.split_whitespace().nth(3))
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    };
    Some(count("fsync") + count("fdatasync"))
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

fn mib(kib: u64) -> String {
    format!("{} MiB", kib / 1024)
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The do-it-yourself side: what a user who keeps events as JSON in SQLite would write.
mod sqlite {
    use rusqlite::{Connection, params};
    use std::io::{BufRead, Write};

    fn open(path: &str) -> Connection {
        let db = Connection::open(path).expect("open sqlite");
        db.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
             CREATE TABLE IF NOT EXISTS events(
                 seq INTEGER PRIMARY KEY, body TEXT NOT NULL,
                 incident TEXT, type TEXT, at TEXT);
             CREATE INDEX IF NOT EXISTS events_incident ON events(incident, at);
             CREATE INDEX IF NOT EXISTS events_type ON events(type);",
        )
        .expect("schema");
        db
    }

    const INSERT: &str = "INSERT INTO events(body, incident, type, at) VALUES (?1, json_extract(?1, '$.incident'), json_extract(?1, '$.type'), json_extract(?1, '$.at'))";

    /// The incidents of one service: its detections, through json_each over `services`.
    const OF_SERVICE: &str = "SELECT DISTINCT e.incident FROM events e, json_each(e.body, '$.services') s WHERE e.type = 'detected' AND s.value = ?1";

    pub fn main(args: &[String]) {
        let (job, path) = (args[0].as_str(), args[1].as_str());
        let mut db = open(path);
        match job {
            "import" => {
                let file = std::fs::File::open(&args[2]).expect("input");
                let tx = db.transaction().expect("tx");
                {
                    let mut insert = tx.prepare(INSERT).expect("prepare");
                    for line in std::io::BufReader::new(file).lines() {
                        insert
                            .execute(params![line.expect("line")])
                            .expect("insert");
                    }
                }
                tx.commit().expect("commit");
                db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
                    .expect("checkpoint");
            }
            "insert" => {
                db.execute(INSERT, params![args[2]]).expect("insert");
            }
            "mttr" => {
                let sql = format!(
                    "WITH inc AS ({OF_SERVICE}),
                     start AS (SELECT incident, MIN(at) t FROM events WHERE incident IN inc AND type IN ('detected','impact_started') GROUP BY incident),
                     fin AS (SELECT incident, MIN(at) t FROM events WHERE incident IN inc AND type = 'restored' AND coalesce(json_extract(body, '$.level'), 'full') = 'full' GROUP BY incident)
                     SELECT avg((julianday(fin.t) - julianday(start.t)) * 86400), count(*) FROM start JOIN fin USING (incident)"
                );
                let (mttr, count): (Option<f64>, i64) = db
                    .query_row(&sql, params![args[2]], |r| Ok((r.get(0)?, r.get(1)?)))
                    .expect("mttr");
                println!("{count} incidents, MTTR {mttr:?} s");
            }
            "streak" => {
                let sql = format!(
                    "WITH inc AS ({OF_SERVICE}),
                     outage AS (SELECT incident, MIN(at) s,
                                (SELECT MIN(at) FROM events f WHERE f.incident = e.incident AND f.type IN ('resolved') ) t
                                FROM events e WHERE incident IN inc AND type = 'detected' GROUP BY incident)
                     SELECT max(julianday(date(s)) - julianday(date(prev_end))), julianday('now') - julianday(max(date(t)))
                     FROM (SELECT s, t, lag(t) OVER (ORDER BY s) prev_end FROM outage)"
                );
                let (record, since): (Option<f64>, Option<f64>) = db
                    .query_row(&sql, params![args[2]], |r| Ok((r.get(0)?, r.get(1)?)))
                    .expect("streak");
                println!("record {record:?} days, since last {since:?} days");
            }
            "report" => {
                let mut q = db
                    .prepare("SELECT body FROM events WHERE incident = ?1 ORDER BY at")
                    .expect("prepare");
                let rows: Vec<String> = q
                    .query_map(params![args[2]], |r| r.get(0))
                    .expect("query")
                    .map(|r| r.expect("row"))
                    .collect();
                for r in rows {
                    println!("{r}");
                }
            }
            "verify" => {
                let ok: String = db
                    .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                    .expect("check");
                assert_eq!(ok, "ok");
            }
            "rebuild" => db.execute_batch("REINDEX;").expect("reindex"),
            "dump" => {
                let mut q = db
                    .prepare("SELECT body FROM events ORDER BY rowid")
                    .expect("prepare");
                let mut rows = q.query([]).expect("query");
                let mut out = std::io::stdout().lock();
                while let Some(r) = rows.next().expect("row") {
                    let body: String = r.get(0).expect("body");
                    // A reader that stopped reading (`| head -1`) ends the dump.
                    if writeln!(out, "{body}").is_err() {
                        break;
                    }
                }
            }
            other => panic!("unknown sqlite job {other}"),
        }
    }
}
