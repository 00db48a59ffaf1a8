//! The process's one audit log: starting it, the calling threads' side of
//! the queue, flushing, and the guard that flushes on shutdown.
//!
//! The log starts once per process: through [`init`], or, when a hook runs
//! before any `init`, by itself from [`AuditConfig::from_env`] in
//! synchronous mode (without a guard nothing could flush it at exit).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread;

use super::file::LogFile;
use super::queue::Queue;
use super::record::Record;
use super::syncer::Syncer;
use super::writer::Writer;
use super::{AuditConfig, AuditError, Durability};
use crate::Execution;

/// The running log.
struct Log {
    queue: Arc<Queue>,
    /// Whether each record waits until it is written and synced.
    synchronous: AtomicBool,
    path: PathBuf,
}

static LOG: OnceLock<Log> = OnceLock::new();
/// Held while the log starts, so that it starts once.
static STARTING: Mutex<()> = Mutex::new(());

/// Starts the audit log with `config`; the returned guard flushes it when
/// dropped. Call it once, at start-up, before any hook runs, and keep the
/// guard until the program ends.
///
/// Fails with a typed error when the log's directory cannot be created, its
/// file cannot be opened, locked or read, its last line does not verify, or
/// the log already started ([`AuditError::AlreadyStarted`]).
///
/// ```
/// use agenthooks::audit::{self, AuditConfig};
///
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("audit.jsonl");
/// let audit = audit::init(AuditConfig::new(&path)).expect("the audit log starts");
/// assert_eq!(audit.path(), path);
/// // … run the agent; dropping `audit` writes every record to disk.
/// assert!(audit::init(AuditConfig::new(&path)).is_err(), "the log starts once");
/// ```
pub fn init(config: AuditConfig) -> Result<AuditGuard, AuditError> {
    start(config).map(|log| AuditGuard { path: &log.path })
}

/// Writes every record made so far to the file and syncs it to disk; returns
/// once that is done. Does nothing if the log has not started.
///
/// While writes fail (see [`AuditEvent::WriteFailed`](super::AuditEvent)),
/// it waits for them to succeed.
pub fn flush() -> Result<(), AuditError> {
    LOG.get().map_or(Ok(()), Log::flush)
}

/// The path of the running log, if it has started.
pub fn path() -> Option<&'static Path> {
    LOG.get().map(|log| log.path.as_path())
}

/// Hands the record of one hook execution to the writer: the executor calls
/// this once per execution. Starts the log if it has not started.
///
/// Fails when the log has to start here and cannot, or its writer is gone;
/// the executor then refuses the call ([`HookError::Unaudited`]): a hook
/// execution that cannot be audited must not pass unnoticed. Call [`init`]
/// at start-up to get a start-up error as a value before any call.
///
/// [`HookError::Unaudited`]: crate::HookError::Unaudited
#[doc(hidden)]
pub fn record(execution: &Execution<'_>) -> Result<(), AuditError> {
    let log = match LOG.get() {
        Some(log) => log,
        None => start_unasked()?,
    };
    log.queue.push(Record::new(execution))?;
    if log.synchronous.load(Ordering::Relaxed) {
        log.flush()?;
    }
    Ok(())
}

/// Starts the log for a hook that ran before any [`init`].
#[cold]
#[inline(never)]
fn start_unasked() -> Result<&'static Log, AuditError> {
    let config = AuditConfig::from_env()?.durability(Durability::Synchronous);
    match start(config) {
        Err(AuditError::AlreadyStarted { .. }) => LOG.get().ok_or(AuditError::WriterStopped),
        started => started,
    }
}

fn start(config: AuditConfig) -> Result<&'static Log, AuditError> {
    let _starting = STARTING.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(log) = LOG.get() {
        return Err(AuditError::AlreadyStarted { path: log.path.clone() });
    }
    let file = LogFile::open(&config.path)?;
    let syncer = Syncer::start(file.try_clone()?, config.path.clone(), config.flush_interval)?;
    let queue = Arc::new(Queue::new(config.capacity));
    let writer = Writer::new(Arc::clone(&queue), file, syncer);
    thread::Builder::new().name("audit-writer".into()).spawn(move || writer.run()).map_err(AuditError::Spawn)?;
    let synchronous = AtomicBool::new(config.durability == Durability::Synchronous);
    Ok(LOG.get_or_init(|| Log { queue, synchronous, path: config.path }))
}

impl Log {
    fn flush(&self) -> Result<(), AuditError> {
        let done = self.queue.request_flush()?;
        done.recv().map_err(|_| AuditError::WriterStopped)
    }
}

/// Keeps the audit log's promise on orderly shutdown: dropping it writes
/// and syncs every record made so far.
///
/// After it drops, the log turns synchronous: a hook that still runs (on
/// another thread, during shutdown) returns only once its record is on disk.
/// `std::process::exit` and `panic = "abort"` skip destructors: call
/// [`flush`] before them.
#[must_use = "dropping the guard flushes the audit log: keep it until the program ends"]
#[derive(Debug)]
pub struct AuditGuard {
    path: &'static Path,
}

impl AuditGuard {
    /// The path of the log.
    pub fn path(&self) -> &'static Path {
        self.path
    }
}

impl Drop for AuditGuard {
    fn drop(&mut self) {
        if let Some(log) = LOG.get() {
            log.synchronous.store(true, Ordering::Relaxed);
            if let Err(error) = log.flush() {
                eprintln!("agenthooks audit: {error}");
            }
        }
    }
}
