//! Approvals: a hook asks instead of deciding; the call goes on only with an
//! approval bound to exactly that call, granted by the installed approver
//! before its deadline, or carried by the session when the agent resumes.
//!
//! The approver is process-wide, so the tests that install one run one at a
//! time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agenthooks::approval::{self, Decision, Denial, Grant};
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};

static APPROVER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    audit_to_temp();
    APPROVER.lock().await
}

fn one_at_a_time_blocking() -> tokio::sync::MutexGuard<'static, ()> {
    audit_to_temp();
    APPROVER.blocking_lock()
}

fn session(id: &str) -> Session {
    Session::new(id).with_tenant("acme")
}

static TRANSFERS: AtomicUsize = AtomicUsize::new(0);

/// Sends money: a guard point, since a transfer must not run unchecked.
#[hookpoint(Transfer)]
async fn transfer(session: &Session, payee: String, amount_eur: u32) -> Result<String, AgentError> {
    TRANSFERS.fetch_add(1, Ordering::SeqCst);
    Ok(format!("sent {amount_eur} EUR to {payee}"))
}

#[hook(Transfer)]
fn large_transfers_need_approval(ctx: &mut Ctx<Transfer>) -> Outcome {
    if ctx.amount_eur >= 1000 {
        ctx.payee.push_str(" (changed while asking)");
        Outcome::ask(format!("send {} EUR to {}?", ctx.amount_eur, ctx.payee))
    } else {
        Outcome::Continue
    }
}

fn required(result: Result<String, AgentError>) -> (agenthooks::approval::ApprovalId, String) {
    match result {
        Err(AgentError(HookError::ApprovalRequired { id, prompt, point, hook })) => {
            assert_eq!((point, hook), ("transfer", "approvals::large_transfers_need_approval"));
            (id, prompt)
        }
        other => panic!("expected ApprovalRequired, got {other:?}"),
    }
}

fn denial(result: Result<String, AgentError>) -> Denial {
    match result {
        Err(AgentError(HookError::ApprovalDenied { denial, .. })) => denial,
        other => panic!("expected ApprovalDenied, got {other:?}"),
    }
}

