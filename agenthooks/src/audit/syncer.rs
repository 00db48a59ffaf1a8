//! The sync thread of a buffered log: syncs the file to disk at most once
//! per flush interval while the writer writes, so that the writer never
//! waits for the disk except when a flush asks it to. A sync that fails is
//! retried like a write; when retrying is no use it stops the queue, as the
//! writer does, so that no call is acknowledged that no sync will keep.

use std::fs::File;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, Thread};
use std::time::Duration;

use super::event::{emit, Attempts, AuditEvent};
use super::queue::Queue;
use super::AuditError;
use crate::unwind::panic_message;

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
                let failed = catch_unwind(AssertUnwindSafe(|| run(&file, &path, &flag, interval, attempts)));
                let (error, attempts) = match failed {
                    Ok(gave_up) => gave_up,
                    Err(panic) => {
                        let lost = queue.stop(None);
                        eprintln!(
                            "agenthooks audit: the sync thread panicked ({}); {lost} record(s) not written are lost, and every hook call now fails",
                            panic_message(&*panic)
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
fn run(file: &File, path: &Path, dirty: &AtomicBool, interval: Duration, attempts: u32) -> (AuditError, u32) {
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
