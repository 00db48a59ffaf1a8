//! The promise matrix, row "Cedar policy hook": each test fails when one
//! promise breaks for a hook that puts calls to Cedar policies.
//!
//! | promise | tests |
//! |---|---|
//! | tenant isolation | `promise_tenant_isolation_cedar_*` |
//! | fail closed | `promise_fail_closed_cedar_*` |
//! | redaction | `promise_redaction_cedar_*` |
//! | exactly one audit line per execution | `promise_exactly_once_audit_cedar_*` |
//! | kill switch | `promise_kill_switch_cedar_*` |
//!
//! The kill-switch tests apply configurations, which are the process's:
//! every test here takes its turn.

use std::path::Path;
use std::sync::LazyLock;

use agenthooks::config;
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_cedar::{Policies, PolicyError, RequestError, Resource};
use agenthooks_tests::{audit_lines, one_at_a_time, AgentError};
use serde_json::{json, Value};

/// The redacted argument of every call here.
const API_KEY: &str = "sk-live-7f3a9c2e51";

const POLICIES_TEXT: &str = r#"
@id("acme-tools")
permit(principal in Tenant::"acme", action, resource);

@id("globex-reads")
permit(principal in Tenant::"globex", action, resource == Tool::"read");

@id("no-etc")
forbid(principal, action, resource) when { context.path like "/etc/*" };

@id("live-keys-do-not-deploy")
forbid(principal, action, resource == Tool::"deploy") when { context.api_key like "sk-live-*" };

@id("small-uploads")
forbid(principal, action, resource == Tool::"upload") when { context.size > 10 };
"#;

static POLICIES: LazyLock<Policies> = LazyLock::new(|| POLICIES_TEXT.parse().expect("the test policies are valid"));

/// A tool call with a credential the audit log must never show.
#[hookpoint(BeforeToolCall)]
fn call_tool(session: &Session, tool: String, path: String, #[redact] api_key: String) -> Result<(), AgentError> {
    Ok(())
}

/// The Cedar hook: the policies read the path and the key (`upload` calls
/// carry no size, so `small-uploads` is in error for them).
#[hook(BeforeToolCall)]
fn cedar(ctx: &Ctx<BeforeToolCall>) -> Outcome {
    POLICIES.check(ctx, Resource::new("Tool", &ctx.tool), &json!({ "path": ctx.path, "api_key": ctx.api_key }))
}

/// A reading taken with a credential: Cedar has no floating-point number,
/// so the call cannot be put to the policies.
#[hookpoint(BeforeMeasure)]
fn measure(session: &Session, value: f64, #[redact] api_key: String) -> Result<(), AgentError> {
    Ok(())
}

#[hook(BeforeMeasure)]
fn measure_cedar(ctx: &Ctx<BeforeMeasure>) -> Outcome {
    POLICIES.check(ctx, Resource::new("Meter", "m"), &json!({ "value": ctx.value, "api_key": ctx.api_key }))
}

/// A file opened as a kind the caller names, redacted: a hook that names
/// the resource's type after it, and gets it wrong, must not show it.
#[hookpoint(BeforeOpen)]
fn open(session: &Session, #[redact] kind: String) -> Result<(), AgentError> {
    Ok(())
}

#[hook(BeforeOpen)]
fn open_cedar(ctx: &Ctx<BeforeOpen>) -> Outcome {
    POLICIES.check(ctx, Resource::new(&ctx.kind, "file"), &())
}

/// A search, guarded per tenant by a set of the tenant's own.
#[hookpoint(BeforeSearch)]
fn search(session: &Session, index: String) -> Result<(), AgentError> {
    Ok(())
}

static ACME_SEARCH: LazyLock<Policies> = LazyLock::new(|| {
    "@id(\"acme-docs\")\npermit(principal, action, resource == Index::\"docs\");".parse().expect("valid")
});
static GLOBEX_SEARCH: LazyLock<Policies> = LazyLock::new(|| {
    "@id(\"globex-wiki\")\npermit(principal, action, resource == Index::\"wiki\");".parse().expect("valid")
});

#[hook(BeforeSearch, tenant = "acme")]
fn acme_cedar(ctx: &Ctx<BeforeSearch>) -> Outcome {
    ACME_SEARCH.check(ctx, Resource::new("Index", &ctx.index), &())
}

