//! The writer: the queue between the calling threads and the writer
//! thread, the writer thread that formats, hashes and writes batches, and
//! the sync thread that syncs the file between flushes.
//!
//! # The queue
//!
//! A calling thread pushes one record under a short lock and, unless the
//! writer sleeps, wakes no one. The writer takes every waiting record and
//! flush request at once, so a flush is answered only after every record
//! pushed before it is written. When the queue holds `capacity` records, or
//! `max_unwritten` records are queued or being written, calling threads
//! wait until the writer takes or writes: nothing is ever dropped while the
//! writer works. Once the writer stops (it gave up, or panicked) the queue
//! refuses every record and flush, and wakes everyone waiting.
//!
//! # The writer thread
//!
//! Formatting, hashing and I/O all happen here, never on a calling thread.
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
//!
//! Once a batch is in the file, the writer ships it (see
//! [`ship`](super::ship)), before it answers the flushes that waited for
//! it; while no record arrives and a checkpoint is pending, it sleeps no
//! longer than until the checkpoint is due.
//!
//! # The sync thread
//!
//! In a buffered log, syncs the file to disk at most once per flush
//! interval while the writer writes, so that the writer never waits for the
//! disk except when a flush asks it to. A sync that fails is retried like a
//! write; when retrying is no use it stops the queue, as the writer does,
//! so that no call is acknowledged that no sync will keep.

use std::fs::File;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, Thread};
use std::time::Duration;

use super::event::{emit, Attempts, AuditEvent};
use super::file::{Batch, LogFile};
use super::line::Record;
use super::ship::Shipper;
use super::AuditError;
use crate::unwind::caught;

// ---- The queue.

/// What waits for the writer.
struct Pending {
    /// Hook executions, oldest first.
    records: Vec<Record>,
    /// Callers waiting until every record before their request is written
    /// and synced.
    flushes: Vec<Sender<()>>,
    /// Records pushed and not yet written: those above and the writer's
    /// batch.
    unwritten: usize,
    /// How many calling threads wait for room.
    waiting: usize,
    /// Why the writer stopped for good, when it gave up.
    failure: Option<Arc<AuditError>>,
    /// How many attempts in a row had failed when it gave up.
    attempts: u32,
}

/// A bounded multi-producer queue with one consumer, the writer.
pub(crate) struct Queue {
    pending: Mutex<Pending>,
    /// Signalled when the writer takes from a full queue or writes records
    /// that callers wait on, and when it stops.
    room: Condvar,
    capacity: usize,
    /// The most records pushed and not yet written.
    max_unwritten: usize,
    writer: OnceLock<Thread>,
    /// Whether the writer sleeps until woken.
    writer_asleep: AtomicBool,
    /// Whether the writer is gone or gave up: records are refused.
    stopped: AtomicBool,
    /// Whether the log is ending in order: the next batch written ships
    /// the chain's head.
    ending: AtomicBool,
}

impl Queue {
    /// A queue of `capacity` records that lets at most `max_unwritten` be
    /// pushed and not yet written.
    pub(crate) fn new(capacity: usize, max_unwritten: usize) -> Self {
        Queue {
            pending: Mutex::new(Pending {
                records: Vec::with_capacity(capacity),
                flushes: Vec::new(),
                unwritten: 0,
                waiting: 0,
                failure: None,
                attempts: 0,
            }),
            room: Condvar::new(),
            capacity,
            max_unwritten,
            writer: OnceLock::new(),
            writer_asleep: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            ending: AtomicBool::new(false),
        }
    }

    /// Says that the log is ending in order (before its last flush).
    pub(crate) fn end(&self) {
        self.ending.store(true, Ordering::SeqCst);
    }

    /// Adds `record`, waiting while the queue is full or too many records
    /// are unwritten; fails once the writer is gone.
    pub(crate) fn push(&self, record: Record) -> Result<(), AuditError> {
        let mut pending = self.lock();
        loop {
            if self.stopped.load(Ordering::SeqCst) {
                return Err(stop_reason(&pending));
            }
            let at_bound = pending.unwritten >= self.max_unwritten;
            if pending.records.len() < self.capacity && !at_bound {
                break;
            }
            // The writer polls while records arrive: with the queue full or
            // at the unwritten bound, wake it now rather than at its next
            // poll.
            self.wake_writer();
            pending.waiting += 1;
            pending = self.room.wait(pending).unwrap_or_else(PoisonError::into_inner);
            pending.waiting -= 1;
        }
        pending.records.push(record);
        pending.unwritten += 1;
        drop(pending);
        if self.writer_asleep.load(Ordering::SeqCst) {
            self.wake_writer();
        }
        Ok(())
    }

