//! Resolving an approval a hook asked for: a grant the session carries, the
//! session's scoped approver or the installed approver under its deadline,
//! or the typed error the agent resumes from; then, once every hook ran,
//! settling the approvals given: the body runs only with the arguments
//! they were given for, and only then is a use of each grant spent. Each
//! resolution is an audit line of the hook that asked.

use std::time::Duration;

use quanta::Instant;

use crate::approval::{self, ApprovalRequest, Decision, Denial, Grant};
use crate::execution::{Execution, Status};
use crate::point::HookPoint;
use crate::sink::Report;
use crate::unwind::CatchUnwind;
use crate::{HookError, Session};

use super::judge::{close, Asked};
use super::run::timer;

/// An ask that was approved, kept until the call's arguments are final.
pub(super) struct Lifted<'s> {
    asked: Asked,
    /// The grant that lifted it; `None` when an installed approver did.
    grant: Option<&'s Grant>,
    /// Whether the body must get the arguments as the asking hook saw them
    /// (all but [`Decision::ApproveWithChanges`]).
    bound: bool,
}

/// Lifts the ask `asked` when its approval is given; otherwise the error
/// that stops the call. `can_wait` says whether the call may wait for the
/// installed approver (only `async fn` points can).
///
/// A grant lifts only the ask it was given for: a grant for another hook's
/// ask is passed over, one for this ask and other arguments denies. An
/// after point's ask is never lifted by a grant, since resuming runs the
/// body again: only an approver, while the call waits, decides it.
pub(super) async fn resolve(asked: Asked, session: &Session, can_wait: bool) -> Result<Lifted<'_>, HookError> {
    let (meta, point, hook) = (asked.hook, asked.hook.point, asked.hook.path);
    let Some(id) = asked.id else {
        return Err(denied(&asked, session, Denial::Unbindable, Instant::now()));
    };
    if !asked.after {
        if let Some(grant) = session.approvals().iter().find(|grant| grant.id() == id) {
            if let Err(denial) = grant.check() {
                return Err(denied(&asked, session, denial, Instant::now()));
            }
            let text = format!("granted by {}", grant.by());
            let execution = Execution {
                message: Some(&text),
                approval: Some(&id),
                ..Execution::new(meta, session, Status::Approved, Duration::ZERO)
            };
            close(Report::open(meta, session), &execution, Instant::now())?;
            return Ok(Lifted { asked, grant: Some(grant), bound: true });
        }
        if session.approvals().iter().any(|grant| grant.id().same_ask(&id)) {
            return Err(denied(&asked, session, Denial::GrantMismatch, Instant::now()));
        }
    }
    let request = || ApprovalRequest {
        id,
        point,
        hook,
        tenant: session.tenant_id().map(str::to_owned),
        session_id: session.session_id().to_owned(),
        prompt: asked.prompt.clone(),
    };
    let pending = if can_wait { approval::decision_for(session, request) } else { None };
    let Some((pending, deadline)) = pending else {
        if asked.after {
            return Err(denied(&asked, session, Denial::AfterTheBody, Instant::now()));
        }
        return Err(HookError::ApprovalRequired { point, hook, id, prompt: asked.prompt });
    };
    let Some(timer) = timer(deadline) else {
        return Err(HookError::NoRuntime { point, hook });
    };
    let start = Instant::now();
    let after_ms = u64::try_from(deadline.as_millis()).unwrap_or(u64::MAX);
    let decision = tokio::select! {
        biased;
        decided = CatchUnwind::new(pending) => match decided {
            Ok(Ok(decision)) => Ok(decision),
            Ok(Err(message)) | Err(message) => Err(Denial::ApproverFailed(message)),
        },
        () = timer => Err(Denial::DeadlinePassed { after_ms }),
    };
    let (by, bound) = match decision {
        Ok(Decision::Approve { by }) => (by, true),
        Ok(Decision::ApproveWithChanges { by }) => (by, false),
        Ok(Decision::Reject { by, reason }) => {
            return Err(denied(&asked, session, Denial::Rejected { by, reason }, start))
        }
        Err(denial) => return Err(denied(&asked, session, denial, start)),
    };
    let text = if bound {
        format!("approved by {by}")
    } else {
        format!("approved by {by}, with the changes of the hooks after it")
    };
    let now = Instant::now();
    let execution = Execution {
        message: Some(&text),
        approval: Some(&id),
        ..Execution::new(meta, session, Status::Approved, now - start)
    };
    close(Report::open(meta, session), &execution, now)?;
    Ok(Lifted { asked, grant: None, bound })
}

/// Once every hook ran: denies the call when `args`, the arguments the
/// body would get, are not those each of the `lifted` asks was approved
/// for (a hook after the asking one changed them, and the approval did not
/// allow it); else spends a use of each grant, all or none.
#[cold]
pub(super) fn settle<P: HookPoint>(lifted: &[Lifted<'_>], session: &Session, args: &P) -> Result<(), HookError> {
    for Lifted { asked, .. } in lifted.iter().filter(|lifted| lifted.bound) {
        if approval::id_of(asked.hook, session, args) != asked.id {
            return Err(denied(asked, session, Denial::ChangedAfterApproval, Instant::now()));
        }
    }
    let granted: Vec<(&Asked, &Grant)> =
        lifted.iter().filter_map(|Lifted { asked, grant, .. }| grant.map(|grant| (asked, grant))).collect();
    let grants: Vec<&Grant> = granted.iter().map(|(_, grant)| *grant).collect();
    approval::spend(&grants).map_err(|(at, denial)| denied(granted[at].0, session, denial, Instant::now()))
}

/// Audits the denial of the approval `asked` for and returns its error
/// (or the audit log's, when it cannot take the denial).
fn denied(asked: &Asked, session: &Session, denial: Denial, start: Instant) -> HookError {
    let meta = asked.hook;
    let text = format!("denied: {denial}");
    let now = Instant::now();
    let execution = Execution {
        message: Some(&text),
        approval: asked.id.as_ref(),
        ..Execution::new(meta, session, Status::Denied, now - start)
    };
    match close(Report::open(meta, session), &execution, now) {
        Ok(()) => HookError::ApprovalDenied { point: meta.point, hook: meta.path, denial },
        Err(unaudited) => unaudited,
    }
}
