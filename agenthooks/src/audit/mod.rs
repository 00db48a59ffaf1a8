//! The audit log: every hook execution, whatever its status, becomes one
//! JSON line in an append-only, hash-chained file. It cannot be switched
//! off, loses nothing on an orderly shutdown, and makes tampering visible to
//! `agenthooks audit verify`.
//!
//! # Starting it
//!
//! Call [`init`] once at start-up and keep the [`AuditGuard`]; dropping it
//! writes and syncs every record, and so does every normal end of the
//! program on Unix, guard or not (see [`AuditGuard`]):
//!
//! ```
//! use agenthooks::audit::{self, AuditConfig};
//!
//! # let dir = tempfile::tempdir().unwrap();
//! # std::env::set_var("AGENTHOOKS_AUDIT_PATH", dir.path().join("audit.jsonl"));
//! // The path of `AGENTHOOKS_AUDIT_PATH`, or `~/.agenthooks/audit.jsonl`.
//! let _audit = audit::init(AuditConfig::from_env()?)?;
//! # Ok::<(), audit::AuditError>(())
//! ```
//!
//! The path is, in order of precedence: the one given to
//! [`AuditConfig::new`], the `AGENTHOOKS_AUDIT_PATH` environment variable,
//! for a program cargo started a file beside it under the target directory
//! (see "Where the log goes" below), `~/.agenthooks/audit.jsonl`; it must
//! name a regular file (a directory,
//! a FIFO or a device such as `/dev/null` is refused with
//! [`AuditError::NotAFile`]). A second `init` fails with
//! [`AuditError::AlreadyStarted`]. A call with a hook to run before any
//! `init` starts the log itself from the environment, in
//! [`Durability::Synchronous`] mode; if that start fails, or the writer is
//! gone, the call runs no hook and fails with
//! [`HookError::Unaudited`](crate::HookError::Unaudited) (call `init` at
//! start-up to get the reason before any call). A file `init` refuses is
//! left byte for byte as it was.
//!
//! # Durability
//!
//! The calling thread only puts a record on a bounded queue; a writer thread
//! formats, hashes and writes it. [`Durability::Buffered`] (the default)
//! writes records as fast as the writer can, syncs the file to disk every
//! flush interval, on [`flush`], when the guard drops and when the program
//! exits. A crash of the process (SIGKILL, `panic = "abort"`) loses the
//! records acknowledged and not yet written: up to the queue's capacity
//! plus one batch in flight (16,384 with the default capacity, and that is
//! what a busy process loses), or at most
//! [`AuditConfig::max_unwritten`] records when set.
//! [`Durability::Synchronous`] returns from each hook call only once its
//! record is synced: nothing acknowledged is lost. When the queue is full,
//! hook calls wait: no record is ever dropped while the writer works.
//! Memory is bounded: at most the queue's capacity of records wait (8,192
//! by default, 64 bytes each plus a message cut to [`MAX_MESSAGE`] bytes)
//! and at most as many are being written.
//!
//! # What a line holds
//!
//! The [`Entry`] members: sequence number, timestamp, point, hook, crate,
//! status, duration, the caller's tenant, session, trace, span and turn, the
//! error or block reason, the writing process, and the chain's `prev` and
//! `hash`. No argument value is written, redacted or not: arguments carry
//! users' data, and an append-only log can never erase it. What a hook says
//! about them in an error or block reason is kept, with every value of an
//! argument marked `#[redact]` replaced by `[REDACTED]` before the record
//! leaves the executor.
//!
//! # The chain
//!
//! Each line carries the seal of the line before it (`prev`; [`GENESIS`]
//! for a file's first line) and its own, and a sequence number one more
//! than the line before. [`verify`] names the first line that was edited,
//! deleted, inserted, moved, or cut. A process that opens an existing log
//! continues its chain.
//!
//! - **Unkeyed** (the default), a line's seal is the SHA-256 of its bytes
//!   (`hash`): someone able to rewrite the file can recompute every hash
//!   after an edit, so the chain shows accidental damage, not a deliberate
//!   edit.
//! - **Keyed** ([`AuditConfig::key`], or `AGENTHOOKS_AUDIT_KEY_FILE`), it
//!   is their HMAC-SHA256 under a secret [`ChainKey`] (`hmac`), and the
//!   first line's `prev` is the key's [id](ChainKey::id): no one without
//!   the key can edit, insert or append a line that verifies.
//!   [`verify_with`] checks it given the key; without the key, [`verify`]
//!   fails with [`VerifyError::KeyRequired`].
//!
//! Neither mode shows lines cut off the end, nor (keyed) a rewrite by a
//! holder of the key: for those, ship checkpoints.
//!
//! # Shipping
//!
//! A fleet's replicas each write their own file; each can also ship, once a
//! batch is in its file, [checkpoints](Checkpoint) of the chain's head
//! ([`AuditConfig::on_checkpoint`], [`AuditConfig::checkpoint_every`]) and
//! every record and checkpoint as an OpenTelemetry log record
//! ([`AuditConfig::export_logs`]; event names [`RECORD_EVENT`] and
//! [`CHECKPOINT_EVENT`], the line's members as attributes, never an
//! argument value). [`verify_with`] given the shipped checkpoints fails when
//! the file was changed at or before a shipped line
//! ([`VerifyError::CheckpointMismatch`]) or ends before one
//! ([`VerifyError::CutAfterCheckpoint`]). The file stays the source of
//! truth: shipping runs on the writer thread after the lines are written,
//! and a sink that fails loses nothing from the file.
//!
//! # Sharing and failures
//!
//! Several processes may share one log: each batch is appended under an
//! exclusive file lock and chained onto whatever the file ends with, so
//! lines never interleave. A write that fails (a full disk, say) is retried
//! with a growing pause and reported through [`AuditEvent::WriteFailed`] to
//! standard error and to the functions given to [`observe`] (one that
//! panics is reported and skipped); while it fails, hook calls wait once
//! the queue is full. Retrying is bounded: an error no retry can mend
//! (`EBADF`, `EINVAL`, a read-only file system, `EIO`…) stops the log at
//! once, a transient one after [`AuditConfig::write_attempts`] attempts
//! (about 53 s by default); the log then reports [`AuditEvent::GaveUp`],
//! every waiting and later call fails with `Unaudited`, and [`flush`] with
//! [`AuditError::Failed`]. A torn last line left by a crash was never
//! acknowledged; the next writer cuts it off and reports
//! [`AuditEvent::TornTailRemoved`], once the line before it verifies and
//! the torn bytes, at most [`MAX_LINE`], look like the start of a line.
#![doc = include_str!("../../docs/audit.md")]

