//! Running one hook: under its time limit, with panics caught, the
//! arguments snapshotted first when it may change them.
//!
//! Time limits: an `async fn` hook is cancelled at its deadline (its future
//! is dropped). A hook cannot be interrupted while it blocks its thread (a
//! plain `fn` hook, or an `async fn` hook that loops or sleeps without
//! awaiting); one that returns after its deadline is timed out all the same.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use quanta::Instant;

use crate::hook::Hook;
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

/// One finished hook run: how it ended, how long it took and when it ended,
/// and the arguments as they were before it (interceptors only).
pub(super) struct Run<P> {
    pub(super) ended: Ended,
    pub(super) duration: Duration,
    pub(super) at: Instant,
    pub(super) snapshot: Option<P>,
}

impl<P> Run<P> {
    /// Whether the hook failed: an error, a panic or a time-out.
    pub(super) fn failed(&self) -> bool {
        matches!(self.ended, Ended::Failed(_) | Ended::Panicked(_) | Ended::TimedOut)
    }

    /// Judges a run that started at `start` and ended with `returned`: one
    /// that returned after `limit` has timed out, whatever it returned.
    #[inline]
    fn ended(start: Instant, limit: Duration, ended: Ended, snapshot: Option<P>) -> Self {
        let at = Instant::now();
        let duration = at - start;
        let past_limit = duration > limit && matches!(ended, Ended::Returned(_) | Ended::Failed(_));
        let ended = if past_limit { Ended::TimedOut } else { ended };
        Run { ended, duration, at, snapshot }
    }
}

/// Runs `hook` on `ctx` inside its report; fails, before the hook runs, only
/// when an `async fn` hook's time limit cannot be set.
pub(super) async fn run<'s, P: HookPoint>(
    hook: &Hook<P>,
    ctx: &mut Ctx<P>,
    session: &'s Session,
) -> Result<(Run<P>, Report<'s>), HookError> {
    if !hook.run.is_async() {
        // `run_now`'s two lines, with a closure of their own: the closure
        // of `run_now` then has one caller, the sync chain's, and is inlined
        // into it (measured: 21 instructions less per one-hook call).
        let report = Report::open(hook.meta, session);
        return Ok((report.enter(|| run_plain(hook, ctx)), report));
    }
    let Some(timer) = timer(hook.meta.timeout()) else {
        return Err(HookError::NoRuntime { point: hook.meta.point, hook: hook.meta.path });
    };
    let report = Report::open_cancellable(hook.meta, session);
    let run = report.instrument(run_awaited(hook, ctx, pin!(timer), hook.meta.timeout())).await;
    Ok((run, report))
}

/// Runs the plain `fn` hook `hook` on `ctx` inside its report.
#[inline]
pub(super) fn run_now<'s, P: HookPoint>(
    hook: &Hook<P>,
    ctx: &mut Ctx<P>,
    session: &'s Session,
) -> (Run<P>, Report<'s>) {
    let report = Report::open(hook.meta, session);
    (report.enter(|| run_plain(hook, ctx)), report)
}

/// A timer of `limit`, or `None` outside a Tokio runtime with its time
/// driver.
///
/// Tokio panics there, with no way to ask first whether it would; the panic
/// is caught, but the process's panic hook prints it. So it is printed once:
/// once a call has met no runtime, or a runtime without its time driver,
/// later calls that would meet the same are known before they ask Tokio.
/// Until then, a call pays one atomic load for it.
pub(super) fn timer(limit: Duration) -> Option<tokio::time::Sleep> {
    if TIMERS_MISSING.load(Ordering::Relaxed) && timers_known_missing() {
        return None;
    }
    catch_unwind(|| tokio::time::sleep(limit)).map_err(timers_missing).ok()
}

/// Whether a call has met no runtime, or a runtime without its time driver.
static TIMERS_MISSING: AtomicBool = AtomicBool::new(false);

/// The runtimes met without their time driver. Tokio numbers its runtimes
/// from a 64-bit counter, so an id is never that of a later runtime.
static RUNTIMES_WITHOUT_TIMERS: RwLock<Vec<tokio::runtime::Id>> = RwLock::new(Vec::new());

/// Whether the calling thread is outside any runtime, or in one met
/// without its time driver.
#[cold]
fn timers_known_missing() -> bool {
    match tokio::runtime::Handle::try_current() {
        Err(_) => true,
        Ok(runtime) => RUNTIMES_WITHOUT_TIMERS.read().unwrap_or_else(PoisonError::into_inner).contains(&runtime.id()),
    }
}

/// Remembers that the calling thread met no runtime, or its runtime has no
/// time driver: Tokio's `panic` says so.
#[cold]
fn timers_missing(panic: Box<dyn Any + Send>) {
    discard(panic);
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let mut known = RUNTIMES_WITHOUT_TIMERS.write().unwrap_or_else(PoisonError::into_inner);
        if !known.contains(&runtime.id()) {
            known.push(runtime.id());
        }
    }
    TIMERS_MISSING.store(true, Ordering::Relaxed);
}

#[inline]
fn returned(result: Result<Outcome, String>) -> Ended {
    match result {
        Ok(outcome) => Ended::Returned(outcome),
        Err(message) => Ended::Failed(message),
    }
}

/// Runs a plain `fn` hook.
///
/// Inlined into each of its callers, always: the one-hook call then moves
/// no `Run` through memory (measured: 17 instructions less per call).
#[allow(clippy::inline_always)]
#[inline(always)]
pub(super) fn run_plain<P: HookPoint>(hook: &Hook<P>, ctx: &mut Ctx<P>) -> Run<P> {
    let snapshot = hook.run.changes().then(|| P::clone(ctx));
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| hook.run.call(ctx).expect("async hooks run through `run_awaited`")));
    let ended = match result {
        Ok(result) => returned(result),
        Err(panic) => Ended::Panicked(caught(panic)),
    };
    Run::ended(start, hook.meta.timeout(), ended, snapshot)
}

/// Runs an `async fn` hook, cancelling it when `timer` fires; a run that
/// returns after `limit` has timed out.
pub(super) async fn run_awaited<P: HookPoint>(
    hook: &Hook<P>,
    ctx: &mut Ctx<P>,
    timer: Pin<&mut tokio::time::Sleep>,
    limit: Duration,
) -> Run<P> {
    let snapshot = hook.run.changes().then(|| P::clone(ctx));
    let future = hook.run.start(ctx).expect("plain hooks run through `run_plain`");
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
    Run::ended(start, limit, ended, snapshot)
}
