//! The writer thread: takes records off the queue, writes them in batches,
//! syncs the file, and answers flushes. Formatting, hashing and I/O all
//! happen here, never on a calling thread.
//!
//! While records arrive the writer polls the queue every millisecond, so a
//! calling thread never has to wake it; after a tenth of a second without
//! records it sleeps until a calling thread wakes it. A batch that fails to
//! write is retried, with a growing pause, until it succeeds: records are
//! never dropped, and calling threads wait once the queue is full.

use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::event::{emit, AuditEvent};
use super::file::{Batch, LogFile};
use super::queue::Queue;

/// How long the writer sleeps between polls while records arrive.
const POLL: Duration = Duration::from_millis(1);

/// How many empty polls in a row before the writer sleeps until woken.
const IDLE_POLLS: u32 = 100;

/// The pause before the first retry of a failed write; it doubles up to
/// [`MAX_RETRY_PAUSE`].
const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(10);
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(1);

/// The writer thread's state.
pub(crate) struct Writer {
    queue: Arc<Queue>,
    file: LogFile,
    batch: Batch,
    /// Flushes answered once the batch is written and synced.
    flushes: Vec<Sender<()>>,
    interval: Duration,
    /// When the file was last synced, and whether it was written since.
    synced_at: Instant,
    dirty: bool,
}

impl Writer {
    pub(crate) fn new(queue: Arc<Queue>, file: LogFile, interval: Duration) -> Self {
        Writer {
            queue,
            file,
            batch: Batch::default(),
            flushes: Vec::new(),
            interval,
            synced_at: Instant::now(),
            dirty: false,
        }
    }

    /// Writes what the queue holds, for as long as the process runs.
    pub(crate) fn run(mut self) {
        let queue = Arc::clone(&self.queue);
        let _alive = queue.register_writer();
        let mut idle_polls = 0;
        loop {
            self.queue.take(&mut self.batch.records, &mut self.flushes);
            let busy = !self.batch.records.is_empty() || !self.flushes.is_empty();
            if busy {
                self.write_batch();
            }
            // Synced at least every interval, however busy.
            let sync_due = self.interval.saturating_sub(self.synced_at.elapsed());
            if self.dirty && sync_due.is_zero() {
                self.settle(true);
            }
            if busy {
                idle_polls = 0;
            } else if idle_polls < IDLE_POLLS {
                idle_polls += 1;
                thread::park_timeout(POLL);
            } else {
                self.queue.sleep(self.dirty.then_some(sync_due));
            }
        }
    }

    /// Writes the batch, synced if a flush waits for it, and answers the
    /// flushes.
    fn write_batch(&mut self) {
        self.settle(!self.flushes.is_empty());
        for answer in self.flushes.drain(..) {
            // A caller that stopped waiting has nothing left to be told.
            let _ = answer.send(());
        }
    }

    /// Commits the batch (and syncs when `sync` is set), retrying until it
    /// succeeds.
    fn settle(&mut self, sync: bool) {
        let wrote = !self.batch.records.is_empty();
        let mut attempt = 0;
        while let Err(error) = self.file.commit(&mut self.batch, sync) {
            attempt += 1;
            let retry_in = FIRST_RETRY_PAUSE.saturating_mul(1 << (attempt - 1).min(10)).min(MAX_RETRY_PAUSE);
            emit(&AuditEvent::WriteFailed { error: &error, attempt, retry_in });
            thread::sleep(retry_in);
        }
        if attempt > 0 {
            emit(&AuditEvent::WriteRecovered { path: self.file.path(), attempts: attempt });
        }
        if sync {
            self.synced_at = Instant::now();
            self.dirty = false;
        } else {
            self.dirty |= wrote;
        }
    }
}