mod chain;
mod checkpoint;
mod config;
mod error;
mod event;
mod export;
mod file;
mod line;
mod log;
mod read;
mod ship;
mod writer;

pub use chain::{ChainKey, GENESIS};
pub use checkpoint::{Checkpoint, CheckpointSink};
pub use config::{AuditConfig, Durability, KEY_FILE_ENV, PATH_ENV};
pub use error::{AuditError, FileKind, KeyError, Tamper, VerifyError};
pub use event::{observe, AuditEvent, Observer};
pub use export::{CHECKPOINT_EVENT, RECORD_EVENT};
pub use line::{Entry, MAX_LINE, MAX_MESSAGE};
pub use log::{flush, init, path, AuditGuard};
pub(crate) use log::{ready, record};
pub(crate) use read::{open_regular, NotOpened};
pub use read::{open_regular_file, tail, verify, verify_with, TornLine, TornTail, Verified, VerifyOptions};

/// Hands one execution's record to the log, as the executor does after a
/// hook runs. Not an API: it exists only when this crate is compiled with
/// `--cfg agenthooks_bench` (`RUSTFLAGS="--cfg agenthooks_bench" cargo
/// bench`), for the crate's own benchmarks to time the audit path alone.
/// Only whoever runs the build sets that flag: unlike a feature, no
/// dependency can turn it on from its own `Cargo.toml`, so without it no
/// code outside the executor can append a record of an execution that
/// never happened.
#[cfg(agenthooks_bench)]
#[doc(hidden)]
#[inline]
pub fn record_for_bench(execution: &crate::Execution<'_>) -> Result<(), AuditError> {
    record(execution, quanta::Instant::now())
}
