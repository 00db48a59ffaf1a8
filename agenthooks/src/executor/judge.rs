//! Judging one hook run: what the hook decided, what the point's failure
//! policy and the hook's mode make of it, which arguments it changed, and
//! its audit line. Exactly one line per run, whatever it decided.

use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::time::Duration;

use quanta::Instant;

use crate::approval::{self, ApprovalId};
use crate::execution::{Changed, Execution, Status};
use crate::hook::{Hook, HookMeta};
use crate::patterns::Patterns;
use crate::point::HookPoint;
use crate::policy::{Mode, OnFailure};
use crate::redact::scrub;
use crate::sink::Report;
use crate::unwind::discard;
use crate::{Blocked, Ctx, HookError, Outcome, Session};

use super::guard;
use super::run::{run, run_now, Ended, Run};

/// What one hook's run means for the call, once judged and audited.
pub(super) enum Verdict {
    /// Go on with the arguments as the hook left them.
    Continue,
    /// End the chain; the body runs.
    Skip,
    /// The hook asked for approval; its changes were discarded.
    Ask(Asked),
    /// The call must stop with this error: a block, or a failure the point
    /// does not let through.
    Stop(HookError),
}

/// An approval a hook asked for.
pub(super) struct Asked {
    pub(super) hook: &'static HookMeta,
    /// `None` when the point's arguments cannot be bound to an id.
    pub(super) id: Option<ApprovalId>,
    pub(super) prompt: String,
    /// Asked on an after point, whose body has run.
    pub(super) after: bool,
}

/// What a hook said, without its text. A `Note` is a `Continue` whose
/// text is the note.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Said {
    Continue,
    Skip,
    Block,
    Ask,
    Failed { panicked: bool },
    TimedOut,
}

/// Runs `hook` on `ctx` and judges the run. Fails only when the hook could
/// not be run or audited: a call the audit log cannot take stops. A hook
/// that declares patterns (rate limit, retry, breaker) goes through
/// [`guard`](super::guard), which may wait for the store when `can_wait`.
pub(super) async fn execute<P: HookPoint>(
    hook: &Hook<P>,
    ctx: &mut Ctx<P>,
    session: &Session,
    can_wait: bool,
) -> Result<Verdict, HookError> {
    if let Some(patterns) = hook.meta.patterns {
        return guarded(hook, patterns, ctx, session, can_wait).await;
    }
    let (run, report) = run(hook, ctx, session).await?;
    judge(hook.meta, ctx, run, report, None)
}

/// Runs the plain `fn` hook `hook` on `ctx` and judges the run.
#[inline]
pub(super) fn execute_now<P: HookPoint>(
    hook: &Hook<P>,
    ctx: &mut Ctx<P>,
    session: &Session,
) -> Result<Verdict, HookError> {
    if let Some(patterns) = hook.meta.patterns {
        return guarded_now(hook, patterns, ctx, session);
    }
    let (run, report) = run_now(hook, ctx, session);
    judge(hook.meta, ctx, run, report, None)
}

/// [`execute`] for a hook that declares patterns: boxed, and kept out of
/// line, so that the hooks without patterns keep a future of their size and
/// pay only the branch on `patterns`.
#[cold]
#[inline(never)]
fn guarded<'a, P: HookPoint>(
    hook: &'a Hook<P>,
    patterns: &'static Patterns,
    ctx: &'a mut Ctx<P>,
    session: &'a Session,
    can_wait: bool,
) -> Pin<Box<dyn Future<Output = Result<Verdict, HookError>> + Send + 'a>> {
    Box::pin(guard::execute(hook, patterns, ctx, session, can_wait))
}

/// [`execute_now`] for a hook that declares patterns, kept out of line.
#[cold]
#[inline(never)]
fn guarded_now<P: HookPoint>(
    hook: &Hook<P>,
    patterns: &'static Patterns,
    ctx: &mut Ctx<P>,
    session: &Session,
) -> Result<Verdict, HookError> {
    super::now(guard::execute(hook, patterns, ctx, session, false))
}

