//! Where every hook execution is reported: the audit log and telemetry.
//!
//! The executor opens a [`Scope`] before a hook runs, runs the hook inside
//! it, and closes it with the execution's record: exactly once per hook
//! execution, whatever its status.

use std::future::Future;

use crate::audit::AuditError;
use crate::execution::Execution;
use crate::telemetry::HookSpan;
use crate::{HookMeta, Session};

/// What is open while one hook runs: its telemetry span.
pub(crate) struct Scope {
    span: HookSpan,
}

/// Opens the scope of one run of `hook` for `session`.
#[inline]
pub(crate) fn open(hook: &'static HookMeta, session: &Session) -> Scope {
    Scope { span: HookSpan::open(hook, session) }
}

impl Scope {
    /// Runs a plain `fn` hook inside the scope.
    #[inline]
    pub(crate) fn enter<R>(&self, run: impl FnOnce() -> R) -> R {
        self.span.in_scope(run)
    }

    /// Runs an `async fn` hook inside the scope.
    #[inline]
    pub(crate) fn instrument<F: Future>(&self, run: F) -> impl Future<Output = F::Output> {
        self.span.instrument(run)
    }

    /// Closes the scope with the record of how the hook ended: hands it to
    /// telemetry and to the audit log; fails when the audit log cannot take it.
    #[inline]
    pub(crate) fn close(self, execution: &Execution<'_>) -> Result<(), AuditError> {
        self.span.close(execution);
        crate::audit::record(execution)
    }
}
