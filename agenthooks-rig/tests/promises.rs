//! The promise matrix, row "rig adapter": each test fails when one promise
//! breaks for hooks that guard a real rig agent (rig's `AgentBuilder`,
//! rig's loop) through the adapter.
//!
//! | promise | tests |
//! |---|---|
//! | tenant isolation | `promise_tenant_isolation_rig_*` |
//! | fail closed on a deny point | `promise_fail_closed_rig_*` |
//! | redaction | `promise_redaction_rig_*` |
//! | exactly one audit line per execution | `promise_exactly_once_audit_rig_*` |
//! | kill switch | `promise_kill_switch_rig_*` |
//!
//! The kill-switch tests apply configurations, which are the process's:
//! every test here takes its turn, and runs its agent on a runtime of its
//! own while it holds it.

mod support;

use std::future::Future;
use std::sync::{Mutex, PoisonError};

use agenthooks::lifecycle::{AfterLlm, AfterTool, BeforeLlm, BeforeTool, RunEnd, RunStart, ToolError};
use agenthooks::{config, hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_rig::{BlockedTool, HookedAgent, RunError};
use agenthooks_tests::{audit_lines, one_at_a_time, AgentError};
use rig_agent::core::tool::PortableTool;
use rig_agent::AgentBuilder;
use serde_json::{json, Value};
use support::{audit_of, CrmLookup, ScriptedModel};

/// The e-mail address the CRM tool answers with.
const EMAIL: &str = "ann@example.com";

/// Runs `future` to its end on a runtime of its own.
fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().expect("a runtime starts").block_on(future)
}

/// A rig agent on `model` with `tool`, named `support`.
fn agent(model: &ScriptedModel, tool: impl PortableTool + Clone + 'static) -> HookedAgent {
    HookedAgent::new(AgentBuilder::new(model.model()).name("support").default_max_turns(3).tool(tool).build())
}

fn session(id: &str, tenant: &str) -> Session {
    Session::new(id).with_tenant(tenant)
}

/// Every request the model received, as JSON text.
fn what_the_model_read(model: &ScriptedModel) -> String {
    model.requests().iter().map(|request| serde_json::to_string(&request.chat_history).unwrap()).collect()
}

// ---- Tenant isolation and the kill switch: acme's guard.

#[hook(BeforeTool, tenant = "acme", tool = "crm_*")]
fn acme_keeps_crm_closed(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::block("acme keeps the crm closed")
}

#[test]
fn promise_tenant_isolation_rig_a_tenants_guard_never_decides_another_tenants_run() {
    let _turn = one_at_a_time();
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
    let agent = agent(&model, tool.clone());

    // One agent, two tenants' runs at once, one session id.
    let (acme_session, globex_session) = (session("rig-shared", "acme"), session("rig-shared", "globex"));
    let (acme, globex) = run(async {
        futures::join!(agent.prompt(&acme_session, "Find Ann"), agent.prompt(&globex_session, "Find Ann"))
    });

    assert!(acme.unwrap().contains("acme keeps the crm closed"), "acme's model reads its guard's refusal");
    assert!(globex.unwrap().contains(EMAIL), "globex's tool ran");
    assert_eq!(tool.calls(), [json!({"name": "Ann"})], "the tool ran for globex alone");
    let lines = audit_of("rig-shared");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["hook.tenant_id"], "acme");
    assert_eq!(lines[0]["hook.impl"], "promises::acme_keeps_crm_closed");
}

/// Whether acme's run called the tool (its guard did not run) and left no
/// audit line in session `session_id`.
fn acme_tool_ran_unrecorded(session_id: &str) -> bool {
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
    let agent = agent(&model, tool.clone());
    let answer = run(agent.prompt(&session(session_id, "acme"), "Find Ann")).unwrap();
    let ran = tool.calls().len() == 1 && answer.contains(EMAIL);
    ran && audit_of(session_id).is_empty()
}

