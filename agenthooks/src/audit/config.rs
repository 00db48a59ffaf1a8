//! Where the audit log lives and how durably it is written: the settings
//! [`init`](super::init) starts the log with.
//!
//! The path comes from, in order: the path given to [`AuditConfig::new`],
//! the `AGENTHOOKS_AUDIT_PATH` environment variable ([`AuditConfig::from_env`]),
//! then, for a program cargo started (`cargo test`, `cargo run`), a file
//! beside the program under the target directory, and for any other program
//! `~/.agenthooks/audit.jsonl`.
//!
//! For fleets: a key that seals the chain ([`AuditConfig::key`], or the
//! file `AGENTHOOKS_AUDIT_KEY_FILE` names), checkpoints of the chain's head
//! shipped to a sink ([`AuditConfig::on_checkpoint`]), and every record and
//! checkpoint exported as an OpenTelemetry log record
//! ([`AuditConfig::export_logs`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use opentelemetry::logs::LoggerProvider;

use super::ship::{Schedule, Sinks};
use super::{export, AuditError, ChainKey, CheckpointSink};

/// The environment variable that names the audit log's path when no path is
/// given in code.
pub const PATH_ENV: &str = "AGENTHOOKS_AUDIT_PATH";

/// The environment variable that names the file holding the audit chain's
/// key (see [`ChainKey::from_file`]): read by [`AuditConfig::from_env`] and
/// by `agenthooks audit verify`. A file, not the key itself, so that the key
/// is not handed to every child process with the environment.
pub const KEY_FILE_ENV: &str = "AGENTHOOKS_AUDIT_KEY_FILE";

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
/// queue capacity, how many records a crash may lose, how long failing
/// writes are retried; and, for fleets, the chain's key, checkpoints and
/// OpenTelemetry log export. `Debug` never shows the key.
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
    pub(crate) key: Option<ChainKey>,
    pub(crate) schedule: Schedule,
    pub(crate) sinks: Sinks,
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

    /// After how many records a checkpoint is shipped, by default.
    pub const DEFAULT_CHECKPOINT_RECORDS: u64 = 10_000;

    /// After how long a checkpoint is shipped, by default, when records
    /// were written since the last.
    pub const DEFAULT_CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

    /// A buffered log at `path`, whatever `AGENTHOOKS_AUDIT_PATH` says.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        AuditConfig {
            path: path.into(),
            durability: Durability::Buffered,
            flush_interval: Self::DEFAULT_FLUSH_INTERVAL,
            capacity: Self::DEFAULT_CAPACITY,
            max_unwritten: None,
            write_attempts: Self::DEFAULT_WRITE_ATTEMPTS,
            key: None,
            schedule: Schedule {
                records: Self::DEFAULT_CHECKPOINT_RECORDS,
                interval: Self::DEFAULT_CHECKPOINT_INTERVAL,
            },
            sinks: Sinks::default(),
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
    /// The chain is keyed with the key in the file `AGENTHOOKS_AUDIT_KEY_FILE`
    /// names, when it is set and not empty.
    ///
    /// Fails with [`AuditError::NoPath`] when no path can be derived, and
    /// with [`AuditError::Key`] when the key file cannot be read or holds
    /// too short a key.
    pub fn from_env() -> Result<Self, AuditError> {
        let under_cargo = std::env::var_os("CARGO").is_some() && env_path().is_none();
        let path = if under_cargo { beside_program() } else { None };
        let config = path.or_else(Self::deployment_path).map(Self::new).ok_or(AuditError::NoPath)?;
        Ok(match ChainKey::from_env()? {
            Some(key) => config.key(key),
            None => config,
        })
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

    /// The same settings, sealing the chain with `key`: each line's seal is
    /// an HMAC-SHA256 under it, so that no one without it can edit or
    /// append a line and leave a chain that verifies. The key is never
    /// written to the log; its [id](ChainKey::id) is, as the first line's
    /// `prev`. An existing log must have been written with the same key
    /// ([`AuditError::WrongKey`]); an unkeyed one cannot be continued keyed,
    /// nor a keyed one unkeyed ([`AuditError::ChainMode`]).
    #[must_use]
    pub fn key(mut self, key: ChainKey) -> Self {
        self.key = Some(key);
        self
    }

    /// The same settings, shipping a checkpoint of the chain's head at the
    /// end of the first batch written after `records` records (at least
    /// one) or after `interval` since the last checkpoint, whichever comes
    /// first; after `interval`, also while no record arrives. One is also
    /// shipped when the log ends in order. Checkpoints go to the sinks of
    /// [`on_checkpoint`](Self::on_checkpoint) and to the exporter of
    /// [`export_logs`](Self::export_logs); with neither, none is made.
    /// Defaults: [`DEFAULT_CHECKPOINT_RECORDS`](Self::DEFAULT_CHECKPOINT_RECORDS)
    /// and [`DEFAULT_CHECKPOINT_INTERVAL`](Self::DEFAULT_CHECKPOINT_INTERVAL).
    #[must_use]
    pub fn checkpoint_every(mut self, records: u64, interval: Duration) -> Self {
        self.schedule = Schedule { records: records.max(1), interval };
        self
    }

    /// The same settings, also shipping every checkpoint to `sink` (see
    /// [`CheckpointSink`]; a closure `|checkpoint: &Checkpoint| …` is one).
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use agenthooks::audit::{AuditConfig, Checkpoint};
    ///
    /// let shipped: Arc<Mutex<Vec<Checkpoint>>> = Arc::default();
    /// let to = Arc::clone(&shipped);
    /// let config = AuditConfig::new("/var/log/agent/audit.jsonl")
    ///     .on_checkpoint(move |checkpoint: &Checkpoint| to.lock().unwrap().push(checkpoint.clone()));
    /// ```
    #[must_use]
    pub fn on_checkpoint(mut self, sink: impl CheckpointSink) -> Self {
        self.sinks.checkpoints.push(Arc::new(sink));
        self
    }

    /// The same settings, also exporting every record, once it is in the
    /// file, and every checkpoint as an OpenTelemetry log record through
    /// `provider`'s logger for the scope `agenthooks` (see the
    /// [`audit`](super) module's "Shipping" section for the attributes).
    /// Off unless set: without it, nothing is paid for it.
    ///
    /// The file stays the source of truth: an exporter that fails loses no
    /// line of it. The writer thread waits for the logger's `emit`, so give
    /// the provider a batch processor, whose `emit` only queues; shut the
    /// provider down after the [`AuditGuard`](super::AuditGuard) drops, so
    /// that the last records and checkpoint reach it.
    #[must_use]
    pub fn export_logs<P>(mut self, provider: &P) -> Self
    where
        P: LoggerProvider,
        P::Logger: Send + Sync + 'static,
    {
        self.sinks.export = Some(export::to_provider(provider));
        self
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
