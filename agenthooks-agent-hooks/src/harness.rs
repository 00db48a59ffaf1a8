//! The conformance kit's harness: a small agent written with the host's
//! points (a scripted model, mock tools that record every invocation),
//! driven through one session per vector.

use agent_hooks::ctk::{async_trait, Harness, IdentityPair, RunRecord, VectorSetup};
use agent_hooks::AgentContextBuilder;
use serde_json::{json, Value};

use crate::host::{Denied, Host, Setup, Surface};

/// The capabilities this host really has (AGENT-HOOKS-0.1 §13.1): it calls
/// a model and tools, and holds 64-bit integers losslessly. It does not
/// claim `bigint_json` (its JSON layer turns integers beyond 64 bits into
/// floats) nor `incremental_output` (it buffers, `buffered_output: true`).
pub const CAPABILITIES: &[&str] = &["model_calls", "tool_calls", "int64_json"];

/// The harness: builds a [`Host`] per vector and runs the mock agent.
#[derive(Debug, Default)]
pub struct AgentHarness {
    run: Option<Run>,
    sessions: u64,
}

/// One vector's session.
struct Run {
    host: Host,
    builder: AgentContextBuilder,
    scenario: Value,
    tool_log: Vec<Value>,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run").field("host", &self.host).field("tool_log", &self.tool_log).finish_non_exhaustive()
    }
}

impl AgentHarness {
    /// A harness with no session yet.
    pub fn new() -> Self {
        AgentHarness::default()
    }
}

impl Run {
    /// Emits `ctx`, returning it as the combined verdict left it.
    async fn emit(&mut self, mut ctx: agent_hooks::AgentContext) -> Result<agent_hooks::AgentContext, Denied> {
        self.host.emit(&mut ctx).await.map(|()| ctx)
    }

    /// The scripted tool's answer to `args`: the first behaviour whose
    /// `when_args` equals them, or that has none.
    fn invoke_tool(&mut self, name: &str, args: &Value) -> (Value, bool) {
        self.tool_log.push(json!({ "name": name, "args": args }));
        let tool = self.scenario["tools"].as_array().into_iter().flatten().find(|tool| tool["name"] == name);
        let behaviour = tool
            .and_then(|tool| tool["behavior"].as_array())
            .into_iter()
            .flatten()
            .find(|behaviour| behaviour.get("when_args").is_none_or(|when| when == args));
        match behaviour {
            Some(behaviour) => (behaviour["return"].clone(), behaviour["is_error"].as_bool().unwrap_or(false)),
            None => (json!(format!("tool {name} has no behaviour for these arguments")), true),
        }
    }

    /// The agent loop; `Err` when a denial ends the session.
    async fn agent(&mut self) -> Result<Value, Denied> {
        let mut tools: Vec<String> = self.scenario["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|tool| tool["name"].as_str().map(str::to_owned))
            .collect();
        tools.sort();
        let startup = self.builder.agent_startup(tools);
        self.emit(startup).await?;
        let input = self.scenario["input"].clone();
        let role = input["role"].as_str().unwrap_or("user").to_owned();
        let ctx = self.builder.input(input["content"].clone(), &role);
        let ctx = self.emit(ctx).await?;
        let mut messages = vec![json!({ "role": role, "content": ctx["input"]["content"] })];
        let script = self.scenario["model_script"].as_array().cloned().unwrap_or_default();
        for step in &script {
            let ctx = self.builder.pre_model_call("mock", messages.clone());
            let ctx = self.emit(ctx).await?;
            messages = ctx["messages"].as_array().cloned().unwrap_or(messages);
            let respond = &step["respond"];
            let calls = respond["tool_calls"].as_array().cloned().unwrap_or_default();
            let finish = respond["finish_reason"].as_str().unwrap_or("stop");
            let ctx = self.builder.post_model_call("mock", respond["content"].clone(), calls, finish);
            let ctx = self.emit(ctx).await?;
            let response = &ctx["response"];
            let calls = response["tool_calls"].as_array().cloned().unwrap_or_default();
            if calls.is_empty() {
                let ctx = self.builder.output(response["content"].clone());
                let ctx = self.emit(ctx).await?;
                return Ok(ctx["output"]["content"].clone());
            }
            messages.push(json!({ "role": "assistant", "content": response["content"].as_str().unwrap_or("") }));
            for call in &calls {
                let content = match self.tool_call(call).await {
                    Ok(value) => value,
                    // The tool seam's posture is `continue` (§6.2): the
                    // model is told the call failed, and the loop goes on.
                    Err(denied) => json!(format!("blocked: {}", denied.reason)),
                };
                messages.push(json!({ "role": "tool", "content": content }));
            }
        }
        Ok(Value::Null)
    }

    /// One tool call between its two emissions; the result as the
    /// `post_tool_call` verdict leaves it.
    async fn tool_call(&mut self, call: &Value) -> Result<Value, Denied> {
        let id = call["id"].as_str().unwrap_or_default().to_owned();
        let name = call["name"].as_str().unwrap_or_default().to_owned();
        let ctx = self.builder.pre_tool_call(&id, &name, call["args"].clone());
        let ctx = self.emit(ctx).await?;
        let args = ctx["tool_call"]["args"].clone();
        let (value, is_error) = self.invoke_tool(&name, &args);
        let ctx = self.builder.post_tool_call(&id, &name, args, value, is_error);
        let ctx = self.emit(ctx).await?;
        Ok(ctx["tool_result"]["value"].clone())
    }
}

#[async_trait]
impl Harness for AgentHarness {
    fn name(&self) -> &'static str {
        "agenthooks"
    }

    fn capabilities(&self) -> Vec<String> {
        CAPABILITIES.iter().map(|capability| (*capability).to_owned()).collect()
    }

    fn setup(&mut self, setup: VectorSetup) {
        self.sessions += 1;
        let session = format!("ctk-{}-{}", std::process::id(), self.sessions);
        let host = Host::new(
            &session,
            Setup {
                interceptors: setup.interceptors,
                resolver: setup.resolver,
                surface: Surface { mode: setup.mode, composition: setup.composition },
                identity: setup.identity_provider,
                redact_for_approval: setup.redact_for_approval,
            },
        )
        .expect("the harness's hook paths and time limits are valid");
        let builder = AgentContextBuilder::new("ctk-agent", "agenthooks", &session);
        self.run = Some(Run { host, builder, scenario: setup.scenario, tool_log: Vec::new() });
    }

    async fn run(&mut self) -> RunRecord {
        let run = self.run.as_mut().expect("`setup` runs before `run`");
        let (outcome, final_output) = match run.agent().await {
            Ok(output) => ("completed", output),
            Err(_) => ("blocked", Value::Null),
        };
        let reason = if outcome == "completed" { "completed" } else { "error" };
        let shutdown = run.builder.agent_shutdown(reason);
        // Nothing is left to prevent at shutdown (§6.1a): its verdict is
        // recorded only.
        let _recorded = run.emit(shutdown).await;
        let records = run.host.records();
        RunRecord {
            outcome: outcome.to_owned(),
            final_output,
            tool_invocations: run.tool_log.clone(),
            identities: records
                .iter()
                .map(|record| IdentityPair {
                    input_identity: record.input_identity.clone(),
                    enforced_identity: record.enforced_identity.clone(),
                })
                .collect(),
            records: records.iter().map(|record| serde_json::to_value(record).unwrap_or(Value::Null)).collect(),
            ..RunRecord::default()
        }
    }

    fn teardown(&mut self) {
        self.run = None;
    }
}
