//! Typed errors of the audit log: starting and writing it
//! ([`AuditError`]), reading a chain key ([`KeyError`]), and checking a file
//! of it ([`VerifyError`], [`Tamper`]).

use std::fmt;
use std::fs::FileType;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use super::config::{KEY_FILE_ENV, PATH_ENV};

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
    /// The chain key could not be read (see [`KeyError`]).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The existing log is sealed in the other mode than the one configured:
    /// keyed while no key was given, or unkeyed while a key was given. A
    /// file keeps the mode its first line was written in. Nothing was
    /// written.
    #[error("the audit log `{}` is {}, but the log was started {}; start it as the file was written, or move the file aside to start a new chain", path.display(), if *keyed { "keyed" } else { "unkeyed" }, if *keyed { "without a key (set AGENTHOOKS_AUDIT_KEY_FILE or `AuditConfig::key`)" } else { "with a key" })]
    ChainMode {
        /// The log's path.
        path: PathBuf,
        /// Whether the file is keyed.
        keyed: bool,
    },
    /// The existing log is keyed with another key than the one given (its
    /// first line names the key it was written with). Nothing was written.
    #[error("the audit log `{}` was written with the key whose id is {log_key}, not with the given key ({given_key}); give that key, or move the file aside to start a new chain", path.display())]
    WrongKey {
        /// The log's path.
        path: PathBuf,
        /// The id of the key the log was written with.
        log_key: String,
        /// The id of the key given.
        given_key: String,
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
    ///
    /// ```
    /// use agenthooks::audit::FileKind;
    ///
    /// let dir = std::env::temp_dir();
    /// let kind = FileKind::of(std::fs::metadata(&dir)?.file_type());
    /// assert_eq!(kind, Some(FileKind::Directory));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn of(file_type: FileType) -> Option<Self> {
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

/// Why a chain key could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key file could not be read.
    #[error("cannot read the audit chain key file `{}`: {source}; check the path ({KEY_FILE_ENV} or `--key-file`) and its permissions", path.display())]
    Read {
        /// The key file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The key given in code is too short to be secret.
    #[error("an audit chain key of {len} bytes is too short: give at least {min} random bytes")]
    TooShort {
        /// How many bytes it has.
        len: usize,
        /// How many it must have.
        min: usize,
    },
    /// The key file holds too short a key.
    #[error("the audit chain key file `{}` holds {len} bytes: it must hold at least {min} (e.g. `openssl rand -hex 32`)", path.display())]
    FileTooShort {
        /// The key file.
        path: PathBuf,
        /// How many bytes it holds (without a trailing newline).
        len: usize,
        /// How many it must hold.
        min: usize,
    },
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
    /// The line is sealed in the other mode than the log: an unkeyed hash
    /// in a keyed log (it was rewritten by someone without the key), or an
    /// HMAC in an unkeyed one.
    #[error("{}", if *keyed { "it carries an HMAC in an unkeyed log (the line was inserted or rewritten)" } else { "it carries an unkeyed hash in a keyed log (the line was rewritten by someone without the key)" })]
    ChainMode {
        /// Whether the line is keyed.
        keyed: bool,
    },
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
    /// The log is keyed and no key was given: it cannot be checked.
    #[error("the log is keyed (key id {key_id}): give its key with `--key-file` or {KEY_FILE_ENV} to verify it")]
    KeyRequired {
        /// The id of the key the log says it was written with (unchecked).
        key_id: String,
    },
    /// The log is keyed with another key than the one given: it was not
    /// written with the trusted key (or the wrong key file was given).
    #[error("the log was sealed with the key whose id is {log_key}, not with the given key ({given_key}): it was not written with this key, or the wrong key was given")]
    WrongKey {
        /// The id of the key the log's first line names.
        log_key: String,
        /// The id of the key given.
        given_key: String,
    },
    /// A key was given, but the log is unkeyed: it was written without a
    /// key, or rewritten by someone without it.
    #[error(
        "a key was given, but the log is unkeyed: it was written without a key, or rewritten by someone who lacks it"
    )]
    NotKeyed,
    /// The chain head at a shipped checkpoint's sequence number is not the
    /// one shipped: the file was edited at or before that line after the
    /// checkpoint was shipped.
    #[error("line {seq}: its seal is {found}, but the checkpoint shipped for it says {shipped}: the file was rewritten at or before line {seq} after its head was shipped")]
    CheckpointMismatch {
        /// The checkpoint's sequence number (its line, counted from 1).
        seq: u64,
        /// The seal the checkpoint carries.
        shipped: String,
        /// The seal the file's line carries.
        found: String,
    },
    /// The file ends before a shipped checkpoint's sequence number: lines
    /// were cut off its end after that checkpoint was shipped.
    #[error("the file ends at line {lines}, but a checkpoint was shipped for line {seq}: lines were cut off its end after they were shipped")]
    CutAfterCheckpoint {
        /// How many lines the file holds.
        lines: u64,
        /// The last shipped sequence number.
        seq: u64,
    },
    /// A line of a checkpoints file is not a checkpoint.
    #[error("`{}` line {line}: not a checkpoint (a JSON object with `seq` and `hash`, one per line)", path.display())]
    BadCheckpoint {
        /// The checkpoints file.
        path: PathBuf,
        /// The line, counted from 1.
        line: u64,
    },
    /// The path names something other than a regular file: a directory,
    /// a FIFO (which would block the reader until something writes to
    /// it), a device. Nothing was read.
    #[error("`{}` is {kind}, not a regular file: an audit log is a regular file; give its path", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What the path is.
        kind: FileKind,
    },
    /// The file ends in more bytes without a newline than any line of an
    /// audit log holds ([`MAX_LINE`](super::MAX_LINE)).
    #[error("`{}` ends in more than {limit} bytes without a newline, longer than any audit record: it is not an audit log", path.display())]
    LineTooLong {
        /// The file.
        path: PathBuf,
        /// The longest line accepted, in bytes.
        limit: u64,
    },
}

impl VerifyError {
    /// Whether the log could not be checked at all (unreadable, not a
    /// regular file, keyed with no key given, a bad checkpoints file),
    /// rather than checked and found
    /// wanting.
    pub fn is_unchecked(&self) -> bool {
        matches!(
            self,
            VerifyError::Read { .. }
                | VerifyError::NotAFile { .. }
                | VerifyError::KeyRequired { .. }
                | VerifyError::BadCheckpoint { .. }
        )
    }

    /// The number of the first bad line, when a line is at fault.
    pub fn line(&self) -> Option<u64> {
        match self {
            VerifyError::Tampered { line, .. } | VerifyError::TornTail { line, .. } => Some(*line),
            VerifyError::CheckpointMismatch { seq, .. } => Some(*seq),
            VerifyError::Read { .. }
            | VerifyError::NotAFile { .. }
            | VerifyError::LineTooLong { .. }
            | VerifyError::KeyRequired { .. }
            | VerifyError::WrongKey { .. }
            | VerifyError::NotKeyed
            | VerifyError::CutAfterCheckpoint { .. }
            | VerifyError::BadCheckpoint { .. } => None,
        }
    }
}
