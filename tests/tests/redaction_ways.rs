//! The redaction promise in every way a hook can run: a hook linked with
//! `#[hook]`, one registered at run time, one the configuration changed
//! (here, to shadow mode), a hook on an after point, and hooks of parallel
//! and run-all points. In each, a hook quotes a redacted value in what it
//! says, and neither the caller's error nor the audit log carries it.
//!
//! The configuration is the process's: the test that applies one takes
//! its turn, and the others name hooks it does not touch.

use std::borrow::Cow;
use std::sync::Arc;

use agenthooks::{config, hook, hookpoint, runtime, Ctx, HookError, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp, one_at_a_time, AgentError};

/// The redacted value every call passes.
const SECRET: &str = "sk-ways-6a7b8c";

/// The audit lines of session `session_id`, joined.
fn lines_of(session_id: &str) -> String {
    let tag = format!("\"session_id\":\"{session_id}\"");
    audit_lines().into_iter().filter(|line| line.contains(&tag)).collect::<Vec<_>>().join("\n")
}

/// Asserts that `error`, if any, and the audit lines of `session_id` carry
/// the hooks' messages scrubbed, never [`SECRET`].
fn assert_scrubbed(error: Option<&HookError>, session_id: &str) {
    if let Some(error) = error {
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(SECRET) && shown.contains("[REDACTED]"), "{shown}");
    }
    let lines = lines_of(session_id);
    assert!(!lines.contains(SECRET) && lines.contains("[REDACTED]"), "{lines}");
}

// --- linked ------------------------------------------------------------------

#[hookpoint(Linked)]
fn linked(session: &Session, #[redact] key: Option<String>) -> Result<(), AgentError> {
    let _ = key;
    Ok(())
}

#[hook(Linked)]
fn linked_blocks(ctx: &Ctx<Linked>) -> Outcome {
    Outcome::block(format!("key {} is revoked", ctx.key.as_deref().unwrap_or_default()))
}

#[test]
fn a_linked_hook_leaks_no_redacted_value_to_the_error_or_the_audit_log() {
    audit_to_temp();
    let error = linked(&Session::new("s-ways-linked"), Some(SECRET.into())).unwrap_err().0;
    assert!(matches!(error, HookError::Blocked(_)), "{error:?}");
    assert_scrubbed(Some(&error), "s-ways-linked");
}

// --- registered at run time --------------------------------------------------

#[hookpoint(Registered)]
fn registered(session: &Session, #[redact] key: Arc<str>) -> Result<(), AgentError> {
    let _ = key;
    Ok(())
}

#[test]
fn a_hook_registered_at_run_time_leaks_no_redacted_value_to_the_error_or_the_audit_log() {
    audit_to_temp();
    let hook = runtime::hook!(Registered, "plugin::leaks_the_key")
        .interceptor(|ctx: &mut Ctx<Registered>| -> Result<Outcome, String> {
            Err(format!("the backend refused {}", ctx.key))
        })
        .unwrap();
    let error = registered(&Session::new("s-ways-runtime"), SECRET.into()).unwrap_err().0;
    assert!(matches!(error, HookError::Failed { .. }), "{error:?}");
    assert_scrubbed(Some(&error), "s-ways-runtime");
    hook.remove();
}

// --- configured --------------------------------------------------------------

#[hookpoint(Configured)]
fn configured(session: &Session, #[redact] key: Box<str>) -> Result<(), AgentError> {
    let _ = key;
    Ok(())
}

#[hook(Configured)]
fn configured_blocks(ctx: &Ctx<Configured>) -> Outcome {
    Outcome::block(format!("key {} is revoked", ctx.key))
}

#[test]
fn a_hook_the_configuration_puts_in_shadow_mode_leaks_no_redacted_value_to_the_audit_log() {
    let _turn = one_at_a_time();
    config::apply_str("[hook.\"redaction_ways::configured_blocks\".tenant.shadowed]\nmode = \"shadow\"\n", "test")
        .unwrap();
    let session = Session::new("s-ways-configured-shadow").with_tenant("shadowed");
    configured(&session, SECRET.into()).expect("a hook in shadow mode blocks nothing");
    assert_scrubbed(None, "s-ways-configured-shadow");
    assert!(lines_of("s-ways-configured-shadow").contains("would block: key [REDACTED] is revoked"));
    let session = Session::new("s-ways-configured-enforced").with_tenant("enforced");
    let error = configured(&session, SECRET.into()).unwrap_err().0;
    assert_scrubbed(Some(&error), "s-ways-configured-enforced");
    config::clear().expect("the configuration clears");
}

