//! The record of one hook execution: what the executor hands to the audit
//! log and to telemetry.

use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use crate::approval::ApprovalId;
use crate::{HookMeta, Session};

/// How one hook execution ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// The hook returned `Continue`, or `Note` (its note is the message).
    Ok,
    /// The hook returned `Block`: the call stopped.
    Blocked,
    /// The hook returned `Skip`: the chain ended, the body ran.
    Skip,
    /// The hook ran past its `timeout_ms`.
    Timeout,
    /// The hook returned an error or panicked.
    Error,
    /// The hook asked for approval (`Outcome::Ask`); the call waits for a
    /// decision or fails with `ApprovalRequired`.
    Ask,
    /// The approval a hook asked for was granted: the call went on.
    Approved,
    /// The approval a hook asked for was denied: the call stopped.
    Denied,
    /// A hook in shadow mode ran; what it would have done is in the message
    /// and nothing of it was enforced.
    Shadow,
    /// The hook's rate limit was exceeded: it did not run, and the call was
    /// blocked or went on without it (the message says which).
    RateLimited,
    /// The hook's circuit breaker was open: it did not run; the point's
    /// failure policy decided whether the call went on.
    BreakerOpen,
    /// The store of the hook's rate limit or breaker could not answer; the
    /// message says what the hook did (`store_down`).
    StoreDown,
}

impl Status {
    /// The status as the audit log and telemetry spell it:
    /// `ok`, `blocked`, `skip`, `timeout`, `error`, `ask`, `approved`,
    /// `denied`, `shadow`, `rate_limited`, `breaker_open` or `store_down`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Blocked => "blocked",
            Status::Skip => "skip",
            Status::Timeout => "timeout",
            Status::Error => "error",
            Status::Ask => "ask",
            Status::Approved => "approved",
            Status::Denied => "denied",
            Status::Shadow => "shadow",
            Status::RateLimited => "rate_limited",
            Status::BreakerOpen => "breaker_open",
            Status::StoreDown => "store_down",
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
/// panic message, block reason or note) with every redacted argument value already
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
    /// (`Error`), the time-out description (`Timeout`), the prompt (`Ask`),
    /// who decided (`Approved`, `Denied`), what the hook would have done
    /// (`Shadow`), or the note of a hook that returned `Outcome::Note`
    /// (`Ok`).
    pub message: Option<&'a str>,
    /// The argument fields the hook changed (or, in shadow mode, would
    /// have changed): names only, never values.
    pub changed: Changed,
    /// The approval a hook asked for (`Ask`, `Approved`, `Denied`).
    pub approval: Option<&'a ApprovalId>,
    /// Whether the hook failed and the point let the call go on without it.
    pub let_through: bool,
    /// Which attempt this was, from 1, for a hook that declares `retry`;
    /// `None` for every other hook.
    pub attempt: Option<NonZeroU32>,
}

impl<'a> Execution<'a> {
    /// The execution of `hook` for `session` that ended with `status` after
    /// `duration`, with nothing else to say.
    #[inline]
    pub(crate) fn new(hook: &'static HookMeta, session: &'a Session, status: Status, duration: Duration) -> Self {
        Execution {
            hook,
            session,
            status,
            duration,
            message: None,
            changed: Changed::default(),
            approval: None,
            let_through: false,
            attempt: None,
        }
    }
}

/// A set of a point's argument fields, by name: those a hook changed.
///
/// ```
/// use agenthooks::Changed;
///
/// let changed = Changed::new(&["query", "filters", "limit"], 0b101);
/// assert_eq!(changed.names().collect::<Vec<_>>(), ["query", "limit"]);
/// assert!(Changed::default().is_empty());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    fields: &'static [&'static str],
    mask: u64,
}

impl Changed {
    /// The fields of `fields` whose bit is set in `mask` (bit `i` for
    /// `fields[i]`).
    pub const fn new(fields: &'static [&'static str], mask: u64) -> Self {
        Changed { fields, mask }
    }

    /// The fields of the set whose bit is also set in `mask`.
    pub(crate) const fn of(self, mask: u64) -> Self {
        Changed { fields: self.fields, mask: self.mask & mask }
    }

    /// Whether no field is in the set.
    pub fn is_empty(&self) -> bool {
        self.names().next().is_none()
    }

    /// The names of the fields in the set, in signature order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.indices().map(|index| self.fields[index])
    }

    /// The positions of the fields in the set, in signature order.
    pub(crate) fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.fields.len().min(64)).filter(|index| self.mask & (1 << index) != 0)
    }
}