#[test]
fn promise_kill_switch_rig_disable_all_disabled_crates_and_enabled_false_reach_the_adapter() {
    let _turn = one_at_a_time();
    assert!(!acme_tool_ran_unrecorded("rig-kill-before"), "acme's guard withholds the tool");
    for (n, switch) in [
        "disable_all = true\n",
        "disable_crates = [\"promises\"]\n",
        "[hook.\"promises::acme_keeps_crm_closed\"]\nenabled = false\n",
    ]
    .into_iter()
    .enumerate()
    {
        config::apply_str(switch, "test").unwrap();
        assert!(acme_tool_ran_unrecorded(&format!("rig-kill-{n}")), "{switch}");
        config::clear().expect("the configuration clears");
        assert!(!acme_tool_ran_unrecorded(&format!("rig-kill-{n}-after")), "{switch}: the guard is back");
    }
}

// ---- Fail closed: guards that fail.

#[hook(BeforeTool, tenant = "panicking", tool = "crm_*")]
fn broken_guard(_ctx: &Ctx<BeforeTool>) -> Outcome {
    panic!("the guard's rule table is corrupt")
}

#[hook(BeforeTool, tenant = "failing", tool = "crm_*")]
fn unreachable_guard(_ctx: &Ctx<BeforeTool>) -> Result<Outcome, String> {
    Err("the policy service is unreachable".to_owned())
}

#[hook(AfterTool, tenant = "broken-mask", tool = "crm_*")]
fn broken_mask(_ctx: &mut Ctx<AfterTool>) -> Outcome {
    panic!("the masking rules did not load")
}

#[hook(BeforeLlm, tenant = "broken-scanner")]
fn broken_prompt_scanner(_ctx: &Ctx<BeforeLlm>) -> Result<Outcome, String> {
    Err("the prompt scanner is down".to_owned())
}

#[test]
fn promise_fail_closed_rig_a_failing_before_tool_guard_withholds_the_tool() {
    let _turn = one_at_a_time();
    for (tenant, blocked) in [
        ("panicking", BlockedTool::Refuse),
        ("panicking", BlockedTool::StopRun),
        ("failing", BlockedTool::Refuse),
        ("failing", BlockedTool::StopRun),
    ] {
        let session_id = format!("rig-closed-{tenant}-{blocked:?}");
        let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
        let agent = agent(&model, tool.clone()).blocked_tools(blocked);

        let result = run(agent.prompt(&session(&session_id, tenant), "Find Ann"));

        assert!(tool.calls().is_empty(), "{session_id}: the tool ran");
        match blocked {
            BlockedTool::StopRun => assert!(matches!(result, Err(RunError::Hook(_))), "{session_id}: {result:?}"),
            _ => assert!(!result.unwrap().contains(EMAIL), "{session_id}"),
        }
        let lines = audit_of(&session_id);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0]["hook.status"], "error", "{session_id}");
    }
}

#[test]
fn promise_fail_closed_rig_a_failing_after_tool_mask_withholds_the_result() {
    let _turn = one_at_a_time();
    for blocked in [BlockedTool::Refuse, BlockedTool::StopRun] {
        let session_id = format!("rig-closed-mask-{blocked:?}");
        let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
        let agent = agent(&model, tool.clone()).blocked_tools(blocked);

        let result = run(agent.prompt(&session(&session_id, "broken-mask"), "Find Ann"));

        assert_eq!(tool.calls().len(), 1, "the tool ran");
        assert!(!what_the_model_read(&model).contains(EMAIL), "{session_id}: the model read the unmasked result");
        assert!(!result.as_ref().is_ok_and(|answer| answer.contains(EMAIL)), "{session_id}: {result:?}");
        assert_eq!(audit_of(&session_id)[0]["hook.status"], "error");
    }
}

#[test]
fn promise_fail_closed_rig_a_failing_before_llm_guard_stops_the_run_before_the_model() {
    let _turn = one_at_a_time();
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());

    let result = run(agent(&model, tool.clone()).prompt(&session("rig-closed-llm", "broken-scanner"), "Find Ann"));

    assert!(matches!(&result, Err(RunError::Hook(HookError::Failed { .. }))), "{result:?}");
    assert!(model.requests().is_empty(), "the model was called");
    assert!(tool.calls().is_empty());
}

