//! The Cedar hook on a real point: decisions, tenants, the audit line, and
//! reloading policy files.

use std::sync::LazyLock;

use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_cedar::{Policies, PolicyError, Resource};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};
use serde::Serialize;

const POLICIES_TEXT: &str = r#"
@id("acme-search")
permit(principal in Tenant::"acme", action == Action::"before_tool_call", resource == Tool::"search");

@id("anyone-reads-docs")
permit(principal, action == Action::"before_tool_call", resource == Tool::"read")
when { context.path like "/docs/*" };

@id("acme-shell")
permit(principal in Tenant::"acme", action == Action::"before_tool_call", resource == Tool::"shell");

@id("forbid-shell")
forbid(principal, action, resource == Tool::"shell");
"#;

static POLICIES: LazyLock<Policies> =
    LazyLock::new(|| POLICIES_TEXT.parse().unwrap_or_else(|error| panic!("the test policies are valid: {error}")));

/// A tool call: which tool, on which path.
#[hookpoint(BeforeToolCall)]
fn call_tool(session: &Session, tool: String, path: String) -> Result<(), AgentError> {
    Ok(())
}

/// What the policies read as `context`.
#[derive(Serialize)]
struct ToolContext<'a> {
    path: &'a str,
}

#[hook(BeforeToolCall)]
fn cedar_policy(ctx: &Ctx<BeforeToolCall>) -> Outcome {
    POLICIES.check(ctx, Resource::new("Tool", &ctx.tool), &ToolContext { path: &ctx.path })
}

/// Calls `tool` on `path` for `tenant`, in a session of its own.
fn call(session_id: &str, tenant: &str, tool: &str, path: &str) -> Result<(), HookError> {
    audit_to_temp();
    let session = Session::new(session_id).with_tenant(tenant);
    call_tool(&session, tool.into(), path.into()).map_err(|AgentError(error)| error)
}

/// The reason a call was blocked with.
fn block_reason(result: Result<(), HookError>) -> String {
    match result {
        Err(HookError::Blocked(blocked)) => blocked.reason,
        other => panic!("expected a blocked call, got {other:?}"),
    }
}

/// The audit line of the one hook execution of session `session_id`.
fn audit_line_of(session_id: &str) -> serde_json::Value {
    let lines: Vec<serde_json::Value> = audit_lines()
        .iter()
        .map(|line| serde_json::from_str(line).expect("an audit line is JSON"))
        .filter(|line: &serde_json::Value| line["session_id"] == session_id)
        .collect();
    assert_eq!(lines.len(), 1, "one audit line for {session_id}: {lines:?}");
    lines.into_iter().next().unwrap()
}

#[test]
fn a_permitted_call_goes_on_and_the_permit_ids_reach_its_audit_line() {
    assert_eq!(call("s-allow", "acme", "search", "/"), Ok(()));
    let line = audit_line_of("s-allow");
    assert_eq!(line["hook.status"], "ok");
    assert_eq!(line["hook.tenant_id"], "acme");
    assert_eq!(line["hook.message"], "cedar: allow by acme-search");
}

#[test]
fn a_forbid_policy_denies_and_its_id_reaches_the_audit_line() {
    let reason = block_reason(call("s-forbid", "acme", "shell", "/"));
    assert_eq!(reason, "cedar: deny by forbid-shell");
    let line = audit_line_of("s-forbid");
    assert_eq!(line["hook.status"], "blocked");
    assert_eq!(line["hook.block_reason"], "cedar: deny by forbid-shell");
}

#[test]
fn a_call_no_policy_permits_is_denied_by_default() {
    assert_eq!(block_reason(call("s-default", "acme", "deploy", "/")), "cedar: deny: no policy permits");
    assert_eq!(audit_line_of("s-default")["hook.block_reason"], "cedar: deny: no policy permits");
}

#[test]
fn the_tenant_is_the_principals_parent_acme_permitted_globex_denied() {
    assert_eq!(call("s-acme-search", "acme", "search", "/"), Ok(()));
    assert_eq!(block_reason(call("s-globex-search", "globex", "search", "/")), "cedar: deny: no policy permits");
}

#[test]
fn a_session_without_tenant_matches_no_tenant_policy() {
    audit_to_temp();
    let result = call_tool(&Session::new("s-no-tenant"), "search".into(), "/".into());
    assert!(matches!(result, Err(AgentError(HookError::Blocked(_)))), "{result:?}");
}

#[test]
fn the_context_is_what_the_hook_passes() {
    assert_eq!(call("s-docs", "globex", "read", "/docs/guide.md"), Ok(()));
    assert_eq!(block_reason(call("s-etc", "globex", "read", "/etc/passwd")), "cedar: deny: no policy permits");
}

