//! One stream hook on one stream event (see `lifecycle::stream`): run it
//! as a plain `fn` hook is run, judge what it made of the event, and audit
//! it unless it passed the event unchanged without a note
//! (`Outcome::Note`), which is only counted.
//!
//! An audited stream hook's span opens once it has returned: a pass has no
//! span, so that a stream costs little per event.

use std::time::Duration;

use quanta::Instant;

use crate::execution::{Changed, Execution, Status};
use crate::hook::{Hook, HookMeta};
use crate::lifecycle::{Event, StreamEvent};
use crate::matcher::Chain;
use crate::point::HookPoint;
use crate::policy::{Mode, OnFailure};
use crate::sink::Report;
use crate::unwind::discard;
use crate::{Blocked, Ctx, HookError, Outcome, Session};

use super::judge::close;
use super::run::{run_plain, Ended, Run};

/// What a stream hook made of an event, once audited.
pub(crate) enum Applied {
    /// It passed the event unchanged, taking this long: counted, not
    /// audited.
    Passed(Duration),
    /// Audited; the event goes on as it now is (changed, or restored after
    /// a failure let through or a shadow run).
    Audited,
    /// It returned `Skip`: the event goes out without the later hooks.
    Skipped,
    /// It suppressed the event (none) or expanded it; with `skip_rest`
    /// (it also returned `Skip`) these go out without the later hooks.
    Replaced { events: Vec<Event>, skip_rest: bool },
}

/// The events one hook passed unchanged on one stream.
#[derive(Clone, Copy, Default)]
pub(crate) struct Passes {
    count: u64,
    duration: Duration,
}

impl Passes {
    #[inline]
    pub(crate) fn add(&mut self, duration: Duration) {
        self.count += 1;
        self.duration += duration;
    }
}

/// Checks that the audit log can take the records of `chain`'s hooks.
pub(crate) fn ready(chain: &Chain<StreamEvent>) -> Result<(), HookError> {
    super::audited(chain.hooks())
}

/// What an event became, for the audit line of a hook that replaced it.
fn replaced_message(events: &[Event]) -> String {
    match events.len() {
        0 => "suppressed the event".to_owned(),
        1 => "replaced the event with another".to_owned(),
        count => format!("expanded the event into {count} events"),
    }
}

/// Runs `hook` on the event in `ctx` and judges it; fails with the error
/// that ends the stream.
#[inline]
pub(crate) fn apply(
    hook: &Hook<StreamEvent>,
    ctx: &mut Ctx<StreamEvent>,
    session: &Session,
) -> Result<Applied, HookError> {
    let meta = hook.meta;
    if meta.is_async {
        // `#[hook]` refuses an `async fn` hook here; one built by hand fails.
        let message = "an `async fn` hook cannot run on a stream event".to_owned();
        return fail(meta, session, Ended::Failed(message), Duration::ZERO);
    }
    let Run { ended, duration, snapshot, .. } = run_plain(hook, ctx);
    let shadow = meta.mode == Mode::Shadow;
    let (skip, note, instead) = match ended {
        Ended::Returned(Outcome::Continue) => (false, None, ctx.take_instead()),
        Ended::Returned(Outcome::Note(note)) => (false, Some(note), ctx.take_instead()),
        Ended::Returned(Outcome::Skip) => (true, None, ctx.take_instead()),
        ended => {
            if let Some(before) = snapshot {
                discard(std::mem::replace(&mut **ctx, before));
            }
            return fail(meta, session, ended, duration);
        }
    };
    let changed = Changed::new(StreamEvent::FIELDS, snapshot.as_ref().map_or(0, |before| ctx.changed_fields(before)));
    if instead.is_none() && changed.is_empty() && !skip && note.is_none() {
        discard(snapshot);
        return Ok(Applied::Passed(duration));
    }
    let replaced = instead.as_deref().map(replaced_message);
    // A note is audited with what the hook made of the event, if anything.
    let noting = |said: String| match &note {
        Some(note) => format!("{said}, noting: {note}"),
        None => said,
    };
    if shadow {
        if let Some(before) = snapshot {
            discard(std::mem::replace(&mut **ctx, before));
        }
        let would = match (replaced, skip) {
            (Some(replaced), _) => format!("would have {replaced}"),
            (None, true) => "would skip the rest of the chain".to_owned(),
            (None, false) if changed.is_empty() => "would continue".to_owned(),
            (None, false) => format!("would change {}", changed.names().collect::<Vec<_>>().join(", ")),
        };
        let would = noting(would);
        audit(&Execution { message: Some(&would), ..Execution::new(meta, session, Status::Shadow, duration) })?;
        return Ok(Applied::Audited);
    }
    let message = match replaced {
        Some(replaced) => Some(noting(replaced)),
        None => note,
    };
    discard(snapshot);
    let status = if skip { Status::Skip } else { Status::Ok };
    let changed = if instead.is_some() { Changed::default() } else { changed };
    audit(&Execution { changed, message: message.as_deref(), ..Execution::new(meta, session, status, duration) })?;
    Ok(match (instead, skip) {
        (Some(events), skip_rest) => Applied::Replaced { events, skip_rest },
        (None, true) => Applied::Skipped,
        (None, false) => Applied::Audited,
    })
}

