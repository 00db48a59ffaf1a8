//! The bounded queue between the calling threads and the writer.
//!
//! A calling thread pushes one message under a short lock and, unless the
//! writer sleeps, wakes no one. The writer takes every waiting message at
//! once. When the queue is full, calling threads wait until the writer
//! takes: nothing is ever dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, Thread};
use std::time::Duration;

use super::record::Record;
use super::AuditError;

/// What a calling thread puts on the queue.
pub(crate) enum Message {
    /// One hook execution.
    Record(Record),
    /// Write and sync everything queued before this, then answer.
    Flush(Sender<()>),
}

/// A bounded multi-producer queue with one consumer, the writer.
pub(crate) struct Queue {
    messages: Mutex<Vec<Message>>,
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
            messages: Mutex::new(Vec::with_capacity(capacity)),
            room: Condvar::new(),
            capacity,
            writer: OnceLock::new(),
            writer_asleep: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
        }
    }

    /// Adds `message`, waiting while the queue is full; fails once the
    /// writer is gone.
    pub(crate) fn push(&self, message: Message) -> Result<(), AuditError> {
        let mut messages = self.lock();
        loop {
            if self.stopped.load(Ordering::SeqCst) {
                return Err(AuditError::WriterStopped);
            }
            if messages.len() < self.capacity {
                break;
            }
            messages = self.room.wait(messages).unwrap_or_else(PoisonError::into_inner);
        }
        messages.push(message);
        drop(messages);
        if self.writer_asleep.load(Ordering::SeqCst) {
            self.wake_writer();
        }
        Ok(())
    }

    /// Wakes the writer if it sleeps or polls.
    pub(crate) fn wake_writer(&self) {
        if let Some(writer) = self.writer.get() {
            writer.unpark();
        }
    }

    /// Moves every waiting message into `into` (the writer's side).
    pub(crate) fn take(&self, into: &mut Vec<Message>) {
        let mut messages = self.lock();
        let was_full = messages.len() >= self.capacity;
        std::mem::swap(&mut *messages, into);
        drop(messages);
        if was_full {
            self.room.notify_all();
        }
    }

    /// Registers the calling thread as the writer, the thread that
    /// [`sleep`](Self::sleep) and [`wake_writer`](Self::wake_writer) concern;
    /// the queue refuses messages once the returned value drops.
    pub(crate) fn register_writer(&self) -> WriterAlive<'_> {
        let _ = self.writer.set(thread::current());
        WriterAlive(self)
    }

    /// The writer's side: sleeps until a message arrives, or `timeout`
    /// passes.
    pub(crate) fn sleep(&self, timeout: Option<Duration>) {
        self.writer_asleep.store(true, Ordering::SeqCst);
        // A push that missed the flag left its message in view.
        if self.lock().is_empty() {
            match timeout {
                Some(timeout) => thread::park_timeout(timeout),
                None => thread::park(),
            }
        }
        self.writer_asleep.store(false, Ordering::SeqCst);
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Message>> {
        self.messages.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Held by the writer thread while it runs; if it ever stops (a panic),
/// calling threads get [`AuditError::WriterStopped`] instead of waiting
/// forever for room.
pub(crate) struct WriterAlive<'a>(&'a Queue);

impl Drop for WriterAlive<'_> {
    fn drop(&mut self) {
        let _messages = self.0.lock();
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.room.notify_all();
    }
}
