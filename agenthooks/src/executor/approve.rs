//! Resolving an approval a hook asked for: a grant the session carries, the
//! session's scoped approver or the installed approver under its deadline,
//! or the typed error the agent resumes from. Each resolution is an audit
//! line of the hook that asked.

use std::time::Duration;

use quanta::Instant;

use crate::approval::{self, ApprovalRequest, Decision, Denial};
use crate::execution::{Execution, Status};
use crate::sink::Report;
use crate::unwind::CatchUnwind;
use crate::{HookError, Session};

use super::judge::{close, Asked};
use super::run::timer;

/// Lets the call go on when the approval `asked` for is granted; otherwise
/// the error that stops it. `can_wait` says whether the call may wait for
/// the installed approver (only `async fn` points can).
pub(super) async fn resolve(asked: &Asked, session: &Session, can_wait: bool) -> Result<(), HookError> {
    let (meta, point, hook) = (asked.hook, asked.hook.point, asked.hook.path);
    let Some(id) = asked.id else {
        return deny(asked, session, Denial::Unbindable, Instant::now());
    };
    if let Some(grant) = session.approvals().iter().find(|grant| grant.id() == id) {
        let text = format!("granted by {}", grant.by());
        let execution = Execution {
            message: Some(&text),
            approval: Some(&id),
            ..Execution::new(meta, session, Status::Approved, Duration::ZERO)
        };
        return close(Report::open(meta, session), &execution, Instant::now());
    }
    if !session.approvals().is_empty() {
        return deny(asked, session, Denial::GrantMismatch, Instant::now());
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
        return Err(HookError::ApprovalRequired { point, hook, id, prompt: asked.prompt.clone() });
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
    match decision {
        Ok(Decision::Approve { by }) => {
            let text = format!("approved by {by}");
            let now = Instant::now();
            let execution = Execution {
                message: Some(&text),
                approval: Some(&id),
                ..Execution::new(meta, session, Status::Approved, now - start)
            };
            close(Report::open(meta, session), &execution, now)
        }
        Ok(Decision::Reject { by, reason }) => deny(asked, session, Denial::Rejected { by, reason }, start),
        Err(denial) => deny(asked, session, denial, start),
    }
}

/// Audits the denial of the approval `asked` for and returns its error.
fn deny(asked: &Asked, session: &Session, denial: Denial, start: Instant) -> Result<(), HookError> {
    let meta = asked.hook;
    let text = format!("denied: {denial}");
    let now = Instant::now();
    let execution = Execution {
        message: Some(&text),
        approval: asked.id.as_ref(),
        ..Execution::new(meta, session, Status::Denied, now - start)
    };
    close(Report::open(meta, session), &execution, now)?;
    Err(HookError::ApprovalDenied { point: meta.point, hook: meta.path, denial })
}
