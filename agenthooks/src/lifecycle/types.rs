//! The values the lifecycle points carry: messages, model responses, tool
//! calls and results. Each is owned, `Clone` and serde-serializable, and
//! `#[non_exhaustive]`: build one with its constructor, so that a field
//! added later breaks no code.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One message of a conversation, as a model takes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// Who speaks: `system`, `user`, `assistant`, `tool`, or what the
    /// model's API names.
    pub role: String,
    /// What is said: text, or the structured content the model's API takes.
    pub content: Value,
}

impl Message {
    /// A message of `role` saying `content`.
    ///
    /// ```
    /// let message = agenthooks::lifecycle::Message::new("user", "hello");
    /// assert_eq!(message.content, "hello");
    /// ```
    pub fn new(role: impl Into<String>, content: impl Into<Value>) -> Self {
        Message { role: role.into(), content: content.into() }
    }
}

/// A tool call a model asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCall {
    /// The call's id, which pairs it with its result.
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments, as the model wrote them.
    pub args: Value,
}

impl ToolCall {
    /// A call `id` of tool `name` with `args`.
    pub fn new(id: impl Into<String>, name: impl Into<String>, args: Value) -> Self {
        ToolCall { id: id.into(), name: name.into(), args }
    }
}

/// What a model answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LlmResponse {
    /// The answer: text, structured content, or `null` when the model only
    /// called tools.
    pub content: Value,
    /// The tool calls it asked for, none when empty.
    pub tool_calls: Vec<ToolCall>,
    /// Why the model stopped (`stop`, `length`, `tool_calls`, …).
    pub finish_reason: String,
}

impl LlmResponse {
    /// A response saying `content`, with no tool call, finished with `stop`.
    pub fn new(content: impl Into<Value>) -> Self {
        LlmResponse { content: content.into(), tool_calls: Vec::new(), finish_reason: "stop".to_owned() }
    }

    /// The same response, asking for `calls`.
    #[must_use]
    pub fn with_tool_calls(self, calls: Vec<ToolCall>) -> Self {
        LlmResponse { tool_calls: calls, ..self }
    }

    /// The same response, finished for `reason`.
    #[must_use]
    pub fn with_finish_reason(self, reason: impl Into<String>) -> Self {
        LlmResponse { finish_reason: reason.into(), ..self }
    }
}

/// The tokens one model call used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Tokens of the request.
    pub input_tokens: u64,
    /// Tokens of the response.
    pub output_tokens: u64,
}

impl Usage {
    /// `input_tokens` in, `output_tokens` out.
    pub fn new(input_tokens: u64, output_tokens: u64) -> Self {
        Usage { input_tokens, output_tokens }
    }
}

/// What a tool call produced: a value, or an error the model will read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolResult {
    /// The tool's output, or the error's description.
    pub value: Value,
    /// Whether the tool failed.
    pub is_error: bool,
}

impl ToolResult {
    /// A tool's output.
    pub fn ok(value: impl Into<Value>) -> Self {
        ToolResult { value: value.into(), is_error: false }
    }

    /// A tool's failure, described by `value`.
    pub fn error(value: impl Into<Value>) -> Self {
        ToolResult { value: value.into(), is_error: true }
    }
}