/// Judges a hook that did not let the event go on (a block, an ask, a
/// failure): audits it, and fails with the error that ends the stream,
/// unless the hook is a shadow or its failure is let through.
fn fail(meta: &'static HookMeta, session: &Session, ended: Ended, duration: Duration) -> Result<Applied, HookError> {
    const POLICY: OnFailure = StreamEvent::ON_FAILURE;
    let (point, hook) = (meta.point, meta.path);
    let (status, text, error) = match ended {
        Ended::Returned(Outcome::Block(reason)) => {
            (Status::Blocked, reason.clone(), HookError::Blocked(Blocked { point, hook, reason }))
        }
        Ended::Returned(Outcome::Ask(prompt)) => {
            let reason = format!("asked for approval, which a stream cannot wait for: {prompt}");
            (Status::Blocked, reason.clone(), HookError::Blocked(Blocked { point, hook, reason }))
        }
        Ended::Failed(message) => {
            (Status::Error, message.clone(), HookError::Failed { point, hook, message, on_failure: POLICY })
        }
        Ended::Panicked(message) => {
            (Status::Error, message.clone(), HookError::Panicked { point, hook, message, on_failure: POLICY })
        }
        Ended::TimedOut => (
            Status::Timeout,
            format!("ran past its limit of {} ms", meta.timeout_ms),
            HookError::TimedOut { point, hook, timeout_ms: meta.timeout_ms, on_failure: POLICY },
        ),
        Ended::Returned(_) => unreachable!("a stream hook that lets the event go on is judged by `apply`"),
    };
    if meta.mode == Mode::Shadow {
        let would = match status {
            Status::Blocked => format!("would block: {text}"),
            _ => format!("would fail: {text}"),
        };
        audit(&Execution { message: Some(&would), ..Execution::new(meta, session, Status::Shadow, duration) })?;
        return Ok(Applied::Audited);
    }
    let let_through = status != Status::Blocked && POLICY == OnFailure::Continue && meta.fallback;
    audit(&Execution { let_through, message: Some(&text), ..Execution::new(meta, session, status, duration) })?;
    if let_through {
        Ok(Applied::Audited)
    } else {
        Err(error)
    }
}

/// Writes the audit line of one stream hook execution.
fn audit(execution: &Execution<'_>) -> Result<(), HookError> {
    close(Report::open(execution.hook, execution.session), execution, Instant::now())
}

/// Writes the line that counts the events `hook` passed unchanged on one
/// stream; nothing when it passed none.
pub(crate) fn report_passes(hook: &Hook<StreamEvent>, session: &Session, passes: Passes) -> Result<(), HookError> {
    if passes.count == 0 {
        return Ok(());
    }
    let message = format!("passed {} events unchanged", passes.count);
    audit(&Execution { message: Some(&message), ..Execution::new(hook.meta, session, Status::Ok, passes.duration) })
}
