//! Errors and retries, context compaction, sub-agents, notifications and
//! messages to people.

use super::Message;
use crate::{hookpoint, HookError, Session};

/// The agent met an error of `kind` (`model`, `tool`, `timeout`, …):
/// observers only.
#[hookpoint(OnError, name = "lifecycle.error", on_failure = "continue", compose = "run_all")]
#[non_exhaustive]
pub async fn error(session: &Session, #[key] kind: String, message: String) -> Result<(), HookError> {
    Ok(())
}

/// The agent is about to retry `operation` after `error`: this is try
/// `attempt` (from 1) of at most `limit`. A hook may block the retry (a
/// circuit breaker); a hook that fails is let through, so that a broken
/// observer never stops a recovery.
#[hookpoint(Retry, name = "lifecycle.retry", on_failure = "continue")]
#[non_exhaustive]
pub async fn retry(
    session: &Session,
    #[key] operation: String,
    attempt: u32,
    limit: u32,
    error: String,
) -> Result<(), HookError> {
    Ok(())
}

/// The agent is about to compact its context, `messages`, for `trigger`
/// (`auto` when the context is full, `manual`); returns the messages to
/// compact as the hooks left them (a hook may pin some by taking them out,
/// or export the transcript). A hook that fails is let through: an agent
/// whose context is full must compact.
#[hookpoint(BeforeCompaction, name = "lifecycle.before_compaction", on_failure = "continue")]
#[non_exhaustive]
pub async fn before_compaction(
    session: &Session,
    #[key] trigger: String,
    messages: Vec<Message>,
) -> Result<Vec<Message>, HookError> {
    Ok(messages)
}

/// The agent compacted its context into `messages`, dropping `removed`
/// messages: observers only.
#[hookpoint(AfterCompaction, name = "lifecycle.after_compaction", on_failure = "continue", compose = "run_all")]
#[non_exhaustive]
pub async fn after_compaction(
    session: &Session,
    #[key] trigger: String,
    messages: Vec<Message>,
    removed: u64,
) -> Result<(), HookError> {
    Ok(())
}

/// The agent hands `task` to sub-agent `agent`; returns the task as the
/// hooks left it. Fails closed: delegation is a tool call by another name.
#[hookpoint(SubagentStart, name = "lifecycle.subagent_start")]
#[non_exhaustive]
pub async fn subagent_start(session: &Session, #[key] agent: String, task: String) -> Result<String, HookError> {
    Ok(task)
}

/// Sub-agent `agent` finished with `output`; returns the output as the
/// hooks left it, before the parent agent reads it. Fails closed.
#[hookpoint(SubagentStop, name = "lifecycle.subagent_stop")]
#[non_exhaustive]
pub async fn subagent_stop(session: &Session, #[key] agent: String, output: String) -> Result<String, HookError> {
    Ok(output)
}

/// The agent wants a person's attention, for `kind` (`permission`, `idle`,
/// …), saying `message`: observers only (forward it to a pager or a chat).
#[hookpoint(Notification, name = "lifecycle.notification", on_failure = "continue", compose = "run_all")]
#[non_exhaustive]
pub async fn notification(session: &Session, #[key] kind: String, message: String) -> Result<(), HookError> {
    Ok(())
}

/// The agent is about to send `content` to `recipient` over `channel`
/// (`email`, `slack`, …); returns the content as the hooks left it. Fails
/// closed: it is the last guard before data leaves.
#[hookpoint(MessageSending, name = "lifecycle.message_sending")]
#[non_exhaustive]
pub async fn message_sending(
    session: &Session,
    #[key] channel: String,
    recipient: String,
    content: String,
) -> Result<String, HookError> {
    Ok(content)
}

/// The agent sent `content` to `recipient` over `channel`: observers only.
#[hookpoint(MessageSent, name = "lifecycle.message_sent", on_failure = "continue", compose = "run_all")]
#[non_exhaustive]
pub async fn message_sent(
    session: &Session,
    #[key] channel: String,
    recipient: String,
    content: String,
) -> Result<(), HookError> {
    Ok(())
}
