//! Creating and opening the file: never create on open, wait with jittered backoff while
//! another process holds it, and turn redb's failures into [`StoreError`]s.

use super::tables::{
    EVENTS, FORMAT, IDS, INCIDENTS, META, SERVICE_INCIDENTS, STREAM_STATE, STREAMS,
};
use super::{Ledger, StoreError};
use redb::{Database, DatabaseError, ReadableDatabase};
use std::path::Path;
use std::time::{Duration, Instant};

pub fn create(path: &Path) -> Result<Ledger, StoreError> {
    if path.exists() {
        return Err(StoreError::Exists {
            path: path.to_path_buf(),
        });
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| storage(path, e))?;
    }
    let db = Database::create(path).map_err(|e| storage(path, e))?;
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
    }
    txn.commit().map_err(|e| storage(path, e))?;
    Ok(Ledger {
        db,
        path: path.to_path_buf(),
    })
}

pub fn open(path: &Path, wait: Duration) -> Result<Ledger, StoreError> {
    if !path.exists() {
        return Err(StoreError::NotFound {
            path: path.to_path_buf(),
        });
    }
    let started = Instant::now();
    let mut backoff = Backoff::new();
    let db = loop {
        match open_once(path) {
            Err(OpenFailure::Busy) => {
                let waited = started.elapsed();
                if waited >= wait {
                    return Err(StoreError::Busy {
                        path: path.to_path_buf(),
                        waited_ms: waited.as_millis(),
                    });
                }
                std::thread::sleep(backoff.next().min(wait - waited));
            }
            Err(OpenFailure::Other(e)) => return Err(e),
            Ok(db) => break db,
        }
    };
    check_format(&db, path)?;
    Ok(Ledger {
        db,
        path: path.to_path_buf(),
    })
}

enum OpenFailure {
    Busy,
    Other(StoreError),
}

fn open_once(path: &Path) -> Result<Database, OpenFailure> {
    // redb documents that opening a file corrupted outside redb may panic; a panic here is a
    // corrupt ledger, not a crash of logbook.
    let result = std::panic::catch_unwind(|| Database::open(path));
    match result {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(DatabaseError::DatabaseAlreadyOpen)) => Err(OpenFailure::Busy),
        Ok(Err(DatabaseError::Storage(redb::StorageError::Io(e))))
            if e.kind() == std::io::ErrorKind::NotFound =>
        {
            Err(OpenFailure::Other(StoreError::NotFound {
                path: path.to_path_buf(),
            }))
        }
        Ok(Err(DatabaseError::Storage(redb::StorageError::Corrupted(detail)))) => {
            Err(OpenFailure::Other(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail,
            }))
        }
        Ok(Err(
            e @ (DatabaseError::UpgradeRequired(_)
            | DatabaseError::Storage(_)
            | DatabaseError::RepairAborted),
        )) => Err(OpenFailure::Other(StoreError::NotALedger {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })),
        Ok(Err(e)) => Err(OpenFailure::Other(storage(path, e))),
        Err(_) => Err(OpenFailure::Other(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: "the storage engine could not read the file".into(),
        })),
    }
}

fn check_format(db: &Database, path: &Path) -> Result<(), StoreError> {
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
        Some(v) => Err(not_ledger(&format!(
            "unknown format {:?}",
            String::from_utf8_lossy(v.value())
        ))),
        None => Err(not_ledger("it has no format record")),
    }
}

fn storage(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Storage {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// Exponential backoff from 2 ms to 250 ms with full jitter, so waiting writers spread out.
struct Backoff {
    ceiling: Duration,
    rng: u64,
}

impl Backoff {
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
