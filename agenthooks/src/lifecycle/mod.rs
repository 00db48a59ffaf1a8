#![doc = include_str!("../../docs/lifecycle.md")]

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
