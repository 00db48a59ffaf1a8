//! What the writer reports about itself: failed and recovered writes, and
//! torn lines it cut off. Every event is printed to standard error and
//! handed to the observers registered with [`observe`], which is where
//! metrics hook in.

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::AuditError;

/// Something the audit writer did that an operator should know about.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuditEvent<'a> {
    /// Writing or syncing the log failed. The records are kept, the writer
    /// retries after `retry_in` (doubling up to a second), and hook calls
    /// wait once the queue is full.
    WriteFailed {
        /// What failed.
        error: &'a AuditError,
        /// How many attempts have failed so far, counting from 1.
        attempt: u32,
        /// How long the writer waits before the next attempt.
        retry_in: Duration,
    },
    /// Writing works again after failed attempts; nothing was lost.
    WriteRecovered {
        /// The log's path.
        path: &'a Path,
        /// How many attempts had failed.
        attempts: u32,
    },
    /// The log ended in a torn line (a writer crashed mid-write), never
    /// acknowledged to any caller; the writer cut it off before appending.
    TornTailRemoved {
        /// The log's path.
        path: &'a Path,
        /// How many bytes were cut off.
        bytes: u64,
    },
}

impl fmt::Display for AuditEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditEvent::WriteFailed { error, attempt, retry_in } => {
                write!(f, "attempt {attempt} failed, retrying in {} ms: {error}", retry_in.as_millis())
            }
            AuditEvent::WriteRecovered { path, attempts } => {
                write!(f, "writing `{}` works again after {attempts} failed attempts; no record was lost", path.display())
            }
            AuditEvent::TornTailRemoved { path, bytes } => write!(
                f,
                "`{}` ended in a torn line ({bytes} bytes, left by a crash mid-write and never acknowledged); cut it off",
                path.display()
            ),
        }
    }
}

/// A function told of every [`AuditEvent`].
pub type Observer = fn(&AuditEvent<'_>);

static OBSERVERS: Mutex<Vec<Observer>> = Mutex::new(Vec::new());

/// Registers `observer` to be told of every [`AuditEvent`], e.g. to count
/// write failures in a metric.
///
/// Observers run on the writer thread: they must return quickly and must
/// not call a hook point (its record would wait for the very thread that
/// runs the observer).
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use agenthooks::audit::{observe, AuditEvent};
///
/// static WRITE_FAILURES: AtomicU64 = AtomicU64::new(0);
///
/// observe(|event| {
///     if let AuditEvent::WriteFailed { .. } = event {
///         WRITE_FAILURES.fetch_add(1, Ordering::Relaxed);
///     }
/// });
/// ```
pub fn observe(observer: Observer) {
    OBSERVERS.lock().unwrap_or_else(PoisonError::into_inner).push(observer);
}

/// Prints `event` to standard error (a failure only on attempts 1, 2, 4,
/// 8, …, so that a long outage does not flood it) and tells the observers.
pub(crate) fn emit(event: &AuditEvent<'_>) {
    if !matches!(event, AuditEvent::WriteFailed { attempt, .. } if !attempt.is_power_of_two()) {
        eprintln!("agenthooks audit: {event}");
    }
    let observers = OBSERVERS.lock().unwrap_or_else(PoisonError::into_inner).clone();
    for observer in observers {
        observer(event);
    }
}
