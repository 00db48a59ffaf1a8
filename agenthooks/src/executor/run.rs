//! Running one hook: under its time limit, with panics caught, the
//! arguments snapshotted first when it may change them.
//!
//! Time limits: an `async fn` hook is cancelled at its deadline (its future
//! is dropped). A hook cannot be interrupted while it blocks its thread (a
//! plain `fn` hook, or an `async fn` hook that loops or sleeps without
//! awaiting); one that returns after its deadline is timed out all the same.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use quanta::Instant;

use crate::hook::{Hook, HookFn, HookFuture};
use crate::point::HookPoint;
use crate::sink::Report;
use crate::unwind::{caught, discard, CatchUnwind};
use crate::{Ctx, HookError, Outcome, Session};

/// How one hook run ended, before it is judged.
pub(super) enum Ended {
    Returned(Outcome),
    Failed(String),
    Panicked(String),
    TimedOut,
}

/// One finished hook run: how it ended, how long it took, and the arguments
/// as they were before it (interceptors only).
pub(super) struct Run<P> {
    pub(super) ended: Ended,
    pub(super) duration: Duration,
    pub(super) snapshot: Option<P>,
}

impl<P> Run<P> {
    /// Judges a run that started at `start` and ended with `returned`: one
    /// that returned after `limit` has timed out, whatever it returned.
    #[inline]
    fn ended(start: Instant, limit: Duration, ended: Ended, snapshot: Option<P>) -> Self {
        let duration = Instant::now() - start;
        let ended = match ended {
            Ended::Returned(_) | Ended::Failed(_) if duration > limit => Ended::TimedOut,
            ended => ended,
        };
        Run { ended, duration, snapshot }
    }
}

/// Runs `hook` on `ctx` inside its report; fails, before the hook runs, only
/// when an `async fn` hook's time limit cannot be set.
pub(super) async fn run<'s, P: HookPoint>(
    hook: &'static Hook<P>,
    ctx: &mut Ctx<P>,
    session: &'s Session,
) -> Result<(Run<P>, Report<'s>), HookError> {
    Ok(match hook.run {
        HookFn::AsyncInterceptor(_) | HookFn::AsyncObserver(_) => {
            let Some(timer) = timer(hook.meta.timeout()) else {
                return Err(HookError::NoRuntime { point: hook.meta.point, hook: hook.meta.path });
            };
            let report = Report::open_cancellable(&hook.meta, session);
            let run = report.instrument(run_awaited(hook, ctx, timer)).await;
            (run, report)
        }
        HookFn::Interceptor(_) | HookFn::Observer(_) => run_now(hook, ctx, session),
    })
}

/// Runs the plain `fn` hook `hook` on `ctx` inside its report.
#[inline]
pub(super) fn run_now<'s, P: HookPoint>(
    hook: &'static Hook<P>,
    ctx: &mut Ctx<P>,
    session: &'s Session,
) -> (Run<P>, Report<'s>) {
    let report = Report::open(&hook.meta, session);
    (report.enter(|| run_plain(hook, ctx)), report)
}

/// A timer of `limit`, or `None` outside a Tokio runtime with its time
/// driver (Tokio panics there; the panic is caught).
pub(super) fn timer(limit: Duration) -> Option<tokio::time::Sleep> {
    catch_unwind(|| tokio::time::sleep(limit)).map_err(discard).ok()
}

#[inline]
fn returned(result: Result<Outcome, String>) -> Ended {
    match result {
        Ok(outcome) => Ended::Returned(outcome),
        Err(message) => Ended::Failed(message),
    }
}

/// Runs a plain `fn` hook.
#[inline]
pub(super) fn run_plain<P: HookPoint>(hook: &Hook<P>, ctx: &mut Ctx<P>) -> Run<P> {
    let (snapshot, start, result) = match hook.run {
        HookFn::Interceptor(run) => {
            let snapshot = P::clone(ctx);
            let start = Instant::now();
            (Some(snapshot), start, catch_unwind(AssertUnwindSafe(|| run(ctx))))
        }
        HookFn::Observer(run) => {
            let start = Instant::now();
            (None, start, catch_unwind(AssertUnwindSafe(|| run(ctx))))
        }
        HookFn::AsyncInterceptor(_) | HookFn::AsyncObserver(_) => unreachable!("async hooks run through `run_awaited`"),
    };
    let ended = match result {
        Ok(result) => returned(result),
        Err(panic) => Ended::Panicked(caught(panic)),
    };
    Run::ended(start, hook.meta.timeout(), ended, snapshot)
}

/// Runs an `async fn` hook, cancelling it when `timer` fires.
async fn run_awaited<P: HookPoint>(hook: &Hook<P>, ctx: &mut Ctx<P>, timer: tokio::time::Sleep) -> Run<P> {
    let (future, snapshot): (HookFuture<'_>, _) = match hook.run {
        HookFn::AsyncInterceptor(start) => {
            let snapshot = P::clone(ctx);
            (start(ctx), Some(snapshot))
        }
        HookFn::AsyncObserver(start) => (start(ctx), None),
        HookFn::Interceptor(_) | HookFn::Observer(_) => unreachable!("plain hooks run through `run_plain`"),
    };
    let start = Instant::now();
    // The hook first, as `tokio::time::timeout` does: a hook ready at its
    // first poll is never timed out by a timer that fired meanwhile.
    let ended = tokio::select! {
        biased;
        result = CatchUnwind::new(future) => match result {
            Ok(result) => returned(result),
            Err(panic) => Ended::Panicked(panic),
        },
        () = timer => Ended::TimedOut,
    };
    Run::ended(start, hook.meta.timeout(), ended, snapshot)
}
