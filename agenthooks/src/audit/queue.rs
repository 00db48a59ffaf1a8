//! The bounded queue between the calling threads and the writer.
//!
//! A calling thread pushes one record under a short lock and, unless the
//! writer sleeps, wakes no one. The writer takes every waiting record and
//! flush request at once, so a flush is answered only after every record
//! pushed before it is written. When the queue holds `capacity` records,
//! calling threads wait until the writer takes: nothing is ever dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
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
}

/// A bounded multi-producer queue with one consumer, the writer.
pub(crate) struct Queue {
    pending: Mutex<Pending>,
    /// Signalled when the writer takes from a full queue.
    room: Condvar,
    capacity: usize,
    writer: OnceLock<Thread>,
    /// Whether the writer sleeps until woken.
    writer_asleep: AtomicBool,
    /// Whether the writer thread is gone (it panicked).
    stopped: AtomicBool,
}

impl Queue {
    pub(crate) fn new(capacity: usize) -> Self {
        Queue {
            pending: Mutex::new(Pending { records: Vec::with_capacity(capacity), flushes: Vec::new() }),
            room: Condvar::new(),
            capacity,
            writer: OnceLock::new(),
            writer_asleep: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
        }
    }

    /// Adds `record`, waiting while the queue is full; fails once the writer
    /// is gone.
    pub(crate) fn push(&self, record: Record) -> Result<(), AuditError> {
        let mut pending = self.lock();
        loop {
            if self.stopped.load(Ordering::SeqCst) {
                return Err(AuditError::WriterStopped);
            }
            if pending.records.len() < self.capacity {
                break;
            }
            pending = self.room.wait(pending).unwrap_or_else(PoisonError::into_inner);
        }
        pending.records.push(record);
        drop(pending);
        if self.writer_asleep.load(Ordering::SeqCst) {
            self.wake_writer();
        }
        Ok(())
    }

    /// Asks the writer to write and sync every record pushed so far; the
    /// returned channel answers once it has.
    pub(crate) fn request_flush(&self) -> Result<std::sync::mpsc::Receiver<()>, AuditError> {
        let (answer, done) = std::sync::mpsc::channel();
        let mut pending = self.lock();
        if self.stopped.load(Ordering::SeqCst) {
            return Err(AuditError::WriterStopped);
        }
        pending.flushes.push(answer);
        drop(pending);
        self.wake_writer();
        Ok(done)
    }

    fn wake_writer(&self) {
        if let Some(writer) = self.writer.get() {
            writer.unpark();
        }
    }

    /// Swaps every waiting record and flush request with `records` and
    /// `flushes`, which must be empty (the writer's side).
    pub(crate) fn take(&self, records: &mut Vec<Record>, flushes: &mut Vec<Sender<()>>) {
        let mut pending = self.lock();
        let was_full = pending.records.len() >= self.capacity;
        std::mem::swap(&mut pending.records, records);
        std::mem::swap(&mut pending.flushes, flushes);
        drop(pending);
        if was_full {
            self.room.notify_all();
        }
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

/// Held by the writer thread while it runs; if it ever stops (a panic),
/// calling threads get [`AuditError::WriterStopped`] instead of waiting
/// forever for room.
pub(crate) struct WriterAlive<'a>(&'a Queue);

impl Drop for WriterAlive<'_> {
    fn drop(&mut self) {
        let _pending = self.0.lock();
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.room.notify_all();
    }
}
