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

use crate::approval::ApprovalId;
use crate::audit::AuditError;
use crate::execution::{Changed, Execution, Status};
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

    /// Reports how the hook ended to telemetry and the audit log; fails when
    /// the audit log cannot take the record.
    #[inline]
    pub(crate) fn close(mut self, ending: &Ending<'_>) -> Result<(), AuditError> {
        self.report(ending)
    }

    #[inline]
    fn report(&mut self, ending: &Ending<'_>) -> Result<(), AuditError> {
        let span = self.span.take().expect("a report closes once");
        let execution = Execution {
            hook: self.hook,
            session: self.session,
            status: ending.status,
            duration: ending.duration,
            message: ending.message,
            changed: ending.changed,
            approval: ending.approval,
            let_through: ending.let_through,
        };
        span.close(&execution);
        #[cfg(feature = "testing")]
        crate::testing::record(&execution);
        crate::audit::record(&execution)
    }
}

/// How one hook execution ended: the record, less the hook and session the
/// report already knows.
pub(crate) struct Ending<'a> {
    pub(crate) status: Status,
    pub(crate) duration: Duration,
    pub(crate) message: Option<&'a str>,
    pub(crate) changed: Changed,
    pub(crate) approval: Option<ApprovalId>,
    pub(crate) let_through: bool,
}

impl<'a> Ending<'a> {
    /// An ending with `status` after `duration`, and nothing else to say.
    #[inline]
    pub(crate) fn new(status: Status, duration: Duration) -> Self {
        Ending { status, duration, message: None, changed: Changed::default(), approval: None, let_through: false }
    }

    /// The same ending, saying `message`.
    #[inline]
    pub(crate) fn message(self, message: Option<&'a str>) -> Self {
        Ending { message, ..self }
    }
}

impl Drop for Report<'_> {
    fn drop(&mut self) {
        if self.span.is_none() {
            return;
        }
        let duration = self.opened.map_or(Duration::ZERO, |opened| Instant::now() - opened);
        // The caller is gone, so no call is left to refuse: say it here.
        if let Err(error) = self.report(&Ending::new(Status::Error, duration).message(Some(CANCELLED))) {
            eprintln!("agenthooks: hook `{}` was cancelled and could not be audited: {error}", self.hook.path);
        }
    }
}
