//! A scripted rig completion model and a rig tool that records its calls:
//! a real rig agent runs on them with no network. Shared by the tests and
//! the example.

#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex, PoisonError};

use rig_agent::core::completion::{AssistantContent, CompletionRequest, CompletionResponse, Usage};
use rig_agent::core::driver::{Exchange, Model, Opened, Opening, Transport};
use rig_agent::core::message::{Message, Origin, ToolCall, ToolFunction, ToolName, ToolResultContent, UserContent};
use rig_agent::core::operation::Completion;
use rig_agent::core::test_utils::{MockFrame, MockScript, MOCK_API};
use rig_agent::core::tool::PortableTool;
use rig_agent::core::DynModel;
use serde_json::Value;

/// A model that asks for one tool call, then answers `done: <what the tool
/// returned>` once it sees the tool's result. It records every request.
#[derive(Clone, Debug)]
pub struct ScriptedModel {
    tool: String,
    args: Value,
    requests: Arc<Mutex<Vec<CompletionRequest>>>,
}

impl ScriptedModel {
    /// A model that calls `tool` with `args` first.
    pub fn calling(tool: &str, args: Value) -> Self {
        ScriptedModel { tool: tool.to_owned(), args, requests: Arc::default() }
    }

    /// The model as rig takes it: rig's scripted wire over this transport.
    pub fn model(&self) -> DynModel<Completion> {
        Model::new(MockScript::new("scripted"), self.clone()).erase()
    }

    /// Every request the model received, in order.
    pub fn requests(&self) -> Vec<CompletionRequest> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The answer to `request`: the tool call, or the final text once the
    /// last message carries the tool's result.
    fn answer(&self, request: &CompletionRequest) -> Vec<AssistantContent> {
        if let Some(result) = request.chat_history.last().and_then(tool_result_text) {
            return vec![AssistantContent::text(format!("done: {result}"))];
        }
        let name = ToolName::new(self.tool.clone()).expect("the script names a tool");
        let call = ToolCall::from_wire("call-1", ToolFunction::new(name, self.args.clone()));
        vec![AssistantContent::ToolCall(call)]
    }
}

/// The audit lines of session `session_id`, as JSON.
pub fn audit_of(session_id: &str) -> Vec<Value> {
    agenthooks_tests::audit_lines()
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).expect("an audit line is JSON"))
        .filter(|line| line["session_id"] == session_id)
        .collect()
}

/// The text of the tool result `message` carries, if it carries one.
pub fn tool_result_text(message: &Message) -> Option<String> {
    let Message::User { content } = message else { return None };
    content.iter().find_map(|part| match part {
        UserContent::ToolResult(result) => Some(
            result
                .content
                .iter()
                .map(|block| match block {
                    ToolResultContent::Text(text) => text.text.clone(),
                    ToolResultContent::Json { value } => value.to_string(),
                    ToolResultContent::Image(_) => "<image>".to_owned(),
                })
                .collect::<String>(),
        ),
        _ => None,
    })
}

impl Transport<MockScript> for ScriptedModel {
    fn send(&self, request: CompletionRequest, _exchange: Exchange) -> Opening<MockFrame> {
        let choice = self.answer(&request);
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).push(request);
        let usage = Usage::new().input_tokens(12).output_tokens(3);
        let response =
            CompletionResponse::new(choice, usage, Origin::new(MOCK_API, "scripted", "scripted"), Value::Null);
        let frames = futures::stream::iter([Ok(MockFrame::Response(Box::new(response)))]);
        Opening::ready(Opened::new(frames).with_document(Value::Null))
    }
}

/// A CRM lookup tool that records the arguments of every call and answers
/// with a customer record; it fails for the name `nobody`.
#[derive(Clone, Debug, Default)]
pub struct CrmLookup {
    calls: Arc<Mutex<Vec<Value>>>,
}

impl CrmLookup {
    /// The arguments of every call, in order.
    pub fn calls(&self) -> Vec<Value> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl PortableTool for CrmLookup {
    const NAME: &'static str = "crm_lookup";
    type Args = Value;
    type Output = Value;
    type Error = std::io::Error;

    fn description(&self) -> String {
        "Looks a customer up by name".to_owned()
    }

    fn parameters(&self) -> Value {
        serde_json::json!({"type": "object", "properties": {"name": {"type": "string"}}})
    }

    async fn call(&self, args: Value) -> Result<Value, std::io::Error> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner).push(args.clone());
        if args["name"] == "nobody" {
            return Err(std::io::Error::other("no customer is named nobody"));
        }
        Ok(serde_json::json!({"name": args["name"], "email": "ann@example.com"}))
    }
}
