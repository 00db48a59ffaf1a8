//! The executor: runs a point's chain of hooks for one call.
//!
//! For each hook selected for the caller's tenant, in chain order: snapshot
//! the arguments (interceptors only), run the hook under its time limit with
//! panics caught, judge how it ended, hand the record to the audit log and
//! telemetry, then go on, skip to the body, or stop the call.
//!
//! Durations are read from the CPU's time-stamp counter where it is reliable
//! (a few nanoseconds a read, against some twenty for the OS clock), and from
//! the OS clock elsewhere.
//!
//! Time limits: an `async fn` hook is cancelled at its deadline (its future is
//! dropped). A plain `fn` hook cannot be interrupted; when it returns after
//! its deadline it is treated as timed out and its changes are discarded.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use quanta::Instant;

use crate::execution::{Execution, Status};
use crate::hook::{Hook, HookFn, HookFuture, HookMeta};
use crate::point::{AsyncPoint, HookPoint};
use crate::redact::scrub;
use crate::unwind::{panic_message, CatchUnwind};
use crate::{audit, sink, Blocked, Ctx, HookError, Outcome, Session};

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
    let hooks = P::table().select(session.tenant_id());
    if let Some(first) = hooks.first() {
        let (point, hook) = (first.meta.point, first.meta.path);
        audit::ready().map_err(|error| HookError::Unaudited { point, hook, reason: error.to_string() })?;
    }
    for hook in hooks {
        let scope = sink::open(&hook.meta, session);
        let run = scope.enter(|| run_plain(hook, &mut ctx));
        if let Next::RunBody = judge(hook, &mut ctx, run, scope)? {
            break;
        }
    }
    Ok(ctx.into_args())
}

/// Runs the chain of point `P` for a call of an `async fn` point; returns the
/// arguments as the hooks left them, or why the call must stop.
///
/// Must be awaited inside a Tokio runtime with its time driver enabled: the
/// time limits of `async fn` hooks are Tokio timers.
#[doc(hidden)]
pub async fn run_async<P: AsyncPoint>(session: &Session, args: P) -> Result<P, HookError> {
    let mut ctx = Ctx::new(args, session);
    let hooks = P::table().select(session.tenant_id());
    if let Some(first) = hooks.first() {
        let (point, hook) = (first.meta.point, first.meta.path);
        audit::ready().map_err(|error| HookError::Unaudited { point, hook, reason: error.to_string() })?;
    }
    for hook in hooks {
        let limit = hook.meta.timeout();
        let awaiting = Awaiting::new(&hook.meta, session);
        let run = match hook.run {
            HookFn::AsyncInterceptor(start) => {
                let snapshot = P::clone(&ctx);
                awaiting.scope().instrument(run_awaited(limit, start(&mut ctx), Some(snapshot))).await
            }
            HookFn::AsyncObserver(start) => awaiting.scope().instrument(run_awaited(limit, start(&ctx), None)).await,
            HookFn::Interceptor(_) | HookFn::Observer(_) => awaiting.scope().enter(|| run_plain(hook, &mut ctx)),
        };
        if let Next::RunBody = judge(hook, &mut ctx, run, awaiting.finish())? {
            break;
        }
    }
    Ok(ctx.into_args())
}

/// The scope of a hook run inside an `async fn` point. If the caller drops
/// the call while the hook runs, the execution is still reported, once, as
/// an error: every hook execution reaches the audit log, cancelled or not.
struct Awaiting<'s> {
    scope: Option<sink::Scope>,
    hook: &'static HookMeta,
    session: &'s Session,
    start: Instant,
}

impl<'s> Awaiting<'s> {
    fn new(hook: &'static HookMeta, session: &'s Session) -> Self {
        Awaiting { scope: Some(sink::open(hook, session)), hook, session, start: Instant::now() }
    }

    fn scope(&self) -> &sink::Scope {
        self.scope.as_ref().expect("the scope is open until `finish`")
    }

    /// The scope, for the run's own record: the call was not cancelled.
    fn finish(mut self) -> sink::Scope {
        self.scope.take().expect("the scope is open until `finish`")
    }
}

impl Drop for Awaiting<'_> {
    fn drop(&mut self) {
        if let Some(scope) = self.scope.take() {
            let closed = scope.close(&Execution {
                hook: self.hook,
                session: self.session,
                status: Status::Error,
                duration: Instant::now() - self.start,
                message: Some(CANCELLED),
            });
            // The caller is gone, so no call is left to refuse: say it here.
            if let Err(error) = closed {
                eprintln!("agenthooks: hook `{}` was cancelled and could not be audited: {error}", self.hook.path);
            }
        }
    }
}

/// The message of a hook execution whose call was dropped while it ran.
const CANCELLED: &str = "cancelled: the caller dropped the call while the hook ran";

/// Runs a plain `fn` hook; one that returns after its deadline has timed out.
fn run_plain<P: HookPoint>(hook: &Hook<P>, ctx: &mut Ctx<P>) -> Run<P> {
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
    let duration = Instant::now() - start;
    let ended = match result {
        Ok(_) if duration > hook.meta.timeout() => Ended::TimedOut,
        Ok(returned) => Ended::Returned(returned),
        Err(panic) => Ended::Panicked(panic_message(&*panic)),
    };
    Run { ended, duration, snapshot }
}

/// Awaits an `async fn` hook's future, cancelling it at `limit`.
async fn run_awaited<P>(limit: Duration, hook: HookFuture<'_>, snapshot: Option<P>) -> Run<P> {
    let start = Instant::now();
    let ended = match tokio::time::timeout(limit, CatchUnwind::new(hook)).await {
        Err(_elapsed) => Ended::TimedOut,
        Ok(Ok(returned)) => Ended::Returned(returned),
        Ok(Err(panic)) => Ended::Panicked(panic),
    };
    Run { ended, duration: Instant::now() - start, snapshot }
}

/// Judges one run: restores the arguments if the hook failed, records the
/// execution, and says whether the chain goes on, ends, or stops the call.
/// An execution the audit log cannot take stops the call, whatever its status.
fn judge<P: HookPoint>(
    hook: &'static Hook<P>,
    ctx: &mut Ctx<P>,
    run: Run<P>,
    scope: sink::Scope,
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
    if matches!(status, Status::Error | Status::Timeout) {
        if let Some(snapshot) = run.snapshot {
            **ctx = snapshot;
        }
    }
    let (point, hook) = (meta.point, meta.path);
    scope
        .close(&Execution {
            hook: meta,
            session: ctx.session(),
            status,
            duration: run.duration,
            message: message.as_deref(),
        })
        .map_err(|error| HookError::Unaudited { point, hook, reason: error.to_string() })?;
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
