//! Contract interceptors mounted on agenthooks' lifecycle points: a small
//! agent written only with `agenthooks::lifecycle` calls (a scripted model,
//! a tool that records its invocations), with AGENT-HOOKS interceptors
//! deciding through the mount.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use agent_hooks::{
    AgentContext, ApprovalResolver, CompositionConfig, Decision, EnforcementMode, InterceptionPoint,
    InterceptionRecord, Interceptor, Verdict,
};
use agenthooks::lifecycle::{self, LlmResponse, Message, ToolCall, ToolResult, Usage};
use agenthooks::{HookError, Session};
use agenthooks_agent_hooks::{Host, IdentityProvider, LifecycleHost, MountError, Setup, Surface};
use serde_json::{json, Value};
use support::{deny, liftable, transform, Resolver, Scripted};

const AGENT: &str = "mock-agent";
const MODEL: &str = "mock-model";

fn point(ctx: &AgentContext) -> &str {
    ctx["interception_point"].as_str().unwrap_or_default()
}

/// A verdict at `at`, allow elsewhere.
fn at(at: &'static str, verdict: Verdict) -> Box<dyn Interceptor> {
    Box::new(Scripted(Box::new(move |ctx| if point(ctx) == at { verdict.clone() } else { Verdict::allow() })))
}

/// A fresh session of its own tenant, so tests running at once never meet.
fn session() -> Session {
    static SESSIONS: AtomicU64 = AtomicU64::new(0);
    let n = SESSIONS.fetch_add(1, Ordering::Relaxed);
    Session::new(format!("lifecycle-test-{}-{n}", std::process::id())).with_tenant(format!("tenant-{n}"))
}

/// A host for `session`, mounted on its lifecycle points.
fn mounted(
    session: &Session,
    interceptors: Vec<Box<dyn Interceptor>>,
    resolver: Option<Box<dyn ApprovalResolver>>,
) -> LifecycleHost {
    let setup = Setup {
        interceptors,
        resolver,
        surface: Surface { mode: EnforcementMode::Enforce, composition: CompositionConfig::default() },
        identity: IdentityProvider::JcsSha256,
        redact_for_approval: Vec::new(),
    };
    Host::new(session.session_id(), setup).expect("the host registers").mount_lifecycle(session, AGENT).expect("mounts")
}

/// What one run of the agent left behind.
#[derive(Debug, Default)]
struct Run {
    /// The messages of each model request, as the model received them.
    model_saw: Vec<Vec<Message>>,
    /// The tool's invocations: its arguments.
    tool_calls: Vec<Value>,
    /// The final answer, or the error that ended the run.
    output: Option<Result<String, HookError>>,
}

/// The mock tool: records its arguments, answers a page.
fn fetch(run: &Mutex<Run>, args: &Value) -> ToolResult {
    run.lock().unwrap_or_else(PoisonError::into_inner).tool_calls.push(args.clone());
    ToolResult::ok(json!({ "status": 200, "body": "secret page" }))
}

/// The scripted model: first a call of `fetch`, then an answer.
fn script() -> Vec<LlmResponse> {
    vec![
        LlmResponse::new(Value::Null)
            .with_tool_calls(vec![ToolCall::new("c-1", "fetch", json!({ "url": "https://evil.example" }))])
            .with_finish_reason("tool_calls"),
        LlmResponse::new("the answer"),
    ]
}

/// The agent: every moment a lifecycle call.
async fn agent(session: &Session, input: &str) -> Run {
    let run = Mutex::new(Run::default());
    let output = agent_loop(session, input, &run).await;
    lifecycle::agent_shutdown(session, AGENT.into(), if output.is_ok() { "completed" } else { "error" }.into())
        .await
        .expect("shutdown is never blocked");
    let mut run = run.into_inner().unwrap_or_else(PoisonError::into_inner);
    run.output = Some(output);
    run
}

