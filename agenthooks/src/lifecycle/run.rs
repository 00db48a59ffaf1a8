//! The agent's, the session's and the run's boundaries, and the user's
//! prompt.

use crate::{hookpoint, HookError, Session};

/// The agent starts, before its first session: `agent` is its name,
/// `tools` the tools it registered. A hook may refuse the start (a policy
/// that cannot load), so the point fails closed.
#[hookpoint(AgentStart, name = "lifecycle.agent_start")]
#[non_exhaustive]
pub async fn agent_start(session: &Session, #[key] agent: String, tools: Vec<String>) -> Result<(), HookError> {
    Ok(())
}

/// The agent shuts down for `reason` (`completed`, `error`, `cancelled`):
/// nothing is left to prevent, so every hook runs and a failing one is let
/// through.
#[hookpoint(AgentShutdown, name = "lifecycle.agent_shutdown", on_failure = "continue", compose = "run_all")]
#[non_exhaustive]
pub async fn agent_shutdown(session: &Session, #[key] agent: String, reason: String) -> Result<(), HookError> {
    Ok(())
}

/// A session (a conversation) starts. A hook may refuse it (a tenant over
/// its quota), so the point fails closed.
#[hookpoint(SessionStart, name = "lifecycle.session_start")]
#[non_exhaustive]
pub async fn session_start(session: &Session, #[key] agent: String) -> Result<(), HookError> {
    Ok(())
}

/// A session ends for `reason`: observers only.
#[hookpoint(SessionEnd, name = "lifecycle.session_end", on_failure = "continue", compose = "run_all")]
#[non_exhaustive]
pub async fn session_end(session: &Session, #[key] agent: String, reason: String) -> Result<(), HookError> {
    Ok(())
}

/// A run starts on `input`; returns the input as the hooks left it. A guard
/// on what enters the agent: fails closed.
#[hookpoint(RunStart, name = "lifecycle.run_start")]
#[non_exhaustive]
pub async fn run_start(session: &Session, #[key] agent: String, input: String) -> Result<String, HookError> {
    Ok(input)
}

/// A run ends with `output`, its final answer, before the caller sees it;
/// returns the output as the hooks left it. A guard on what leaves the
/// agent: fails closed.
#[hookpoint(RunEnd, name = "lifecycle.run_end")]
#[non_exhaustive]
pub async fn run_end(session: &Session, #[key] agent: String, output: String) -> Result<String, HookError> {
    Ok(output)
}

/// The user submitted `prompt`; returns it as the hooks left it. Fails
/// closed: this is where prompt-injection and data-loss guards sit.
#[hookpoint(UserPrompt, name = "lifecycle.user_prompt")]
#[non_exhaustive]
pub async fn user_prompt(session: &Session, prompt: String) -> Result<String, HookError> {
    Ok(prompt)
}
