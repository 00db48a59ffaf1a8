//! The error of a hook that failed, panicked or timed out advises what its
//! point's failure policy allows: on a point that fails closed, fixing the
//! hook (`fallback = true` does not compile there); on a point that lets
//! failures through, fixing it or letting it fall back.

use std::thread::sleep;
use std::time::Duration;

use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_tests::{audit_to_temp, AgentError};

#[hookpoint(Guarded)]
fn guarded(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hookpoint(Lenient, on_failure = "continue")]
fn lenient(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Guarded, tenant = "error")]
fn guard_errs(_ctx: &Ctx<Guarded>) -> Result<Outcome, String> {
    Err("disk full".into())
}

#[hook(Guarded, tenant = "panic")]
fn guard_panics(_ctx: &Ctx<Guarded>) -> Outcome {
    panic!("guard bug")
}

#[hook(Guarded, tenant = "timeout", timeout_ms = 5)]
fn guard_stalls(_ctx: &Ctx<Guarded>) -> Outcome {
    sleep(Duration::from_millis(20));
    Outcome::Continue
}

#[hook(Lenient, tenant = "error", fallback = false)]
fn strict_errs(_ctx: &Ctx<Lenient>) -> Result<Outcome, String> {
    Err("disk full".into())
}

#[hook(Lenient, tenant = "panic", fallback = false)]
fn strict_panics(_ctx: &Ctx<Lenient>) -> Outcome {
    panic!("strict bug")
}

#[hook(Lenient, tenant = "timeout", timeout_ms = 5, fallback = false)]
fn strict_stalls(_ctx: &Ctx<Lenient>) -> Outcome {
    sleep(Duration::from_millis(20));
    Outcome::Continue
}

/// The errors of the three failures, for the tenants whose hooks fail so.
fn failures(call: fn(&Session) -> Result<(), AgentError>) -> Vec<HookError> {
    ["error", "panic", "timeout"]
        .into_iter()
        .map(|tenant| call(&Session::new("s-advice").with_tenant(tenant)).unwrap_err().0)
        .collect()
}

#[test]
fn a_failure_on_a_point_that_fails_closed_does_not_advise_fallback() {
    audit_to_temp();
    for error in failures(guarded) {
        assert!(
            matches!(error, HookError::Failed { .. } | HookError::Panicked { .. } | HookError::TimedOut { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(!message.contains("fallback"), "advises what does not compile: {message}");
        assert!(message.contains("the point fails closed"), "{message}");
    }
}

#[test]
fn a_failure_on_a_point_that_lets_failures_through_advises_fallback() {
    audit_to_temp();
    for error in failures(lenient) {
        let message = error.to_string();
        assert!(message.contains("let it fall back with `fallback = true`"), "{message}");
    }
}