async fn agent_loop(session: &Session, input: &str, run: &Mutex<Run>) -> Result<String, HookError> {
    lifecycle::agent_start(session, AGENT.into(), vec!["fetch".into()]).await?;
    let input = lifecycle::run_start(session, AGENT.into(), input.into()).await?;
    let mut messages = vec![Message::new("user", input)];
    for response in script() {
        let (sent, _options) = lifecycle::before_llm(session, MODEL.into(), messages, Value::Null).await?;
        run.lock().unwrap_or_else(PoisonError::into_inner).model_saw.push(sent.clone());
        messages = sent;
        let response = lifecycle::after_llm(session, MODEL.into(), response, Usage::default()).await?;
        if response.tool_calls.is_empty() {
            let answer = response.content.as_str().unwrap_or_default().to_owned();
            return lifecycle::run_end(session, AGENT.into(), answer).await;
        }
        messages.push(Message::new("assistant", ""));
        for call in response.tool_calls {
            let content = match lifecycle::before_tool(session, call.name.clone(), call.args, call.id.clone()).await {
                Ok(args) => {
                    let result = fetch(run, &args);
                    lifecycle::after_tool(session, call.name, args, call.id, result).await?.value
                }
                // A denied tool call is told to the model; the run goes on.
                Err(HookError::Blocked(blocked)) => json!(format!("blocked: {}", blocked.reason)),
                Err(error) => return Err(error),
            };
            messages.push(Message::new("tool", content));
        }
    }
    Ok(String::new())
}

/// The (point, decision, reason) of each record.
fn decisions(records: &[InterceptionRecord]) -> Vec<(InterceptionPoint, Decision, Option<String>)> {
    records
        .iter()
        .map(|record| (record.interception_point, record.verdict.decision, record.verdict.reason.clone()))
        .collect()
}

fn record_at(records: &[InterceptionRecord], point: InterceptionPoint) -> (Decision, Option<String>) {
    let record = records.iter().find(|record| record.interception_point == point).expect("the point was emitted");
    (record.verdict.decision, record.verdict.reason.clone())
}

#[tokio::test]
async fn an_allowing_interceptor_sees_every_point_in_order_and_each_is_recorded() {
    use InterceptionPoint as I;
    let session = session();
    let host = mounted(&session, vec![at("none", Verdict::allow())], None);
    let run = agent(&session, "what is on the page?").await;
    assert_eq!(run.output.expect("ran").expect("completed"), "the answer");
    assert_eq!(run.tool_calls, vec![json!({ "url": "https://evil.example" })]);
    let records = host.records().await;
    let points: Vec<_> = records.iter().map(|record| record.interception_point).collect();
    assert_eq!(
        points,
        [
            I::AgentStartup,
            I::Input,
            I::PreModelCall,
            I::PostModelCall,
            I::PreToolCall,
            I::PostToolCall,
            I::PreModelCall,
            I::PostModelCall,
            I::Output,
            I::AgentShutdown
        ]
    );
    assert!(records.iter().all(|record| record.verdict.decision == Decision::Allow), "{:?}", decisions(&records));
    let sequences: Vec<i64> = records.iter().map(|record| record.sequence).collect();
    assert_eq!(sequences, (0..10).collect::<Vec<i64>>());
    assert!(records.iter().all(|record| record.session_id == session.session_id()));
}

#[tokio::test]
async fn deny_on_pre_tool_call_keeps_the_tool_from_running_and_the_agent_sees_the_denial() {
    let session = session();
    let host = mounted(&session, vec![at("pre_tool_call", deny("policy:no_fetch"))], None);
    let run = agent(&session, "fetch it").await;
    assert!(run.tool_calls.is_empty(), "the tool ran: {:?}", run.tool_calls);
    let second_request = &run.model_saw[1];
    assert_eq!(second_request.last().expect("a tool message").content, json!("blocked: policy:no_fetch"));
    assert_eq!(run.output.expect("ran").expect("the run goes on"), "the answer");
    let records = host.records().await;
    assert_eq!(record_at(&records, InterceptionPoint::PreToolCall), (Decision::Deny, Some("policy:no_fetch".into())));
    assert!(records.iter().all(|record| record.interception_point != InterceptionPoint::PostToolCall));
}

#[tokio::test]
async fn transform_of_the_tool_arguments_runs_the_tool_with_the_rewritten_arguments() {
    let session = session();
    let rewrite = transform("$target.url", json!("https://safe.example"));
    let host = mounted(&session, vec![at("pre_tool_call", rewrite)], None);
    let run = agent(&session, "fetch it").await;
    assert_eq!(run.tool_calls, vec![json!({ "url": "https://safe.example" })]);
    let records = host.records().await;
    assert_eq!(record_at(&records, InterceptionPoint::PreToolCall).0, Decision::Transform);
    assert_eq!(record_at(&records, InterceptionPoint::PostToolCall).0, Decision::Allow);
}

