//! The sync thread of a buffered log: syncs the file to disk at most once
//! per flush interval while the writer writes, so that the writer never
//! waits for the disk except when a flush asks it to.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, Thread};
use std::time::Duration;

use super::event::Attempts;
use super::AuditError;

/// The writer's handle on the sync thread.
pub(crate) struct Syncer {
    /// Whether the file was written since the last sync.
    dirty: Arc<AtomicBool>,
    thread: Thread,
}

impl Syncer {
    /// Starts the thread that syncs `file` (the log at `path`) at most once
    /// every `interval`.
    pub(crate) fn start(file: File, path: PathBuf, interval: Duration) -> Result<Self, AuditError> {
        let dirty = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&dirty);
        let thread = thread::Builder::new()
            .name("audit-sync".into())
            .spawn(move || run(&file, &path, &flag, interval))
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

fn run(file: &File, path: &Path, dirty: &AtomicBool, interval: Duration) {
    let mut attempts = Attempts::default();
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
                let retry_in = attempts.failed(&AuditError::Write { path: path.to_owned(), source });
                thread::sleep(retry_in.max(interval));
            }
        }
    }
}
