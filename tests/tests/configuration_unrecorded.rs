//! A configuration the audit log cannot record does not take effect: with
//! the log unable to start (its path is a directory), the kill switch is
//! refused with a typed error, and the hooks it would have switched off
//! still refuse every call they cannot audit instead of letting it through
//! unhooked and unrecorded. The log must not start before the test: this
//! binary runs this test alone.

use agenthooks::audit::{AuditError, FileKind, PATH_ENV};
use agenthooks::config::{self, ConfigError};
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_tests::AgentError;

#[hookpoint(Transfer)]
fn transfer(session: &Session, amount: u64) -> Result<u64, AgentError> {
    Ok(amount)
}

#[hook(Transfer)]
fn limits_transfers(ctx: &Ctx<Transfer>) -> Outcome {
    if ctx.amount > 100 {
        return Outcome::block("above the limit");
    }
    Outcome::Continue
}

#[test]
fn a_kill_switch_the_audit_log_cannot_record_is_refused_and_the_hooks_stay_in_force() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::env::set_var(PATH_ENV, dir.path());
    let session = Session::new("unrecorded");
    let refused = transfer(&session, 1_000).unwrap_err();
    assert!(matches!(refused, AgentError(HookError::Unaudited { .. })), "{refused:?}");

    let error = config::apply_str("disable_all = true\n", "hooks.toml").unwrap_err();
    match &error {
        ConfigError::Unrecorded { digest, error: AuditError::NotAFile { kind: FileKind::Directory, .. } } => {
            assert_eq!(digest.len(), 64);
        }
        other => panic!("expected Unrecorded, got {other:?}"),
    }
    assert!(error.to_string().contains("was not applied: the audit log could not record it"), "{error}");
    let still = transfer(&session, 1_000).unwrap_err();
    assert!(matches!(still, AgentError(HookError::Unaudited { .. })), "the kill switch took effect: {still:?}");
    assert!(matches!(config::clear(), Err(ConfigError::Unrecorded { .. })), "clearing is recorded too");
}
