//! The standard lifecycle points, called by a small agent the way any agent
//! would: customer hooks block a tool for one tenant, rewrite a tool's
//! arguments, mask a field of a tool's result and sign the final answer;
//! observer points let a failing hook through, guard points do not.

use std::sync::atomic::{AtomicUsize, Ordering};

use agenthooks::lifecycle::{
    self, AfterTool, AgentShutdown, BeforeTool, LlmResponse, Message, RunEnd, ToolCall, ToolError, ToolResult, Usage,
};
use agenthooks::{hook, Ctx, HookError, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp};
use serde_json::{json, Value};

/// A small agent: one model call that asks for the tools the input names,
/// each tool call guarded, and the final answer.
struct MiniAgent;

impl MiniAgent {
    async fn run(&self, session: &Session, input: &str) -> Result<String, HookError> {
        let input = lifecycle::run_start(session, "mini".into(), input.into()).await?;
        let prompt = lifecycle::user_prompt(session, input).await?;
        let model = lifecycle::select_model(session, "small".into(), vec!["small".into(), "large".into()]).await?;
        let request = vec![Message::new("user", prompt)];
        let (messages, _options) = lifecycle::before_llm(session, model.clone(), request, json!({})).await?;
        let response = lifecycle::after_llm(session, model, mock_model(&messages), Usage::new(12, 3)).await?;
        let mut outputs = Vec::new();
        for call in response.tool_calls {
            let args = match lifecycle::before_tool(session, call.name.clone(), call.args, call.id.clone()).await {
                Ok(args) => args,
                Err(HookError::Blocked(blocked)) => {
                    outputs.push(format!("{} denied: {}", call.name, blocked.reason));
                    continue;
                }
                Err(error) => return Err(error),
            };
            let result = run_tool(&call.name, &args);
            if result.is_error {
                let error = result.value.to_string();
                lifecycle::tool_error(session, call.name.clone(), args.clone(), call.id.clone(), error).await?;
            }
            let result = lifecycle::after_tool(session, call.name, args, call.id, result).await?;
            outputs.push(result.value.to_string());
        }
        lifecycle::run_end(session, "mini".into(), outputs.join("; ")).await
    }
}

/// Asks for each word of the prompt that names a tool.
fn mock_model(messages: &[Message]) -> LlmResponse {
    let prompt = messages.last().and_then(|message| message.content.as_str()).unwrap_or_default();
    let calls = prompt
        .split_whitespace()
        .enumerate()
        .map(|(index, tool)| ToolCall::new(format!("call-{index}"), tool, json!({"path": "notes.txt"})))
        .collect();
    LlmResponse::new(Value::Null).with_tool_calls(calls).with_finish_reason("tool_calls")
}

fn run_tool(tool: &str, args: &Value) -> ToolResult {
    match tool {
        "fs_read" => ToolResult::ok(format!("read {}", args["path"].as_str().unwrap_or_default())),
        "crm_lookup" => ToolResult::ok(json!({"name": "Ann", "email": "ann@example.com"})),
        "shell_exec" => ToolResult::ok("ran"),
        _ => ToolResult::error(format!("no tool {tool}")),
    }
}

#[hook(BeforeTool, tenant = "acme", tool = "shell*")]
fn no_shell_for_acme(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::block("acme does not allow shell tools")
}

#[hook(BeforeTool, tool = "fs_read")]
fn jail_paths(ctx: &mut Ctx<BeforeTool>) -> Outcome {
    let path = ctx.args["path"].as_str().unwrap_or_default().to_owned();
    ctx.args["path"] = Value::String(format!("/sandbox/{path}"));
    Outcome::Continue
}

#[hook(BeforeTool, tool = "flaky")]
fn flaky_guard(_ctx: &Ctx<BeforeTool>) -> Result<Outcome, String> {
    Err("the policy service is down".into())
}

#[hook(AfterTool, tool = "crm_*")]
fn mask_emails(ctx: &mut Ctx<AfterTool>) -> Outcome {
    if let Some(email) = ctx.result.value.get_mut("email") {
        *email = Value::String("***".into());
    }
    Outcome::Continue
}

static TOOL_ERRORS: AtomicUsize = AtomicUsize::new(0);

#[hook(ToolError)]
async fn count_tool_errors(ctx: &Ctx<ToolError>) {
    assert!(ctx.error.contains("no tool"));
    TOOL_ERRORS.fetch_add(1, Ordering::SeqCst);
}