    /// Whether the queue takes records: fails once the writer is gone. One
    /// atomic load while it runs.
    #[inline]
    pub(crate) fn check(&self) -> Result<(), AuditError> {
        if self.stopped.load(Ordering::SeqCst) {
            return Err(stop_reason(&self.lock()));
        }
        Ok(())
    }

    /// Asks the writer to write and sync every record pushed so far; the
    /// returned channel answers once it has, and hangs up if it stops first.
    pub(crate) fn request_flush(&self) -> Result<Receiver<()>, AuditError> {
        let (answer, done) = std::sync::mpsc::channel();
        let mut pending = self.lock();
        if self.stopped.load(Ordering::SeqCst) {
            return Err(stop_reason(&pending));
        }
        pending.flushes.push(answer);
        drop(pending);
        self.wake_writer();
        Ok(done)
    }

    /// Why the queue refuses records (after a flush's channel hung up).
    pub(crate) fn stop_reason(&self) -> AuditError {
        stop_reason(&self.lock())
    }

    fn wake_writer(&self) {
        if let Some(writer) = self.writer.get() {
            writer.unpark();
        }
    }

    /// Whether the calling thread is the writer.
    pub(crate) fn is_writer(&self) -> bool {
        self.writer.get().is_some_and(|writer| writer.id() == thread::current().id())
    }

    /// Swaps every waiting record and flush request with `records` and
    /// `flushes`, which must be empty (the writer's side).
    pub(crate) fn take(&self, records: &mut Vec<Record>, flushes: &mut Vec<Sender<()>>) {
        let mut pending = self.lock();
        let was_full = pending.records.len() >= self.capacity;
        std::mem::swap(&mut pending.records, records);
        std::mem::swap(&mut pending.flushes, flushes);
        let waiting = pending.waiting > 0;
        drop(pending);
        if was_full && waiting {
            self.room.notify_all();
        }
    }

    /// The writer's side: `count` records taken earlier are in the file.
    pub(crate) fn written(&self, count: usize) {
        let mut pending = self.lock();
        let was_at_bound = pending.unwritten >= self.max_unwritten;
        pending.unwritten -= count;
        let waiting = pending.waiting > 0;
        drop(pending);
        if was_at_bound && waiting {
            self.room.notify_all();
        }
    }

    /// How many records were pushed and are not yet written.
    pub(crate) fn unwritten(&self) -> usize {
        self.lock().unwritten
    }

    /// Stops the queue for good: refuses every later record and flush,
    /// hangs up on the flushes waiting, wakes the callers waiting for room.
    /// `failure` is the error the writer gave up on and how many attempts in
    /// a row had failed; `None` when the writer panicked. Returns how many
    /// acknowledged records will never be written.
    pub(crate) fn stop(&self, failure: Option<(Arc<AuditError>, u32)>) -> usize {
        let mut pending = self.lock();
        if let (None, Some((cause, attempts))) = (&pending.failure, failure) {
            pending.failure = Some(cause);
            pending.attempts = attempts;
        }
        self.stopped.store(true, Ordering::SeqCst);
        let lost = pending.unwritten;
        pending.records.clear();
        pending.flushes.clear();
        pending.unwritten = 0;
        drop(pending);
        self.room.notify_all();
        lost
    }

    /// Registers the calling thread as the writer, the thread that
    /// [`sleep`](Self::sleep) concerns and pushes wake; the queue refuses
    /// records once the returned value drops.
    pub(crate) fn register_writer(&self) -> WriterAlive<'_> {
        let _ = self.writer.set(thread::current());
        WriterAlive(self)
    }

    /// The writer's side: sleeps until a record or flush request arrives,
    /// or at most `timeout` when given.
    pub(crate) fn sleep(&self, timeout: Option<Duration>) {
        self.writer_asleep.store(true, Ordering::SeqCst);
        // A push that missed the flag left its record in view.
        let idle = {
            let pending = self.lock();
            pending.records.is_empty() && pending.flushes.is_empty()
        };
        if idle {
            match timeout {
                Some(timeout) => thread::park_timeout(timeout),
                None => thread::park(),
            }
        }
        self.writer_asleep.store(false, Ordering::SeqCst);
    }

    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The error a stopped queue answers with.
fn stop_reason(pending: &Pending) -> AuditError {
    match &pending.failure {
        Some(cause) => AuditError::Failed { attempts: pending.attempts, cause: Arc::clone(cause) },
        None => AuditError::WriterStopped,
    }
}

/// Held by the writer thread while it runs; if it ever stops (it gave up,
/// or panicked), calling threads get an error instead of waiting forever
/// for room or for a flush.
pub(crate) struct WriterAlive<'a>(&'a Queue);

