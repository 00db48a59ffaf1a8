//! A real rig agent (rig's `AgentBuilder`, rig's prompt and tool loop) on a
//! scripted model: lifecycle hooks block its tool, rewrite the tool's
//! arguments and result, and watch its model calls. Each test runs under a
//! tenant of its own, so only its hooks run.

mod support;

use std::sync::Mutex;

use agenthooks::lifecycle::{AfterLlm, AfterTool, BeforeLlm, BeforeTool, Message, ToolError};
use agenthooks::{hook, Ctx, HookError, Outcome, Session};
use agenthooks_rig::{BlockedTool, HookedAgent, RunError};
use agenthooks_tests::audit_to_temp;
use rig_agent::AgentBuilder;
use serde_json::{json, Value};
use support::{audit_of, tool_result_text, CrmLookup, ScriptedModel};

#[hook(BeforeTool, tenant = "blocked", tool = "crm_*")]
fn crm_needs_approval(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::block("crm lookups need approval")
}

#[hook(BeforeTool, tenant = "rewriter", tool = "crm_lookup")]
fn full_names_only(ctx: &mut Ctx<BeforeTool>) -> Outcome {
    ctx.args["name"] = Value::String("Ann Smith".into());
    Outcome::Continue
}

#[hook(AfterTool, tenant = "masker", tool = "crm_lookup")]
fn mask_emails(ctx: &mut Ctx<AfterTool>) -> Outcome {
    if let Some(email) = ctx.result.value.get_mut("email") {
        *email = Value::String("***".into());
    }
    Outcome::Continue
}

/// What the tool-error and after-tool hooks saw of failed calls, per
/// session: the tool, and the error or whether the result was an error.
static TOOL_FAILURES: Mutex<Vec<(String, String, String)>> = Mutex::new(Vec::new());

#[hook(ToolError, tenant = "alerts")]
async fn alert_on_tool_errors(ctx: &Ctx<ToolError>) {
    let session = ctx.session().session_id().to_owned();
    TOOL_FAILURES.lock().unwrap().push((session, ctx.tool.clone(), ctx.error.clone()));
}

#[hook(AfterTool, tenant = "alerts")]
fn see_failed_results(ctx: &Ctx<AfterTool>) -> Outcome {
    let session = ctx.session().session_id().to_owned();
    TOOL_FAILURES.lock().unwrap().push((session, ctx.tool.clone(), format!("is_error={}", ctx.result.is_error)));
    Outcome::Continue
}

/// What the LLM hooks saw, per session: the model and the messages before
/// the call, the model and the token usage after.
static SEEN_BY_LLM_HOOKS: Mutex<Vec<(String, String, Vec<Message>)>> = Mutex::new(Vec::new());
static USAGE_SEEN: Mutex<Vec<(String, u64, u64)>> = Mutex::new(Vec::new());

#[hook(BeforeLlm, tenant = "observer")]
fn watch_requests(ctx: &Ctx<BeforeLlm>) -> Outcome {
    let session = ctx.session().session_id().to_owned();
    SEEN_BY_LLM_HOOKS.lock().unwrap().push((session, ctx.model.clone(), ctx.messages.clone()));
    Outcome::Continue
}

#[hook(AfterLlm, tenant = "observer")]
fn watch_usage(ctx: &Ctx<AfterLlm>) -> Outcome {
    let session = ctx.session().session_id().to_owned();
    USAGE_SEEN.lock().unwrap().push((session, ctx.usage.input_tokens, ctx.usage.output_tokens));
    Outcome::Continue
}

#[hook(AfterLlm, tenant = "signer")]
fn sign_answers(ctx: &mut Ctx<AfterLlm>) -> Outcome {
    if let Value::String(text) = &mut ctx.response.content {
        text.push_str(" [checked]");
    }
    Outcome::Continue
}

/// A rig agent on `model` with the recording `tool`, built as rig's users
/// build one.
fn rig_agent(model: &ScriptedModel, tool: &CrmLookup) -> rig_agent::Agent {
    AgentBuilder::named_model("scripted-small", model.model())
        .name("support")
        .default_max_turns(3)
        .preamble("You look customers up.")
        .tool(tool.clone())
        .build()
}

fn session(id: &str, tenant: &str) -> Session {
    Session::new(id).with_tenant(tenant)
}

/// The tool result the model read in its last request.
fn result_the_model_read(model: &ScriptedModel) -> String {
    let requests = model.requests();
    let last = requests.last().expect("the model was called");
    tool_result_text(last.chat_history.last().expect("a request has messages")).expect("the model read a tool result")
}

#[tokio::test]
async fn a_blocked_tool_never_runs_and_the_model_reads_the_refusal() {
    audit_to_temp();
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
    let agent = HookedAgent::new(rig_agent(&model, &tool));

    let answer = agent.prompt(&session("rig-block-refuse", "blocked"), "Find Ann").await.unwrap();

    assert!(tool.calls().is_empty(), "the tool ran: {:?}", tool.calls());
    assert!(result_the_model_read(&model).contains("crm lookups need approval"), "{}", result_the_model_read(&model));
    assert!(answer.starts_with("done: ") && answer.contains("crm lookups need approval"), "{answer}");
    let lines = audit_of("rig-block-refuse");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["hook.status"], "blocked");
    assert_eq!(lines[0]["hook.block_reason"], "crm lookups need approval");
}

