//! Creating and opening the file: never create on open, wait with jittered backoff while
//! another process holds it, open read-only for readers, and turn redb's failures into
//! [`StoreError`]s.

use super::tables::{
    CORRECTIONS, EVENTS, FORMAT, IDS, INCIDENTS, META, OLD_FORMATS, SERVICE_INCIDENTS,
    STREAM_STATE, STREAMS,
};
use super::{Ledger, StoreError};
use redb::{
    Database, DatabaseError, ReadOnlyDatabase, ReadTransaction, ReadableDatabase, TransactionError,
    WriteTransaction,
};
use std::path::Path;
use std::time::{Duration, Instant};

/// The open file: writable, or read-only for commands that only read. The writable database
/// is shared so that [`Db::abandon`] can keep it from ever closing.
pub(super) enum Db {
    Write(std::sync::Arc<Database>),
    Read(ReadOnlyDatabase),
}

impl Db {
    pub(super) fn begin_read(&self) -> Result<ReadTransaction, TransactionError> {
        match self {
            Db::Write(db) => db.begin_read(),
            Db::Read(db) => db.begin_read(),
        }
    }

    /// A write transaction; `None` on a ledger opened read-only.
    pub(super) fn begin_write(&self) -> Option<Result<WriteTransaction, TransactionError>> {
        match self {
            Db::Write(db) => Some(db.begin_write()),
            Db::Read(_) => None,
        }
    }

    /// One step of compaction (`Ok(false)` when done, when opened read-only, or abandoned).
    pub(super) fn compact(&mut self) -> Result<bool, redb::CompactionError> {
        match self {
            Db::Write(db) => match std::sync::Arc::get_mut(db) {
                Some(db) => db.compact(),
                None => Ok(false),
            },
            Db::Read(_) => Ok(false),
        }
    }

    /// Closes the database, returning what redb's close reports (dropping it ignores that).
    pub(super) fn close(self) -> Result<(), String> {
        match self {
            Db::Write(db) => match std::sync::Arc::try_unwrap(db) {
                Ok(db) => db.close().map_err(|e| e.to_string()),
                Err(_) => Err("the ledger was abandoned after a failed write".into()),
            },
            Db::Read(db) => db.close().map_err(|e| e.to_string()),
        }
    }

    /// Keeps the database from ever being closed: redb's close would make the commits not yet
    /// durable durable. The file is then left as a crash leaves it, at its last durable
    /// commit, and the next open repairs it. For an append that could not take back what it
    /// wrote without durability.
    pub(super) fn abandon(&self) {
        if let Db::Write(db) = self {
            std::mem::forget(std::sync::Arc::clone(db));
        }
    }
}

/// Why a read-only file cannot be read: it was not closed cleanly.
pub const NEEDS_REPAIR: &str =
    "was not closed cleanly and needs a repair, which needs write access";

/// How a command means to use the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only: the file is opened read-only where it needs no repair, so a read-only
    /// file (mode 0444, another owner, immutable) can be read, verified and exported.
    Read,
    /// Appends or rebuilds.
    Write,
}

pub fn create(path: &Path) -> Result<Ledger, StoreError> {
    if path.exists() {
        return Err(StoreError::Exists {
            path: path.to_path_buf(),
        });
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| storage(path, e))?;
    }
    // `Database::create` creates the file; if the ledger cannot be set up in it (a full disk),
    // the half-made file is removed, so `init` leaves nothing behind or a usable ledger.
    let made = Database::create(path)
        .map_err(|e| storage(path, e))
        .and_then(|db| set_up(db, path));
    match made {
        Ok(db) => Ok(Ledger {
            db: Db::Write(std::sync::Arc::new(db)),
            path: path.to_path_buf(),
            segment_bytes: super::append::SEGMENT_BYTES,
            durable_at_close: false,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(path);
            Err(e)
        }
    }
}

/// Writes the format record and creates every table, in one transaction.
fn set_up(db: Database, path: &Path) -> Result<Database, StoreError> {
    let txn = db.begin_write().map_err(|e| storage(path, e))?;
    {
        let mut meta = txn.open_table(META).map_err(|e| storage(path, e))?;
        meta.insert("format", FORMAT)
            .map_err(|e| storage(path, e))?;
        txn.open_table(EVENTS).map_err(|e| storage(path, e))?;
        txn.open_table(IDS).map_err(|e| storage(path, e))?;
        txn.open_table(STREAMS).map_err(|e| storage(path, e))?;
        txn.open_table(STREAM_STATE).map_err(|e| storage(path, e))?;
        txn.open_table(INCIDENTS).map_err(|e| storage(path, e))?;
        txn.open_table(SERVICE_INCIDENTS)
            .map_err(|e| storage(path, e))?;
        txn.open_table(CORRECTIONS).map_err(|e| storage(path, e))?;
    }
    txn.commit().map_err(|e| storage(path, e))?;
    // Closing writes redb's own bookkeeping; on a full disk that fails too.
    db.close().map_err(|e| storage(path, e))?;
    open_database(path).map_err(|e| storage(path, e))
}

