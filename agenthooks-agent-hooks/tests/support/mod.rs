//! What the host's tests share: interceptors and resolvers scripted by a
//! function, hosts set up with them, and contexts to emit.

// Each test file uses its own part of this module.
#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use agent_hooks::ctk::async_trait;
use agent_hooks::{
    AgentContext, AgentContextBuilder, ApprovalOutcome, ApprovalRequest, ApprovalResolution, ApprovalResolver,
    CompositionConfig, CompositionProfile, Decision, EnforcementMode, Interceptor, Transform, Verdict,
};
use agenthooks_agent_hooks::{Host, IdentityProvider, Setup, Surface};
use serde_json::{json, Value};

/// An interceptor that answers by a function of the context.
pub struct Scripted(pub Box<dyn Fn(&AgentContext) -> Verdict + Send + Sync>);

#[async_trait]
impl Interceptor for Scripted {
    async fn intercept(&self, context: &AgentContext) -> Verdict {
        (self.0)(context)
    }
}

/// An interceptor that always answers `verdict`.
pub fn always(verdict: Verdict) -> Box<dyn Interceptor> {
    Box::new(Scripted(Box::new(move |_| verdict.clone())))
}

/// An interceptor that answers `verdict` and counts its invocations in
/// `calls`.
pub fn counted(verdict: Verdict, calls: &Arc<AtomicUsize>) -> Box<dyn Interceptor> {
    let calls = Arc::clone(calls);
    Box::new(Scripted(Box::new(move |_| {
        calls.fetch_add(1, Ordering::Relaxed);
        verdict.clone()
    })))
}

/// A resolver that approves or rejects every request, echoing its
/// identity; a rejection's reason is `approver:rejected`.
pub struct Resolver(pub bool);

#[async_trait]
impl ApprovalResolver for Resolver {
    async fn resolve(&self, request: ApprovalRequest<'_>) -> ApprovalResolution {
        let (outcome, verdict) = if self.0 {
            (ApprovalOutcome::Approve, Verdict::allow())
        } else {
            (ApprovalOutcome::Reject, Verdict::deny(Some("approver:rejected".to_owned()), None))
        };
        ApprovalResolution { outcome, context_identity: request.context_identity.clone(), verdict: Some(verdict) }
    }
}

/// A resolver that answers by a function of each request.
pub struct ScriptedResolver(pub Box<dyn Fn(&ApprovalRequest<'_>) -> ApprovalResolution + Send + Sync>);

#[async_trait]
impl ApprovalResolver for ScriptedResolver {
    async fn resolve(&self, request: ApprovalRequest<'_>) -> ApprovalResolution {
        (self.0)(&request)
    }
}

/// A deny with `reason`.
pub fn deny(reason: &str) -> Verdict {
    Verdict::deny(Some(reason.to_owned()), None)
}

/// A deny with `reason` that an approval can lift.
pub fn liftable(reason: &str) -> Verdict {
    Verdict { approval: Some(serde_json::Map::new()), ..deny(reason) }
}

/// A transform of `path` to `value`, for the reason `test:rewrite`.
pub fn transform(path: &str, value: Value) -> Verdict {
    Verdict {
        decision: Decision::Transform,
        reason: Some("test:rewrite".to_owned()),
        transform: Some(Transform { path: path.to_owned(), value }),
        ..Verdict::allow()
    }
}

/// The setup of `interceptors` and `resolver`, enforced, composed by
/// `profile`.
pub fn setup_with(
    profile: CompositionProfile,
    interceptors: Vec<Box<dyn Interceptor>>,
    resolver: Option<Box<dyn ApprovalResolver>>,
) -> Setup {
    Setup {
        interceptors,
        resolver,
        surface: Surface {
            mode: EnforcementMode::Enforce,
            composition: CompositionConfig { profile, ..CompositionConfig::default() },
        },
        identity: IdentityProvider::JcsSha256,
        redact_for_approval: Vec::new(),
    }
}

/// A host of the session `session_id`: `interceptors` first-deny, with
/// `resolver`.
pub fn host(
    session_id: &str,
    interceptors: Vec<Box<dyn Interceptor>>,
    resolver: Option<Box<dyn ApprovalResolver>>,
) -> Host {
    Host::new(session_id, setup_with(CompositionProfile::SequentialFirstDeny, interceptors, resolver))
        .expect("the host registers")
}

/// A `pre_tool_call` context of the session `session_id`: the tool
/// `shell` with `args`.
pub fn pre_tool_call(session_id: &str, args: Value) -> AgentContext {
    AgentContextBuilder::new("test-agent", "agenthooks", session_id).pre_tool_call("c-1", "shell", args)
}

/// A `pre_tool_call` context of the session `session_id` with ordinary
/// arguments.
pub fn a_tool_call(session_id: &str) -> AgentContext {
    pre_tool_call(session_id, json!({ "command": "ls" }))
}