#[hook(RunEnd, tenant = "globex")]
fn sign(ctx: &mut Ctx<RunEnd>) -> Outcome {
    ctx.output.push_str(" [checked by globex]");
    Outcome::Continue
}

#[hook(AgentShutdown)]
fn broken_observer(_ctx: &Ctx<AgentShutdown>) -> Outcome {
    panic!("the observer is broken")
}

fn tenant(tenant: &str, session: &str) -> Session {
    Session::new(format!("lifecycle-{session}")).with_tenant(tenant)
}

#[tokio::test]
async fn a_before_tool_hook_blocks_one_tool_for_one_tenant_only() {
    audit_to_temp();
    let acme = MiniAgent.run(&tenant("acme", "shell-acme"), "shell_exec").await.unwrap();
    assert_eq!(acme, "shell_exec denied: acme does not allow shell tools");
    let globex = MiniAgent.run(&tenant("globex", "shell-globex"), "shell_exec").await.unwrap();
    assert_eq!(globex, r#""ran" [checked by globex]"#);
}

#[tokio::test]
async fn a_before_tool_hook_rewrites_the_arguments_the_tool_receives() {
    audit_to_temp();
    let output = MiniAgent.run(&tenant("initech", "jail"), "fs_read").await.unwrap();
    assert_eq!(output, r#""read /sandbox/notes.txt""#);
}

#[tokio::test]
async fn an_after_tool_hook_masks_a_field_of_the_result() {
    audit_to_temp();
    let output = MiniAgent.run(&tenant("initech", "mask"), "crm_lookup").await.unwrap();
    // Compared as JSON: whether an object keeps its keys' order depends on
    // the features other crates of the build enable in `serde_json`.
    let output: Value = serde_json::from_str(&output).expect("the tool's result is JSON");
    assert_eq!(output, json!({"email": "***", "name": "Ann"}));
}

#[tokio::test]
async fn a_failing_hook_on_a_guard_point_stops_the_call() {
    audit_to_temp();
    let error = MiniAgent.run(&tenant("initech", "flaky"), "flaky").await.unwrap_err();
    assert!(
        matches!(&error, HookError::Failed { point: "lifecycle.before_tool", message, .. } if message == "the policy service is down"),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_observer_point_runs_its_hooks_and_lets_a_failing_one_through() {
    audit_to_temp();
    let before = TOOL_ERRORS.load(Ordering::SeqCst);
    let output = MiniAgent.run(&tenant("initech", "unknown"), "no_such_tool").await.unwrap();
    assert_eq!(output, r#""no tool no_such_tool""#);
    assert!(TOOL_ERRORS.load(Ordering::SeqCst) > before, "the tool-error observer ran");

    let session = tenant("initech", "shutdown");
    lifecycle::agent_shutdown(&session, "mini".into(), "completed".into())
        .await
        .expect("a failing observer is let through");
    let lines: Vec<String> =
        audit_lines().into_iter().filter(|line| line.contains(r#""session_id":"lifecycle-shutdown""#)).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains(r#""hook.status":"error""#), "{}", lines[0]);
    assert!(lines[0].contains(r#""hook.let_through":true"#), "{}", lines[0]);
}

#[tokio::test]
async fn lifecycle_executions_are_audited_under_their_dotted_names() {
    audit_to_temp();
    MiniAgent.run(&tenant("initech", "names"), "fs_read crm_lookup").await.unwrap();
    let names: Vec<String> = audit_lines()
        .into_iter()
        .filter(|line| line.contains(r#""session_id":"lifecycle-names""#))
        .filter_map(|line| line.split(r#""hook.name":""#).nth(1).map(|rest| rest[..rest.find('"').unwrap()].to_owned()))
        .collect();
    assert_eq!(
        names,
        ["lifecycle.before_tool", "lifecycle.after_tool"],
        "one line per hook that matched, none for the others"
    );
}

#[tokio::test]
async fn a_point_with_no_hook_returns_its_target_unchanged() {
    audit_to_temp();
    let session = tenant("initech", "plain");
    let content = lifecycle::message_sending(&session, "email".into(), "ann@example.com".into(), "hi".into()).await;
    assert_eq!(content.unwrap(), "hi");
    let messages = vec![Message::new("user", "a"), Message::new("assistant", "b")];
    let kept = lifecycle::before_compaction(&session, "auto".into(), messages.clone()).await.unwrap();
    assert_eq!(kept, messages);
}
