//! The process's one audit log: starting it, the calling threads' side of
//! the queue, flushing, and the guard that flushes on shutdown.
//!
//! The log starts once per process: through [`init`], or, when a hook runs
//! before any `init`, by itself from [`AuditConfig::from_env`] in
//! synchronous mode. The executor asks [`ready`] before a call's first hook
//! runs, so that a call the log cannot take runs no hook at all.
//!
//! Every normal end of the program flushes the log: the guard's drop, and a
//! handler registered with the C library's `atexit` when the log starts,
//! which both a return from `main` and `std::process::exit` run (Unix).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread;

use quanta::Instant;

use super::file::LogFile;
use super::line::Record;
use super::ship::Shipper;
use super::writer::{Queue, Syncer, Writer};
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
/// it waits for them to succeed, or fails with [`AuditError::Failed`] once
/// the writer gives up.
pub fn flush() -> Result<(), AuditError> {
    LOG.get().map_or(Ok(()), Log::flush)
}

/// The path of the running log, if it has started.
pub fn path() -> Option<&'static Path> {
    LOG.get().map(|log| log.path.as_path())
}

/// Makes sure the log can take records: starts it if it has not started
/// (see [`start_unasked`]), fails if it cannot start or its writer is gone.
/// The executor asks this once per call, before the first selected hook
/// runs, and refuses the call ([`HookError::Unaudited`]) when it fails: a
/// call the log cannot audit runs no hook. Once started, one atomic load.
///
/// [`HookError::Unaudited`]: crate::HookError::Unaudited
#[inline]
pub(crate) fn ready() -> Result<(), AuditError> {
    match LOG.get() {
        Some(log) => log.queue.check(),
        None => start_unasked().and_then(|log| log.queue.check()),
    }
}

/// Hands the record of one hook execution, which ended `at`, to the writer:
/// the executor calls this once per execution. Starts the log if it has not started.
///
/// Fails when the log has to start here and cannot, or its writer is gone;
/// the executor then refuses the call ([`HookError::Unaudited`]): a hook
/// execution that cannot be audited must not pass unnoticed. Call [`init`]
/// at start-up to get a start-up error as a value before any call.
///
/// [`HookError::Unaudited`]: crate::HookError::Unaudited
#[inline]
pub(crate) fn record(execution: &Execution<'_>, at: Instant) -> Result<(), AuditError> {
    let log = match LOG.get() {
        Some(log) => log,
        None => start_unasked()?,
    };
    log.queue.push(Record::new(execution, at))?;
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
    let keyed = config.key.is_some();
    let file = LogFile::open(&config.path, config.key)?;
    let queue = Arc::new(Queue::new(config.capacity, config.max_unwritten.unwrap_or(usize::MAX)));
    let syncer = Syncer::start(
        file.try_clone()?,
        config.path.clone(),
        config.flush_interval,
        config.write_attempts,
        Arc::clone(&queue),
    )?;
    let shipper = Shipper::new(config.sinks, config.schedule, keyed);
    let writer = Writer::new(Arc::clone(&queue), file, syncer, config.write_attempts, shipper);
    thread::Builder::new().name("audit-writer".into()).spawn(move || writer.run()).map_err(AuditError::Spawn)?;
    let synchronous = AtomicBool::new(config.durability == Durability::Synchronous);
    let log = LOG.get_or_init(|| Log { queue, synchronous, path: config.path });
    at_exit::register();
    Ok(log)
}

impl Log {
    fn flush(&self) -> Result<(), AuditError> {
        let done = self.queue.request_flush()?;
        done.recv().map_err(|_| self.queue.stop_reason())
    }

    /// What the guard's drop and the exit handler do: every later record
    /// waits until it is written, and every earlier one is written now.
    fn flush_at_end(&self) {
        self.synchronous.store(true, Ordering::Relaxed);
        self.queue.end();
        // On the writer thread (an observer ending the program) a flush
        // would wait for the thread that waits: write nothing more.
        if self.queue.is_writer() {
            eprintln!(
                "agenthooks audit: the program ended on the audit writer thread; records still queued are not written"
            );
            return;
        }
        if let Err(error) = self.flush() {
            eprintln!("agenthooks audit: {error}");
        }
    }
}

/// The exit handler that flushes the log however the program ends
/// normally, guard or not.
#[cfg(unix)]
mod at_exit {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::sync::Once;

    use super::LOG;

    /// Registers the handler, once per process.
    pub(super) fn register() {
        static REGISTERED: Once = Once::new();
        REGISTERED.call_once(|| {
            // SAFETY: `atexit` only stores the pointer to `flush_log`, a
            // function with the C ABI and no arguments that lives as long as
            // the program and never unwinds (it catches every panic).
            #[allow(unsafe_code)]
            let failed = unsafe { libc::atexit(flush_log) } != 0;
            if failed {
                eprintln!("agenthooks audit: cannot register the exit handler; keep the `AuditGuard` until the program ends, or call `audit::flush` before exiting");
            }
        });
    }

    /// Run by the C library when the program exits (a return from `main`,
    /// `std::process::exit` on any thread): flushes the log. It takes no
    /// lock a starting log holds, and does not wait on the writer thread
    /// from the writer thread; a failing write ends in bounded time.
    extern "C" fn flush_log() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            if let Some(log) = LOG.get() {
                log.flush_at_end();
            }
        }));
    }
}

/// Without a C exit handler, the guard's drop is what flushes the log.
#[cfg(not(unix))]
mod at_exit {
    pub(super) fn register() {}
}

/// Keeps the audit log's promise on orderly shutdown: dropping it writes
/// and syncs every record made so far.
///
/// After it drops, the log turns synchronous: a hook that still runs (on
/// another thread, during shutdown) returns only once its record is on disk.
///
/// On Unix the log is also flushed when the program exits, guard or not: a
/// return from `main` (with `Ok` or `Err`, or a panic unwinding out of it),
/// `std::process::exit` on any thread, a guard kept in a `static` or
/// forgotten all write and sync every record. What no handler runs for
/// loses the records not yet written: `panic = "abort"`, a signal that
/// kills the process (SIGKILL, an unhandled SIGTERM), `libc::_exit`, and a
/// crash (see [`Durability::Buffered`] and
/// [`AuditConfig::max_unwritten`](super::AuditConfig::max_unwritten) for
/// how many). On other systems, keep the guard until the program ends, or
/// call [`flush`] before `std::process::exit`.
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
            log.flush_at_end();
        }
    }
}
