//! The one thread that touches the ledger: it takes every request waiting, opens the file,
//! appends all waiting requests in one write transaction (group commit, each request still
//! all or nothing), answers the waiting reads, and closes the file again, so a CLI command
//! waits at most one such round for it.

use super::error::ApiError;
use logbook::store::{Access, Appended, Ledger, Request, StoreError};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// A read, run on the ledger thread with the open ledger (or why it could not be opened).
pub type Read = Box<dyn FnOnce(Result<&Ledger, &StoreError>) + Send>;

/// Where the receipts of an append (or why it wrote nothing) go.
pub type Reply = oneshot::Sender<Result<Vec<Appended>, ApiError>>;

/// What the ledger thread does for a request.
pub enum Job {
    Append {
        request: Request,
        /// The size of its body, for the free-space check.
        bytes: u64,
        reply: Reply,
    },
    Read(Read),
}

/// At most this many requests are taken into one round.
const MAX_ROUND: usize = 512;

/// Starts the ledger thread; it ends when every sender is dropped and the queue is empty.
pub fn start(
    path: PathBuf,
    wait: Duration,
) -> std::io::Result<(mpsc::Sender<Job>, std::thread::JoinHandle<()>)> {
    let (tx, mut rx) = mpsc::channel::<Job>(4 * MAX_ROUND);
    let thread = std::thread::Builder::new()
        .name("ledger".into())
        .spawn(move || {
            while let Some(first) = rx.blocking_recv() {
                let mut round = vec![first];
                while round.len() < MAX_ROUND {
                    match rx.try_recv() {
                        Ok(job) => round.push(job),
                        Err(_) => break,
                    }
                }
                run(&path, wait, round);
            }
        })?;
    Ok((tx, thread))
}

/// One round: open, append the group, answer the reads, close.
fn run(path: &std::path::Path, wait: Duration, round: Vec<Job>) {
    let mut appends = Vec::new();
    let mut reads = Vec::new();
    for job in round {
        match job {
            Job::Append {
                request,
                bytes,
                reply,
            } => appends.push((request, bytes, reply)),
            Job::Read(read) => reads.push(read),
        }
    }
    let access = if appends.is_empty() {
        Access::Read
    } else {
        Access::Write
    };
    let ledger = match Ledger::open(path, wait, access) {
        Ok(ledger) => ledger,
        Err(e) => {
            let err = super::error::store_error(&e);
            for (_, _, reply) in appends {
                let _ = reply.send(Err(err.clone()));
            }
            for read in reads {
                read(Err(&e));
            }
            return;
        }
    };
    // A request whose client is gone (it timed out with a 503 while this round waited for
    // the file, or hung up) is not written: a 503 must not hide a later write. Only a
    // timeout during the transaction itself can still leave one written; its events carry
    // ids, so a retry with the same ids is a no-op.
    let mut appends = appends;
    appends.retain(|(_, _, reply)| !reply.is_closed());
    if !appends.is_empty() {
        append(&ledger, appends);
    }
    for read in reads {
        read(Ok(&ledger));
    }
}

/// Appends the group and answers each request.
fn append(ledger: &Ledger, appends: Vec<(Request, u64, Reply)>) {
    let bytes = appends.iter().map(|(_, b, _)| b).sum();
    let (requests, replies): (Vec<Request>, Vec<_>) =
        appends.into_iter().map(|(r, _, reply)| (r, reply)).unzip();
    let outcomes = ledger
        .ensure_space(bytes)
        .map_err(logbook::store::AppendError::from)
        .and_then(|()| ledger.append_group(&requests));
    match outcomes {
        Ok(outcomes) => {
            for (outcome, reply) in outcomes.into_iter().zip(replies) {
                let _ = reply.send(outcome.map_err(ApiError::from));
            }
        }
        Err(e) => {
            let err = ApiError::from(e);
            for reply in replies {
                let _ = reply.send(Err(err.clone()));
            }
        }
    }
}
