//! The promise matrix, row "AGENT-HOOKS host": each test fails when one of
//! agenthooks' promises breaks for interceptors the host runs. Tenant
//! isolation, failing closed, redaction, one audit line per execution and
//! approvals bound to what runs live here; the kill switch, which changes
//! the process's configuration, in `kill_switch.rs`.

mod support;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use agent_hooks::{
    AgentContext, ApprovalOutcome, ApprovalResolution, CompositionProfile, HostError, InterceptionPoint, Interceptor,
    Verdict,
};
use agenthooks::audit::{self, AuditConfig, AuditGuard};
use agenthooks::lifecycle;
use agenthooks::runtime::{self, RegisterError};
use agenthooks::{Ctx, Outcome, Session};
use agenthooks_agent_hooks::points::ChainPreToolCall;
use agenthooks_agent_hooks::Host;
use serde_json::{json, Value};
use support::{
    a_tool_call, always, counted, host, liftable, pre_tool_call, setup_with, transform, Resolver, Scripted,
    ScriptedResolver,
};

/// This binary's audit log, started before any hook runs.
fn audit_log() -> &'static Path {
    static AUDIT: OnceLock<AuditGuard> = OnceLock::new();
    AUDIT
        .get_or_init(|| {
            let path = std::env::current_exe().expect("a test binary knows its path").with_extension("audit.jsonl");
            let _absent = std::fs::remove_file(&path);
            audit::init(AuditConfig::new(path)).expect("the audit log starts before any hook runs")
        })
        .path()
}

/// The audit lines of the session `session_id`, as JSON objects.
fn audit_lines_of(session_id: &str) -> Vec<Value> {
    audit::flush().expect("the audit log flushes");
    let text = std::fs::read_to_string(audit_log()).expect("the audit log is readable");
    text.lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("an audit line is JSON"))
        .filter(|line| line["session_id"] == session_id)
        .collect()
}

/// An interceptor that keeps every context it is handed in `seen`.
fn seeing(seen: &Arc<Mutex<Vec<AgentContext>>>) -> Box<dyn Interceptor> {
    let seen = Arc::clone(seen);
    Box::new(Scripted(Box::new(move |context| {
        seen.lock().unwrap_or_else(PoisonError::into_inner).push(context.clone());
        Verdict::allow()
    })))
}

// Tenant isolation.

#[tokio::test]
async fn an_interceptor_never_sees_the_emission_of_another_host_of_the_same_session_id() {
    audit_log();
    let id = "promise-isolation-shared-id";
    let (first_seen, second_seen) = (Arc::default(), Arc::default());
    let mut first = host(id, vec![seeing(&first_seen)], None);
    let mut second = host(id, vec![seeing(&second_seen)], None);
    first.emit(&mut pre_tool_call(id, json!({ "from": "first" }))).await.expect("allowed");
    second.emit(&mut pre_tool_call(id, json!({ "from": "second" }))).await.expect("allowed");
    for (seen, own) in [(&first_seen, "first"), (&second_seen, "second")] {
        let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(seen.len(), 1, "{own} saw {} emissions", seen.len());
        assert_eq!(seen[0]["target"], json!({ "from": own }));
    }
    assert_eq!(first.records().len(), 1);
    assert_eq!(second.records().len(), 1);
}

#[tokio::test]
async fn a_mounted_host_never_sees_a_call_of_another_tenant_with_its_session_id() {
    audit_log();
    let id = "promise-isolation-mounted";
    let calls = Arc::new(AtomicUsize::new(0));
    let session = Session::new(id).with_tenant("promise-acme");
    let mounted = host(id, vec![counted(Verdict::deny(Some("acme:no".to_owned()), None), &calls)], None)
        .mount_lifecycle(&session, "promise-agent")
        .expect("the host mounts");
    let other = Session::new(id).with_tenant("promise-globex");
    let args = json!({ "path": "/tmp" });
    let passed = lifecycle::before_tool(&other, "fs_list".to_owned(), args.clone(), "c-1".to_owned()).await;
    assert_eq!(passed.expect("globex's call is not acme's to deny"), args);
    assert_eq!(calls.load(Ordering::Relaxed), 0, "acme's interceptor saw globex's call");
    assert!(mounted.records().await.is_empty());
    let denied = lifecycle::before_tool(&session, "fs_list".to_owned(), args, "c-2".to_owned()).await;
    assert!(denied.is_err(), "acme's own call passed its deny");
}

// Fail closed: every point of the host denies on a failure.

#[tokio::test]
async fn a_panicking_interceptor_denies_the_emission_on_every_profile() {
    audit_log();
    for profile in [
        CompositionProfile::SequentialFirstDeny,
        CompositionProfile::SequentialRunAll,
        CompositionProfile::ParallelStrictest,
        CompositionProfile::ParallelUnanimous,
    ] {
        let panicking: Box<dyn Interceptor> = Box::new(Scripted(Box::new(|_| panic!("the interceptor broke"))));
        let id = format!("promise-fail-closed-{profile:?}");
        let mut host = Host::new(&id, setup_with(profile, vec![always(Verdict::allow()), panicking], None))
            .expect("the host registers");
        let denied = host.emit(&mut a_tool_call(&id)).await.expect_err("a failing interceptor lets nothing through");
        assert_eq!(denied.reason, HostError::InterceptorFailed.to_string(), "{profile:?}");
        assert!(!host.records()[0].proceeds(), "{profile:?}");
    }
}

