//! Where the audit log lives and how durably it is written: the settings
//! [`init`](super::init) starts the log with.
//!
//! The path comes from, in order: the path given to [`AuditConfig::new`],
//! the `AGENTHOOKS_AUDIT_PATH` environment variable ([`AuditConfig::from_env`]),
//! then, for a program cargo started (`cargo test`, `cargo run`), a file
//! beside the program under the target directory, and for any other program
//! `~/.agenthooks/audit.jsonl`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::AuditError;

/// The environment variable that names the audit log's path when no path is
/// given in code.
pub const PATH_ENV: &str = "AGENTHOOKS_AUDIT_PATH";

/// The path `AGENTHOOKS_AUDIT_PATH` names, if set and not empty.
fn env_path() -> Option<PathBuf> {
    std::env::var_os(PATH_ENV).filter(|path| !path.is_empty()).map(PathBuf::from)
}

/// `<program's directory>/agenthooks-audit/<program's name>.jsonl`.
fn beside_program() -> Option<PathBuf> {
    let program = std::env::current_exe().ok()?;
    let name = program.file_name()?.to_owned();
    let mut path = program.parent()?.join("agenthooks-audit").join(name);
    path.as_mut_os_string().push(".jsonl");
    Some(path)
}

/// How far a record has gone when the hook call that made it returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Durability {
    /// The call only hands the record to the writer thread, which writes it
    /// as soon as it can and syncs the file to disk on every flush interval,
    /// on [`flush`](super::flush), when the [`AuditGuard`](super::AuditGuard)
    /// drops and when the process exits. Nothing is lost on an orderly end of
    /// the program. A crash of the process loses the records not yet
    /// written: at most the queue's capacity plus one batch in flight (twice
    /// [`AuditConfig::capacity`], 16,384 by default), or at most
    /// [`AuditConfig::max_unwritten`] when set. A crash of the machine loses
    /// those not yet synced (at most the last flush interval).
    #[default]
    Buffered,
    /// The call returns only once its record is written and synced to disk:
    /// nothing acknowledged is lost, even on a crash. Each hook execution
    /// waits for a disk sync (concurrent calls share one).
    Synchronous,
}

/// The settings of the audit log: its path, durability, flush interval,
/// queue capacity, how many records a crash may lose, and how long failing
/// writes are retried.
///
/// ```
/// use std::time::Duration;
/// use agenthooks::audit::{AuditConfig, Durability};
///
/// let config = AuditConfig::new("/var/log/agent/audit.jsonl")
///     .durability(Durability::Synchronous)
///     .flush_interval(Duration::from_millis(50));
/// assert_eq!(config.path().to_str(), Some("/var/log/agent/audit.jsonl"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditConfig {
    pub(crate) path: PathBuf,
    pub(crate) durability: Durability,
    pub(crate) flush_interval: Duration,
    pub(crate) capacity: usize,
    pub(crate) max_unwritten: Option<usize>,
    pub(crate) write_attempts: u32,
}

impl AuditConfig {
    /// How many records may wait for the writer before hook calls wait for
    /// room: the queue's bound.
    pub const DEFAULT_CAPACITY: usize = 8192;

    /// How often a buffered log is synced to disk while records arrive.
    pub const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_millis(200);

    /// How many attempts in a row a write or sync that fails with a
    /// transient error (a full disk, a quota, a file size limit) gets before
    /// the writer gives up: with pauses doubling from 10 ms up to a second,
    /// about 53 seconds.
    pub const DEFAULT_WRITE_ATTEMPTS: u32 = 60;

    /// A buffered log at `path`, whatever `AGENTHOOKS_AUDIT_PATH` says.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        AuditConfig {
            path: path.into(),
            durability: Durability::Buffered,
            flush_interval: Self::DEFAULT_FLUSH_INTERVAL,
            capacity: Self::DEFAULT_CAPACITY,
            max_unwritten: None,
            write_attempts: Self::DEFAULT_WRITE_ATTEMPTS,
        }
    }

    /// A buffered log at the path `AGENTHOOKS_AUDIT_PATH` names; when it is
    /// unset or empty, for a program cargo started (`cargo test`, `cargo
    /// run`: the `CARGO` variable is set), at
    /// `<program's directory>/agenthooks-audit/<program's name>.jsonl`, under
    /// the target directory, so that a hook crate's tests never write to the
    /// home directory and each test binary has a log of its own; for any
    /// other program, at [`deployment_path`](Self::deployment_path).
    ///
    /// Fails with [`AuditError::NoPath`] when no path can be derived.
    pub fn from_env() -> Result<Self, AuditError> {
        let under_cargo = std::env::var_os("CARGO").is_some() && env_path().is_none();
        let path = if under_cargo { beside_program() } else { None };
        path.or_else(Self::deployment_path).map(Self::new).ok_or(AuditError::NoPath)
    }

    /// Where a deployment's log is when no path is given in code:
    /// `AGENTHOOKS_AUDIT_PATH`, else `~/.agenthooks/audit.jsonl`; `None` when
    /// neither the variable nor a home directory is known. The `agenthooks`
    /// command reads this log when given no path.
    pub fn deployment_path() -> Option<PathBuf> {
        env_path().or_else(|| std::env::home_dir().map(|home| home.join(".agenthooks").join("audit.jsonl")))
    }

    /// The same settings with `durability`.
    #[must_use]
    pub fn durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }

    /// The same settings, syncing a buffered log to disk every `interval`
    /// while records arrive.
    #[must_use]
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.flush_interval = interval;
        self
    }

    /// The same settings with room for `capacity` waiting records (at least
    /// one); when the queue is full, hook calls wait for the writer.
    #[must_use]
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// The same settings, with at most `records` records (at least one)
    /// acknowledged to callers and not yet written to the file: a hook call
    /// waits while that many are queued or being written. This bounds what a
    /// crash of the process (SIGKILL, `panic = "abort"`) can lose in
    /// [`Durability::Buffered`] mode to `records`; without it the bound is
    /// the queue plus one batch in flight, twice the capacity. A small bound
    /// makes calls wait for the writer more often; `1` is close to
    /// synchronous mode without the disk sync.
    #[must_use]
    pub fn max_unwritten(mut self, records: usize) -> Self {
        self.max_unwritten = Some(records.max(1));
        self
    }

    /// The same settings, giving a write or sync that fails with a transient
    /// error `attempts` attempts in a row (at least one) before the writer
    /// gives up (see [`AuditError::Failed`]). Errors that no retry can mend
    /// (a bad file handle, an invalid argument, a read-only file system, an
    /// I/O error on sync) stop the writer at the first attempt.
    #[must_use]
    pub fn write_attempts(mut self, attempts: u32) -> Self {
        self.write_attempts = attempts.max(1);
        self
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
