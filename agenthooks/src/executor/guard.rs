//! The patterns around one hook run (see [`patterns`](crate::patterns)):
//! its rate limit and circuit breaker, asked of the store before it runs,
//! and its retries.
//!
//! In order: the rate limit (a refused call blocks it or skips the hook),
//! then the breaker (open: the hook does not run, a failure judged by the
//! point's failure policy; a probe or closed: it runs), then the run, with
//! its retries, then what the breaker must learn of it. Each decision taken
//! without running the hook is one audit line; a store that cannot answer
//! is one too, whatever the hook then does. Nothing here runs for a hook
//! that declares no pattern.
//!
//! State is kept per hook and per tenant, under the keys of
//! [`store`](crate::store)'s layout.

use std::future::Future;
use std::num::NonZeroU32;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use quanta::Instant;

use crate::execution::{Execution, Status};
use crate::hook::{Hook, HookMeta};
use crate::patterns::{breaker_text, Exceeded, Patterns, RateLimit, Retry, StoreDown};
use crate::point::HookPoint;
use crate::policy::{Mode, OnFailure};
use crate::redact::scrub;
use crate::sink::Report;
use crate::store::{self, key, Breaker, Permit, StoreError, StoreFuture};
use crate::unwind::discard;
use crate::{Ctx, HookError, Session};

use super::judge::{close, judge_guarded, Verdict};
use super::run::{self, Ended, Run};

/// Runs `hook`, which declares `patterns`, on `ctx`, and judges it.
pub(super) async fn execute<P: HookPoint>(
    hook: &Hook<P>,
    patterns: &'static Patterns,
    ctx: &mut Ctx<P>,
    session: &Session,
    can_wait: bool,
) -> Result<Verdict, HookError> {
    let meta = hook.meta;
    let store = store::installed();
    if let Some(limit) = patterns.rate_limit {
        let key = key::rate(meta, limit.per, session);
        match ask(store.admit(&key, limit.rate), can_wait).await {
            Ok(true) => {}
            Ok(false) => return refused(meta, session, limit),
            Err(error) => {
                if let Some(verdict) = store_down::<P>(meta, session, patterns.store_down, &error)? {
                    return Ok(verdict);
                }
            }
        }
    }
    let mut asked = None;
    if let Some(breaker) = patterns.breaker {
        let key = key::breaker(meta, session);
        match ask(store.permit(&key, breaker), can_wait).await {
            Ok(Permit::Open) => return open::<P>(meta, session, breaker),
            Ok(permit) => asked = Some((key, breaker, permit)),
            Err(error) => {
                if let Some(verdict) = store_down::<P>(meta, session, patterns.store_down, &error)? {
                    return Ok(verdict);
                }
            }
        }
    }
    let (verdict, failed) = run_judged(hook, patterns.retry, ctx, session).await?;
    if let Some((key, breaker, permit)) = asked {
        // A success while closed changes nothing (see the store's rules):
        // it is not sent. A store that cannot record leaves the breaker as
        // it was; the run is judged already.
        if failed || permit == Permit::Probe {
            discard(ask(store.record(&key, breaker, permit, !failed), can_wait).await);
        }
    }
    Ok(verdict)
}

/// The store's answer: awaited when the call can wait, else polled once, a
/// store that is not ready then being one that cannot answer.
async fn ask<T>(future: StoreFuture<'_, T>, can_wait: bool) -> Result<T, StoreError> {
    if can_wait {
        return future.await;
    }
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(answer) => answer,
        Poll::Pending => Err(StoreError::WouldWait),
    }
}

/// A call over `limit`: blocked, or the hook skipped.
fn refused(meta: &'static HookMeta, session: &Session, limit: RateLimit) -> Result<Verdict, HookError> {
    let (message, stop) = match limit.exceeded {
        Exceeded::Skip => (format!("rate limit of {limit} exceeded: the hook was skipped"), None),
        Exceeded::Block => (
            format!("rate limit of {limit} exceeded: the call was blocked"),
            Some(HookError::RateLimited { point: meta.point, hook: meta.path, limit: limit.to_string() }),
        ),
    };
    decided(meta, session, Status::RateLimited, &message, stop, false)
}

/// A call while the breaker is open: a failure of the hook, judged by the
/// point's failure policy.
fn open<P: HookPoint>(meta: &'static HookMeta, session: &Session, breaker: Breaker) -> Result<Verdict, HookError> {
    let breaker = breaker_text(breaker);
    let message = format!("circuit breaker open ({breaker}): the hook did not run");
    let error = HookError::BreakerOpen { point: meta.point, hook: meta.path, breaker };
    failure::<P>(meta, session, Status::BreakerOpen, &message, error)
}

/// A store that could not answer: the hook runs unchecked (`None`), or
/// does not, a failure judged by the point's failure policy.
fn store_down<P: HookPoint>(
    meta: &'static HookMeta,
    session: &Session,
    declared: StoreDown,
    error: &StoreError,
) -> Result<Option<Verdict>, HookError> {
    match declared {
        StoreDown::Run => {
            let message = format!("{error}: the hook ran unchecked (store_down = \"run\")");
            decided(meta, session, Status::StoreDown, &message, None, false)?;
            Ok(None)
        }
        StoreDown::Fail => {
            let message = format!("{error}: the hook did not run (store_down = \"fail\")");
            let error = HookError::StoreDown { point: meta.point, hook: meta.path, reason: error.to_string() };
            failure::<P>(meta, session, Status::StoreDown, &message, error).map(Some)
        }
    }
}

