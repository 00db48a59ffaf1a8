//! The conformance kit's harness: a small agent written with agenthooks'
//! lifecycle points (a scripted model, mock tools that record every
//! invocation), a [`Host`] mounted on them, driven through one session per
//! vector.

use agent_hooks::ctk::{async_trait, Harness, IdentityPair, RunRecord, VectorSetup};
use agenthooks::lifecycle::{self, LlmResponse, Message, ToolCall, ToolResult, Usage};
use agenthooks::{HookError, Session};
use serde_json::{json, Value};

use crate::host::{Host, Setup, Surface};
use crate::lifecycle::LifecycleHost;

/// The capabilities this host really has (AGENT-HOOKS-0.1 §13.1): it calls
/// a model and tools, and holds 64-bit integers losslessly. It does not
/// claim `bigint_json` (its JSON layer turns integers beyond 64 bits into
/// floats) nor `incremental_output` (it buffers, `buffered_output: true`).
pub const CAPABILITIES: &[&str] = &["model_calls", "tool_calls", "int64_json"];

/// The agent's id in the contract contexts (`agent.id`).
const AGENT: &str = "ctk-agent";

/// The scripted model's id.
const MODEL: &str = "mock";

/// The harness: builds a [`Host`] per vector, mounts it on the lifecycle
/// points of the vector's session, and runs the mock agent.
#[derive(Debug, Default)]
pub struct AgentHarness {
    run: Option<Run>,
    sessions: u64,
}

/// One vector's session.
#[derive(Debug)]
struct Run {
    host: LifecycleHost,
    session: Session,
    scenario: Value,
    tool_log: Vec<Value>,
}

impl AgentHarness {
    /// A harness with no session yet.
    pub fn new() -> Self {
        AgentHarness::default()
    }
}

impl Run {
    /// The scripted tool's answer to `args`: the first behaviour whose
    /// `when_args` equals them, or that has none.
    fn invoke_tool(&mut self, name: &str, args: &Value) -> ToolResult {
        self.tool_log.push(json!({ "name": name, "args": args }));
        let tool = self.scenario["tools"].as_array().into_iter().flatten().find(|tool| tool["name"] == name);
        let behaviour = tool
            .and_then(|tool| tool["behavior"].as_array())
            .into_iter()
            .flatten()
            .find(|behaviour| behaviour.get("when_args").is_none_or(|when| when == args));
        match behaviour {
            Some(behaviour) if behaviour["is_error"].as_bool().unwrap_or(false) => {
                ToolResult::error(behaviour["return"].clone())
            }
            Some(behaviour) => ToolResult::ok(behaviour["return"].clone()),
            None => ToolResult::error(format!("tool {name} has no behaviour for these arguments")),
        }
    }

    /// The scripted model's response of `step`.
    fn respond(step: &Value) -> LlmResponse {
        let respond = &step["respond"];
        let calls = respond["tool_calls"].as_array().into_iter().flatten();
        let calls = calls.filter_map(|call| serde_json::from_value::<ToolCall>(call.clone()).ok()).collect();
        LlmResponse::new(respond["content"].clone())
            .with_tool_calls(calls)
            .with_finish_reason(respond["finish_reason"].as_str().unwrap_or("stop"))
    }

    /// The agent loop, every moment a lifecycle call; `Err` when a denial
    /// ends the session.
    async fn agent(&mut self) -> Result<Value, HookError> {
        let session = self.session.clone();
        let mut tools: Vec<String> = self.scenario["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|tool| tool["name"].as_str().map(str::to_owned))
            .collect();
        tools.sort();
        lifecycle::agent_start(&session, AGENT.into(), tools).await?;
        // The typed input is text from the user (see the mount's mapping):
        // every vector's input is.
        let input = self.scenario["input"]["content"].as_str().unwrap_or_default().to_owned();
        let input = lifecycle::run_start(&session, AGENT.into(), input).await?;
        let mut messages = vec![Message::new("user", input)];
        let script = self.scenario["model_script"].as_array().cloned().unwrap_or_default();
        for step in &script {
            (messages, _) = lifecycle::before_llm(&session, MODEL.into(), messages, Value::Null).await?;
            let response = lifecycle::after_llm(&session, MODEL.into(), Self::respond(step), Usage::default()).await?;
            if response.tool_calls.is_empty() {
                let output = response.content.as_str().unwrap_or_default().to_owned();
                return Ok(Value::String(lifecycle::run_end(&session, AGENT.into(), output).await?));
            }
            messages.push(Message::new("assistant", response.content.as_str().unwrap_or("")));
            for call in response.tool_calls {
                let content = match self.tool_call(&session, call).await {
                    Ok(value) => value,
                    // The tool seam's posture is `continue` (§6.2): the
                    // model is told the call failed, and the loop goes on.
                    Err(HookError::Blocked(blocked)) => json!(format!("blocked: {}", blocked.reason)),
                    Err(error) => return Err(error),
                };
                messages.push(Message::new("tool", content));
            }
        }
        Ok(Value::Null)
    }

    /// One tool call between its two lifecycle calls; the result as the
    /// `post_tool_call` verdict leaves it.
    async fn tool_call(&mut self, session: &Session, call: ToolCall) -> Result<Value, HookError> {
        let args = lifecycle::before_tool(session, call.name.clone(), call.args, call.id.clone()).await?;
        let result = self.invoke_tool(&call.name, &args);
        Ok(lifecycle::after_tool(session, call.name, args, call.id, result).await?.value)
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
        let tenant = format!("{session}-tenant");
        let session = Session::new(session).with_tenant(tenant);
        let host = host.mount_lifecycle(&session, AGENT).expect("the host mounts on its own session");
        self.run = Some(Run { host, session, scenario: setup.scenario, tool_log: Vec::new() });
    }

    async fn run(&mut self) -> RunRecord {
        let run = self.run.as_mut().expect("`setup` runs before `run`");
        let (outcome, final_output) = match run.agent().await {
            Ok(output) => ("completed", output),
            Err(_) => ("blocked", Value::Null),
        };
        let reason = if outcome == "completed" { "completed" } else { "error" };
        // Nothing is left to prevent at shutdown (§6.1a): its verdict is
        // recorded only, and the mount never blocks the call.
        let _recorded = lifecycle::agent_shutdown(&run.session, AGENT.into(), reason.into()).await;
        let records = run.host.records().await;
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
