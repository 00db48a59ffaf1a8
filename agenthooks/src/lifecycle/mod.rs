//! The standard lifecycle: hook points any agent calls without declaring
//! its own, so that one customer hook works with every agent built on
//! agenthooks.
//!
//! Each point is an `async fn` the agent awaits where the moment happens,
//! with typed arguments; it returns what the hooks may rewrite (the
//! point's *target*, as AGENT-HOOKS-0.1 calls it) as they left it, or the
//! [`HookError`](crate::HookError) that stopped it:
//!
//! ```ignore
//! let args = lifecycle::before_tool(&session, tool.clone(), args, call_id.clone()).await?;
//! let result = run_tool(&tool, args.clone()).await;
//! let result = lifecycle::after_tool(&session, tool, args, call_id, result).await?;
//! ```
//!
//! Hooks name the context structs, `#[hook(BeforeTool, tool = "fs_*")]`,
//! and every rule of a point the agent declares applies: tenants,
//! matchers on the `#[key]` arguments, order, time limits, the decision
//! algebra, the audit log. With no hook linked, a point costs one atomic
//! load.
//!
//! The context structs are `#[non_exhaustive]`, and so are the values
//! they carry ([`Message`], [`LlmResponse`], [`ToolCall`], [`ToolResult`],
//! [`Usage`]): a field added in a later version breaks no hook. Every
//! field is owned, `Clone` and serde-serializable.
//!
//! **Failure policies.** A point that guards what enters or leaves the
//! agent, or what it does, fails closed (`on_failure = "deny"`): a hook
//! that errors, panics or times out stops the call. A point that only
//! reports something that already happened runs every hook whatever the
//! others decide (`compose = "run_all"`) and lets a failing hook through
//! (`on_failure = "continue"`): a broken observer must not stop an agent
//! that is shutting down. Retry and compaction let failures through too,
//! as recovery must go on, but a hook there may still block.
//!
//! | point (`lifecycle.…`) | key | target | fails | AGENT-HOOKS-0.1 | amplifier-core | ragbits | `PraisonAI` | Claude Code |
//! |---|---|---|---|---|---|---|---|---|
//! | [`agent_start`] | `agent` | — | closed | `agent_startup` | — | — | `on_init` | `Setup` |
//! | [`agent_shutdown`] | `agent` | — | open, run-all | `agent_shutdown` | — | — | `on_shutdown` | — |
//! | [`session_start`] | `agent` | — | closed | — | `session:start` | — | `session_start` | `SessionStart` |
//! | [`session_end`] | `agent` | — | open, run-all | — | `session:end` | — | `session_end` | `SessionEnd` |
//! | [`run_start`] | `agent` | input | closed | `input` | — | `PRE_RUN` | `before_agent` | — |
//! | [`run_end`] | `agent` | output | closed | `output` | `prompt:complete` | `POST_RUN` | `after_agent` | `Stop` |
//! | [`user_prompt`] | — | prompt | closed | `input` | `prompt:submit` | — | `user_prompt_submit` | `UserPromptSubmit` |
//! | [`select_model`] | `model` | model | closed | — | — | — | — | — |
//! | [`before_llm`] | `model` | messages, options | closed | `pre_model_call` | `provider:request` | — | `before_llm` | — |
//! | [`after_llm`] | `model` | response | closed | `post_model_call` | `provider:response` | — | `after_llm` | — |
//! | [`before_tool`] | `tool` | args | closed | `pre_tool_call` | `tool:pre` | `PRE_TOOL` | `before_tool` | `PreToolUse` |
//! | [`after_tool`] | `tool` | result | closed | `post_tool_call` | `tool:post` | `POST_TOOL` | `after_tool` | `PostToolUse` |
//! | [`tool_error`] | `tool` | — | open, run-all | `post_tool_call` (`is_error`) | `tool:error` | — | — | `PostToolUseFailure` |
//! | [`error`] | `kind` | — | open, run-all | — | `provider:error` | — | `on_error` | — |
//! | [`retry`] | `operation` | — | open | — | — | — | `on_retry` | — |
//! | [`stream()`] ([`StreamEvent`]) | `kind` | the event | closed, pipeline | `post_model_call` (incremental) | `content_block:delta` | on-event hooks | — | — |
//! | [`before_compaction`] | `trigger` | messages | open | — | `context:pre_compact` | — | `before_compaction` | `PreCompact` |
//! | [`after_compaction`] | `trigger` | — | open, run-all | — | `context:post_compact` | — | `after_compaction` | `PostCompact` |
//! | [`subagent_start`] | `agent` | task | closed | — | `session:fork` | — | — | `SubagentStart` |
//! | [`subagent_stop`] | `agent` | output | closed | — | — | — | `subagent_stop` | `SubagentStop` |
//! | [`notification`] | `kind` | — | open, run-all | — | `user:notification` | — | `notification` | `Notification` |
//! | [`message_sending`] | `channel` | content | closed | — | — | — | `message_sending` | — |
//! | [`message_sent`] | `channel` | — | open, run-all | — | — | — | `message_sent` | — |
//!
//! Stream events have an API of their own: see [`stream()`] and
//! [`StreamEvent`] for the pipeline and for how the audit log counts the
//! events a hook passes unchanged.
//!
//! A point the agent does not call has no hook run, so an agent may call
//! the subset it has moments for (AGENT-HOOKS-0.1 requires `agent_startup`,
//! `input`, `output` and `agent_shutdown` of every host).

mod events;
mod model;
mod run;
mod stream;
mod tool;
mod types;

pub use events::{
    after_compaction, before_compaction, error, message_sending, message_sent, notification, retry, subagent_start,
    subagent_stop, AfterCompaction, BeforeCompaction, MessageSending, MessageSent, Notification, OnError, Retry,
    SubagentStart, SubagentStop,
};
pub use model::{after_llm, before_llm, select_model, AfterLlm, BeforeLlm, SelectModel};
pub use run::{
    agent_shutdown, agent_start, run_end, run_start, session_end, session_start, user_prompt, AgentShutdown,
    AgentStart, RunEnd, RunStart, SessionEnd, SessionStart, UserPrompt,
};
pub use stream::{stream, Emitted, Event, EventStream, StreamEvent};
pub use tool::{after_tool, before_tool, tool_error, AfterTool, BeforeTool, ToolError};
pub use types::{LlmResponse, Message, ToolCall, ToolResult, Usage};