/// A hook that did not run, and that the point's failure policy judges as
/// a failing hook: let through, or stopping the call with `error`.
fn failure<P: HookPoint>(
    meta: &'static HookMeta,
    session: &Session,
    status: Status,
    message: &str,
    error: HookError,
) -> Result<Verdict, HookError> {
    let let_through = P::ON_FAILURE == OnFailure::Continue && meta.fallback;
    decided(meta, session, status, message, (!let_through).then_some(error), let_through)
}

/// Audits a decision taken without running the hook, and says how the call
/// goes on: stopped by `stop`, or on. A hook in shadow mode enforces
/// nothing: its line says what would have happened, and the call goes on.
fn decided(
    meta: &'static HookMeta,
    session: &Session,
    status: Status,
    message: &str,
    stop: Option<HookError>,
    let_through: bool,
) -> Result<Verdict, HookError> {
    let report = Report::open(meta, session);
    if meta.mode == Mode::Shadow {
        let would = format!("would be {status}: {message}");
        let execution =
            Execution { message: Some(&would), ..Execution::new(meta, session, Status::Shadow, Duration::ZERO) };
        close(report, &execution, Instant::now())?;
        return Ok(Verdict::Continue);
    }
    let execution =
        Execution { message: Some(message), let_through, ..Execution::new(meta, session, status, Duration::ZERO) };
    close(report, &execution, Instant::now())?;
    Ok(stop.map_or(Verdict::Continue, Verdict::Stop))
}

/// Runs `hook` and judges it, with its retries when it declares some and is
/// an `async fn`; says also whether the (last) run failed, for its breaker.
async fn run_judged<P: HookPoint>(
    hook: &Hook<P>,
    retry: Option<Retry>,
    ctx: &mut Ctx<P>,
    session: &Session,
) -> Result<(Verdict, bool), HookError> {
    if let Some(retry) = retry.filter(|_| hook.run.is_async()) {
        return retried(hook, retry, ctx, session).await;
    }
    let (run, report) = run::run(hook, ctx, session).await?;
    let failed = run.failed();
    Ok((judge_guarded(hook.meta, ctx, run, report, None)?, failed))
}

/// Runs the `async fn` hook `hook` until an attempt does not fail with an
/// error or a panic, at most `retry.times() + 1` times, all within its one
/// time limit; each attempt is audited, and a failed one leaves the
/// arguments as the hook first received them.
async fn retried<P: HookPoint>(
    hook: &Hook<P>,
    retry: Retry,
    ctx: &mut Ctx<P>,
    session: &Session,
) -> Result<(Verdict, bool), HookError> {
    let meta = hook.meta;
    let Some(timer) = run::timer(meta.timeout()) else {
        return Err(HookError::NoRuntime { point: meta.point, hook: meta.path });
    };
    let mut timer = pin!(timer);
    let start = Instant::now();
    let mut attempt = NonZeroU32::MIN;
    loop {
        // What is left of the time limit when this attempt starts.
        let limit = meta.timeout().saturating_sub(Instant::now() - start);
        let report = Report::open_cancellable(meta, session);
        let run = report.instrument(run::run_awaited(hook, ctx, timer.as_mut(), limit)).await;
        let left = meta.timeout().saturating_sub(Instant::now() - start);
        let again = attempt <= retry.times() && left > retry.backoff();
        // Errors and panics are retried; a time-out used up the time.
        let failed = match run {
            Run { ended: Ended::Failed(text) | Ended::Panicked(text), duration, at, snapshot } if again => {
                Failed { text, duration, at, snapshot }
            }
            run => {
                let failed = run.failed();
                return Ok((judge_guarded(meta, ctx, run, report, Some(attempt))?, failed));
            }
        };
        failed_attempt(meta, ctx, failed, report, attempt, retry)?;
        // A timer that fires meanwhile times the next attempt out.
        tokio::time::sleep(retry.backoff()).await;
        attempt = attempt.saturating_add(1);
    }
}

/// An attempt that failed with an error or a panic, to be retried: its
/// error or panic text, how long it ran, when it ended, and the arguments
/// as they were before it (interceptors only).
struct Failed<P> {
    text: String,
    duration: Duration,
    at: Instant,
    snapshot: Option<P>,
}

/// Audits the failed `attempt`, which will be retried, and restores the
/// arguments as they were before it.
fn failed_attempt<P: HookPoint>(
    meta: &'static HookMeta,
    ctx: &mut Ctx<P>,
    failed: Failed<P>,
    report: Report<'_>,
    attempt: NonZeroU32,
    retry: Retry,
) -> Result<(), HookError> {
    let Failed { text, duration, at, snapshot } = failed;
    let text = scrub(text, &**ctx, snapshot.as_ref());
    if let Some(before) = snapshot {
        discard(std::mem::replace(&mut **ctx, before));
    }
    let message = format!(
        "{text}; attempt {attempt} of {}, retried after {} ms",
        retry.times().get() + 1,
        retry.backoff().as_millis()
    );
    let execution = Execution {
        message: Some(&message),
        attempt: Some(attempt),
        ..Execution::new(meta, ctx.session(), Status::Error, duration)
    };
    close(report, &execution, at)
}