/// A run as the judge sees it: what the hook said and its text, how long
/// it ran and when it ended, and the arguments as they were before it.
struct Judged<P> {
    said: Said,
    text: Option<String>,
    duration: Duration,
    at: Instant,
    snapshot: Option<P>,
    attempt: Option<NonZeroU32>,
}

/// [`judge`] for the runs of hooks that declare patterns: a call of its
/// own, so that `judge` stays inlined into the two calls of the hooks that
/// declare none (measured: 70 instructions more per one-hook call when the
/// compiler keeps it apart).
#[inline(never)]
pub(super) fn judge_guarded<P: HookPoint>(
    meta: &'static HookMeta,
    ctx: &mut Ctx<P>,
    run: Run<P>,
    report: Report<'_>,
    attempt: Option<NonZeroU32>,
) -> Result<Verdict, HookError> {
    judge(meta, ctx, run, report, attempt)
}

/// Judges `run`, the `attempt`-th of a hook that declares `retry`, or the
/// one run of any other hook (`attempt` is `None`).
///
/// Inlined into its callers, always: the compiler otherwise keeps it apart
/// once the failure paths grew (measured: 666 instructions per one-hook
/// call apart, 619 inlined).
#[allow(clippy::inline_always)]
#[inline(always)]
fn judge<P: HookPoint>(
    meta: &'static HookMeta,
    ctx: &mut Ctx<P>,
    run: Run<P>,
    report: Report<'_>,
    attempt: Option<NonZeroU32>,
) -> Result<Verdict, HookError> {
    let Run { ended, duration, at, snapshot } = run;
    let (said, text) = match ended {
        // The common case, a hook that let the call go on, judged apart so
        // that the compiler folds in what it said: no text to scrub, no
        // status to translate, no approval.
        Ended::Returned(Outcome::Continue) => {
            return verdict(
                meta,
                ctx,
                report,
                Judged { said: Said::Continue, text: None, duration, at, snapshot, attempt },
            );
        }
        Ended::Returned(Outcome::Skip) => (Said::Skip, None),
        Ended::Returned(Outcome::Note(note)) => (Said::Continue, Some(note)),
        Ended::Returned(Outcome::Block(reason)) => (Said::Block, Some(reason)),
        Ended::Returned(Outcome::Ask(prompt)) => (Said::Ask, Some(prompt)),
        Ended::Failed(message) => (Said::Failed { panicked: false }, Some(message)),
        Ended::Panicked(message) => (Said::Failed { panicked: true }, Some(message)),
        Ended::TimedOut => (Said::TimedOut, Some(format!("ran past its limit of {} ms", meta.timeout_ms))),
    };
    verdict(meta, ctx, report, Judged { said, text, duration, at, snapshot, attempt })
}

