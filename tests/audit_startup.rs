//! Start-up errors of the audit log: each bad condition is a typed error
//! that says what to do, and a call whose hook runs without a started log
//! fails with a typed error when the log cannot start. No test here starts the log: each
//! needs a process where it has not started.

use agenthooks::audit::{self, AuditConfig, AuditError, Tamper, PATH_ENV};
use agenthooks::{hook, hookpoint, Ctx, HookError, Session};
use agenthooks_tests::AgentError;

#[hookpoint(Unlogged)]
fn unlogged(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Unlogged)]
fn watch(_ctx: &Ctx<Unlogged>) {}

#[test]
fn a_directory_that_cannot_be_created_is_reported() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").expect("a plain file");
    match audit::init(AuditConfig::new(file.join("logs").join("audit.jsonl"))) {
        Err(error @ AuditError::CreateDir { .. }) => {
            assert!(error.to_string().contains("cannot create the audit log directory"), "{error}");
        }
        other => panic!("expected CreateDir, got {other:?}"),
    }
    assert_eq!(audit::path(), None, "a failed start leaves the log unstarted");
}

#[test]
fn a_path_that_cannot_be_opened_is_reported() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    match audit::init(AuditConfig::new(dir.path())) {
        Err(error @ AuditError::Open { .. }) => assert!(error.to_string().contains("for appending"), "{error}"),
        other => panic!("expected Open, got {other:?}"),
    }
}

#[test]
fn a_log_whose_last_line_is_not_a_record_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    std::fs::write(&path, "{\"seq\":1}\n").expect("a bad log");
    match audit::init(AuditConfig::new(&path)) {
        Err(AuditError::Corrupt { problem, .. }) => assert_eq!(problem, Tamper::Malformed),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn a_call_whose_hook_cannot_be_audited_is_refused_with_a_typed_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "").expect("a plain file");
    // This binary starts no log, so the hook below must start one from the
    // environment, which names a path under a plain file.
    std::env::set_var(PATH_ENV, blocked.join("audit.jsonl"));
    let AgentError(error) = unlogged(&Session::new("unlogged")).expect_err("the call cannot be audited");
    let HookError::Unaudited { point, hook, reason } = &error else { panic!("expected Unaudited, got {error:?}") };
    assert_eq!((*point, *hook), ("unlogged", "audit_startup::watch"));
    assert!(reason.contains("cannot create the audit log directory"), "{reason}");
    assert!(error.to_string().contains("call `agenthooks::audit::init` at start-up"), "{error}");
}