// ---- Redaction: a rig tool whose own hook point redacts its key.

/// The credential the keyed tool calls its service with.
const API_KEY: &str = "sk-live-91c4e07b2d";

/// The tool's call of its service, a point of the tool's own.
#[hookpoint(BeforeFetch)]
fn fetch_record(session: &Session, name: String, #[redact] api_key: String) -> Result<Value, AgentError> {
    Ok(json!({ "name": name, "email": EMAIL }))
}

#[hook(BeforeFetch, tenant = "revoked")]
fn revoked_key(ctx: &Ctx<BeforeFetch>) -> Outcome {
    Outcome::block(format!("the key {} is revoked", ctx.api_key))
}

/// What the lifecycle hooks saw of the keyed tool's results.
static SEEN_BY_LIFECYCLE: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[hook(AfterTool, tenant = "revoked")]
fn report_results(ctx: &Ctx<AfterTool>) -> Outcome {
    SEEN_BY_LIFECYCLE.lock().unwrap_or_else(PoisonError::into_inner).push(ctx.result.value.to_string());
    Outcome::note(format!("result: {}", ctx.result.value))
}

/// A CRM lookup through the keyed service, for one session. A failure is
/// its answer, for the model to read (rig tells the model no more than
/// "the tool failed" of a tool's error).
#[derive(Clone, Debug)]
struct KeyedLookup {
    session: Session,
}

impl PortableTool for KeyedLookup {
    const NAME: &'static str = "keyed_lookup";
    type Args = Value;
    type Output = Value;
    type Error = std::io::Error;

    fn description(&self) -> String {
        "Looks a customer up in the keyed CRM".to_owned()
    }

    fn parameters(&self) -> Value {
        json!({"type": "object", "properties": {"name": {"type": "string"}}})
    }

    async fn call(&self, args: Value) -> Result<Value, std::io::Error> {
        let name = args["name"].as_str().unwrap_or_default().to_owned();
        Ok(fetch_record(&self.session, name, API_KEY.to_owned())
            .unwrap_or_else(|AgentError(error)| json!({ "error": error.to_string() })))
    }
}

#[test]
fn promise_redaction_rig_a_redacted_value_never_reaches_rig_the_lifecycle_hooks_or_the_audit_log() {
    let _turn = one_at_a_time();
    let run_session = session("rig-redacted", "revoked");
    let model = ScriptedModel::calling("keyed_lookup", json!({"name": "Ann"}));
    let agent = agent(&model, KeyedLookup { session: run_session.clone() });

    let answer = run(agent.prompt(&run_session, "Find Ann")).unwrap();

    let seen = SEEN_BY_LIFECYCLE.lock().unwrap_or_else(PoisonError::into_inner).clone();
    assert_eq!(seen.len(), 1, "the after-tool hook saw the failure: {seen:?}");
    assert!(seen[0].contains("the key [REDACTED] is revoked"), "{seen:?}");
    assert!(answer.contains("[REDACTED]"), "the model read the refusal: {answer}");
    let lines = audit_lines().into_iter().filter(|line| line.contains("rig-redacted")).collect::<Vec<_>>();
    assert_eq!(lines.len(), 2, "the tool's hook and the after-tool hook: {lines:?}");
    for (place, text) in [
        ("the answer", answer),
        ("what the model read", what_the_model_read(&model)),
        ("what the lifecycle hooks saw", seen.join("\n")),
        ("the audit log", lines.join("\n")),
    ] {
        assert!(!text.contains("91c4e07b2d"), "{place}: {text}");
    }
}

// ---- Exactly one audit line per execution: a hook on every point the
// adapter calls, each counting its executions.

