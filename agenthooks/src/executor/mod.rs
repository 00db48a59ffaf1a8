//! The executor: runs a point's hooks for one call, as the point composes
//! them, and says whether the body runs and with which arguments.
//!
//! For each hook selected for the caller's tenant: snapshot the arguments
//! (interceptors only), run the hook under its time limit with panics caught
//! ([`run`]), judge what it decided under the point's failure policy and the
//! hook's mode and write its audit line ([`judge`]), resolve an approval it
//! asked for ([`approve`]). How verdicts combine depends on the point's
//! [`Compose`]: see each driver below, and the README's decision algebra.
//!
//! One driver serves both kinds of point: a plain `fn` point polls it once,
//! since none of its hooks ever waits (`#[hook]` rejects `async fn` hooks
//! there at compile time, and a sync call never waits for an approver). The
//! one exception is a plain `fn` point that chains its hooks, the common
//! case: [`run_sync`] runs it in a loop of its own, because going through
//! the async driver measured about 90 ns more per hook.
//!
//! Durations are read from the CPU's time-stamp counter where it is reliable
//! (a few nanoseconds a read, against some twenty for the OS clock), and from
//! the OS clock elsewhere.

mod approve;
mod guard;
mod join;
mod judge;
mod run;
pub(crate) mod stream;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use crate::execution::Changed;
use crate::hook::Hook;
use crate::point::{AsyncPoint, HookPoint};
use crate::policy::Compose;
use crate::{audit, Ctx, HookError, Session};

use approve::Lifted;
use judge::{execute, Asked, Verdict};

/// Runs the hooks of point `P` for a call of a plain `fn` point; returns the
/// arguments as the hooks left them, or why the call must stop.
#[doc(hidden)]
pub fn run_sync<P: HookPoint>(session: &Session, args: P) -> Result<P, HookError> {
    if P::COMPOSE != Compose::Chain {
        return now(drive(session, args, false));
    }
    let chains = P::table().load();
    let selected = chains.select(session.tenant_id()).select(&args);
    let hooks = &*selected;
    if hooks.is_empty() {
        // No hook of the tenant's chain matches this call.
        return Ok(args);
    }
    audited(hooks)?;
    let mut ctx = Ctx::new(args, session);
    let mut rest = hooks;
    while let Some((hook, after)) = rest.split_first() {
        rest = after;
        match judge::execute_now(hook, &mut ctx, session)? {
            Verdict::Continue => {}
            Verdict::Skip => break,
            Verdict::Ask(asked) => return asked_midway(asked, rest, ctx, session),
            Verdict::Stop(error) => return Err(error),
        }
    }
    Ok(ctx.into_args())
}

/// The rest of [`run_sync`]'s chain once a hook asked: resolves the ask,
/// runs the hooks after it, and settles the approvals given against the
/// final arguments. Out of line, so that a call whose hooks do not ask pays
/// nothing for approvals.
#[cold]
#[inline(never)]
fn asked_midway<P: HookPoint>(
    asked: Asked,
    rest: &[Hook<P>],
    mut ctx: Ctx<P>,
    session: &Session,
) -> Result<P, HookError> {
    let mut lifted = vec![now(approve::resolve(asked, session, false))?];
    lifted.extend(now(chain(rest, &mut ctx, session, false))?);
    approve::settle(&lifted, session, &*ctx)?;
    Ok(ctx.into_args())
}

/// The output of `future`, which must be ready at its first poll: the
/// driver of a plain `fn` point, whose hooks never wait.
pub(crate) fn now<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => unreachable!("the hooks of a plain `fn` point never wait"),
    }
}

/// Runs the hooks of point `P` for a call of an `async fn` point; returns
/// the arguments as the hooks left them, or why the call must stop.
///
/// Must be awaited inside a Tokio runtime with its time driver enabled: the
/// time limits of `async fn` hooks are Tokio timers. Elsewhere the call fails
/// with [`HookError::NoRuntime`] before any `async fn` hook runs.
#[doc(hidden)]
pub async fn run_async<P: AsyncPoint>(session: &Session, args: P) -> Result<P, HookError> {
    drive(session, args, true).await
}

async fn drive<P: HookPoint>(session: &Session, args: P, can_wait: bool) -> Result<P, HookError> {
    let chains = P::table().hold();
    let selected = chains.select(session.tenant_id()).select(&args);
    drive_hooks(&selected, session, args, can_wait).await
}

/// Runs `hooks`, the chain of a call, as the point composes them.
pub(crate) async fn drive_hooks<P: HookPoint>(
    hooks: &[Hook<P>],
    session: &Session,
    args: P,
    can_wait: bool,
) -> Result<P, HookError> {
    if hooks.is_empty() {
        // No hook of the tenant's chain matches this call.
        return Ok(args);
    }
    audited(hooks)?;
    let mut ctx = Ctx::new(args, session);
    let lifted = match P::COMPOSE {
        Compose::Chain => chain(hooks, &mut ctx, session, can_wait).await?,
        Compose::RunAll => run_all(hooks, &mut ctx, session, can_wait).await?,
        Compose::Parallel => parallel(hooks, &mut ctx, session, can_wait).await?,
    };
    if !lifted.is_empty() {
        approve::settle(&lifted, session, &*ctx)?;
    }
    Ok(ctx.into_args())
}

