//! [`HookedAgent`]: a rig agent whose every run goes through the lifecycle
//! points, for the session its caller names.

use std::fmt;

use agenthooks::{lifecycle, Session};
use rig_agent::Agent;

use crate::{BlockedTool, LifecycleHook, RunError};

/// A rig [`Agent`] whose runs call agenthooks' lifecycle points: run start
/// and end, every model call and every tool call, for the [`Session`]
/// (tenant, session id, trace) each call of [`prompt`](Self::prompt) names.
/// Rig has no tenant of its own: the session is the caller's to give.
///
/// The agent is rig's own, built with rig's `AgentBuilder`, and runs rig's
/// own loop; the adapter only adds a [`LifecycleHook`] to each run.
pub struct HookedAgent {
    agent: Agent,
    name: String,
    blocked: BlockedTool,
}

impl fmt::Debug for HookedAgent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookedAgent").field("name", &self.name).field("blocked", &self.blocked).finish_non_exhaustive()
    }
}

impl HookedAgent {
    /// Wraps `agent`. Its rig name (`AgentBuilder::name`) is the `agent` key
    /// of the run points, `rig` when it has none; a stopped tool call is
    /// refused to the model ([`BlockedTool::Refuse`]).
    pub fn new(agent: Agent) -> Self {
        let name = agent.name().unwrap_or("rig").to_owned();
        HookedAgent { agent, name, blocked: BlockedTool::default() }
    }

    /// The same agent, treating a stopped tool call or result as `blocked`
    /// says.
    #[must_use]
    pub fn blocked_tools(mut self, blocked: BlockedTool) -> Self {
        self.blocked = blocked;
        self
    }

    /// The rig agent, for what the adapter does not wrap (streaming, typed
    /// runs): add [`hook`](Self::hook) to such a run yourself.
    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    /// The rig hook of one run for `session`, to add to a run this type does
    /// not start (`agent.prompt(..).add_hook(..)`, a streamed run). Such a
    /// run gets every point but run end, which [`prompt`](Self::prompt)
    /// calls itself.
    pub fn hook(&self, session: &Session) -> LifecycleHook {
        LifecycleHook::new(session.clone(), self.name.clone()).blocked_tools(self.blocked)
    }

    /// Runs rig's prompt loop on `prompt` for `session` and returns the
    /// answer as the run-end hooks left it.
    ///
    /// `lifecycle.run_start` sees the prompt first (a hook may rewrite it or
    /// stop the run before any model call); every model call goes through
    /// `before_llm` / `after_llm` and every tool call through `before_tool`,
    /// `tool_error` and `after_tool`; `lifecycle.run_end` sees the answer
    /// last. A rig failure no hook caused is reported to `lifecycle.error`
    /// (kind `agent`) before it is returned.
    pub async fn prompt(&self, session: &Session, prompt: impl Into<String>) -> Result<String, RunError> {
        let hook = self.hook(session);
        let stop = hook.stop_slot();
        // Boxed: rig's run is a large future, kept off the caller's stack.
        let result = Box::pin(self.agent.prompt(prompt.into()).add_hook(hook).run()).await;
        if let Some(error) = stop.take() {
            return Err(error);
        }
        match result {
            Ok(response) => Ok(lifecycle::run_end(session, self.name.clone(), response.output()).await?),
            Err(error) => {
                lifecycle::error(session, "agent".to_owned(), error.to_string()).await?;
                Err(RunError::Agent(Box::new(error)))
            }
        }
    }
}