#[tokio::test]
async fn transform_on_post_tool_call_is_the_result_the_model_sees() {
    let session = session();
    let host = mounted(&session, vec![at("post_tool_call", transform("$target.body", json!("[masked]")))], None);
    let run = agent(&session, "fetch it").await;
    assert_eq!(run.tool_calls.len(), 1);
    let tool_message = run.model_saw[1].last().expect("a tool message");
    assert_eq!(tool_message.content, json!({ "status": 200, "body": "[masked]" }));
    assert_eq!(record_at(&host.records().await, InterceptionPoint::PostToolCall).0, Decision::Transform);
}

#[tokio::test]
async fn transforms_of_the_input_and_the_output_rewrite_what_enters_and_leaves() {
    let session = session();
    let interceptors = vec![
        at("input", transform("$target.content", json!("a rewritten question"))),
        at("output", transform("$target.content", json!("a rewritten answer"))),
    ];
    let host = mounted(&session, interceptors, None);
    let run = agent(&session, "the question").await;
    assert_eq!(run.model_saw[0][0].content, json!("a rewritten question"));
    assert_eq!(run.output.expect("ran").expect("completed"), "a rewritten answer");
    let records = host.records().await;
    assert_eq!(record_at(&records, InterceptionPoint::Input).0, Decision::Transform);
    assert_eq!(record_at(&records, InterceptionPoint::Output).0, Decision::Transform);
}

#[tokio::test]
async fn transform_on_post_model_call_is_the_response_the_agent_acts_on() {
    let session = session();
    let drop_calls = transform("$target.tool_calls", json!([]));
    let host = mounted(&session, vec![at("post_model_call", drop_calls)], None);
    let run = agent(&session, "fetch it").await;
    assert!(run.tool_calls.is_empty(), "the dropped call ran: {:?}", run.tool_calls);
    assert_eq!(run.model_saw.len(), 1);
    assert_eq!(record_at(&host.records().await, InterceptionPoint::PostModelCall).0, Decision::Transform);
}

#[tokio::test]
async fn transform_that_does_not_fit_the_typed_input_fails_closed() {
    let session = session();
    let host = mounted(&session, vec![at("input", transform("$target.content", json!({ "not": "text" })))], None);
    let run = agent(&session, "the question").await;
    assert!(run.model_saw.is_empty(), "the model was called");
    match run.output.expect("ran") {
        Err(HookError::Blocked(blocked)) => {
            assert!(blocked.reason.starts_with("host_error:transform_invalid"), "{}", blocked.reason);
            assert!(blocked.reason.contains("target.content"), "{}", blocked.reason);
        }
        other => panic!("the run was not blocked: {other:?}"),
    }
    let (decision, reason) = record_at(&host.records().await, InterceptionPoint::Input);
    assert_eq!((decision, reason.as_deref()), (Decision::Deny, Some("host_error:transform_invalid")));
}

#[tokio::test]
async fn transform_that_adds_a_member_the_typed_message_lacks_fails_closed() {
    let session = session();
    let extra = transform("$target[0]", json!({ "role": "user", "content": "hi", "name": "mallory" }));
    let host = mounted(&session, vec![at("pre_model_call", extra)], None);
    let run = agent(&session, "the question").await;
    assert!(run.model_saw.is_empty(), "the model was called");
    assert!(matches!(run.output, Some(Err(HookError::Blocked(_)))), "{:?}", run.output);
    assert_eq!(record_at(&host.records().await, InterceptionPoint::PreModelCall).0, Decision::Deny);
}

#[tokio::test]
async fn panicking_interceptor_fails_closed() {
    let session = session();
    let panicking: Box<dyn Interceptor> = Box::new(Scripted(Box::new(|ctx| {
        // A panic, as a broken interceptor throws.
        assert_ne!(point(ctx), "pre_tool_call", "the interceptor broke");
        Verdict::allow()
    })));
    let host = mounted(&session, vec![panicking], None);
    let run = agent(&session, "fetch it").await;
    assert!(run.tool_calls.is_empty(), "the tool ran past a failed interceptor");
    let (decision, reason) = record_at(&host.records().await, InterceptionPoint::PreToolCall);
    assert_eq!((decision, reason.as_deref()), (Decision::Deny, Some("host_error:interceptor_failed")));
}

