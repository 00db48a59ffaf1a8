//! The writer thread: takes records off the queue, writes them in batches,
//! and answers flushes once what they wait for is synced. Formatting,
//! hashing and I/O all happen here, never on a calling thread; syncing
//! between flushes is left to the sync thread.
//!
//! While records arrive the writer polls the queue every millisecond, so a
//! calling thread never has to wake it; after a tenth of a second without
//! records it sleeps until a calling thread wakes it. A batch that fails to
//! write is retried, with a growing pause, until it succeeds: records are
//! never dropped, and calling threads wait once the queue is full.

use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::event::Attempts;
use super::file::{Batch, LogFile};
use super::queue::Queue;
use super::syncer::Syncer;

/// How long the writer sleeps between polls while records arrive.
const POLL: Duration = Duration::from_millis(1);

/// How many empty polls in a row before the writer sleeps until woken.
const IDLE_POLLS: u32 = 100;

/// The writer thread's state.
pub(crate) struct Writer {
    queue: Arc<Queue>,
    file: LogFile,
    batch: Batch,
    /// Flushes answered once the batch is written and synced.
    flushes: Vec<Sender<()>>,
    syncer: Syncer,
}

impl Writer {
    pub(crate) fn new(queue: Arc<Queue>, file: LogFile, syncer: Syncer) -> Self {
        Writer { queue, file, batch: Batch::default(), flushes: Vec::new(), syncer }
    }

    /// Writes what the queue holds, for as long as the process runs.
    pub(crate) fn run(mut self) {
        let queue = Arc::clone(&self.queue);
        let _alive = queue.register_writer();
        let mut idle_polls = 0;
        loop {
            self.queue.take(&mut self.batch.records, &mut self.flushes);
            if !self.batch.records.is_empty() || !self.flushes.is_empty() {
                self.write_batch();
                idle_polls = 0;
            } else if idle_polls < IDLE_POLLS {
                idle_polls += 1;
                thread::park_timeout(POLL);
            } else {
                self.queue.sleep();
            }
        }
    }

    /// Writes the batch, synced if a flush waits for it (otherwise the sync
    /// thread syncs it within the interval), and answers the flushes.
    fn write_batch(&mut self) {
        let sync = !self.flushes.is_empty();
        let mut attempts = Attempts::default();
        while let Err(error) = self.file.commit(&mut self.batch, sync) {
            thread::sleep(attempts.failed(&error));
        }
        attempts.succeeded(self.file.path());
        if !sync {
            self.syncer.written();
        }
        for answer in self.flushes.drain(..) {
            // A caller that stopped waiting has nothing left to be told.
            let _ = answer.send(());
        }
    }
}
