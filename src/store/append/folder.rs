//! Folding, on a thread of its own, the projections of the incidents a large append lets go
//! of while it goes on: the fold is pure, so only writing its result stays with the writer,
//! which takes the results in the order it sent the streams (an incident let go of twice is
//! written in that order). Started only by an append that touches more incidents than the
//! writer keeps in memory; a small append folds on the writer's thread, as before.

use crate::record::Stored;
use crate::store::projections::{Projected, project};
use std::sync::mpsc::{Receiver, Sender, SyncSender, TryRecvError};
use std::thread::JoinHandle;

/// The whole stream of an incident, sent to be folded.
type Stream = (String, Vec<Stored>);
/// What the fold of a stream gave.
type Folded = (String, Option<Projected>);

/// The folding thread and what is on its way to and from it, in batches: one stream at a
/// time, waking the thread and the writer cost more system time than the folds saved.
pub(super) struct Folder {
    to: Option<SyncSender<Vec<Stream>>>,
    batch: Vec<Stream>,
    from: Receiver<Vec<Folded>>,
    /// Batches sent and not yet received back.
    in_flight: usize,
    thread: Option<JoinHandle<()>>,
}

/// Streams per batch.
const BATCH: usize = 256;
/// Batches waiting for the thread before the writer waits for it in turn (bounds memory).
const WAITING: usize = 8;

impl Folder {
    pub(super) fn start() -> Folder {
        let (to, batches) = std::sync::mpsc::sync_channel::<Vec<Stream>>(WAITING);
        let (done, from): (Sender<Vec<Folded>>, _) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            for batch in batches {
                let folded = batch
                    .into_iter()
                    .map(|(key, stream)| {
                        let projected = project(&key, &stream);
                        (key, projected)
                    })
                    .collect();
                if done.send(folded).is_err() {
                    return;
                }
            }
        });
        Folder {
            to: Some(to),
            batch: Vec::with_capacity(BATCH),
            from,
            in_flight: 0,
            thread: Some(thread),
        }
    }

    /// Sends the whole stream of incident `key` to be folded (with the next full batch).
    pub(super) fn send(&mut self, key: String, stream: Vec<Stored>) {
        self.batch.push((key, stream));
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let sent = self.to.as_ref().map(|to| to.send(batch));
        match sent {
            Some(Ok(())) => self.in_flight += 1,
            // The thread is gone: only a panic ends it early, which `wait` passes on.
            _ => self.rethrow(),
        }
    }

    /// The folds of the batches done so far, in the order their streams were sent.
    pub(super) fn ready(&mut self) -> Vec<Folded> {
        self.receive(false)
    }

    /// Every fold still on its way, waiting for them, in order.
    pub(super) fn wait(&mut self) -> Vec<Folded> {
        self.flush();
        self.receive(true)
    }

    /// The folds back from the thread, in order: all that are owed when `block`, else those
    /// already there.
    fn receive(&mut self, block: bool) -> Vec<Folded> {
        let mut out = Vec::new();
        while self.in_flight > 0 {
            let batch = if block {
                self.from.recv().ok()
            } else {
                match self.from.try_recv() {
                    Ok(batch) => Some(batch),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => None,
                }
            };
            match batch {
                Some(folded) => {
                    self.in_flight -= 1;
                    out.extend(folded);
                }
                None => self.rethrow(),
            }
        }
        out
    }

    /// Passes the folding thread's panic (a bug) on to the writer's thread.
    fn rethrow(&mut self) -> ! {
        self.to = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            _ => panic!(
                "the folding thread ended with {} batches owed",
                self.in_flight
            ),
        }
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        // Closing the channel ends the thread once it has folded what it was sent.
        self.to = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
