//! Contract interceptors on agenthooks' standard lifecycle points.
//!
//! [`Host::mount_lifecycle`] registers one hook per lifecycle point the
//! contract covers, for the tenant of the agent's session. Each call of
//! such a point from that session becomes one contract emission: the hook
//! builds the contract context from the typed arguments, emits it through
//! the host (whose own points run the interceptors on agenthooks'
//! executor: composition, failures, time limits and approvals are decided
//! there), and maps the record back onto the call:
//!
//! - the action proceeds (`allow`, a granted approval, `evaluate_only`):
//!   the call goes on with its typed target as the combined verdict left
//!   it;
//! - it does not (`deny`, a denied approval, a failed interceptor): the
//!   hook blocks, and the lifecycle call returns
//!   [`HookError::Blocked`](agenthooks::HookError::Blocked) with the
//!   combined verdict's reason;
//! - the permitted target does not fit the typed field (a [`Misfit`]):
//!   the emission is recorded as denied with
//!   `host_error:transform_invalid`, and the call is blocked with the
//!   misfit as its reason.
//!
//! | contract point | lifecycle point | context built from | `target` ↔ typed field | a transform that does not fit |
//! |---|---|---|---|---|
//! | `agent_startup` | [`agent_start`] | `agent_init.tools_registered` ← `tools` | `agent_init` ↔ — (the contract forbids a transform here) | `host_error:transform_target_forbidden` |
//! | `input` | [`run_start`] | `input.content` ← `input`, `input.role` = `"user"` | `{content, role}` ↔ `input: String` | content not a string, role changed, another member |
//! | `input` | [`user_prompt`] | `input.content` ← `prompt`, `input.role` = `"user"` | `{content, role}` ↔ `prompt: String` | as `run_start` |
//! | `pre_model_call` | [`before_llm`] | `model.id` ← `model`, `model.params` ← `options` (a non-empty object), `messages` ← `messages` | `messages` ↔ `messages: Vec<Message>` | not an array of `{role, content}` with a string role |
//! | `post_model_call` | [`after_llm`] | `model.id` ← `model`, `response` ← `response`, `usage` ← `usage` (when not zero) | `response` ↔ `response: LlmResponse` | not `{content, tool_calls, finish_reason}`, a call not `{id, name, args}` |
//! | `pre_tool_call` | [`before_tool`] | `tool_call` ← `{call_id, tool, args}` | `tool_call.args` ↔ `args: Value` | — (any JSON fits) |
//! | `post_tool_call` | [`after_tool`] | `tool_call` ← `{call_id, tool, args}`, `tool_result` ← `result` | `tool_result.value` ↔ `result.value: Value` | — (any JSON fits) |
//! | `output` | [`run_end`] | `output.content` ← `output` | `{content}` ↔ `output: String` | content not a string, another member |
//! | `agent_shutdown` | [`agent_shutdown`] | `summary.reason` ← `reason` | `summary` ↔ — (forbidden) | `host_error:transform_target_forbidden` |
//!
//! Every context also carries the contract's required core: `agent.id` is
//! the id given to the mount, `agent.framework` is `agenthooks`,
//! `session.id` is the host's session, `sequence` counts the mount's
//! emissions from 0, and `tenant.id` is the session's tenant.
//!
//! Where the two disagree, and what the mount decides:
//!
//! - **Typed targets.** The contract's `input.content` and
//!   `output.content` may be a string or an object; the lifecycle points
//!   carry a `String`. The mount emits a string, and a transform that
//!   leaves anything else there is a [`Misfit`]: the call fails closed
//!   rather than guessing a rendering. A member the typed value has no
//!   field for (an extra member of a message, a response or a tool call)
//!   is a misfit too, as it would be lost silently.
//! - **Roles.** The typed input points carry no role: the mount emits
//!   `user`, and a transform of the role is a misfit.
//! - **What only the typed side has.** `before_llm`'s `options` are shown
//!   as `model.params` but are not the target, so no transform changes
//!   them; `after_llm`'s `usage` is shown as the optional `usage` field
//!   when the model reported any (a zero [`Usage`] is taken as not
//!   reported); `after_tool`'s `is_error` is read-only, as in the
//!   contract; the `agent` argument of `agent_start`, `run_start`,
//!   `run_end` and `agent_shutdown` is not shown (the contract's
//!   `agent.id` must be stable across every point, and `before_tool` has
//!   no agent argument), so the mount is given the agent's id once.
//! - **Two input points.** `run_start` and `user_prompt` are both the
//!   contract's `input`; an agent that calls both emits twice.
//! - **Shutdown.** `agent_shutdown` is an observer point in agenthooks
//!   (`run_all`, failures let through) and the contract says a deny there
//!   prevents nothing (§6.1a): the emission is recorded, the call is
//!   never blocked.
//! - **Start-up.** `agent_start` fails closed in both: a deny blocks the
//!   lifecycle call.
//! - **Not covered.** The contract has no counterpart of the other
//!   lifecycle points (`session_*`, `select_model`, `tool_error`, retry,
//!   compaction, sub-agents, messages, stream events): no hook is mounted
//!   there. `tool_error` needs none, as `after_tool` sees the same failure
//!   with `is_error`.
//! - **Sessions.** The host serves one contract session; the mount's hooks
//!   run for every call of the tenant (the executor selects them), and
//!   handle only those of the host's session: a call of another session
//!   of the tenant passes through unhooked, as a session without a mount
//!   does. Emissions of one mount are serialized: the contract's
//!   `sequence` is a total order.
//! - **Time.** Each mounted hook may take up to [`MOUNT_TIMEOUT_MS`]: the
//!   interceptors' own time limits and the approval deadline run inside
//!   it, on the host's points.
//!
//! [`agent_start`]: agenthooks::lifecycle::agent_start
//! [`run_start`]: agenthooks::lifecycle::run_start
//! [`user_prompt`]: agenthooks::lifecycle::user_prompt
//! [`before_llm`]: agenthooks::lifecycle::before_llm
//! [`after_llm`]: agenthooks::lifecycle::after_llm
//! [`before_tool`]: agenthooks::lifecycle::before_tool
//! [`after_tool`]: agenthooks::lifecycle::after_tool
//! [`run_end`]: agenthooks::lifecycle::run_end
//! [`agent_shutdown`]: agenthooks::lifecycle::agent_shutdown
//! [`Usage`]: agenthooks::lifecycle::Usage