pub fn open(path: &Path, wait: Duration, access: Access) -> Result<Ledger, StoreError> {
    if !path.exists() {
        return Err(StoreError::NotFound {
            path: path.to_path_buf(),
        });
    }
    let started = Instant::now();
    let mut backoff = Backoff::new();
    let db = loop {
        match open_once(path, access) {
            Err(OpenFailure::Busy) => {
                let waited = started.elapsed();
                if waited >= wait {
                    return Err(StoreError::Busy {
                        path: path.to_path_buf(),
                        waited_ms: waited.as_millis(),
                        write: access == Access::Write,
                    });
                }
                std::thread::sleep(backoff.next().min(wait - waited));
            }
            Err(OpenFailure::Other(e)) => return Err(e),
            Err(OpenFailure::Corrupt(why)) => {
                return Err(StoreError::Corrupt {
                    path: path.to_path_buf(),
                    detail: format!("the storage engine could not read the file ({why})"),
                });
            }
            Ok(db) => break db,
        }
    };
    check_format(&db, path)?;
    Ok(Ledger {
        db,
        path: path.to_path_buf(),
        segment_bytes: super::append::SEGMENT_BYTES,
        durable_at_close: false,
    })
}

enum OpenFailure {
    Busy,
    /// redb panicked reading the file (its message).
    Corrupt(String),
    Other(StoreError),
}

/// Opens the file once. A reader opens it read-only; if it needs repair (it was not closed
/// cleanly), it is opened for writing so redb can repair it, where the file allows that.
fn open_once(path: &Path, access: Access) -> Result<Db, OpenFailure> {
    if access == Access::Read {
        match guarded(|| {
            Database::builder()
                .set_cache_size(READ_CACHE_BYTES)
                .open_read_only(path)
        }) {
            Ok(Ok(db)) => return Ok(Db::Read(db)),
            Ok(Err(DatabaseError::RepairAborted)) => {
                return open_for_writing(path).map_err(|e| match e {
                    OpenFailure::Other(StoreError::ReadOnly { path, .. }) => {
                        OpenFailure::Other(StoreError::ReadOnly {
                            path,
                            what: NEEDS_REPAIR,
                        })
                    }
                    other => other,
                });
            }
            Ok(Err(e)) => return Err(failure(path, e, false)),
            Err(panic) => return Err(panic),
        }
    }
    open_for_writing(path)
}

/// redb's page cache of a writable open. redb keeps up to half its cache of dirty pages until
/// the commit, so with its default (1 GiB) a 1M-event import held the whole 570 MB file in
/// memory (578 MiB peak); with 128 MiB the peak is about 120 MiB, and the import takes as long
/// (BENCHMARKS.md).
pub(super) const WRITE_CACHE_BYTES: usize = 128 << 20;

/// redb's page cache of a read-only open. With the default (1 GiB) a full `verify` of a 1M
/// ledger filled it with the whole 570 MB file, and the kernel spent a fifth of the run
/// zeroing fresh pages for it (peak 636 MiB, 3.8-4.0 s); with 64 MiB it takes 2.5-3.0 s and
/// 110-250 MiB, and the queries over every incident take as long as before: a reader that
/// reads the file once does not need to keep it.
const READ_CACHE_BYTES: usize = 64 << 20;

fn open_database(path: &Path) -> Result<Database, DatabaseError> {
    Database::builder()
        .set_cache_size(WRITE_CACHE_BYTES)
        .open(path)
}

fn open_for_writing(path: &Path) -> Result<Db, OpenFailure> {
    match guarded(|| open_database(path)) {
        Ok(Ok(db)) => Ok(Db::Write(std::sync::Arc::new(db))),
        Ok(Err(e)) => Err(failure(path, e, true)),
        Err(panic) => Err(panic),
    }
}

/// Runs one of redb's open calls. redb documents that opening a file corrupted outside redb
/// may panic; a panic there is a corrupt ledger, not a bug of logbook.
fn guarded<T>(open: impl FnOnce() -> T) -> Result<T, OpenFailure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(open)).map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_default();
        OpenFailure::Corrupt(message)
    })
}