#[hook(BeforeSearch, tenant = "globex")]
fn globex_cedar(ctx: &Ctx<BeforeSearch>) -> Outcome {
    GLOBEX_SEARCH.check(ctx, Resource::new("Index", &ctx.index), &())
}

/// Every audit line of session `session_id`, as JSON.
fn audit_of(session_id: &str) -> Vec<Value> {
    audit_lines()
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).expect("an audit line is JSON"))
        .filter(|line| line["session_id"] == session_id)
        .collect()
}

/// The raw audit lines of session `session_id`.
fn raw_audit_of(session_id: &str) -> Vec<String> {
    let needle = format!("\"session_id\":\"{session_id}\"");
    audit_lines().into_iter().filter(|line| line.contains(&needle)).collect()
}

fn tool_call(session_id: &str, tenant: &str, tool: &str, path: &str) -> Result<(), HookError> {
    let session = Session::new(session_id).with_tenant(tenant);
    call_tool(&session, tool.into(), path.into(), API_KEY.into()).map_err(|AgentError(error)| error)
}

fn searched(session_id: &str, tenant: &str, index: &str) -> Result<(), HookError> {
    search(&Session::new(session_id).with_tenant(tenant), index.into()).map_err(|AgentError(error)| error)
}

fn block_reason(result: Result<(), HookError>) -> String {
    match result {
        Err(HookError::Blocked(blocked)) => blocked.reason,
        other => panic!("expected a blocked call, got {other:?}"),
    }
}

/// One call for each way the Cedar hook can decide: the session it ran
/// in, the hook, what the call returned, and the status and message its
/// audit line must carry.
struct Decided {
    session_id: String,
    hook: &'static str,
    result: Result<(), HookError>,
    status: &'static str,
    message: String,
}

/// Session ids start with `prefix`.
fn every_kind_of_decision(prefix: &str) -> Vec<Decided> {
    let decided = |kind: &str, tool, tenant, path, status, message: &str| {
        let session_id = format!("{prefix}-{kind}");
        Decided {
            result: tool_call(&session_id, tenant, tool, path),
            session_id,
            hook: "promises::cedar",
            status,
            message: message.to_owned(),
        }
    };
    let cannot_decide = format!("{prefix}-cannot-decide");
    let measured = measure(&Session::new(&cannot_decide).with_tenant("acme"), 0.5, API_KEY.into());
    let cannot_name = format!("{prefix}-cannot-name");
    let opened = open(&Session::new(&cannot_name).with_tenant("acme"), API_KEY.into());
    vec![
        decided("allow", "search", "acme", "/docs", "ok", "cedar: allow by acme-tools"),
        decided("forbid", "read", "acme", "/etc/passwd", "blocked", "cedar: deny by no-etc"),
        decided("default", "search", "globex", "/docs", "blocked", "cedar: deny: no policy permits"),
        decided("key-read", "deploy", "acme", "/srv", "blocked", "cedar: deny by live-keys-do-not-deploy"),
        decided(
            "in-error",
            "upload",
            "acme",
            "/docs",
            "blocked",
            "cedar: deny by small-uploads; in error: small-uploads",
        ),
        Decided {
            session_id: cannot_decide,
            hook: "promises::measure_cedar",
            result: measured.map_err(|AgentError(error)| error),
            status: "blocked",
            message: "cedar: cannot decide: the context is not a Cedar record".to_owned(),
        },
        Decided {
            session_id: cannot_name,
            hook: "promises::open_cedar",
            result: opened.map_err(|AgentError(error)| error),
            status: "blocked",
            message: "cedar: cannot decide: `[REDACTED]` is not a Cedar entity type name".to_owned(),
        },
    ]
}

#[test]
fn promise_tenant_isolation_cedar_a_tenants_policy_set_never_decides_another_tenants_call() {
    let _turn = one_at_a_time();
    // Two tenants, one session id: each call is decided by its own
    // tenant's set alone.
    assert_eq!(searched("cedar-shared", "acme", "docs"), Ok(()));
    assert_eq!(block_reason(searched("cedar-shared", "acme", "wiki")), "cedar: deny: no policy permits");
    assert_eq!(searched("cedar-shared", "globex", "wiki"), Ok(()));
    assert_eq!(block_reason(searched("cedar-shared", "globex", "docs")), "cedar: deny: no policy permits");
    // A tenant with no Cedar hook of its own is decided by neither set.
    assert_eq!(searched("cedar-shared", "initech", "payroll"), Ok(()));

    let lines: Vec<(String, String, String)> = audit_of("cedar-shared")
        .iter()
        .map(|line| {
            let field = |name: &str| line[name].as_str().unwrap_or_default().to_owned();
            (field("hook.tenant_id"), field("hook.impl"), field("hook.status"))
        })
        .collect();
    let line = |tenant: &str, hook: &str, status: &str| (tenant.to_owned(), hook.to_owned(), status.to_owned());
    assert_eq!(
        lines,
        [
            line("acme", "promises::acme_cedar", "ok"),
            line("acme", "promises::acme_cedar", "blocked"),
            line("globex", "promises::globex_cedar", "ok"),
            line("globex", "promises::globex_cedar", "blocked"),
        ]
    );
}