mod mapped;
mod misfit;

use std::any::Any;
use std::sync::Arc;

use agent_hooks::{AgentContextBuilder, InterceptionRecord};
use agenthooks::lifecycle::{
    AfterLlm, AfterTool, AgentShutdown, AgentStart, BeforeLlm, BeforeTool, RunEnd, RunStart, UserPrompt,
};
use agenthooks::{runtime, Ctx, Outcome, Session};
use serde_json::json;
use tokio::sync::Mutex;

use crate::host::{Denied, Host};
use crate::slots::{Slot, Slots};
use mapped::Mapped;
pub use misfit::Misfit;

/// The time limit of one mounted hook, in milliseconds: the largest the
/// executor takes, as the interceptors' limits and the approval deadline
/// run inside it.
pub const MOUNT_TIMEOUT_MS: u64 = 300_000;

/// The path prefix of the mounted hooks, within this crate: mount `n`
/// registers `agenthooks_agent_hooks::lifecycle_n` on each point, `n` the
/// smallest number no living mount holds (see [`crate::slots`]).
const MOUNT_PREFIX: &str = "lifecycle_";

/// The numbers of the mounts alive.
static MOUNTS: Slots = Slots::new();

/// The framework name the contract contexts carry (`agent.framework`).
const FRAMEWORK: &str = "agenthooks";

/// Why a mounted hook stopped a lifecycle call. Its text is the reason of
/// the [`Blocked`](agenthooks::Blocked) error the call returns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The combined verdict did not permit the action: the contract's
    /// reason.
    #[error("{}", .0.reason)]
    Denied(Denied),
    /// The permitted target does not fit the typed field.
    #[error(transparent)]
    Misfit(#[from] Misfit),
}

/// Why a host could not be mounted on the lifecycle points. Nothing was
/// mounted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MountError {
    /// The session has no tenant: hooks without one would run for every
    /// tenant's calls.
    #[error("cannot mount an AGENT-HOOKS host on session `{session}`: it has no tenant; give it one with `Session::with_tenant`")]
    NoTenant {
        /// The session's id.
        session: String,
    },
    /// The session is not the one the host serves.
    #[error("cannot mount the AGENT-HOOKS host of session `{host}` on session `{session}`: create the host with the session's id")]
    OtherSession {
        /// The host's session id.
        host: String,
        /// The session given.
        session: String,
    },
    /// A hook could not be registered.
    #[error(transparent)]
    Register(#[from] runtime::RegisterError),
}

