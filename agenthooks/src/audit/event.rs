//! What the audit log reports about itself: failed and recovered writes and
//! syncs, and torn lines it cut off. Every event is printed to standard
//! error and handed to the observers registered with [`observe`], which is
//! where metrics hook in.

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::AuditError;

/// Something the audit writer did that an operator should know about.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuditEvent<'a> {
    /// Writing or syncing the log failed. The records are kept and the
    /// attempt is retried after `retry_in` (doubling up to a second); while
    /// writes fail, hook calls wait once the queue is full.
    WriteFailed {
        /// What failed.
        error: &'a AuditError,
        /// How many attempts have failed so far, counting from 1.
        attempt: u32,
        /// How long before the next attempt.
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

/// The failed attempts at one operation in a row, reported as they happen.
#[derive(Default)]
pub(crate) struct Attempts {
    failed: u32,
}

impl Attempts {
    /// The pause before the first retry; it doubles up to a second.
    const FIRST_PAUSE: Duration = Duration::from_millis(10);
    const MAX_PAUSE: Duration = Duration::from_secs(1);

    /// Reports one more failed attempt; returns how long to wait before the
    /// next.
    pub(crate) fn failed(&mut self, error: &AuditError) -> Duration {
        self.failed += 1;
        let retry_in = Self::FIRST_PAUSE.saturating_mul(1 << (self.failed - 1).min(10)).min(Self::MAX_PAUSE);
        emit(&AuditEvent::WriteFailed { error, attempt: self.failed, retry_in });
        retry_in
    }

    /// Reports that the operation works again, if it had failed.
    pub(crate) fn succeeded(&mut self, path: &Path) {
        if self.failed > 0 {
            emit(&AuditEvent::WriteRecovered { path, attempts: self.failed });
            self.failed = 0;
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