// --- after point -------------------------------------------------------------

/// The error of `send`: an after point's result is copied for each hook.
#[derive(Clone, Debug)]
struct SendError(HookError);

impl From<HookError> for SendError {
    fn from(error: HookError) -> Self {
        SendError(error)
    }
}

#[hookpoint(BeforeSend, after = AfterSend)]
fn send(session: &Session, #[redact] key: Vec<String>) -> Result<usize, SendError> {
    Ok(key.len())
}

#[hook(AfterSend)]
fn after_send_blocks(ctx: &Ctx<AfterSend>) -> Outcome {
    Outcome::block(format!("sent {} with keys {}", ctx.result.as_ref().map_or(0, |sent| *sent), ctx.key.join(",")))
}

#[test]
fn an_after_hook_leaks_no_redacted_value_to_the_error_or_the_audit_log() {
    audit_to_temp();
    let SendError(error) = send(&Session::new("s-ways-after"), vec![SECRET.into()]).unwrap_err();
    assert!(matches!(&error, HookError::Blocked(blocked) if blocked.point == "after_send"), "{error:?}");
    assert_scrubbed(Some(&error), "s-ways-after");
}

// --- parallel and run-all ----------------------------------------------------

#[hookpoint(Fanned, compose = "parallel")]
fn fanned(session: &Session, #[redact] key: Option<String>) -> Result<(), AgentError> {
    let _ = key;
    Ok(())
}

#[hook(Fanned, order = 1)]
fn fanned_notes(ctx: &Ctx<Fanned>) -> Outcome {
    Outcome::note(format!("checked {}", ctx.key.as_deref().unwrap_or_default()))
}

#[hook(Fanned, order = 2)]
fn fanned_fails(ctx: &Ctx<Fanned>) -> Result<Outcome, String> {
    Err(format!("cannot check {}", ctx.key.as_deref().unwrap_or_default()))
}

#[hook(Fanned, order = 3)]
fn fanned_blocks(ctx: &Ctx<Fanned>) -> Outcome {
    Outcome::block(format!("key {} is revoked", ctx.key.as_deref().unwrap_or_default()))
}

#[test]
fn parallel_hooks_leak_no_redacted_value_to_the_error_or_the_audit_log() {
    audit_to_temp();
    let error = fanned(&Session::new("s-ways-parallel"), Some(SECRET.into())).unwrap_err().0;
    assert_scrubbed(Some(&error), "s-ways-parallel");
    assert_eq!(lines_of("s-ways-parallel").matches("[REDACTED]").count(), 3, "one line per hook");
}

#[hookpoint(Everyone, compose = "run_all")]
fn everyone(session: &Session, #[redact] key: Cow<'static, str>) -> Result<(), AgentError> {
    let _ = key;
    Ok(())
}

#[hook(Everyone, order = 1)]
fn everyone_asks(ctx: &Ctx<Everyone>) -> Outcome {
    Outcome::ask(format!("may the agent use {}?", ctx.key))
}

#[hook(Everyone, order = 2)]
fn everyone_panics(ctx: &Ctx<Everyone>) -> Outcome {
    panic!("the parser broke on {}", ctx.key)
}

#[test]
fn run_all_hooks_leak_no_redacted_value_to_the_error_or_the_audit_log() {
    audit_to_temp();
    let error = everyone(&Session::new("s-ways-run-all"), SECRET.into()).unwrap_err().0;
    assert!(matches!(error, HookError::Panicked { .. }), "{error:?}");
    assert_scrubbed(Some(&error), "s-ways-run-all");
    assert_eq!(lines_of("s-ways-run-all").matches("[REDACTED]").count(), 2, "one line per hook");
}
