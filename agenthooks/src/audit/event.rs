//! What the audit log reports about itself: failed and recovered writes and
//! syncs, torn lines it cut off, and giving up. Every event is printed to
//! standard error and handed to the observers registered with [`observe`],
//! which is where metrics hook in. An observer that panics is reported and
//! skipped: it never stops the thread that tells it.
//!
//! Which failures are retried: an error that says the file system is full or
//! over a limit for now (no space, a quota, a file size limit, an
//! interrupted or timed-out call, any error not listed below) is retried
//! with a growing pause, up to [`AuditConfig::write_attempts`] attempts in a
//! row. An error no retry can mend stops the writer at once: a bad file
//! handle (`EBADF`), an invalid argument (`EINVAL`, which a FIFO or device
//! can return), permission denied, a read-only file system, a path that is
//! a directory or cannot seek, an unsupported operation, and an I/O error
//! (`EIO`): after a failed sync the kernel may have dropped the unwritten
//! pages, so a later sync that succeeds proves nothing. A log whose end no
//! longer verifies (another process wrote into it) stops it as well.
//!
//! [`AuditConfig::write_attempts`]: super::AuditConfig::write_attempts

use std::fmt;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::AuditError;
use crate::unwind::caught;

/// Something the audit writer did that an operator should know about.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuditEvent<'a> {
    /// Writing or syncing the log failed. The records are kept and the
    /// attempt is retried after `retry_in` (doubling up to a second); while
    /// writes fail, hook calls wait once the queue is full. When the error
    /// cannot be mended or the attempts run out, [`AuditEvent::GaveUp`]
    /// follows instead of a retry.
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
    /// The writer gave up: the error cannot be mended, or it kept failing
    /// for the configured number of attempts. The log stopped: every later
    /// hook call fails with [`HookError::Unaudited`](crate::HookError::Unaudited).
    GaveUp {
        /// The last failure.
        error: &'a AuditError,
        /// How many attempts in a row had failed.
        attempts: u32,
        /// How many acknowledged records were not written and are lost.
        lost: usize,
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
                write!(
                    f,
                    "attempt {attempt} failed, retrying in {} ms: {error}; the records are kept, and hook calls wait once the queue is full",
                    retry_in.as_millis()
                )
            }
            AuditEvent::WriteRecovered { path, attempts } => {
                write!(f, "writing `{}` works again after {attempts} failed attempts; no record was lost", path.display())
            }
            AuditEvent::GaveUp { error, attempts, lost } => write!(
                f,
                "gave up after {attempts} failed attempt(s): {error}; {lost} record(s) not written are lost, and every hook call now fails"
            ),
            AuditEvent::TornTailRemoved { path, bytes } => write!(
                f,
                "`{}` ended in a torn line ({bytes} bytes, left by a crash mid-write and never acknowledged); cut it off",
                path.display()
            ),
        }
    }
}

/// The failed attempts at one operation in a row, reported as they happen.
pub(crate) struct Attempts {
    failed: u32,
    /// How many attempts in a row may fail before giving up.
    limit: u32,
}

impl Attempts {
    /// The pause before the first retry; it doubles up to a second.
    const FIRST_PAUSE: Duration = Duration::from_millis(10);
    const MAX_PAUSE: Duration = Duration::from_secs(1);

    /// No failure yet; gives up once `limit` attempts in a row failed.
    pub(crate) fn new(limit: u32) -> Self {
        Attempts { failed: 0, limit }
    }

    /// Reports one more failed attempt; returns how long to wait before the
    /// next, or `None` when there is no point in another (the error cannot
    /// be mended, or the attempts ran out).
    pub(crate) fn failed(&mut self, error: &AuditError) -> Option<Duration> {
        self.failed += 1;
        if self.failed >= self.limit || is_permanent(error) {
            return None;
        }
        let retry_in = Self::FIRST_PAUSE.saturating_mul(1 << (self.failed - 1).min(10)).min(Self::MAX_PAUSE);
        emit(&AuditEvent::WriteFailed { error, attempt: self.failed, retry_in });
        Some(retry_in)
    }

    /// How many attempts in a row have failed.
    pub(crate) fn count(&self) -> u32 {
        self.failed
    }

    /// Reports that the operation works again, if it had failed.
    pub(crate) fn succeeded(&mut self, path: &Path) {
        if self.failed > 0 {
            emit(&AuditEvent::WriteRecovered { path, attempts: self.failed });
            self.failed = 0;
        }
    }
}

/// Whether no retry can mend `error` (see the module doc).
fn is_permanent(error: &AuditError) -> bool {
    match error {
        AuditError::Write { source, .. } | AuditError::Io { source, .. } => is_permanent_io(source),
        AuditError::Corrupt { .. } | AuditError::LineTooLong { .. } | AuditError::NotAFile { .. } => true,
        _ => false,
    }
}

fn is_permanent_io(error: &io::Error) -> bool {
    #[cfg(unix)]
    if matches!(error.raw_os_error(), Some(libc::EBADF | libc::EIO | libc::ENXIO | libc::ENODEV)) {
        return true;
    }
    matches!(
        error.kind(),
        io::ErrorKind::InvalidInput
            | io::ErrorKind::PermissionDenied
            | io::ErrorKind::ReadOnlyFilesystem
            | io::ErrorKind::IsADirectory
            | io::ErrorKind::NotSeekable
            | io::ErrorKind::Unsupported
    )
}

/// A function told of every [`AuditEvent`].
pub type Observer = fn(&AuditEvent<'_>);

static OBSERVERS: Mutex<Vec<Observer>> = Mutex::new(Vec::new());

/// Registers `observer` to be told of every [`AuditEvent`], e.g. to count
/// write failures in a metric.
///
/// Observers run on the writer thread: they must return quickly and must
/// not call a hook point (its record would wait for the very thread that
/// runs the observer). An observer that panics is reported on standard
/// error and the writer goes on.
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
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| observer(event))) {
            eprintln!(
                "agenthooks audit: an `audit::observe` callback panicked ({}) while told: {event}; the log goes on",
                caught(panic)
            );
        }
    }
}
