//! The writer thread: takes records off the queue, writes them in batches,
//! and answers flushes once what they wait for is synced. Formatting,
//! hashing and I/O all happen here, never on a calling thread; syncing
//! between flushes is left to the sync thread.
//!
//! While records arrive the writer polls the queue every millisecond, so a
//! calling thread never has to wake it; after a tenth of a second without
//! records it sleeps until a calling thread wakes it. A batch that fails to
//! write is retried, with a growing pause, while the error may mend (see
//! [`event`](super::event) for which errors do) and for at most the
//! configured number of attempts; then the writer gives up: it reports
//! [`AuditEvent::GaveUp`], stops the queue so that every waiting and later
//! call fails, and ends. A panic inside the writer is caught and reported,
//! and stops the queue the same way: no record is ever acknowledged by a
//! writer that silently went away.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::event::{emit, Attempts, AuditEvent};
use super::file::{Batch, LogFile};
use super::queue::Queue;
use super::syncer::Syncer;
use super::AuditError;
use crate::unwind::panic_message;

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
    /// How many attempts in a row a failing batch gets.
    write_attempts: u32,
}

impl Writer {
    pub(crate) fn new(queue: Arc<Queue>, file: LogFile, syncer: Syncer, write_attempts: u32) -> Self {
        Writer { queue, file, batch: Batch::default(), flushes: Vec::new(), syncer, write_attempts }
    }

    /// Writes what the queue holds until the process ends or writing fails
    /// for good; a panic is caught, reported, and stops the queue.
    pub(crate) fn run(self) {
        let queue = Arc::clone(&self.queue);
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| self.write_until_failure())) {
            let lost = queue.stop(None);
            eprintln!(
                "agenthooks audit: the writer thread panicked ({}); {lost} record(s) not written are lost, and every hook call now fails",
                panic_message(&*panic)
            );
        }
    }

    fn write_until_failure(mut self) {
        let queue = Arc::clone(&self.queue);
        let _alive = queue.register_writer();
        let mut idle_polls = 0;
        loop {
            self.queue.take(&mut self.batch.records, &mut self.flushes);
            if !self.batch.records.is_empty() || !self.flushes.is_empty() {
                if let Err((error, attempts)) = self.write_batch() {
                    // Told before the queue stops: once it stops, the program
                    // may end before anything else runs here.
                    emit(&AuditEvent::GaveUp { error: &error, attempts, lost: self.queue.unwritten() });
                    self.queue.stop(Some((Arc::new(error), attempts)));
                    return;
                }
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
    /// thread syncs it within the interval), and answers the flushes. Fails
    /// with the last error and the number of attempts once retrying is no
    /// use.
    fn write_batch(&mut self) -> Result<(), (AuditError, u32)> {
        let sync = !self.flushes.is_empty();
        let count = self.batch.records.len();
        let mut attempts = Attempts::new(self.write_attempts);
        while let Err(error) = self.file.commit(&mut self.batch, sync) {
            match attempts.failed(&error) {
                Some(pause) => thread::sleep(pause),
                None => return Err((error, attempts.count())),
            }
        }
        attempts.succeeded(self.file.path());
        self.queue.written(count);
        if !sync {
            self.syncer.written();
        }
        for answer in self.flushes.drain(..) {
            // A caller that stopped waiting has nothing left to be told.
            let _ = answer.send(());
        }
        Ok(())
    }
}
