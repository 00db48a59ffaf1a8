//! Why a hooked rig run did not return an answer.

use agenthooks::HookError;
use rig_agent::completion::PromptError;

/// Why [`HookedAgent::prompt`](crate::HookedAgent::prompt) returned no
/// answer: a lifecycle hook stopped the run, a hook asked for a change rig
/// cannot carry out, or the rig agent failed on its own.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// A hook stopped the run at a lifecycle point: it blocked, failed at a
    /// point that fails closed, or the audit log refused its record. The
    /// [`HookError`] says which hook and why; the audit log has its line.
    #[error("a lifecycle hook stopped the rig run: {0}")]
    Hook(#[from] HookError),
    /// A hook rewrote a value in a way the adapter cannot hand back to rig
    /// (`what` says which, and what can be rewritten instead). The run is
    /// stopped rather than going on without the hook's change.
    #[error("a hook at `{point}` made a change rig cannot carry out: {what}")]
    Unsupported {
        /// The lifecycle point whose hooks made the change.
        point: &'static str,
        /// What was changed, and what the adapter applies instead.
        what: String,
    },
    /// The rig agent failed on its own (the model, a tool server, the turn
    /// limit): no hook stopped it. The `lifecycle.error` point has seen it.
    /// Boxed: rig's error carries the run's history.
    #[error("the rig agent failed: {0}")]
    Agent(#[source] Box<PromptError>),
}
