//! A call dropped while its `async fn` hook runs: the hook execution still
//! reaches the audit log, once, as an error that says it was cancelled.

use std::time::Duration;

use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};

#[hookpoint(SlowLookup)]
async fn slow_lookup(session: &Session, key: String) -> Result<String, AgentError> {
    Ok(key)
}

#[hook(SlowLookup, timeout_ms = 5000)]
async fn waits_for_a_backend(_ctx: &Ctx<SlowLookup>) -> Outcome {
    tokio::time::sleep(Duration::from_secs(10)).await;
    Outcome::Continue
}

#[tokio::test]
async fn a_hook_cut_short_by_a_dropped_call_is_audited_as_cancelled() {
    audit_to_temp();
    let session = Session::new("cancelled-call");
    let call = slow_lookup(&session, "k".into());
    assert!(tokio::time::timeout(Duration::from_millis(50), call).await.is_err(), "the caller gives up first");

    let records: Vec<_> = audit_lines().into_iter().filter(|line| line.contains("\"cancelled-call\"")).collect();
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(records[0].contains("\"hook.status\":\"error\""), "{}", records[0]);
    assert!(records[0].contains("cancelled: the caller dropped the call"), "{}", records[0]);
    assert!(records[0].contains("audit_cancel::waits_for_a_backend"), "{}", records[0]);
}