#[tokio::test]
async fn deny_at_input_blocks_the_run_with_the_contracts_reason() {
    let session = session();
    let host = mounted(&session, vec![at("input", deny("policy:off_topic"))], None);
    let run = agent(&session, "the question").await;
    assert!(run.model_saw.is_empty());
    match run.output.expect("ran") {
        Err(HookError::Blocked(blocked)) => assert_eq!(blocked.reason, "policy:off_topic"),
        other => panic!("the run was not blocked: {other:?}"),
    }
    assert_eq!(record_at(&host.records().await, InterceptionPoint::Input).0, Decision::Deny);
}

#[tokio::test]
async fn deny_at_agent_shutdown_is_recorded_and_blocks_nothing() {
    let session = session();
    let host = mounted(&session, vec![at("agent_shutdown", deny("policy:late"))], None);
    let run = agent(&session, "the question").await;
    assert_eq!(run.output.expect("ran").expect("completed"), "the answer");
    assert_eq!(record_at(&host.records().await, InterceptionPoint::AgentShutdown).0, Decision::Deny);
}

#[tokio::test]
async fn approval_granted_by_the_resolver_lets_the_tool_run() {
    let session = session();
    let host = mounted(&session, vec![at("pre_tool_call", liftable("policy:ask"))], Some(Box::new(Resolver(true))));
    let run = agent(&session, "fetch it").await;
    assert_eq!(run.tool_calls.len(), 1, "the approved call did not run");
    let records = host.records().await;
    let record = records.iter().find(|record| record.interception_point == InterceptionPoint::PreToolCall).unwrap();
    assert!(record.verdict.decision.permits(), "{:?}", record.verdict);
    assert_eq!(record.resolved_by, Some("approval"));
}

#[tokio::test]
async fn approval_rejected_by_the_resolver_keeps_the_tool_from_running() {
    let session = session();
    let host = mounted(&session, vec![at("pre_tool_call", liftable("policy:ask"))], Some(Box::new(Resolver(false))));
    let run = agent(&session, "fetch it").await;
    assert!(run.tool_calls.is_empty(), "the rejected call ran");
    let tool_message = run.model_saw[1].last().expect("a tool message");
    assert_eq!(tool_message.content, json!("blocked: approver:rejected"));
    assert_eq!(record_at(&host.records().await, InterceptionPoint::PreToolCall).0, Decision::Deny);
}

#[tokio::test]
async fn dropping_the_mount_removes_its_hooks() {
    let session = session();
    let host = mounted(&session, vec![at("pre_tool_call", deny("policy:no_tools"))], None);
    let args = json!({ "path": "/tmp" });
    let call = || lifecycle::before_tool(&session, "fs_list".into(), args.clone(), "c-1".into());
    assert!(matches!(call().await, Err(HookError::Blocked(_))), "the mounted deny did not block");
    drop(host);
    assert_eq!(call().await.expect("unhooked"), args);
}

#[tokio::test]
async fn another_session_of_the_tenant_passes_through_the_mount() {
    let session = session();
    let _host = mounted(&session, vec![at("pre_tool_call", deny("policy:no_tools"))], None);
    let other = Session::new("another-session").with_tenant(session.tenant_id().expect("a tenant"));
    let args = json!({ "path": "/tmp" });
    let passed = lifecycle::before_tool(&other, "fs_list".into(), args.clone(), "c-1".into()).await;
    assert_eq!(passed.expect("not this host's session"), args);
}

#[test]
fn mounting_needs_the_hosts_session_and_a_tenant() {
    let setup = || Setup {
        interceptors: Vec::new(),
        resolver: None,
        surface: Surface { mode: EnforcementMode::Enforce, composition: CompositionConfig::default() },
        identity: IdentityProvider::JcsSha256,
        redact_for_approval: Vec::new(),
    };
    let untenanted = Session::new("mount-no-tenant");
    let host = Host::new("mount-no-tenant", setup()).expect("registers");
    assert!(matches!(host.mount_lifecycle(&untenanted, AGENT), Err(MountError::NoTenant { .. })));
    let host = Host::new("mount-one-session", setup()).expect("registers");
    let other = Session::new("mount-other-session").with_tenant("acme");
    assert!(matches!(host.mount_lifecycle(&other, AGENT), Err(MountError::OtherSession { .. })));
}