/// What the run `judged` means under the point's failure policy and the
/// hook's mode: restores the arguments when its changes do not stand,
/// closes its report, and says how the call goes on.
///
/// Inlined into both of [`judge`]'s calls, always: that is what folds the
/// common case's constants in (measured: 794 instructions per one-hook call
/// when the compiler keeps it apart).
#[allow(clippy::inline_always)]
#[inline(always)]
fn verdict<P: HookPoint>(
    meta: &'static HookMeta,
    ctx: &mut Ctx<P>,
    report: Report<'_>,
    judged: Judged<P>,
) -> Result<Verdict, HookError> {
    let Judged { said, text, duration, at, snapshot, attempt } = judged;
    // Scrubbed against both versions of the arguments: a message may quote
    // a redacted value as it was or as the hook made it.
    let text = text.map(|text| scrub(text, &**ctx, snapshot.as_ref()));
    let changed = Changed::new(P::FIELDS, snapshot.as_ref().map_or(0, |before| ctx.changed_fields(before)));
    // A change to a key fails the hook (folded away on points without
    // keys); a hook that stopped the call keeps its word, its changes undone.
    let (said, text) = match changed.of(P::KEY_FIELDS) {
        keys if P::KEY_FIELDS != 0 && !keys.is_empty() && matches!(said, Said::Continue | Said::Skip) => {
            (Said::Failed { panicked: false }, Some(changed_key(keys)))
        }
        _ => (said, text),
    };
    let shadow = meta.mode == Mode::Shadow;
    let keeps_changes = !shadow && matches!(said, Said::Continue | Said::Skip);
    match snapshot {
        Some(before) if !keeps_changes => discard(std::mem::replace(&mut **ctx, before)),
        snapshot => discard(snapshot),
    }
    let session = ctx.session();
    if shadow {
        let would = would(said, text.as_deref(), changed);
        let execution = Execution {
            message: Some(&would),
            changed,
            attempt,
            ..Execution::new(meta, session, Status::Shadow, duration)
        };
        close(report, &execution, at)?;
        return Ok(Verdict::Continue);
    }
    // The arguments as the asking hook saw them: its changes are undone.
    let id = if said == Said::Ask { approval::id_of(meta, session, &**ctx) } else { None };
    let failed = matches!(said, Said::Failed { .. } | Said::TimedOut);
    let let_through = failed && P::ON_FAILURE == OnFailure::Continue && meta.fallback;
    let status = match said {
        Said::Continue => Status::Ok,
        Said::Skip => Status::Skip,
        Said::Block => Status::Blocked,
        Said::Ask => Status::Ask,
        Said::Failed { .. } => Status::Error,
        Said::TimedOut => Status::Timeout,
    };
    let execution = Execution {
        message: text.as_deref(),
        changed: if keeps_changes { changed } else { Changed::default() },
        approval: id.as_ref(),
        let_through,
        attempt,
        ..Execution::new(meta, session, status, duration)
    };
    close(report, &execution, at)?;
    let (point, hook) = (meta.point, meta.path);
    let text = text.unwrap_or_default();
    Ok(match said {
        Said::Continue => Verdict::Continue,
        Said::Skip => Verdict::Skip,
        Said::Block => Verdict::Stop(HookError::Blocked(Blocked { point, hook, reason: text })),
        Said::Ask => Verdict::Ask(Asked { hook: meta, id, prompt: text, after: P::AFTER }),
        Said::Failed { .. } | Said::TimedOut if let_through => Verdict::Continue,
        Said::TimedOut => {
            Verdict::Stop(HookError::TimedOut { point, hook, timeout_ms: meta.timeout_ms, on_failure: P::ON_FAILURE })
        }
        Said::Failed { panicked: true } => {
            Verdict::Stop(HookError::Panicked { point, hook, message: text, on_failure: P::ON_FAILURE })
        }
        Said::Failed { panicked: false } => {
            Verdict::Stop(HookError::Failed { point, hook, message: text, on_failure: P::ON_FAILURE })
        }
    })
}

/// Closes `report` with `execution`, which ended `at`; an execution the
/// audit log cannot take stops the call.
#[inline]
pub(super) fn close(report: Report<'_>, execution: &Execution<'_>, at: Instant) -> Result<(), HookError> {
    report.close(execution, at).map_err(|error| HookError::Unaudited {
        point: execution.hook.point,
        hook: execution.hook.path,
        reason: error.to_string(),
    })
}

/// The failure of a hook that changed key arguments `keys`: the hooks of
/// the call were selected by their values, so a hook may only read them.
fn changed_key(keys: Changed) -> String {
    let keys = keys.names().map(|key| format!("`{key}`")).collect::<Vec<_>>().join(", ");
    format!("changed key argument {keys}, which hooks may only read: the call's hooks were selected by its value")
}

/// What a hook in shadow mode would have done, for its audit line.
fn would(said: Said, text: Option<&str>, changed: Changed) -> String {
    let noting = |would: String| match text {
        Some(note) => format!("{would}, noting: {note}"),
        None => would,
    };
    let text = text.unwrap_or_default();
    match said {
        Said::Continue if changed.is_empty() => noting("would continue".to_owned()),
        Said::Continue => noting(format!("would change {}", changed.names().collect::<Vec<_>>().join(", "))),
        Said::Skip => "would skip the rest of the chain".to_owned(),
        Said::Block => format!("would block: {text}"),
        Said::Ask => format!("would ask for approval: {text}"),
        Said::Failed { .. } | Said::TimedOut => format!("would fail: {text}"),
    }
}
