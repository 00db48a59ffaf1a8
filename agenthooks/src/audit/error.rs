//! Typed errors of the audit log: starting and writing it
//! ([`AuditError`]), and checking a file of it ([`VerifyError`], [`Tamper`]).

use std::fmt;
use std::fs::FileType;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use super::config::PATH_ENV;

/// Why the audit log could not start or write.
///
/// Start-up problems come back from [`init`](super::init); a failing write
/// mid-run is retried and reported through
/// [`AuditEvent::WriteFailed`](super::AuditEvent::WriteFailed), until the
/// writer gives up ([`AuditError::Failed`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// The path names something other than a regular file: a directory, a
    /// FIFO (which would block the writer), a device such as `/dev/null`
    /// (which would keep nothing). Nothing was written to it.
    #[error("the audit log path `{}` is {kind}, not a regular file; point {PATH_ENV} or `AuditConfig::new` at a file", path.display())]
    NotAFile {
        /// The log's path.
        path: PathBuf,
        /// What the path is.
        kind: FileKind,
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
    /// Writing or syncing the log failed; the records are kept and retried
    /// (see [`AuditConfig::write_attempts`](super::AuditConfig::write_attempts)).
    #[error("cannot write the audit log `{}`: {source}; free disk space or fix the file system", path.display())]
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
    /// The log ends in more bytes without a newline than any line of an
    /// audit log holds ([`MAX_LINE`](super::MAX_LINE)): it is no torn record,
    /// and the file is left as it was.
    #[error("the audit log `{}` ends in more than {limit} bytes without a newline, longer than any audit record: it is not an audit log, or was damaged; move it aside to start a new chain", path.display())]
    LineTooLong {
        /// The log's path.
        path: PathBuf,
        /// The longest line accepted, in bytes.
        limit: u64,
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
    /// Writing or syncing failed with an error no retry can mend, or kept
    /// failing for the configured number of attempts: the log stopped. The
    /// records not yet written are lost, and every later hook call fails.
    #[error("the audit log stopped after {attempts} failed attempt(s): {cause}; records not yet written are lost and every hook call now fails: fix the cause and restart the process")]
    Failed {
        /// How many attempts in a row had failed.
        attempts: u32,
        /// The last failure.
        #[source]
        cause: Arc<AuditError>,
    },
}

/// What a path that is not a regular file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A character device, such as `/dev/null`.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A Unix socket.
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// What `file_type` is, or `None` for a regular file.
    pub(crate) fn of(file_type: FileType) -> Option<Self> {
        #[cfg(unix)]
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_file() {
            return None;
        }
        if file_type.is_dir() {
            return Some(FileKind::Directory);
        }
        #[cfg(unix)]
        {
            if file_type.is_fifo() {
                return Some(FileKind::Fifo);
            }
            if file_type.is_char_device() {
                return Some(FileKind::CharDevice);
            }
            if file_type.is_block_device() {
                return Some(FileKind::BlockDevice);
            }
            if file_type.is_socket() {
                return Some(FileKind::Socket);
            }
        }
        Some(FileKind::Other)
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Other => "a special file",
        })
    }
}

/// What is wrong with one line of an audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
#[non_exhaustive]
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
    /// A line near the end is longer than any line of an audit log.
    #[error("`{}` has a line longer than {limit} bytes near its end, longer than any audit record: it is not an audit log", path.display())]
    LineTooLong {
        /// The file.
        path: PathBuf,
        /// The longest line accepted, in bytes.
        limit: u64,
    },
}

impl VerifyError {
    /// The number of the first bad line, when a line is at fault.
    pub fn line(&self) -> Option<u64> {
        match self {
            VerifyError::Read { .. } | VerifyError::LineTooLong { .. } => None,
            VerifyError::Tampered { line, .. } | VerifyError::TornTail { line, .. } => Some(*line),
        }
    }
}
