//! The executor: runs a point's chain of hooks for one call.
//!
//! For each hook selected for the caller's tenant, in chain order: snapshot
//! the arguments (interceptors only), run the hook under its time limit with
//! panics caught, judge how it ended, report the execution to the audit log
//! and telemetry, then go on, skip to the body, or stop the call.
//!
//! Durations are read from the CPU's time-stamp counter where it is reliable
//! (a few nanoseconds a read, against some twenty for the OS clock), and from
//! the OS clock elsewhere.
//!
//! Time limits: an `async fn` hook is cancelled at its deadline (its future is
//! dropped). A hook cannot be interrupted while it blocks its thread (a plain
//! `fn` hook, or an `async fn` hook that loops or sleeps without awaiting);
//! one that returns after its deadline is timed out all the same, and its
//! changes are discarded.
//!
//! Panics: a hook's panic is caught; so is a panic while the executor drops
//! what a hook leaves behind (the panic's payload, a discarded argument
//! value, a cancelled hook's future). None reaches the caller.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use quanta::Instant;

use crate::execution::Status;
use crate::hook::{Hook, HookFn, HookFuture};
use crate::point::{AsyncPoint, HookPoint};
use crate::redact::scrub;
use crate::sink::Report;
use crate::unwind::{caught, discard, CatchUnwind};
use crate::{Blocked, Ctx, HookError, Outcome, Session};

/// How one hook run ended, before it is judged.
enum Ended {
    Returned(Result<Outcome, String>),
    Panicked(String),
    TimedOut,
}

/// One finished hook run: how it ended, how long it took, and the arguments
/// as they were before it (interceptors only).
struct Run<P> {
    ended: Ended,
    duration: Duration,
    snapshot: Option<P>,
}

impl<P> Run<P> {
    /// Judges a run that started at `start` and ended with `ended`: one that
    /// returned after `limit` has timed out, whatever it returned.
    fn ended(start: Instant, limit: Duration, ended: Ended, snapshot: Option<P>) -> Self {
        let duration = Instant::now() - start;
        let ended = match ended {
            Ended::Returned(_) if duration > limit => Ended::TimedOut,
            ended => ended,
        };
        Run { ended, duration, snapshot }
    }
}

/// What the chain does after a hook.
enum Next {
    Continue,
    RunBody,
}

/// Runs the chain of point `P` for a call of a plain `fn` point; returns the
/// arguments as the hooks left them, or why the call must stop.
#[doc(hidden)]
pub fn run_sync<P: HookPoint>(session: &Session, args: P) -> Result<P, HookError> {
    let mut ctx = Ctx::new(args, session);
    for hook in P::table().select(session.tenant_id()) {
        let report = Report::open(&hook.meta, session);
        let run = report.enter(|| run_plain(hook, &mut ctx));
        if let Next::RunBody = judge(hook, &mut ctx, run, report)? {
            break;
        }
    }
    Ok(ctx.into_args())
}

/// Runs the chain of point `P` for a call of an `async fn` point; returns the
/// arguments as the hooks left them, or why the call must stop.
///
/// Must be awaited inside a Tokio runtime with its time driver enabled: the
/// time limits of `async fn` hooks are Tokio timers. Elsewhere the call fails
/// with [`HookError::NoRuntime`] before any hook runs.
#[doc(hidden)]
pub async fn run_async<P: AsyncPoint>(session: &Session, args: P) -> Result<P, HookError> {
    let mut ctx = Ctx::new(args, session);
    for hook in P::table().select(session.tenant_id()) {
        let run = match hook.run {
            HookFn::AsyncInterceptor(_) | HookFn::AsyncObserver(_) => {
                let Some(timer) = timer(hook.meta.timeout()) else {
                    return Err(HookError::NoRuntime { point: hook.meta.point, hook: hook.meta.path });
                };
                let report = Report::open_cancellable(&hook.meta, session);
                let run = report.instrument(run_awaited(hook, &mut ctx, timer)).await;
                (run, report)
            }
            HookFn::Interceptor(_) | HookFn::Observer(_) => {
                let report = Report::open(&hook.meta, session);
                (report.enter(|| run_plain(hook, &mut ctx)), report)
            }
        };
        if let Next::RunBody = judge(hook, &mut ctx, run.0, run.1)? {
            break;
        }
    }
    Ok(ctx.into_args())
}

