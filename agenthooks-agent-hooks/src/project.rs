//! The interception record of an emission, projected from what agenthooks'
//! executor decided (its result and the executions a [`Recorder`] saw) and
//! from what the interceptors returned.
//!
//! [`Recorder`]: agenthooks::observe::Recorder

use agent_hooks::composition::{summaries, with_unions};
use agent_hooks::{AgentContext, CompositionProfile, Decision, EnforcementMode, HostError, InterceptionPoint, Verdict};
use agenthooks::observe::Recorded;
use agenthooks::{HookError, Status};
use serde_json::Value;

use crate::emission::{Consulted, Slot};
use crate::host::{index_of, is_no_interceptor, transform_target, write_back, Shared};
use crate::points::POINT_PREFIX;

/// What the record says about an emission, before the identities.
#[derive(Debug)]
pub(crate) struct Projection {
    pub(crate) combined: Verdict,
    pub(crate) decided_by: Option<usize>,
    pub(crate) verdicts: Vec<agent_hooks::VerdictSummary>,
    pub(crate) fold_truncated: Option<bool>,
    pub(crate) resolved_by: Option<&'static str>,
}

impl Projection {
    /// An emission refused before dispatch: no interceptor ran.
    pub(crate) fn refused(verdict: Verdict) -> Self {
        Projection {
            combined: verdict,
            decided_by: None,
            verdicts: Vec::new(),
            fold_truncated: None,
            resolved_by: None,
        }
    }
}

/// The verdict of each slot, for slots the executor ran: what the
/// interceptor returned, or the deny the host substitutes for a failure
/// the executor saw (§6.3).
fn slot_verdicts(shared: &Shared, executions: &[&Recorded]) -> Vec<Option<Verdict>> {
    let state = shared.state();
    state
        .slots
        .iter()
        .enumerate()
        .map(|(index, slot)| match slot {
            Slot::NotInvoked => None,
            Slot::Returned(verdict) | Slot::Substituted(verdict) => Some(verdict.clone()),
            Slot::Started => {
                let ran = executions.iter().find(|execution| index_of(execution.hook) == Some(index));
                let error = match ran.map(|execution| execution.status) {
                    Some(Status::Timeout) => HostError::InterceptorTimeout,
                    _ => HostError::InterceptorFailed,
                };
                Some(Verdict::host_error(error, None))
            }
        })
        .collect()
}

/// Projects the record of one emission at `point` whose executor call
/// ended with `result`; writes the target the combined verdict permits
/// back into `ctx`.
pub(crate) fn project(
    shared: &Shared,
    point: InterceptionPoint,
    result: Result<Value, HookError>,
    executions: &[Recorded],
    ctx: &mut AgentContext,
) -> Projection {
    // Only the host's own points and tenant: a lifecycle point of the same
    // session (the mount's, or an agent's own hooks), or another host of
    // the same session id, may report in between.
    let own = |execution: &&Recorded| execution.tenant.as_deref() == Some(shared.tenant.as_str());
    let point_name =
        executions.iter().filter(own).map(|execution| execution.point).find(|point| point.starts_with(POINT_PREFIX));
    let executions: Vec<&Recorded> =
        executions.iter().filter(own).filter(|execution| Some(execution.point) == point_name).collect();
    let slots = slot_verdicts(shared, &executions);
    let profile = shared.surface.composition.profile;
    let pool: Vec<Verdict> = slots.iter().flatten().cloned().collect();
    let fold_truncated = profile.is_sequential().then(|| slots.iter().any(Option::is_none));
    let verdicts = if profile == CompositionProfile::SequentialFirstDeny {
        Vec::new()
    } else {
        let mut summaries = summaries(&pool);
        let invoked = slots.iter().enumerate().filter(|(_, slot)| slot.is_some()).map(|(index, _)| index);
        for (summary, index) in summaries.iter_mut().zip(invoked) {
            summary.index = u32::try_from(index).unwrap_or(u32::MAX);
        }
        summaries
    };
    let state = shared.state();
    let consulted = state.consulted.clone();
    let host_denial = state.host_denial.clone();
    let pending = state.pending.clone();
    let conflict = state.conflict;
    drop(state);
    let resolved_by = match &consulted {
        Some(Consulted::Approved { .. }) => Some("approval"),
        Some(Consulted::Rejected { .. }) => Some("rejection"),
        None if matches!(result, Err(HookError::ApprovalDenied { .. })) => Some("rejection"),
        None => None,
    };
    let mut pool = pool;
    let (combined, decided_by) = if shared.surface.mode == EnforcementMode::EvaluateOnly {
        would_be(&slots, profile, executions.iter().any(|execution| is_no_interceptor(execution.hook)))
    } else {
        match result {
            Ok(target) => {
                let envelope = Value::Object(ctx.clone());
                // An arbitrated conflict proceeds from the snapshot: no
                // conflicting transform is applied, only the resolution's.
                let mut target = if conflict { ctx.get("target").cloned().unwrap_or(Value::Null) } else { target };
                let mut permitted = permitted(&slots, profile, consulted.as_ref());
                if let (Some(Consulted::Approved { verdict, .. }), Some(transform)) = (&consulted, &pending) {
                    // An approved transform the fold did not take up: the
                    // host applies it on top of what the executor permitted.
                    pool.push(verdict.clone());
                    if let Err(error) = transform_target(point, &envelope, &mut target, transform) {
                        permitted = (Verdict::host_error(error, None), None);
                    }
                } else if let Some(Consulted::Approved { verdict, .. }) = &consulted {
                    pool.push(verdict.clone());
                }
                if permitted.0.decision.permits() {
                    ctx.insert("target".to_owned(), target.clone());
                    write_back(point, ctx, &target);
                }
                permitted
            }
            Err(error) => denied(&error, &slots, host_denial, consulted.as_ref()),
        }
    };
    Projection { combined: with_unions(combined, &pool), decided_by, verdicts, fold_truncated, resolved_by }
}

