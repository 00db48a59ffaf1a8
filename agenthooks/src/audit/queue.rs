//! The bounded queue between the calling threads and the writer.
//!
//! A calling thread pushes one record under a short lock and, unless the
//! writer sleeps, wakes no one. The writer takes every waiting record and
//! flush request at once, so a flush is answered only after every record
//! pushed before it is written. When the queue holds `capacity` records, or
//! `max_unwritten` records are queued or being written, calling threads
//! wait until the writer takes or writes: nothing is ever dropped while the
//! writer works. Once the writer stops (it gave up, or panicked) the queue
//! refuses every record and flush, and wakes everyone waiting.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, Thread};

use super::record::Record;
use super::AuditError;

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
        }
    }

    /// Adds `record`, waiting while the queue is full or too many records
    /// are unwritten; fails once the writer is gone.
    pub(crate) fn push(&self, record: Record) -> Result<(), AuditError> {
        let mut pending = self.lock();
        loop {
            if self.stopped.load(Ordering::SeqCst) {
                return Err(stop_reason(&pending));
            }
            if pending.records.len() < self.capacity && pending.unwritten < self.max_unwritten {
                break;
            }
            // The writer polls while records arrive: at the bound, wake it
            // now rather than at its next poll.
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
        pending.unwritten -= count;
        let waiting = pending.waiting > 0;
        drop(pending);
        if waiting {
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

    /// The writer's side: sleeps until a record or flush request arrives.
    pub(crate) fn sleep(&self) {
        self.writer_asleep.store(true, Ordering::SeqCst);
        // A push that missed the flag left its record in view.
        let idle = {
            let pending = self.lock();
            pending.records.is_empty() && pending.flushes.is_empty()
        };
        if idle {
            thread::park();
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