#[test]
fn promise_tenant_isolation_cedar_the_principals_tenant_is_the_sealed_sessions() {
    let _turn = one_at_a_time();
    // `acme-tools` permits acme's sessions only: globex's session with the
    // same id, and a session without a tenant, are not acme's.
    assert_eq!(tool_call("cedar-same-id", "acme", "search", "/docs"), Ok(()));
    assert_eq!(block_reason(tool_call("cedar-same-id", "globex", "search", "/docs")), "cedar: deny: no policy permits");
    let untenanted = call_tool(&Session::new("cedar-same-id"), "search".into(), "/docs".into(), API_KEY.into());
    assert!(matches!(untenanted, Err(AgentError(HookError::Blocked(_)))), "{untenanted:?}");
}

#[test]
fn promise_fail_closed_cedar_a_forbid_in_error_or_a_call_that_cannot_be_put_to_the_policies_is_blocked() {
    let _turn = one_at_a_time();
    for decided in every_kind_of_decision("cedar-closed") {
        if decided.status == "blocked" {
            let reason = block_reason(decided.result);
            assert!(reason.starts_with(&decided.message), "{}: {reason}", decided.session_id);
        }
    }
}

#[test]
fn promise_fail_closed_cedar_an_unreadable_or_malformed_reload_keeps_the_set_in_force() {
    let _turn = one_at_a_time();
    let policies: Policies = POLICIES_TEXT.parse().unwrap();
    let before = policies.ids();
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.cedar");
    std::fs::write(&broken, "@id(\"open\")\npermit(principal, action,);\n").unwrap();
    let no_id = dir.path().join("no-id.cedar");
    std::fs::write(&no_id, "permit(principal, action, resource);\n").unwrap();

    let refusals = [
        policies.reload_file(dir.path().join("missing.cedar")),
        policies.reload_file(dir.path()),
        policies.reload_file(&broken),
        policies.reload_file(&no_id),
        policies.reload("@id(\"open\")\npermit(principal, action, resource) when { context.x ==  };"),
    ];
    for refusal in refusals {
        assert!(
            matches!(
                refusal,
                Err(PolicyError::Read { .. }
                    | PolicyError::NotAFile { .. }
                    | PolicyError::Parse { .. }
                    | PolicyError::MissingId { .. })
            ),
            "{refusal:?}"
        );
        assert_eq!(policies.ids(), before, "the set in force stays");
    }
    let globex = Session::new("s-1").with_tenant("globex");
    let decision = policies.decide_for(&globex, "before_tool_call", Resource::new("Tool", "search"), &json!({}));
    assert!(!decision.unwrap().is_allowed(), "nothing the refused texts permit is permitted");
}

#[cfg(unix)]
#[test]
fn promise_fail_closed_cedar_a_policy_path_that_is_not_a_file_is_refused_without_waiting() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("policies.cedar");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());

    // Read on a thread: reading a FIFO no one writes to waits forever.
    let (sender, receiver) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let policies: Policies = POLICIES_TEXT.parse().unwrap();
        let reloaded = policies.reload_file(&path);
        sender.send((reloaded, Policies::from_file(&path).err(), policies.ids())).unwrap();
    });
    let (reloaded, loaded, ids) = receiver
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("a FIFO named as a policy file is refused, not waited on");
    for error in [reloaded.err(), loaded] {
        assert!(matches!(&error, Some(PolicyError::NotAFile { path }) if *path == fifo), "{error:?}");
    }
    assert_eq!(ids, POLICIES.ids(), "the set in force stays");
}

