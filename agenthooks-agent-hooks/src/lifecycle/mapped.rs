//! Each lifecycle point the contract covers: the contract context it
//! builds from the typed call, and the typed target it reads back from the
//! target the combined verdict permits.

use agent_hooks::{AgentContext, AgentContextBuilder};
use agenthooks::lifecycle::{
    AfterLlm, AfterTool, AgentShutdown, AgentStart, BeforeLlm, BeforeTool, LlmResponse, Message, RunEnd, RunStart,
    UserPrompt,
};
use agenthooks::{AsyncPoint, HookPoint};
use serde_json::{json, Value};

use super::misfit::{array, object, string, typed, Misfit};

/// A lifecycle point mounted as a contract point.
pub(crate) trait Mapped: AsyncPoint {
    /// Whether a deny is recorded only (nothing left to prevent, §6.1a).
    const RECORDS_ONLY: bool = false;
    /// What the typed call takes back from the permitted target.
    type Target: Send;

    /// The contract context of this call.
    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext;

    /// The typed target in the permitted context, or why it does not fit.
    fn fit(ctx: &AgentContext) -> Result<Self::Target, Misfit>;

    /// Writes the typed target back into the call's arguments.
    fn store(&mut self, target: Self::Target);
}

/// The contract context's `target`.
fn target(ctx: &AgentContext) -> &Value {
    ctx.get("target").unwrap_or(&Value::Null)
}

/// The `input` target `{content, role}` as the typed input text: the typed
/// points carry no role, so the role must stay `user`.
fn input_text(point: &'static str, ctx: &AgentContext) -> Result<String, Misfit> {
    let input = object(point, "target", target(ctx), &["content", "role"])?;
    if input.get("role").is_some_and(|role| role != "user") {
        return Err(Misfit::Fixed { point, path: "target.role".to_owned() });
    }
    string(point, "target.content", input.get("content"))
}

impl Mapped for AgentStart {
    type Target = ();

    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext {
        builder.agent_startup(self.tools.clone())
    }

    fn fit(_: &AgentContext) -> Result<(), Misfit> {
        Ok(())
    }

    fn store(&mut self, (): ()) {}
}

impl Mapped for RunStart {
    type Target = String;

    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext {
        builder.input(Value::String(self.input.clone()), "user")
    }

    fn fit(ctx: &AgentContext) -> Result<String, Misfit> {
        input_text(Self::NAME, ctx)
    }

    fn store(&mut self, input: String) {
        self.input = input;
    }
}

impl Mapped for UserPrompt {
    type Target = String;

    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext {
        builder.input(Value::String(self.prompt.clone()), "user")
    }

    fn fit(ctx: &AgentContext) -> Result<String, Misfit> {
        input_text(Self::NAME, ctx)
    }

    fn store(&mut self, prompt: String) {
        self.prompt = prompt;
    }
}

impl Mapped for BeforeLlm {
    type Target = Vec<Message>;

    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext {
        let messages = self.messages.iter().map(|message| json!({ "role": message.role, "content": message.content }));
        let mut ctx = builder.pre_model_call(&self.model, messages.collect());
        if let (Some(Value::Object(model)), Value::Object(params)) = (ctx.get_mut("model"), &self.options) {
            if !params.is_empty() {
                model.insert("params".to_owned(), self.options.clone());
            }
        }
        ctx
    }

    fn fit(ctx: &AgentContext) -> Result<Vec<Message>, Misfit> {
        let point = Self::NAME;
        for (index, message) in array(point, "target", Some(target(ctx)))?.iter().enumerate() {
            let path = format!("target[{index}]");
            let members = object(point, &path, message, &["role", "content"])?;
            string(point, &format!("{path}.role"), members.get("role"))?;
        }
        typed(point, "target", target(ctx).clone(), "an array of `{role, content}` messages")
    }

    fn store(&mut self, messages: Vec<Message>) {
        self.messages = messages;
    }
}

impl Mapped for AfterLlm {
    type Target = LlmResponse;

    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext {
        let response = &self.response;
        let calls =
            response.tool_calls.iter().map(|call| json!({ "id": call.id, "name": call.name, "args": call.args }));
        let mut ctx =
            builder.post_model_call(&self.model, response.content.clone(), calls.collect(), &response.finish_reason);
        if self.usage.input_tokens > 0 || self.usage.output_tokens > 0 {
            let usage =
                json!({ "prompt_tokens": self.usage.input_tokens, "completion_tokens": self.usage.output_tokens });
            ctx.insert("usage".to_owned(), usage);
        }
        ctx
    }

    fn fit(ctx: &AgentContext) -> Result<LlmResponse, Misfit> {
        let point = Self::NAME;
        let response = object(point, "target", target(ctx), &["content", "tool_calls", "finish_reason"])?;
        string(point, "target.finish_reason", response.get("finish_reason"))?;
        for (index, call) in array(point, "target.tool_calls", response.get("tool_calls"))?.iter().enumerate() {
            let path = format!("target.tool_calls[{index}]");
            let members = object(point, &path, call, &["id", "name", "args"])?;
            string(point, &format!("{path}.id"), members.get("id"))?;
            string(point, &format!("{path}.name"), members.get("name"))?;
        }
        typed(point, "target", target(ctx).clone(), "a `{content, tool_calls, finish_reason}` response")
    }

    fn store(&mut self, response: LlmResponse) {
        self.response = response;
    }
}

impl Mapped for BeforeTool {
    type Target = Value;

    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext {
        builder.pre_tool_call(&self.call_id, &self.tool, self.args.clone())
    }

    fn fit(ctx: &AgentContext) -> Result<Value, Misfit> {
        Ok(target(ctx).clone())
    }

    fn store(&mut self, args: Value) {
        self.args = args;
    }
}

impl Mapped for AfterTool {
    type Target = Value;

    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext {
        let result = &self.result;
        builder.post_tool_call(&self.call_id, &self.tool, self.args.clone(), result.value.clone(), result.is_error)
    }

    fn fit(ctx: &AgentContext) -> Result<Value, Misfit> {
        Ok(target(ctx).clone())
    }

    fn store(&mut self, value: Value) {
        self.result.value = value;
    }
}

impl Mapped for RunEnd {
    type Target = String;

    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext {
        builder.output(Value::String(self.output.clone()))
    }

    fn fit(ctx: &AgentContext) -> Result<String, Misfit> {
        let output = object(Self::NAME, "target", target(ctx), &["content"])?;
        string(Self::NAME, "target.content", output.get("content"))
    }

    fn store(&mut self, output: String) {
        self.output = output;
    }
}

impl Mapped for AgentShutdown {
    const RECORDS_ONLY: bool = true;
    type Target = ();

    fn context(&self, builder: &mut AgentContextBuilder) -> AgentContext {
        builder.agent_shutdown(&self.reason)
    }

    fn fit(_: &AgentContext) -> Result<(), Misfit> {
        Ok(())
    }

    fn store(&mut self, (): ()) {}
}
