//! Typed errors of the audit log: starting and writing it
//! ([`AuditError`]), and checking a file of it ([`VerifyError`], [`Tamper`]).

use std::io;
use std::path::PathBuf;

use super::config::PATH_ENV;

/// Why the audit log could not start or write.
///
/// Start-up problems come back from [`init`](super::init); a failing write
/// mid-run is retried and reported through
/// [`AuditEvent::WriteFailed`](super::AuditEvent::WriteFailed).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// No path was given and none could be derived.
    #[error("no audit log path: set {PATH_ENV} or HOME, or pass a path to `AuditConfig::new`")]
    NoPath,
    /// The log's directory could not be created.
    #[error("cannot create the audit log directory `{}`: {source}; create it or point {PATH_ENV} at a writable place", dir.display())]
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The log file could not be opened for appending.
    #[error("cannot open the audit log `{}` for appending: {source}; check its permissions or point {PATH_ENV} at a writable file", path.display())]
    Open {
        /// The log's path.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The log file could not be locked, read or trimmed, or its directory
    /// synced.
    #[error("cannot lock, read or sync `{}` for the audit log: {source}; check that the file system supports locks and the path is readable", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// Writing or syncing the log failed; the records are kept and retried.
    #[error("cannot write the audit log `{}`: {source}; free disk space or fix the file system: the records are kept and retried, and hook calls wait once the queue is full", path.display())]
    Write {
        /// The log's path.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The last line of an existing log does not verify, so its chain cannot
    /// be continued.
    #[error("the last line of the audit log `{}` does not verify: {problem}; run `agenthooks audit verify` on it and move it aside to start a new chain", path.display())]
    Corrupt {
        /// The log's path.
        path: PathBuf,
        /// What is wrong with the line.
        problem: Tamper,
    },
    /// The log was already started, by an earlier `init` or by the first
    /// hook execution.
    #[error("the audit log is already writing to `{}`; call `agenthooks::audit::init` once, at start-up, before any hook runs", path.display())]
    AlreadyStarted {
        /// The path of the running log.
        path: PathBuf,
    },
    /// The writer thread could not be started.
    #[error("cannot start the audit writer thread: {0}; raise the process's thread or memory limits")]
    Spawn(io::Error),
    /// The writer thread is gone, so records can no longer be written.
    #[error("the audit writer thread stopped, so no further record can be written; restart the process")]
    WriterStopped,
}

/// What is wrong with one line of an audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Tamper {
    /// The line is not a record of an audit log.
    #[error("not an audit record (it was edited, or the file is not an audit log)")]
    Malformed,
    /// The line's content does not hash to the hash it carries.
    #[error("its content does not match its hash (the line was edited)")]
    HashMismatch,
    /// The line's sequence number is not the one after the line before it.
    #[error("sequence number {found} where {expected} was expected (a line was deleted, inserted or moved)")]
    Sequence {
        /// The number the line should carry.
        expected: u64,
        /// The number it carries.
        found: u64,
    },
    /// The line does not chain from the hash of the line before it.
    #[error("it does not chain from the line before it (a line was deleted, inserted, moved or edited)")]
    BrokenChain,
}

/// Why a file did not verify, or could not be read.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The file could not be read.
    #[error("cannot read `{}`: {source}; check the path and its permissions", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// A line fails the chain: the file was changed after it was written.
    #[error("line {line}: {problem}")]
    Tampered {
        /// The first bad line, counted from 1.
        line: u64,
        /// What is wrong with it.
        problem: Tamper,
    },
    /// The file ends in the middle of a line.
    #[error("line {line} is cut short ({bytes} bytes and no newline): the file was cut mid-line, or its writer crashed mid-write; the lines before it can be accepted with `--allow-torn-tail`")]
    TornTail {
        /// The cut line, counted from 1.
        line: u64,
        /// How many bytes of it are there.
        bytes: u64,
    },
}

impl VerifyError {
    /// The number of the first bad line, when a line is at fault.
    pub fn line(&self) -> Option<u64> {
        match self {
            VerifyError::Read { .. } => None,
            VerifyError::Tampered { line, .. } | VerifyError::TornTail { line, .. } => Some(*line),
        }
    }
}