impl Drop for WriterAlive<'_> {
    fn drop(&mut self) {
        let mut pending = self.0.lock();
        self.0.stopped.store(true, Ordering::SeqCst);
        // Hang up on the flushes the writer never took.
        pending.flushes.clear();
        drop(pending);
        self.0.room.notify_all();
    }
}

// ---- The writer thread.

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
    /// Where written batches and checkpoints are shipped, if anywhere.
    shipper: Option<Shipper>,
}

impl Writer {
    pub(crate) fn new(
        queue: Arc<Queue>,
        file: LogFile,
        syncer: Syncer,
        write_attempts: u32,
        shipper: Option<Shipper>,
    ) -> Self {
        let batch = Batch::new(shipper.as_ref().is_some_and(Shipper::exports_records));
        Writer { queue, file, batch, flushes: Vec::new(), syncer, write_attempts, shipper }
    }

    /// Writes what the queue holds until the process ends or writing fails
    /// for good; a panic is caught, reported, and stops the queue.
    pub(crate) fn run(self) {
        let queue = Arc::clone(&self.queue);
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| self.write_until_failure())) {
            let lost = queue.stop(None);
            eprintln!(
                "agenthooks audit: the writer thread panicked ({}); {lost} record(s) not written are lost, and every hook call now fails",
                caught(panic)
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
            } else {
                if let Some(shipper) = &mut self.shipper {
                    shipper.idle();
                }
                if idle_polls < IDLE_POLLS {
                    idle_polls += 1;
                    thread::park_timeout(POLL);
                } else {
                    self.queue.sleep(self.shipper.as_ref().and_then(Shipper::next_due));
                }
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
        if let Some(shipper) = &mut self.shipper {
            let written = self.batch.written();
            if let (true, Some(head)) = (count > 0, written.head) {
                shipper.written(count, &written.lines, &written.times, head);
            }
            if self.queue.ending.load(Ordering::SeqCst) {
                shipper.at_end();
            }
        }
        for answer in self.flushes.drain(..) {
            // A caller that stopped waiting has nothing left to be told.
            let _ = answer.send(());
        }
        Ok(())
    }
}

// ---- The sync thread.

/// The writer's handle on the sync thread.
pub(crate) struct Syncer {
    /// Whether the file was written since the last sync.
    dirty: Arc<AtomicBool>,
    thread: Thread,
}

impl Syncer {
    /// Starts the thread that syncs `file` (the log at `path`) at most once
    /// every `interval`, giving a failing sync `attempts` attempts in a row
    /// before it stops `queue`.
    pub(crate) fn start(
        file: File,
        path: PathBuf,
        interval: Duration,
        attempts: u32,
        queue: Arc<Queue>,
    ) -> Result<Self, AuditError> {
        let dirty = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&dirty);
        let thread = thread::Builder::new()
            .name("audit-sync".into())
            .spawn(move || {
                let failed = catch_unwind(AssertUnwindSafe(|| sync_while_written(&file, &path, &flag, interval, attempts)));
                let (error, attempts) = match failed {
                    Ok(gave_up) => gave_up,
                    Err(panic) => {
                        let lost = queue.stop(None);
                        eprintln!(
                            "agenthooks audit: the sync thread panicked ({}); {lost} record(s) not written are lost, and every hook call now fails",
                            caught(panic)
                        );
                        return;
                    }
                };
                emit(&AuditEvent::GaveUp { error: &error, attempts, lost: queue.unwritten() });
                queue.stop(Some((Arc::new(error), attempts)));
            })
            .map_err(AuditError::Spawn)?
            .thread()
            .clone();
        Ok(Syncer { dirty, thread })
    }

    /// Says that the file was written: it will be synced within the interval.
    pub(crate) fn written(&self) {
        if !self.dirty.swap(true, Ordering::AcqRel) {
            self.thread.unpark();
        }
    }
}

/// Syncs the file whenever it was written, at most once per `interval`,
/// until a sync fails for good; returns that failure and how many attempts
/// in a row had failed.
fn sync_while_written(
    file: &File,
    path: &Path,
    dirty: &AtomicBool,
    interval: Duration,
    attempts: u32,
) -> (AuditError, u32) {
    let mut attempts = Attempts::new(attempts);
    loop {
        while !dirty.swap(false, Ordering::AcqRel) {
            thread::park();
        }
        match file.sync_data() {
            Ok(()) => {
                attempts.succeeded(path);
                thread::sleep(interval);
            }
            Err(source) => {
                dirty.store(true, Ordering::Release);
                let error = AuditError::Write { path: path.to_owned(), source };
                match attempts.failed(&error) {
                    Some(retry_in) => thread::sleep(retry_in.max(interval)),
                    None => return (error, attempts.count()),
                }
            }
        }
    }
}
