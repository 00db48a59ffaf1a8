//! Rig's values as the lifecycle points carry them, and back: messages,
//! completion responses, tool arguments and tool outputs. Every rewrite a
//! hook makes comes back through here, so what the adapter can and cannot
//! hand back to rig is decided in this one module.

use agenthooks::lifecycle::{self, LlmResponse};
use rig_agent::tool::ToolOutput;
use rig_core::completion::{AssistantContent, CompletionRequest, CompletionResponse, FinishReason};
use rig_core::message::Message;
use serde_json::{json, Map, Value};

/// Tool arguments as a JSON value. Rig carries them as JSON text; text that
/// is not JSON (rig passes it on for the tool to refuse) is kept as a JSON
/// string, so a hook still sees it.
pub(crate) fn tool_args(args: &str) -> Value {
    serde_json::from_str(args).unwrap_or_else(|_| Value::String(args.to_owned()))
}

/// A tool's model-visible output as one JSON value: its text, its JSON
/// block, or its content blocks as rig serializes them.
pub(crate) fn tool_output(output: &ToolOutput) -> Value {
    if let Some(text) = output.as_text() {
        Value::String(text.to_owned())
    } else if let Some(value) = output.as_json() {
        value.clone()
    } else {
        serde_json::to_value(output).unwrap_or(Value::Null)
    }
}

/// The output a hook's rewritten value stands for: text for a string, a
/// JSON block for anything else.
pub(crate) fn to_tool_output(value: Value) -> ToolOutput {
    match value {
        Value::String(text) => ToolOutput::text(text),
        other => ToolOutput::json(other),
    }
}

/// Rig messages as lifecycle messages: the role rig tags each with
/// (`system`, `user`, `assistant`) and its `content` as rig serializes it
/// (a string for a system message, a list of content blocks otherwise).
pub(crate) fn messages(history: &[Message]) -> Result<Vec<lifecycle::Message>, serde_json::Error> {
    history
        .iter()
        .map(|message| {
            let mut value = serde_json::to_value(message)?;
            let role = value.get("role").and_then(Value::as_str).unwrap_or_default().to_owned();
            let content = value.get_mut("content").map_or(Value::Null, Value::take);
            Ok(lifecycle::Message::new(role, content))
        })
        .collect()
}

/// The rig messages the hooks' `rewritten` messages stand for. A message
/// kept at its place keeps what rig stores beside role and content (where
/// an assistant turn came from); a new one is built from role and content
/// alone.
pub(crate) fn from_messages(
    original: &[Message],
    rewritten: Vec<lifecycle::Message>,
) -> Result<Vec<Message>, serde_json::Error> {
    rewritten
        .into_iter()
        .enumerate()
        .map(|(index, message)| {
            let mut value = match original.get(index).map(serde_json::to_value).transpose()? {
                Some(Value::Object(object)) => object,
                _ => Map::new(),
            };
            value.insert("role".to_owned(), Value::String(message.role));
            value.insert("content".to_owned(), message.content);
            serde_json::from_value(Value::Object(value))
        })
        .collect()
}

/// The request's options a before-LLM hook may read and rewrite:
/// `temperature`, `max_tokens` and the provider's `additional_params`.
pub(crate) fn options(request: &CompletionRequest) -> Value {
    json!({
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
        "additional_params": request.additional_params,
    })
}

/// Sets the request's options to what `options` says; a key left out keeps
/// the request's value.
pub(crate) fn apply_options(request: &mut CompletionRequest, options: &Value) -> Result<(), serde_json::Error> {
    if let Some(temperature) = options.get("temperature") {
        request.temperature = serde_json::from_value(temperature.clone())?;
    }
    if let Some(max_tokens) = options.get("max_tokens") {
        request.max_tokens = serde_json::from_value(max_tokens.clone())?;
    }
    if let Some(params) = options.get("additional_params") {
        request.additional_params = (!params.is_null()).then(|| params.clone());
    }
    Ok(())
}

/// A rig completion as a lifecycle response: its text (`null` when it has
/// none), its tool calls with their arguments as JSON, and its finish reason
/// in the lifecycle's spelling.
pub(crate) fn response(completion: &CompletionResponse) -> LlmResponse {
    let text = completion.text();
    let has_text = completion.choice.iter().any(|part| matches!(part, AssistantContent::Text(_)));
    let calls: Vec<_> = completion
        .tool_calls()
        .map(|call| {
            lifecycle::ToolCall::new(
                call.id.to_string(),
                call.function.name.to_string(),
                call.function.arguments_value(),
            )
        })
        .collect();
    let finish = match completion.finish_reason() {
        Some(FinishReason::Stop) => "stop".to_owned(),
        Some(FinishReason::Length) => "length".to_owned(),
        Some(FinishReason::ToolCalls) => "tool_calls".to_owned(),
        Some(FinishReason::ContentFilter) => "content_filter".to_owned(),
        Some(FinishReason::Other(reason)) => reason,
        // A reason a later rig adds.
        Some(_) => "other".to_owned(),
        None if calls.is_empty() => "stop".to_owned(),
        None => "tool_calls".to_owned(),
    };
    let content = if has_text { Value::String(text) } else { Value::Null };
    LlmResponse::new(content).with_tool_calls(calls).with_finish_reason(finish)
}

/// The completion with its text replaced by `text`: the first text block
/// takes it, the others are dropped, and with no text block a new one
/// leads the turn. Tool calls and other blocks stay as they were.
pub(crate) fn with_text(mut completion: CompletionResponse, text: String) -> CompletionResponse {
    let mut text = Some(text);
    completion.choice.retain_mut(|part| match part {
        AssistantContent::Text(block) => match text.take() {
            Some(new) => {
                block.text = new;
                true
            }
            None => false,
        },
        _ => true,
    });
    if let Some(text) = text {
        completion.choice.insert(0, AssistantContent::text(text));
    }
    completion
}
