//! The host's hook points: one per AGENT-HOOKS-0.1 interception point and
//! per agenthooks composition, 24 in all.
//!
//! A contract context is JSON, and only its `target` may be rewritten
//! (AGENT-HOOKS-0.1 §4.3). Each point therefore carries two arguments: the
//! `envelope` (the context without its target, which the adapter's hooks
//! only read) and the `target` (what a `transform` verdict changes). The
//! point's body returns the target as the hooks left it.
//!
//! The composition of a point is a constant of its type in agenthooks
//! (`compose = "…"`, declared by the point's author, never by a hook), so
//! each contract point exists once per composition: `chain` carries
//! `sequential/first_deny`, `run_all` carries `sequential/run_all`, and
//! `parallel` carries `parallel/strictest` and `parallel/unanimous`. Every
//! point fails closed (`on_failure = "deny"`, the default): a failing
//! interceptor denies in its slot (AGENT-HOOKS-0.1 §6.3).

// `#[hookpoint]` generates the context structs without `Debug`.
#![allow(missing_debug_implementations)]

use std::future::Future;
use std::pin::Pin;

use agent_hooks::InterceptionPoint;
use agenthooks::{hookpoint, AsyncPoint, Compose, HookError, Session};
use serde_json::Value;

/// The prefix of every host point's name.
pub(crate) const POINT_PREFIX: &str = "agent_hooks.";

/// The future of one emission through a point: the target as the hooks
/// left it, or why the executor stopped the call.
pub type EmissionFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, HookError>> + Send + 'a>>;

/// A point the host emits through: its context struct holds the envelope
/// and the target of one AGENT-HOOKS emission.
pub trait EmissionPoint: AsyncPoint {
    /// The contract point this agenthooks point carries.
    const POINT: InterceptionPoint;

    /// Calls the point: runs its hooks on agenthooks' executor.
    fn emit(session: &Session, envelope: Value, target: Value) -> EmissionFuture<'_>;

    /// The context without its target, as the host built it.
    fn envelope(&self) -> &Value;

    /// The target as the hooks so far left it.
    fn target(&self) -> &Value;

    /// The envelope, and the target for an interceptor's transform.
    fn split(&mut self) -> (&Value, &mut Value);
}

macro_rules! emission_points {
    ($($name:literal, $compose:literal, $point:ident, $ty:ident, $func:ident;)*) => {
        $(
            #[doc = concat!("The `", $name, "` emission on a `", $compose, "` point: returns the target as the hooks left it.")]
            #[hookpoint($ty, name = $name, compose = $compose)]
            pub async fn $func(session: &Session, envelope: Value, target: Value) -> Result<Value, HookError> {
                let _ = envelope;
                Ok(target)
            }

            impl EmissionPoint for $ty {
                const POINT: InterceptionPoint = InterceptionPoint::$point;

                fn emit(session: &Session, envelope: Value, target: Value) -> EmissionFuture<'_> {
                    Box::pin($func(session, envelope, target))
                }

                fn envelope(&self) -> &Value {
                    &self.envelope
                }

                fn target(&self) -> &Value {
                    &self.target
                }

                fn split(&mut self) -> (&Value, &mut Value) {
                    (&self.envelope, &mut self.target)
                }
            }
        )*
    };
}

emission_points! {
    "agent_hooks.chain.agent_startup", "chain", AgentStartup, ChainAgentStartup, chain_agent_startup;
    "agent_hooks.run_all.agent_startup", "run_all", AgentStartup, RunAllAgentStartup, run_all_agent_startup;
    "agent_hooks.parallel.agent_startup", "parallel", AgentStartup, ParallelAgentStartup, parallel_agent_startup;
    "agent_hooks.chain.input", "chain", Input, ChainInput, chain_input;
    "agent_hooks.run_all.input", "run_all", Input, RunAllInput, run_all_input;
    "agent_hooks.parallel.input", "parallel", Input, ParallelInput, parallel_input;
    "agent_hooks.chain.pre_model_call", "chain", PreModelCall, ChainPreModelCall, chain_pre_model_call;
    "agent_hooks.run_all.pre_model_call", "run_all", PreModelCall, RunAllPreModelCall, run_all_pre_model_call;
    "agent_hooks.parallel.pre_model_call", "parallel", PreModelCall, ParallelPreModelCall, parallel_pre_model_call;
    "agent_hooks.chain.post_model_call", "chain", PostModelCall, ChainPostModelCall, chain_post_model_call;
    "agent_hooks.run_all.post_model_call", "run_all", PostModelCall, RunAllPostModelCall, run_all_post_model_call;
    "agent_hooks.parallel.post_model_call", "parallel", PostModelCall, ParallelPostModelCall, parallel_post_model_call;
    "agent_hooks.chain.pre_tool_call", "chain", PreToolCall, ChainPreToolCall, chain_pre_tool_call;
    "agent_hooks.run_all.pre_tool_call", "run_all", PreToolCall, RunAllPreToolCall, run_all_pre_tool_call;
    "agent_hooks.parallel.pre_tool_call", "parallel", PreToolCall, ParallelPreToolCall, parallel_pre_tool_call;
    "agent_hooks.chain.post_tool_call", "chain", PostToolCall, ChainPostToolCall, chain_post_tool_call;
    "agent_hooks.run_all.post_tool_call", "run_all", PostToolCall, RunAllPostToolCall, run_all_post_tool_call;
    "agent_hooks.parallel.post_tool_call", "parallel", PostToolCall, ParallelPostToolCall, parallel_post_tool_call;
    "agent_hooks.chain.output", "chain", Output, ChainOutput, chain_output;
    "agent_hooks.run_all.output", "run_all", Output, RunAllOutput, run_all_output;
    "agent_hooks.parallel.output", "parallel", Output, ParallelOutput, parallel_output;
    "agent_hooks.chain.agent_shutdown", "chain", AgentShutdown, ChainAgentShutdown, chain_agent_shutdown;
    "agent_hooks.run_all.agent_shutdown", "run_all", AgentShutdown, RunAllAgentShutdown, run_all_agent_shutdown;
    "agent_hooks.parallel.agent_shutdown", "parallel", AgentShutdown, ParallelAgentShutdown, parallel_agent_shutdown;
}

/// The agenthooks composition that carries a contract profile.
pub(crate) fn compose_of(profile: agent_hooks::CompositionProfile) -> Compose {
    use agent_hooks::CompositionProfile as Profile;
    match profile {
        Profile::SequentialFirstDeny => Compose::Chain,
        Profile::SequentialRunAll => Compose::RunAll,
        Profile::ParallelStrictest | Profile::ParallelUnanimous => Compose::Parallel,
    }
}
