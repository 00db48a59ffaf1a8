//! The record of one hook execution: what the executor hands to the audit
//! log and to telemetry.

use std::fmt;
use std::time::Duration;

use crate::{HookMeta, Session};

/// How one hook execution ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// The hook returned `Continue`.
    Ok,
    /// The hook returned `Block`: the call stopped.
    Blocked,
    /// The hook returned `Skip`: the chain ended, the body ran.
    Skip,
    /// The hook ran past its `timeout_ms`.
    Timeout,
    /// The hook returned an error or panicked.
    Error,
}

impl Status {
    /// The status as the audit log and telemetry spell it:
    /// `ok`, `blocked`, `skip`, `timeout` or `error`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Blocked => "blocked",
            Status::Skip => "skip",
            Status::Timeout => "timeout",
            Status::Error => "error",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One hook execution, as it ended.
///
/// It carries no argument value: `message` is the hook's own text (its error,
/// panic message or block reason) with every redacted argument value already
/// replaced by `[REDACTED]`.
#[derive(Clone, Copy, Debug)]
pub struct Execution<'a> {
    /// The hook that ran.
    pub hook: &'static HookMeta,
    /// The session of the call it ran for.
    pub session: &'a Session,
    /// How it ended.
    pub status: Status,
    /// How long it ran.
    pub duration: Duration,
    /// The block reason (status `Blocked`), the error or panic message
    /// (`Error`) or the time-out description (`Timeout`).
    pub message: Option<&'a str>,
}