/// The combined verdict of an emission the executor permitted.
fn permitted(
    slots: &[Option<Verdict>],
    profile: CompositionProfile,
    consulted: Option<&Consulted>,
) -> (Verdict, Option<usize>) {
    let approved = match consulted {
        Some(Consulted::Approved { index, verdict }) => Some((*index, verdict)),
        _ => None,
    };
    let last_transform = slots
        .iter()
        .enumerate()
        .rev()
        .find(|(_, slot)| slot.as_ref().is_some_and(|verdict| verdict.decision == Decision::Transform))
        .map(|(index, slot)| (slot.clone().expect("found"), Some(index)));
    match (profile, approved) {
        // Resume: later transforms fold on top of the substituted verdict.
        (CompositionProfile::SequentialFirstDeny, Some((index, verdict))) => match last_transform {
            Some((transform, transform_index)) if transform_index > index => (transform, index),
            _ => (verdict.clone(), index),
        },
        (_, Some((index, verdict))) => (verdict.clone(), index),
        (_, None) => last_transform.unwrap_or((Verdict::allow(), None)),
    }
}

/// The combined verdict of an emission the executor stopped.
fn denied(
    error: &HookError,
    slots: &[Option<Verdict>],
    host_denial: Option<Verdict>,
    consulted: Option<&Consulted>,
) -> (Verdict, Option<usize>) {
    if let Some(verdict) = host_denial {
        return (verdict, None);
    }
    let slot = |hook: &str| {
        let index = index_of(hook)?;
        Some((slots.get(index)?.clone()?, index))
    };
    match error {
        HookError::Blocked(blocked) if is_no_interceptor(blocked.hook) => {
            (Verdict::host_error(HostError::NoInterceptor, None), None)
        }
        HookError::Blocked(blocked) => match slot(blocked.hook) {
            Some((verdict, index)) if verdict.decision == Decision::Deny => (verdict, Some(index)),
            _ => (Verdict::host_error(HostError::CompositionDisagreement, None), None),
        },
        HookError::ApprovalDenied { hook, .. } => match consulted {
            Some(Consulted::Rejected { index, verdict }) => (verdict.clone(), *index),
            _ => (Verdict::host_error(HostError::ApprovalResolverFailed, None), index_of(hook)),
        },
        HookError::Failed { hook, .. } | HookError::Panicked { hook, .. } | HookError::TimedOut { hook, .. } => {
            match slot(hook) {
                Some((verdict, index)) => (verdict, Some(index)),
                None => (Verdict::host_error(HostError::InterceptorFailed, None), index_of(hook)),
            }
        }
        HookError::ConflictingChanges { .. } => (Verdict::host_error(HostError::TransformConflict, None), None),
        _ => (Verdict::host_error(HostError::InterceptorFailed, None), None),
    }
}

/// The combined verdict an `evaluate_only` emission records: what the
/// profile would have decided, nothing of which was enforced (§8).
fn would_be(slots: &[Option<Verdict>], profile: CompositionProfile, no_interceptor: bool) -> (Verdict, Option<usize>) {
    if no_interceptor {
        return (Verdict::host_error(HostError::NoInterceptor, None), None);
    }
    let returned = || slots.iter().enumerate().filter_map(|(index, slot)| Some((index, slot.as_ref()?)));
    let deny = returned().find(|(_, verdict)| verdict.decision == Decision::Deny && !verdict.is_liftable());
    let liftable = returned().find(|(_, verdict)| verdict.is_liftable());
    let transforms: Vec<_> = returned().filter(|(_, verdict)| verdict.decision == Decision::Transform).collect();
    let non_allow = returned().any(|(_, verdict)| verdict.decision != Decision::Allow);
    match (deny.or(liftable), transforms.as_slice()) {
        _ if profile == CompositionProfile::ParallelUnanimous && non_allow => {
            (Verdict::host_error(HostError::CompositionDisagreement, None), None)
        }
        (Some((index, verdict)), _) => (verdict.clone(), Some(index)),
        (None, [_, _, ..]) if !profile.is_sequential() => {
            (Verdict::host_error(HostError::TransformConflict, None), None)
        }
        (None, [.., (index, verdict)]) => ((*verdict).clone(), Some(*index)),
        (None, []) => (Verdict::allow(), None),
    }
}