#[test]
fn a_policy_that_fails_to_evaluate_is_named_and_left_out() {
    let policies: Policies = r#"
        @id("needs-size")
        permit(principal, action, resource) when { context.size < 10 };
    "#
    .parse()
    .unwrap();
    let session = Session::new("s-1");
    let decision = policies.decide_for(&session, "upload", Resource::new("File", "a"), &serde_json::json!({})).unwrap();
    assert!(!decision.is_allowed());
    assert_eq!(decision.in_error(), ["needs-size"]);
    assert_eq!(decision.to_string(), "deny: no policy permits; in error: needs-size");
}

#[test]
fn an_allow_names_the_permit_policies_that_decided() {
    let session = Session::new("s-1").with_tenant("acme");
    let decision = POLICIES
        .decide_for(&session, "before_tool_call", Resource::new("Tool", "search"), &serde_json::json!({}))
        .unwrap();
    assert!(decision.is_allowed());
    assert_eq!(decision.policies(), ["acme-search"]);
    assert_eq!(decision.outcome(), Outcome::note("cedar: allow by acme-search"));
}

/// A reading: Cedar has no floating-point numbers, so it cannot be put to
/// the policies.
#[hookpoint(BeforeMeasure)]
fn measure(session: &Session, value: f64) -> Result<(), AgentError> {
    Ok(())
}

#[hook(BeforeMeasure)]
fn measure_policy(ctx: &Ctx<BeforeMeasure>) -> Outcome {
    POLICIES.check(ctx, Resource::new("Meter", "m"), &serde_json::json!({ "value": ctx.value }))
}

#[test]
fn a_request_that_cannot_be_built_blocks_the_call() {
    audit_to_temp();
    let result = measure(&Session::new("s-float").with_tenant("acme"), 0.5);
    let Err(AgentError(HookError::Blocked(blocked))) = result else { panic!("expected a block, got {result:?}") };
    assert!(
        blocked.reason.starts_with("cedar: cannot decide: the context is not a Cedar record"),
        "{}",
        blocked.reason
    );
}

#[test]
fn an_invalid_policy_file_is_an_error_at_its_line_and_the_previous_policies_stay() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tools.cedar");
    std::fs::write(&path, POLICIES_TEXT).unwrap();
    let policies = Policies::from_file(&path).unwrap();
    let before = policies.ids();

    std::fs::write(
        &path,
        "@id(\"ok\")\npermit(principal, action, resource);\n@id(\"broken\")\npermit(principal, action,);\n",
    )
    .unwrap();
    let error = policies.reload_file(&path).unwrap_err();
    let PolicyError::Parse { at, .. } = &error else { panic!("expected a parse error, got {error:?}") };
    assert_eq!((at.line, at.origin.as_str()), (4, path.to_str().unwrap()));
    assert!(error.to_string().starts_with(&format!("{}:4:", path.display())), "{error}");

    assert_eq!(policies.ids(), before);
    let globex = Session::new("s-1").with_tenant("globex");
    let shell = policies.decide_for(&globex, "before_tool_call", Resource::new("Tool", "shell"), &()).unwrap();
    assert_eq!(shell.policies(), ["forbid-shell"]);
}

#[test]
fn a_valid_reload_replaces_every_policy() {
    let policies: Policies = POLICIES_TEXT.parse().unwrap();
    policies.reload("@id(\"everything\")\npermit(principal, action, resource);").unwrap();
    assert_eq!(policies.ids(), ["everything"]);
    let session = Session::new("s-1").with_tenant("globex");
    assert!(policies
        .decide_for(&session, "before_tool_call", Resource::new("Tool", "shell"), &())
        .unwrap()
        .is_allowed());
}

#[test]
fn policies_without_an_id_or_with_a_shared_one_are_refused() {
    let missing = "@id(\"a\")\npermit(principal, action, resource);\npermit(principal, action, resource);";
    assert!(matches!(missing.parse::<Policies>(), Err(PolicyError::MissingId { number: 2, .. })));
    let shared = "@id(\"a\")\npermit(principal, action, resource);\n@id(\"a\")\nforbid(principal, action, resource);";
    assert!(matches!(shared.parse::<Policies>(), Err(PolicyError::DuplicateId { id, .. }) if id == "a"));
}

#[test]
fn a_template_is_refused() {
    let template = "@id(\"t\")\npermit(principal == ?principal, action, resource);";
    assert!(matches!(template.parse::<Policies>(), Err(PolicyError::Template { .. })));
}

#[test]
fn a_missing_policy_file_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let error = Policies::from_file(dir.path().join("none.cedar")).unwrap_err();
    assert!(matches!(error, PolicyError::Read { .. }), "{error:?}");
}