fn failure(path: &Path, e: DatabaseError, writing: bool) -> OpenFailure {
    match e {
        DatabaseError::DatabaseAlreadyOpen => OpenFailure::Busy,
        DatabaseError::Storage(redb::StorageError::Io(e)) => OpenFailure::Other(match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::NotFound {
                path: path.to_path_buf(),
            },
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                if writing =>
            {
                StoreError::ReadOnly {
                    path: path.to_path_buf(),
                    what: "cannot be opened for writing",
                }
            }
            std::io::ErrorKind::PermissionDenied => storage(path, e),
            _ => StoreError::NotALedger {
                path: path.to_path_buf(),
                detail: e.to_string(),
            },
        }),
        DatabaseError::Storage(redb::StorageError::Corrupted(detail)) => {
            OpenFailure::Other(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail,
            })
        }
        e @ (DatabaseError::UpgradeRequired(_)
        | DatabaseError::Storage(_)
        | DatabaseError::RepairAborted) => OpenFailure::Other(StoreError::NotALedger {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }),
        e => OpenFailure::Other(storage(path, e)),
    }
}

fn check_format(db: &Db, path: &Path) -> Result<(), StoreError> {
    let not_ledger = |detail: &str| StoreError::NotALedger {
        path: path.to_path_buf(),
        detail: detail.into(),
    };
    let txn = db.begin_read().map_err(|e| storage(path, e))?;
    let meta = txn
        .open_table(META)
        .map_err(|_| not_ledger("it has no logbook metadata"))?;
    let format = meta.get("format").map_err(|e| storage(path, e))?;
    match format {
        Some(v) if v.value() == FORMAT => Ok(()),
        Some(v) if OLD_FORMATS.contains(&v.value()) => Err(StoreError::OldFormat {
            path: path.to_path_buf(),
            found: String::from_utf8_lossy(v.value()).into_owned(),
        }),
        Some(v) => Err(not_ledger(&format!(
            "unknown format {:?}",
            String::from_utf8_lossy(v.value())
        ))),
        None => Err(not_ledger("it has no format record")),
    }
}

pub(super) fn storage(path: &Path, e: impl std::fmt::Display) -> StoreError {
    let detail = e.to_string();
    // redb's errors keep the io::Error only as text; ENOSPC reads the same on every libc.
    if detail.contains("No space left on device") || detail.contains("os error 28") {
        return StoreError::NoSpace {
            path: path.to_path_buf(),
        };
    }
    StoreError::Storage {
        path: path.to_path_buf(),
        detail,
    }
}

/// Exponential backoff from 2 ms to 250 ms with full jitter, so waiting writers spread out.
struct Backoff {
    ceiling: Duration,
    rng: u64,
}

impl Backoff {
    // Jitter only needs a seed that differs between processes, not the ledger's clock.
    #[allow(clippy::disallowed_methods)]
    fn new() -> Backoff {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let seed = nanos ^ (u64::from(std::process::id()) << 32) | 1;
        Backoff {
            ceiling: Duration::from_millis(2),
            rng: seed,
        }
    }

    fn next(&mut self) -> Duration {
        // xorshift64: enough randomness for jitter.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let ceiling = self.ceiling.as_micros() as u64;
        let delay = Duration::from_micros(ceiling / 2 + self.rng % (ceiling / 2 + 1));
        self.ceiling = (self.ceiling * 2).min(Duration::from_millis(250));
        delay
    }
}

/// Bytes of ledger an append may need per byte of input, with room to spare: a ledger holds
/// about 1.7 times its export, and a transaction writes new pages before it frees old ones
/// (measured: 2 times the input on a small tmpfs).
const GROWTH_PER_INPUT_BYTE: u64 = 3;
/// Room kept for redb's own bookkeeping on every write.
const GROWTH_BASE: u64 = 256 << 10;

/// Refuses, before anything is written, an append of `input_bytes` that the device holding
/// the ledger has no room for: a failed transaction would leave the file grown and the disk
/// full, for every other program too.
pub(super) fn ensure_space(path: &Path, input_bytes: u64) -> Result<(), StoreError> {
    let need = input_bytes
        .saturating_mul(GROWTH_PER_INPUT_BYTE)
        .saturating_add(GROWTH_BASE);
    // A device that cannot say how much room it has is left to fail (or not) on its own.
    let Ok(stat) = rustix::fs::statvfs(path) else {
        return Ok(());
    };
    let free = stat.f_bavail.saturating_mul(stat.f_frsize);
    if free < need {
        return Err(StoreError::TooLittleSpace {
            path: path.to_path_buf(),
            need,
            free,
        });
    }
    Ok(())
}