#[tokio::test]
async fn a_blocked_tool_stops_the_run_with_the_hooks_error_when_asked_to() {
    audit_to_temp();
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
    let agent = HookedAgent::new(rig_agent(&model, &tool)).blocked_tools(BlockedTool::StopRun);

    let error = agent.prompt(&session("rig-block-stop", "blocked"), "Find Ann").await.unwrap_err();

    assert!(
        matches!(&error, RunError::Hook(HookError::Blocked(blocked)) if blocked.reason == "crm lookups need approval"),
        "{error:?}"
    );
    assert!(tool.calls().is_empty(), "the tool ran: {:?}", tool.calls());
    assert_eq!(model.requests().len(), 1, "the model was asked again after the run stopped");
    assert_eq!(audit_of("rig-block-stop")[0]["hook.status"], "blocked");
}

#[tokio::test]
async fn a_before_tool_hook_rewrites_the_arguments_the_tool_runs_with() {
    audit_to_temp();
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
    let agent = HookedAgent::new(rig_agent(&model, &tool));

    let answer = agent.prompt(&session("rig-rewrite-args", "rewriter"), "Find Ann").await.unwrap();

    assert_eq!(tool.calls(), vec![json!({"name": "Ann Smith"})]);
    assert!(answer.contains("Ann Smith"), "{answer}");
    assert_eq!(audit_of("rig-rewrite-args")[0]["hook.status"], "ok");
}

#[tokio::test]
async fn an_after_tool_hook_rewrites_the_result_the_model_reads() {
    audit_to_temp();
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
    let agent = HookedAgent::new(rig_agent(&model, &tool));

    agent.prompt(&session("rig-mask", "masker"), "Find Ann").await.unwrap();

    assert_eq!(tool.calls().len(), 1, "the tool ran once");
    let read: Value = serde_json::from_str(&result_the_model_read(&model)).expect("the result is JSON");
    assert_eq!(read, json!({"name": "Ann", "email": "***"}));
}

#[tokio::test]
async fn llm_hooks_see_the_model_the_messages_and_the_usage_of_every_call() {
    audit_to_temp();
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
    let agent = HookedAgent::new(rig_agent(&model, &tool));

    agent.prompt(&session("rig-llm-watch", "observer"), "Find Ann").await.unwrap();

    let seen: Vec<_> =
        SEEN_BY_LLM_HOOKS.lock().unwrap().iter().filter(|(id, ..)| id == "rig-llm-watch").cloned().collect();
    assert_eq!(seen.len(), 2, "one before-LLM call per model call: {seen:?}");
    let (_, model_name, first) = &seen[0];
    assert_eq!(model_name, "scripted-small");
    let roles: Vec<_> = first.iter().map(|message| message.role.as_str()).collect();
    assert_eq!(roles, ["system", "user"]);
    assert_eq!(first[0].content, "You look customers up.");
    assert!(first[1].content.to_string().contains("Find Ann"), "{:?}", first[1]);
    // The second call carries the tool call and its result.
    assert_eq!(seen[1].2.len(), 4, "{:?}", seen[1].2);
    let usage: Vec<_> = USAGE_SEEN.lock().unwrap().iter().filter(|(id, ..)| id == "rig-llm-watch").cloned().collect();
    assert_eq!(usage, vec![("rig-llm-watch".to_owned(), 12, 3); 2]);
}

#[tokio::test]
async fn an_after_llm_hook_rewrites_the_answers_text() {
    audit_to_temp();
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
    let agent = HookedAgent::new(rig_agent(&model, &tool));

    let answer = agent.prompt(&session("rig-sign", "signer"), "Find Ann").await.unwrap();

    assert!(answer.starts_with("done: ") && answer.ends_with(" [checked]"), "{answer}");
    assert_eq!(tool.calls().len(), 1, "the tool call of the first answer still ran");
}

#[tokio::test]
async fn a_failing_tool_reaches_the_tool_error_point_and_after_tool_sees_an_error() {
    audit_to_temp();
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "nobody"})), CrmLookup::default());
    let agent = HookedAgent::new(rig_agent(&model, &tool));

    agent.prompt(&session("rig-tool-error", "alerts"), "Find nobody").await.unwrap();

    assert_eq!(tool.calls().len(), 1, "the tool ran once");
    let seen: Vec<_> =
        TOOL_FAILURES.lock().unwrap().iter().filter(|(id, ..)| id == "rig-tool-error").cloned().collect();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].1, "crm_lookup");
    assert!(!seen[0].2.is_empty() && seen[0].2 != "is_error=true", "the tool-error point ran first: {seen:?}");
    assert_eq!(seen[1].2, "is_error=true");
}
