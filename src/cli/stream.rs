//! Reading the log in seq-range batches (DESIGN section 3, "many hands"): each batch opens the
//! ledger, reads, and lets go of it before the batch is written out, so a slow consumer
//! (`logbook log | less`) never keeps a writer waiting. The log is append-only, so batches read
//! up to the head seen at the start form one consistent snapshot, however often it reopens.

use super::Context;
use super::error::CommandError;
use logbook::store::Ledger;

/// Events read at a time.
const BATCH: u64 = 8192;

/// Which way the batches go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    OldestFirst,
    NewestFirst,
}

/// The seq ranges of a snapshot of the log, in batches.
pub struct Batches {
    /// The next seq range to read, `None` when done.
    next: Option<(u64, u64)>,
    head: u64,
    direction: Direction,
}

impl Batches {
    /// The batches of the log as it is now (its head is read, then the ledger let go).
    pub fn new(ctx: &Context, direction: Direction) -> Result<Batches, CommandError> {
        let head = ctx.open()?.head()?.seq;
        let next = (head > 0).then(|| match direction {
            Direction::OldestFirst => (1, BATCH.min(head)),
            Direction::NewestFirst => (head.saturating_sub(BATCH - 1).max(1), head),
        });
        Ok(Batches {
            next,
            head,
            direction,
        })
    }

    /// The last seq of the snapshot.
    pub fn head(&self) -> u64 {
        self.head
    }

    /// Opens the ledger, reads the next batch with `read` and lets go of the ledger; `None`
    /// when the snapshot is done. Within a batch, events come in seq order.
    pub fn next<T>(
        &mut self,
        ctx: &Context,
        read: impl FnOnce(&Ledger, std::ops::RangeInclusive<u64>) -> Result<T, CommandError>,
    ) -> Result<Option<T>, CommandError> {
        let Some((from, to)) = self.next else {
            return Ok(None);
        };
        self.next = match self.direction {
            Direction::OldestFirst => {
                (to < self.head).then(|| (to + 1, (to + BATCH).min(self.head)))
            }
            Direction::NewestFirst => {
                (from > 1).then(|| ((from - 1).saturating_sub(BATCH - 1).max(1), from - 1))
            }
        };
        let ledger = ctx.open()?;
        let out = read(&ledger, from..=to)?;
        drop(ledger);
        Ok(Some(out))
    }
}