/// A host mounted on the lifecycle points of one session: its hooks run
/// while it lives, and dropping it removes them (the next call runs
/// unhooked).
pub struct LifecycleHost {
    /// The only strong handle: dropped first, it drops the host (and the
    /// host's own hooks) outside the registry's locks.
    mounted: Arc<Mounted>,
    /// The registration handles, one per point.
    hooks: Vec<Box<dyn Any + Send + Sync>>,
    /// The mount's number, given back once the hooks above are removed
    /// (fields drop in order).
    _number: Slot,
}

impl std::fmt::Debug for LifecycleHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LifecycleHost")
            .field("session", &self.mounted.session)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

/// What the mounted hooks share: the host and its context builder, one
/// emission at a time.
struct Mounted {
    session: String,
    emitting: Mutex<(Host, AgentContextBuilder)>,
}

impl Host {
    /// Mounts this host on the lifecycle points for `session`, which must
    /// be the host's session and have a tenant; `agent` is the contract's
    /// `agent.id`. See the [module](crate::lifecycle) for the mapping.
    pub fn mount_lifecycle(self, session: &Session, agent: &str) -> Result<LifecycleHost, MountError> {
        if session.session_id() != self.session_id() {
            return Err(MountError::OtherSession {
                host: self.session_id().to_owned(),
                session: session.session_id().to_owned(),
            });
        }
        let Some(tenant) = session.tenant_id() else {
            return Err(MountError::NoTenant { session: session.session_id().to_owned() });
        };
        let mut builder = AgentContextBuilder::new(agent, FRAMEWORK, session.session_id());
        builder.with_optional("tenant", json!({ "id": tenant }));
        let mounted =
            Arc::new(Mounted { session: session.session_id().to_owned(), emitting: Mutex::new((self, builder)) });
        let number = MOUNTS.take();
        let path = format!("{MOUNT_PREFIX}{}", number.number());
        let hooks = vec![
            mount::<AgentStart>(&mounted, tenant, &path)?,
            mount::<RunStart>(&mounted, tenant, &path)?,
            mount::<UserPrompt>(&mounted, tenant, &path)?,
            mount::<BeforeLlm>(&mounted, tenant, &path)?,
            mount::<AfterLlm>(&mounted, tenant, &path)?,
            mount::<BeforeTool>(&mounted, tenant, &path)?,
            mount::<AfterTool>(&mounted, tenant, &path)?,
            mount::<RunEnd>(&mounted, tenant, &path)?,
            mount::<AgentShutdown>(&mounted, tenant, &path)?,
        ];
        Ok(LifecycleHost { mounted, hooks, _number: number })
    }
}

impl LifecycleHost {
    /// The records of every emission so far, in order (§10.3); waits for
    /// an emission under way.
    pub async fn records(&self) -> Vec<InterceptionRecord> {
        self.mounted.emitting.lock().await.0.records().to_vec()
    }
}

/// Registers the hook of mount `path` on point `P`, for `tenant`.
fn mount<P: Mapped>(
    mounted: &Arc<Mounted>,
    tenant: &str,
    path: &str,
) -> Result<Box<dyn Any + Send + Sync>, runtime::RegisterError> {
    // The hook holds the host weakly: the registry drops a removed hook
    // while it holds its own locks, and the host's drop removes the
    // host's hooks, which takes them again.
    let mounted = Arc::downgrade(mounted);
    let hook = runtime::hook!(P, path).tenant(tenant).timeout_ms(MOUNT_TIMEOUT_MS).async_interceptor(
        move |ctx: &mut Ctx<P>| {
            let mounted = mounted.upgrade();
            Box::pin(async move {
                Ok(match mounted {
                    Some(mounted) => mounted.intercept(ctx).await,
                    // The mount is being dropped: the call runs unhooked.
                    None => Outcome::Continue,
                })
            })
        },
    )?;
    Ok(Box::new(hook))
}

impl Mounted {
    /// One lifecycle call as one contract emission.
    async fn intercept<P: Mapped>(&self, ctx: &mut Ctx<P>) -> Outcome {
        if ctx.session().session_id() != self.session {
            return Outcome::Continue;
        }
        let mut emitting = self.emitting.lock().await;
        let (host, builder) = &mut *emitting;
        let mut contract = ctx.context(builder);
        match host.emit_fitted(&mut contract, P::fit).await {
            Ok(target) => {
                ctx.store(target);
                Outcome::Continue
            }
            Err(_) if P::RECORDS_ONLY => Outcome::Continue,
            Err(refusal) => Outcome::block(refusal.to_string()),
        }
    }
}