#[test]
fn a_hook_that_lets_failures_through_cannot_be_registered_on_a_host_point() {
    let refused = runtime::hook!(ChainPreToolCall, "promise::lets_failures_through")
        .fallback(true)
        .observer(|_: &Ctx<ChainPreToolCall>| Outcome::Continue);
    assert!(matches!(refused, Err(RegisterError::FallbackNotAllowed { .. })), "{refused:?}");
}

// Redaction.

#[tokio::test]
async fn a_redacted_path_reaches_neither_the_resolver_nor_the_audit_log_nor_the_record() {
    audit_log();
    let id = "promise-redaction";
    let presented = Arc::new(Mutex::new(Vec::new()));
    let resolver = {
        let presented = Arc::clone(&presented);
        ScriptedResolver(Box::new(move |request| {
            presented.lock().unwrap_or_else(PoisonError::into_inner).push(request.context.clone());
            ApprovalResolution {
                outcome: ApprovalOutcome::Approve,
                context_identity: request.context_identity.clone(),
                verdict: Some(Verdict::allow()),
            }
        }))
    };
    let mut setup = setup_with(
        CompositionProfile::SequentialFirstDeny,
        vec![always(liftable("policy:ask"))],
        Some(Box::new(resolver)),
    );
    setup.redact_for_approval = vec!["$target.password".to_owned()];
    let mut host = Host::new(id, setup).expect("the host registers");
    let mut call = pre_tool_call(id, json!({ "user": "ada", "password": "hunter2" }));
    host.emit(&mut call).await.expect("approved");

    let presented = presented.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(presented.len(), 1);
    assert_eq!(presented[0]["target"], json!({ "user": "ada", "password": "[redacted]" }));
    assert!(!Value::Object(presented[0].clone()).to_string().contains("hunter2"), "{:?}", presented[0]);
    let lines = audit_lines_of(id);
    assert!(!lines.is_empty(), "the emission wrote no audit line");
    assert!(lines.iter().all(|line| !line.to_string().contains("hunter2")), "{lines:?}");
    let record = serde_json::to_string(&host.records()[0]).expect("a record serialises");
    assert!(!record.contains("hunter2"), "{record}");
    assert_eq!(call["target"], json!({ "user": "ada", "password": "hunter2" }), "the call itself keeps its value");
}

// Exactly one audit line per execution.

#[tokio::test]
async fn each_interceptor_run_is_one_audit_line_and_an_approval_one_more() {
    audit_log();
    let id = "promise-audit-once";
    let setup = setup_with(
        CompositionProfile::SequentialRunAll,
        vec![
            always(Verdict::allow()),
            always(transform("$target.command", json!("ls -l"))),
            always(liftable("policy:ask")),
        ],
        Some(Box::new(Resolver(true))),
    );
    let mut host = Host::new(id, setup).expect("the host registers");
    host.emit(&mut a_tool_call(id)).await.expect("approved");
    let lines = audit_lines_of(id);
    let mut executions: Vec<(String, String)> = lines
        .iter()
        .map(|line| {
            let hook = line["hook.impl"].as_str().unwrap_or_default();
            let name = hook.rsplit_once("::").map_or(hook, |(_, name)| name);
            (name.to_owned(), line["hook.status"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    executions.sort();
    let expected =
        [("interceptor_0", "ok"), ("interceptor_1", "ok"), ("interceptor_2", "approved"), ("interceptor_2", "ask")];
    let expected: Vec<(String, String)> =
        expected.iter().map(|(hook, status)| ((*hook).to_owned(), (*status).to_owned())).collect();
    assert_eq!(executions, expected, "{lines:#?}");
}

// Approvals bound to what runs.

#[tokio::test]
async fn a_resolution_for_another_context_lifts_nothing() {
    audit_log();
    let id = "promise-approval-identity";
    let resolver = ScriptedResolver(Box::new(|_| ApprovalResolution {
        outcome: ApprovalOutcome::Approve,
        context_identity: Some(format!("sha256:{}", "0".repeat(64))),
        verdict: Some(Verdict::allow()),
    }));
    let mut host = host(id, vec![always(liftable("policy:ask"))], Some(Box::new(resolver)));
    let denied = host.emit(&mut a_tool_call(id)).await.expect_err("an approval of another context lifts nothing");
    assert_eq!(denied.reason, HostError::ApprovalIdentityMismatch.to_string());
}

#[tokio::test]
async fn what_proceeds_after_an_approval_is_the_target_the_resolver_approved() {
    audit_log();
    let id = "promise-approval-runs";
    let approved = Arc::new(Mutex::new(Vec::new()));
    let resolver = {
        let approved = Arc::clone(&approved);
        ScriptedResolver(Box::new(move |request| {
            approved.lock().unwrap_or_else(PoisonError::into_inner).push(request.context["target"].clone());
            ApprovalResolution {
                outcome: ApprovalOutcome::Approve,
                context_identity: request.context_identity.clone(),
                verdict: Some(Verdict::allow()),
            }
        }))
    };
    let later_calls = Arc::new(AtomicUsize::new(0));
    let rewrite_after = counted(transform("$target.command", json!("rm -rf /")), &later_calls);
    let mut host = host(id, vec![always(liftable("policy:ask")), rewrite_after], Some(Box::new(resolver)));
    let mut call = a_tool_call(id);
    host.emit(&mut call).await.expect("approved");
    let approved = approved.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(approved.as_slice(), [call["target"].clone()], "what proceeds is not what was approved");
    assert_eq!(call["target"], json!({ "command": "ls" }));
    assert_eq!(later_calls.load(Ordering::Relaxed), 0, "an interceptor changed the call after its approval");
    assert_eq!(host.records()[0].interception_point, InterceptionPoint::PreToolCall);
}