/// Every execution of a counting hook: session and hook.
static EXECUTED: Mutex<Vec<(String, &'static str)>> = Mutex::new(Vec::new());

fn executed<P: agenthooks::HookPoint>(ctx: &Ctx<P>, hook: &'static str) {
    let session = ctx.session().session_id().to_owned();
    EXECUTED.lock().unwrap_or_else(PoisonError::into_inner).push((session, hook));
}

#[hook(RunStart, tenant = "counted")]
fn count_run_start(ctx: &Ctx<RunStart>) -> Outcome {
    executed(ctx, "count_run_start");
    Outcome::Continue
}

#[hook(BeforeLlm, tenant = "counted")]
fn count_before_llm(ctx: &Ctx<BeforeLlm>) -> Outcome {
    executed(ctx, "count_before_llm");
    Outcome::Continue
}

#[hook(AfterLlm, tenant = "counted")]
fn count_after_llm(ctx: &Ctx<AfterLlm>) -> Outcome {
    executed(ctx, "count_after_llm");
    Outcome::Continue
}

/// Counts, and blocks the lookups of Zed.
#[hook(BeforeTool, tenant = "counted")]
fn count_before_tool(ctx: &Ctx<BeforeTool>) -> Outcome {
    executed(ctx, "count_before_tool");
    if ctx.args["name"] == "Zed" {
        return Outcome::block("Zed is off limits");
    }
    Outcome::Continue
}

#[hook(ToolError, tenant = "counted")]
fn count_tool_error(ctx: &Ctx<ToolError>) -> Outcome {
    executed(ctx, "count_tool_error");
    Outcome::Continue
}

#[hook(AfterTool, tenant = "counted")]
fn count_after_tool(ctx: &Ctx<AfterTool>) -> Outcome {
    executed(ctx, "count_after_tool");
    Outcome::Continue
}

#[hook(RunEnd, tenant = "counted")]
fn count_run_end(ctx: &Ctx<RunEnd>) -> Outcome {
    executed(ctx, "count_run_end");
    Outcome::Continue
}

/// The executions of session `session_id`'s hooks and its audit lines'
/// hooks, each sorted.
fn executions_and_lines(session_id: &str) -> (Vec<String>, Vec<String>) {
    let mut executions: Vec<String> = EXECUTED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|(id, _)| id == session_id)
        .map(|(_, hook)| format!("promises::{hook}"))
        .collect();
    let mut lines: Vec<String> =
        audit_of(session_id).iter().map(|line| line["hook.impl"].as_str().unwrap_or_default().to_owned()).collect();
    executions.sort_unstable();
    lines.sort_unstable();
    (executions, lines)
}

#[test]
fn promise_exactly_once_audit_rig_one_line_per_hook_execution_on_every_point_the_adapter_calls() {
    let _turn = one_at_a_time();
    let each = |hooks: &[(&str, usize)]| -> Vec<String> {
        let mut all: Vec<String> =
            hooks.iter().flat_map(|(hook, times)| vec![format!("promises::{hook}"); *times]).collect();
        all.sort_unstable();
        all
    };
    for (session_id, name, expected) in [
        (
            "rig-once-ok",
            "Ann",
            each(&[
                ("count_run_start", 1),
                ("count_before_llm", 2),
                ("count_after_llm", 2),
                ("count_before_tool", 1),
                ("count_after_tool", 1),
                ("count_run_end", 1),
            ]),
        ),
        (
            "rig-once-failing-tool",
            "nobody",
            each(&[
                ("count_run_start", 1),
                ("count_before_llm", 2),
                ("count_after_llm", 2),
                ("count_before_tool", 1),
                ("count_tool_error", 1),
                ("count_after_tool", 1),
                ("count_run_end", 1),
            ]),
        ),
        (
            // The withheld call never ran: no result for after-tool hooks.
            "rig-once-blocked-tool",
            "Zed",
            each(&[
                ("count_run_start", 1),
                ("count_before_llm", 2),
                ("count_after_llm", 2),
                ("count_before_tool", 1),
                ("count_run_end", 1),
            ]),
        ),
    ] {
        let model = ScriptedModel::calling("crm_lookup", json!({ "name": name }));
        run(agent(&model, CrmLookup::default()).prompt(&session(session_id, "counted"), "Find them")).unwrap();

        let (executions, lines) = executions_and_lines(session_id);
        assert_eq!(executions, expected, "{session_id}: the hooks that ran");
        assert_eq!(lines, executions, "{session_id}: one audit line per execution");
    }
}
