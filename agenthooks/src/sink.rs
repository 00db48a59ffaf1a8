//! Where every hook execution is reported, exactly once: the audit log and
//! telemetry.
//!
//! The executor opens a [`Report`] before a hook runs, runs the hook inside
//! it, and closes it with how the hook ended. A report that drops unclosed
//! (the caller dropped an `async` call while its hook ran) reports the
//! execution itself, as an error that says so: no path reports an execution
//! twice or not at all.

use std::future::Future;
use std::time::Duration;

use quanta::Instant;

use crate::audit::AuditError;
use crate::execution::{Execution, Status};
use crate::telemetry::HookSpan;
use crate::{HookMeta, Session};

/// The message of a hook execution whose call was dropped while it ran.
pub(crate) const CANCELLED: &str = "cancelled: the caller dropped the call while the hook ran";

/// The report of one hook execution: its telemetry span while it runs, its
/// record once it ends.
pub(crate) struct Report<'s> {
    /// `None` once closed.
    span: Option<HookSpan>,
    hook: &'static HookMeta,
    session: &'s Session,
    /// When the run started, for a report that can be dropped unclosed.
    opened: Option<Instant>,
}

impl<'s> Report<'s> {
    /// Opens the report of one run of `hook` for `session` that runs to its
    /// end on the calling thread (a plain `fn` hook).
    #[inline]
    pub(crate) fn open(hook: &'static HookMeta, session: &'s Session) -> Self {
        Report { span: Some(HookSpan::open(hook, session)), hook, session, opened: None }
    }

    /// Opens the report of one run of `hook` that the caller may drop before
    /// it ends (an `async fn` hook).
    #[inline]
    pub(crate) fn open_cancellable(hook: &'static HookMeta, session: &'s Session) -> Self {
        let mut report = Self::open(hook, session);
        report.opened = Some(Instant::now());
        report
    }

    /// Runs a plain `fn` hook inside the report's span.
    #[inline]
    pub(crate) fn enter<R>(&self, run: impl FnOnce() -> R) -> R {
        match &self.span {
            Some(span) => span.in_scope(run),
            None => run(),
        }
    }

    /// Runs an `async fn` hook inside the report's span.
    #[inline]
    pub(crate) fn instrument<F: Future>(&self, run: F) -> impl Future<Output = F::Output> {
        let span = self.span.as_ref().expect("a report is open until it closes");
        span.instrument(run)
    }

    /// Reports `execution`, this report's run, which ended `at`, to
    /// telemetry and the audit log; fails when the audit log cannot take the
    /// record.
    #[inline]
    pub(crate) fn close(mut self, execution: &Execution<'_>, at: Instant) -> Result<(), AuditError> {
        debug_assert!(std::ptr::eq(execution.hook, self.hook), "a report closes with its own hook's execution");
        self.report(execution, at)
    }

    #[inline]
    fn report(&mut self, execution: &Execution<'_>, at: Instant) -> Result<(), AuditError> {
        let span = self.span.take().expect("a report closes once");
        span.close(execution);
        crate::observe::record(execution);
        crate::audit::record(execution, at)
    }
}

impl Report<'_> {
    /// Reports a run whose report dropped unclosed: the caller dropped the
    /// call while the hook ran.
    #[cold]
    #[inline(never)]
    fn cancelled(&mut self) {
        let now = Instant::now();
        let duration = self.opened.map_or(Duration::ZERO, |opened| now - opened);
        // The caller is gone, so no call is left to refuse: say it here.
        let execution =
            Execution { message: Some(CANCELLED), ..Execution::new(self.hook, self.session, Status::Error, duration) };
        if let Err(error) = self.report(&execution, now) {
            eprintln!("agenthooks: hook `{}` was cancelled and could not be audited: {error}", self.hook.path);
        }
    }
}

impl Drop for Report<'_> {
    /// Closed, as every report of a run that ended is, it has nothing left
    /// to do: the check is inlined, the rare report of a cancelled run is not.
    #[inline]
    fn drop(&mut self) {
        if self.span.is_some() {
            self.cancelled();
        }
    }
}