#[tokio::test]
async fn without_an_approver_the_call_returns_the_id_and_resumes_with_a_grant_for_exactly_that_call() {
    let _one = one_at_a_time().await;
    approval::uninstall();
    let before = TRANSFERS.load(Ordering::SeqCst);
    let (id, prompt) = required(transfer(&session("resume"), "bob".into(), 1500).await);
    assert_eq!(prompt, "send 1500 EUR to bob (changed while asking)?");
    assert_eq!(TRANSFERS.load(Ordering::SeqCst), before, "the body must not run before approval");

    // Identical calls get the same id; any other argument, another.
    let (again, _) = required(transfer(&session("resume"), "bob".into(), 1500).await);
    assert_eq!(again, id);
    let (other_amount, _) = required(transfer(&session("resume"), "bob".into(), 1501).await);
    let (other_payee, _) = required(transfer(&session("resume"), "mallory".into(), 1500).await);
    let (other_session, _) = required(transfer(&session("another"), "bob".into(), 1500).await);
    assert!(![other_amount, other_payee, other_session].contains(&id));

    // Days later: the same call with the grant goes on, with the arguments
    // as the asking hook saw them (its own changes discarded).
    let granted = session("resume").with_approval(Grant::new(id, "alice"));
    assert_eq!(transfer(&granted, "bob".into(), 1500).await.unwrap(), "sent 1500 EUR to bob");
    assert_eq!(TRANSFERS.load(Ordering::SeqCst), before + 1);

    // The grant lifts nothing else.
    assert_eq!(denial(transfer(&granted, "mallory".into(), 1500).await), Denial::GrantMismatch);
    assert_eq!(denial(transfer(&granted, "bob".into(), 9999).await), Denial::GrantMismatch);
    assert_eq!(TRANSFERS.load(Ordering::SeqCst), before + 1);

    let lines = audit_lines();
    let about_id: Vec<&String> = lines.iter().filter(|line| line.contains(&id.to_string())).collect();
    assert!(about_id.iter().any(|line| line.contains(r#""hook.status":"ask""#)), "{about_id:?}");
    assert!(about_id.iter().any(|line| line.contains(r#""hook.status":"approved""#) && line.contains("alice")));
    assert!(lines.iter().all(|line| !line.contains("\"payee\"")), "argument values never reach the log");
}

#[tokio::test]
async fn an_installed_approver_decides_and_says_who() {
    let _one = one_at_a_time().await;
    approval::install(
        |request| async move {
            if request.prompt.contains("mallory") {
                Ok(Decision::reject("alice", "unknown payee"))
            } else {
                Ok(Decision::approve("alice"))
            }
        },
        Duration::from_secs(5),
    );
    assert_eq!(transfer(&session("approver"), "bob".into(), 2000).await.unwrap(), "sent 2000 EUR to bob");
    assert_eq!(
        denial(transfer(&session("approver"), "mallory".into(), 2000).await),
        Denial::Rejected { by: "alice".into(), reason: "unknown payee".into() }
    );
    approval::uninstall();
}

#[tokio::test]
async fn a_failing_a_panicking_or_a_late_approver_denies() {
    let _one = one_at_a_time().await;
    approval::install(|_| async { Err::<Decision, _>("approval service down".to_owned()) }, Duration::from_secs(5));
    assert_eq!(
        denial(transfer(&session("fails"), "bob".into(), 2000).await),
        Denial::ApproverFailed("approval service down".into())
    );
    approval::install(|_| async { panic!("approver bug") }, Duration::from_secs(5));
    assert_eq!(
        denial(transfer(&session("panics"), "bob".into(), 2000).await),
        Denial::ApproverFailed("approver bug".into())
    );
    approval::install(
        |_| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(Decision::approve("too late"))
        },
        Duration::from_millis(20),
    );
    assert_eq!(denial(transfer(&session("late"), "bob".into(), 2000).await), Denial::DeadlinePassed { after_ms: 20 });
    approval::uninstall();
}

/// A point whose argument cannot be bound to an approval id.
#[derive(Clone, Debug, PartialEq)]
struct Opaque(u32);

#[hookpoint(Launch)]
fn launch(session: &Session, target: Opaque) -> Result<u32, AgentError> {
    Ok(target.0)
}

#[hook(Launch)]
fn always_ask(_ctx: &Ctx<Launch>) -> Outcome {
    Outcome::ask("launch?")
}

#[test]
fn a_point_whose_arguments_cannot_be_bound_is_denied_and_sync_points_never_wait() {
    let _one = one_at_a_time_blocking();
    assert_eq!(
        launch(&session("opaque"), Opaque(1)),
        Err(AgentError(HookError::ApprovalDenied {
            point: "launch",
            hook: "approvals::always_ask",
            denial: Denial::Unbindable
        }))
    );
}

#[hookpoint(Note)]
fn note(session: &Session, text: String) -> Result<String, AgentError> {
    Ok(text)
}

#[hook(Note)]
fn ask_about_notes(_ctx: &Ctx<Note>) -> Outcome {
    Outcome::ask("keep this note?")
}

#[test]
fn a_sync_point_returns_the_id_even_with_an_approver_installed() {
    let _one = one_at_a_time_blocking();
    approval::install(|_| async { Ok(Decision::approve("alice")) }, Duration::from_secs(5));
    let result = note(&session("sync"), "hi".into());
    approval::uninstall();
    let Err(AgentError(HookError::ApprovalRequired { id, .. })) = result else { panic!("expected ApprovalRequired") };
    let granted = session("sync").with_approval(Grant::new(id, "bob"));
    assert_eq!(note(&granted, "hi".into()), Ok("hi".into()));
}