/// Checks that the audit log can take the records of `hooks` before any of
/// them runs: a call the log cannot take runs no hook, and fails naming the
/// first.
#[inline]
fn audited<P>(hooks: &[Hook<P>]) -> Result<(), HookError> {
    match hooks.first() {
        Some(first) => audit::ready().map_err(|error| HookError::Unaudited {
            point: first.meta.point,
            hook: first.meta.path,
            reason: error.to_string(),
        }),
        None => Ok(()),
    }
}

/// In chain order, each hook on the arguments as the previous ones left
/// them; the first stop (a block, a denied approval, a failure the point
/// does not let through) ends the call, `Skip` ends the chain. Returns the
/// asks approved on the way.
async fn chain<'s, P: HookPoint>(
    hooks: &[Hook<P>],
    ctx: &mut Ctx<P>,
    session: &'s Session,
    can_wait: bool,
) -> Result<Vec<Lifted<'s>>, HookError> {
    let mut lifted = Vec::new();
    for hook in hooks {
        match execute(hook, ctx, session, can_wait).await? {
            Verdict::Continue => {}
            Verdict::Skip => break,
            Verdict::Ask(asked) => lifted.push(approve::resolve(asked, session, can_wait).await?),
            Verdict::Stop(error) => return Err(error),
        }
    }
    Ok(lifted)
}

/// Every hook, in chain order, each on the arguments as the previous ones
/// left them, whatever the others decided (`Skip` ends nothing); then the
/// strictest verdict wins.
async fn run_all<'s, P: HookPoint>(
    hooks: &[Hook<P>],
    ctx: &mut Ctx<P>,
    session: &'s Session,
    can_wait: bool,
) -> Result<Vec<Lifted<'s>>, HookError> {
    let mut strictest = Strictest::default();
    for hook in hooks {
        strictest.add(execute(hook, ctx, session, can_wait).await?);
    }
    strictest.resolve(session, can_wait).await
}

/// Every hook on its own copy of the same arguments, `async fn` hooks
/// concurrently; then, in chain order (never completion order): the
/// strictest verdict wins, two hooks that changed one argument fail the
/// call, and each hook's changes apply.
async fn parallel<'s, P: HookPoint>(
    hooks: &[Hook<P>],
    ctx: &mut Ctx<P>,
    session: &'s Session,
    can_wait: bool,
) -> Result<Vec<Lifted<'s>>, HookError> {
    let mut copies: Vec<Ctx<P>> = hooks.iter().map(|_| ctx.fork()).collect();
    let runs = hooks.iter().zip(copies.iter_mut()).map(|(hook, copy)| execute(hook, copy, session, can_wait));
    let verdicts = join::all(runs.collect()).await;
    let mut strictest = Strictest::default();
    // For each field, the first hook in chain order that changed it.
    let mut owners: Vec<(usize, usize)> = Vec::new();
    for (index, (copy, verdict)) in copies.iter().zip(verdicts).enumerate() {
        strictest.add(verdict?);
        let changed = Changed::new(P::FIELDS, copy.changed_fields(ctx));
        for field in changed.indices() {
            if let Some(&(_, first)) = owners.iter().find(|(seen, _)| *seen == field) {
                let (first, second) = (hooks[first].meta.path, hooks[index].meta.path);
                strictest.conflict(HookError::ConflictingChanges {
                    point: P::NAME,
                    field: P::FIELDS[field],
                    first,
                    second,
                });
            }
            owners.push((field, index));
        }
    }
    let lifted = strictest.resolve(session, can_wait).await?;
    for (field, index) in owners {
        ctx.take_field(&mut copies[index], field);
    }
    Ok(lifted)
}

/// The combined verdict of several hooks: the first stop in chain order,
/// else the first conflict, else every approval asked for, in chain order.
#[derive(Default)]
struct Strictest {
    stop: Option<HookError>,
    conflict: Option<HookError>,
    asks: Vec<Asked>,
}

impl Strictest {
    fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Continue | Verdict::Skip => {}
            Verdict::Ask(asked) => self.asks.push(asked),
            Verdict::Stop(error) => {
                self.stop.get_or_insert(error);
            }
        }
    }

    fn conflict(&mut self, error: HookError) {
        self.conflict.get_or_insert(error);
    }

    /// The first stop or conflict; else each ask resolved, in chain order.
    async fn resolve(self, session: &Session, can_wait: bool) -> Result<Vec<Lifted<'_>>, HookError> {
        if let Some(error) = self.stop.or(self.conflict) {
            return Err(error);
        }
        let mut lifted = Vec::with_capacity(self.asks.len());
        for asked in self.asks {
            lifted.push(approve::resolve(asked, session, can_wait).await?);
        }
        Ok(lifted)
    }
}