/// The timer of an `async fn` hook's time limit, or `None` outside a Tokio
/// runtime with its time driver (Tokio panics there; the panic is caught).
fn timer(limit: Duration) -> Option<tokio::time::Sleep> {
    catch_unwind(|| tokio::time::sleep(limit)).map_err(discard).ok()
}

/// Runs a plain `fn` hook; one that returns after its deadline has timed out.
fn run_plain<P: HookPoint>(hook: &Hook<P>, ctx: &mut Ctx<P>) -> Run<P> {
    let limit = hook.meta.timeout();
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
        // `#[hook]` rejects an async hook on a sync point at compile time.
        HookFn::AsyncInterceptor(_) | HookFn::AsyncObserver(_) => {
            let message = "an async hook cannot run on a sync point".to_owned();
            return Run { ended: Ended::Returned(Err(message)), duration: Duration::ZERO, snapshot: None };
        }
    };
    let ended = match result {
        Ok(returned) => Ended::Returned(returned),
        Err(panic) => Ended::Panicked(caught(panic)),
    };
    Run::ended(start, limit, ended, snapshot)
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
            Ok(returned) => Ended::Returned(returned),
            Err(panic) => Ended::Panicked(panic),
        },
        () = timer => Ended::TimedOut,
    };
    Run::ended(start, hook.meta.timeout(), ended, snapshot)
}

/// Judges one run: restores the arguments if the hook failed, reports the
/// execution, and says whether the chain goes on, ends, or stops the call.
/// An execution the audit log cannot take stops the call, whatever its status.
fn judge<P: HookPoint>(
    hook: &'static Hook<P>,
    ctx: &mut Ctx<P>,
    run: Run<P>,
    report: Report<'_>,
) -> Result<Next, HookError> {
    let meta = &hook.meta;
    let panicked = matches!(run.ended, Ended::Panicked(_));
    let (status, message) = match run.ended {
        Ended::Returned(Ok(Outcome::Continue)) => (Status::Ok, None),
        Ended::Returned(Ok(Outcome::Skip)) => (Status::Skip, None),
        Ended::Returned(Ok(Outcome::Block(reason))) => (Status::Blocked, Some(reason)),
        Ended::Returned(Err(message)) | Ended::Panicked(message) => (Status::Error, Some(message)),
        Ended::TimedOut => (Status::Timeout, Some(format!("ran past its limit of {} ms", meta.timeout_ms))),
    };
    let message = message.map(|text| scrub(text, &**ctx, run.snapshot.as_ref()));
    match run.snapshot {
        Some(snapshot) if matches!(status, Status::Error | Status::Timeout) => {
            discard(std::mem::replace(&mut **ctx, snapshot));
        }
        snapshot => discard(snapshot),
    }
    let (point, hook) = (meta.point, meta.path);
    report.close(status, run.duration, message.as_deref()).map_err(|error| HookError::Unaudited {
        point,
        hook,
        reason: error.to_string(),
    })?;
    match status {
        Status::Ok => Ok(Next::Continue),
        Status::Skip => Ok(Next::RunBody),
        Status::Blocked => Err(HookError::Blocked(Blocked { point, hook, reason: message.unwrap_or_default() })),
        Status::Error | Status::Timeout if meta.fallback => Ok(Next::Continue),
        Status::Timeout => Err(HookError::TimedOut { point, hook, timeout_ms: meta.timeout_ms }),
        Status::Error => {
            let message = message.unwrap_or_default();
            Err(if panicked {
                HookError::Panicked { point, hook, message }
            } else {
                HookError::Failed { point, hook, message }
            })
        }
    }
}