#[test]
fn promise_fail_closed_cedar_a_configured_set_stays_through_a_refused_configuration_and_is_emptied_when_unnamed() {
    let _turn = one_at_a_time();
    let set = Policies::configured("promises");
    let session = Session::new("s-1").with_tenant("acme");
    let decide = || set.decide_for(&session, "before_search", Resource::new("Index", "docs"), &());
    assert!(matches!(decide(), Err(RequestError::Unconfigured { .. })), "a set no configuration names decides nothing");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hooks.toml");
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("docs.cedar", "@id(\"docs\")\npermit(principal, action, resource == Index::\"docs\");\n");
    write("broken.cedar", "@id(\"open\")\npermit(principal, action,);\n");
    write("hooks.toml", "[cedar]\npromises = \"docs.cedar\"\n");
    config::apply_file(&file).unwrap();
    assert!(decide().unwrap().is_allowed());

    for refused in ["[cedar]\npromises = \"broken.cedar\"\n", "[cedar]\npromises = \"missing.cedar\"\n"] {
        write("hooks.toml", refused);
        assert!(config::apply_file(&file).is_err(), "{refused}");
        assert_eq!(set.ids(), ["docs"], "the set in force stays");
    }
    assert!(apply_is_refused(&file, dir.path()), "a directory named as the policy file is refused");
    assert_eq!(set.ids(), ["docs"]);

    write("hooks.toml", "disable_all = false\n");
    config::apply_file(&file).unwrap();
    assert!(matches!(decide(), Err(RequestError::Unconfigured { .. })), "a set no longer named decides nothing");
}

/// Whether a configuration naming `policy` (a directory) is refused.
fn apply_is_refused(file: &Path, policy: &Path) -> bool {
    std::fs::write(file, format!("[cedar]\npromises = {:?}\n", policy.display().to_string())).unwrap();
    config::apply_file(file).is_err()
}

#[test]
fn promise_redaction_cedar_a_redacted_value_never_reaches_a_reason_a_note_or_an_audit_line() {
    let _turn = one_at_a_time();
    for decided in every_kind_of_decision("cedar-redacted") {
        let shown = format!(
            "{:?} {}",
            decided.result,
            decided.result.as_ref().err().map(ToString::to_string).unwrap_or_default()
        );
        assert!(!shown.contains(API_KEY), "{}: {shown}", decided.session_id);
        let lines = raw_audit_of(&decided.session_id);
        assert!(!lines.is_empty(), "{}: no audit line", decided.session_id);
        for line in lines {
            assert!(!line.contains(API_KEY), "{}: {line}", decided.session_id);
            assert!(!line.contains("7f3a9c2e51"), "{}: {line}", decided.session_id);
        }
    }
}

#[test]
fn promise_exactly_once_audit_cedar_one_line_per_decision_of_every_kind() {
    let _turn = one_at_a_time();
    for decided in every_kind_of_decision("cedar-once") {
        let lines = audit_of(&decided.session_id);
        assert_eq!(lines.len(), 1, "{}: {lines:?}", decided.session_id);
        let line = &lines[0];
        assert_eq!(line["hook.impl"], decided.hook, "{line}");
        assert_eq!(line["hook.status"], decided.status, "{line}");
        let message = if decided.status == "ok" { &line["hook.message"] } else { &line["hook.block_reason"] };
        assert!(message.as_str().is_some_and(|message| message.starts_with(&decided.message)), "{line}");
    }
}

/// Whether a call the policies deny goes on (the Cedar hook did not run)
/// and left no audit line in session `session_id`.
fn denied_call_goes_on_unrecorded(session_id: &str) -> bool {
    tool_call(session_id, "globex", "search", "/docs").is_ok() && audit_of(session_id).is_empty()
}

#[test]
fn promise_kill_switch_cedar_disable_all_disabled_crates_and_enabled_false_stop_the_cedar_hook() {
    let _turn = one_at_a_time();
    assert!(!denied_call_goes_on_unrecorded("cedar-kill-before"), "the policies deny the call");
    for (n, switch) in
        ["disable_all = true\n", "disable_crates = [\"promises\"]\n", "[hook.\"promises::cedar\"]\nenabled = false\n"]
            .into_iter()
            .enumerate()
    {
        config::apply_str(switch, "test").unwrap();
        assert!(denied_call_goes_on_unrecorded(&format!("cedar-kill-{n}")), "{switch}");
        config::clear().expect("the configuration clears");
        assert!(!denied_call_goes_on_unrecorded(&format!("cedar-kill-{n}-after")), "{switch}: the hook is back");
    }
}
