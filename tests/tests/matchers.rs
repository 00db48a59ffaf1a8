//! Matchers on key arguments: the executor picks a call's hooks by the
//! call's key values before any runs. A hook whose pattern does not match
//! never runs and writes no audit line; tenants and matchers decide
//! together.

use agenthooks::matcher::{check, Miss};
use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};

/// Returns the trail of hooks that ran, each appending its name.
#[hookpoint(CallTool)]
fn call_tool(
    session: &Session,
    #[key] tool: String,
    #[key] server: Option<String>,
    trail: String,
) -> Result<String, AgentError> {
    Ok(trail)
}

macro_rules! marker {
    ($name:ident, $($matchers:tt)*) => {
        #[hook(CallTool, $($matchers)*)]
        fn $name(ctx: &mut Ctx<CallTool>) -> Outcome {
            ctx.trail.push_str(concat!(" ", stringify!($name)));
            Outcome::Continue
        }
    };
}

marker!(always, order = 1);
marker!(exact_read, order = 2, tool = "fs_read");
marker!(any_fs, order = 3, tool = "fs_*");
marker!(read_or_write, order = 4, tool = "fs_{read,write}");
marker!(internal_net, order = 5, tool = "net_*", server = "internal");
marker!(acme_shell, order = 6, tenant = "acme", tool = "shell");
marker!(any_server, order = 7, server = "*");

fn trail(session: &Session, tool: &str, server: Option<&str>) -> String {
    call_tool(session, tool.into(), server.map(Into::into), String::new()).expect("no hook blocks")
}

fn tenant(tenant: &str) -> Session {
    Session::new(format!("matchers-{tenant}")).with_tenant(tenant)
}

#[test]
fn exact_and_glob_matchers_select_hooks_in_chain_order() {
    audit_to_temp();
    let session = tenant("initech");
    assert_eq!(trail(&session, "fs_read", None), " always exact_read any_fs read_or_write");
    assert_eq!(trail(&session, "fs_write", None), " always any_fs read_or_write");
    assert_eq!(trail(&session, "fs_delete", None), " always any_fs");
    assert_eq!(trail(&session, "web_fetch", None), " always");
}

#[test]
fn a_hook_runs_only_when_every_one_of_its_matchers_matches() {
    audit_to_temp();
    let session = tenant("initech");
    assert_eq!(trail(&session, "net_get", Some("internal")), " always internal_net any_server");
    assert_eq!(trail(&session, "net_get", Some("public")), " always any_server");
    assert_eq!(trail(&session, "fs_read", Some("internal")), " always exact_read any_fs read_or_write any_server");
}

#[test]
fn a_key_without_a_value_matches_no_pattern_not_even_a_star() {
    audit_to_temp();
    assert_eq!(trail(&tenant("initech"), "net_get", None), " always");
}

#[test]
fn tenant_and_matcher_decide_together() {
    audit_to_temp();
    assert_eq!(trail(&tenant("acme"), "shell", None), " always acme_shell");
    assert_eq!(trail(&tenant("globex"), "shell", None), " always", "acme's hook never sees globex's calls");
    assert_eq!(trail(&tenant("acme"), "fs_delete", None), " always any_fs", "acme's hook matches `shell` only");
}

#[test]
fn a_hook_whose_pattern_does_not_match_writes_no_audit_line() {
    audit_to_temp();
    let session = Session::new("matchers-audit").with_tenant("acme");
    assert_eq!(trail(&session, "web_fetch", None), " always");
    let lines: Vec<String> =
        audit_lines().into_iter().filter(|line| line.contains("\"session_id\":\"matchers-audit\"")).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains("\"hook.impl\":\"matchers::always\""), "{}", lines[0]);
}

#[test]
fn check_says_which_matcher_keeps_a_hook_from_running() {
    let hook =
        |name: &str| agenthooks::linked_hooks().into_iter().find(|hook| hook.name == name).expect("the hook is linked");
    let call = |tool: &str, server: Option<&str>| CallTool {
        tool: tool.into(),
        server: server.map(Into::into),
        trail: String::new(),
    };
    assert_eq!(check(hook("any_fs"), &call("fs_read", None)), Ok(()));
    assert_eq!(
        check(hook("any_fs"), &call("shell", None)),
        Err(Miss::NoMatch { key: "tool", pattern: "fs_*", value: "shell".into() })
    );
    assert_eq!(check(hook("internal_net"), &call("net_get", None)), Err(Miss::NoValue { key: "server" }));
    assert_eq!(check(hook("always"), &call("anything", None)), Ok(()));
}

#[test]
fn linked_hooks_list_their_matchers() {
    let listed: Vec<String> = agenthooks::linked_hooks()
        .into_iter()
        .filter(|hook| hook.name == "internal_net")
        .map(ToString::to_string)
        .collect();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].contains(r#"tool = "net_*", server = "internal""#), "{}", listed[0]);
}
