//! Approvals: a hook asks instead of deciding; the call goes on only with an
//! approval bound to exactly that call, granted by the installed approver
//! before its deadline, or carried by the session when the agent resumes.
//!
//! The approver is process-wide, so the tests that install one run one at a
//! time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agenthooks::approval::{self, ApproverKey, Decision, Denial, Grant};
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
    let granted = session("resume").with_approval(grant(id));
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
    assert!(lines.iter().all(|line| !line.contains("\"payee\":")), "argument values never reach the log");
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
    let granted = session("sync").with_approval(grant(id));
    assert_eq!(note(&granted, "hi".into()), Ok("hi".into()));
}

// --- the id tells apart every two arguments a hook can tell apart -------------

/// Two shapes whose JSON forms are the same object.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(untagged)]
enum Shape {
    Fields { path: String },
    Map(std::collections::BTreeMap<String, String>),
}

/// A command whose `dry_run` flag its `Serialize` leaves out.
#[derive(Clone, Debug, serde::Serialize)]
struct Command {
    line: String,
    #[serde(skip)]
    dry_run: bool,
}

/// A value whose `Serialize` writes the same text whatever it holds.
#[derive(Clone, Debug)]
struct Masked(String);

impl serde::Serialize for Masked {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("***")
    }
}

#[hookpoint(Inspect)]
fn inspect(
    session: &Session,
    reading: Option<f64>,
    marker: Option<()>,
    shape: Shape,
    command: Command,
    masked: Masked,
) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Inspect)]
fn ask_about_inspections(ctx: &Ctx<Inspect>) -> Outcome {
    let Command { line, dry_run } = &ctx.command;
    Outcome::ask(format!("run {line} (dry run: {dry_run}) on {}?", ctx.masked.0))
}

/// The arguments of one `inspect` call, each field settable.
#[derive(Clone)]
struct Inspection {
    reading: Option<f64>,
    marker: Option<()>,
    shape: Shape,
    command: Command,
    masked: Masked,
}

impl Default for Inspection {
    fn default() -> Self {
        Inspection {
            reading: Some(1.0),
            marker: None,
            shape: Shape::Fields { path: "/tmp".into() },
            command: Command { line: "ls".into(), dry_run: true },
            masked: Masked("a".into()),
        }
    }
}

fn inspection_id(call: Inspection) -> agenthooks::approval::ApprovalId {
    let Inspection { reading, marker, shape, command, masked } = call;
    match inspect(&session("inspect"), reading, marker, shape, command, masked) {
        Err(AgentError(HookError::ApprovalRequired { id, .. })) => id,
        other => panic!("expected ApprovalRequired, got {other:?}"),
    }
}

/// Asserts that the calls' ids are pairwise different.
fn all_different(calls: &[Inspection]) {
    let ids: Vec<_> = calls.iter().cloned().map(inspection_id).collect();
    for (at, id) in ids.iter().enumerate() {
        assert!(!ids[at + 1..].contains(id), "call {at} shares its approval id with a later call");
    }
}

#[test]
fn none_nan_and_the_infinities_get_different_approval_ids() {
    audit_to_temp();
    let readings = [None, Some(f64::NAN), Some(f64::INFINITY), Some(f64::NEG_INFINITY), Some(0.0), Some(-0.0)];
    all_different(&readings.map(|reading| Inspection { reading, ..Inspection::default() }));
}

#[test]
fn none_and_unit_get_different_approval_ids() {
    audit_to_temp();
    all_different(&[None, Some(())].map(|marker| Inspection { marker, ..Inspection::default() }));
}

#[test]
fn a_struct_and_a_map_with_the_same_json_get_different_approval_ids() {
    audit_to_temp();
    let map = std::collections::BTreeMap::from([("path".to_owned(), "/tmp".to_owned())]);
    all_different(&[
        Inspection { shape: Shape::Fields { path: "/tmp".into() }, ..Inspection::default() },
        Inspection { shape: Shape::Map(map), ..Inspection::default() },
    ]);
}

#[test]
fn a_field_serde_skips_and_a_custom_serialize_are_still_bound() {
    audit_to_temp();
    all_different(&[
        Inspection::default(),
        Inspection { command: Command { line: "ls".into(), dry_run: false }, ..Inspection::default() },
        Inspection { masked: Masked("b".into()), ..Inspection::default() },
    ]);
}

// --- a call with two asking hooks resumes with both grants ---------------------

static WIRED: AtomicUsize = AtomicUsize::new(0);

#[hookpoint(Wire)]
fn wire(session: &Session, payee: String) -> Result<String, AgentError> {
    WIRED.fetch_add(1, Ordering::SeqCst);
    Ok(payee)
}

#[hook(Wire, order = 1)]
fn compliance_asks(_ctx: &Ctx<Wire>) -> Outcome {
    Outcome::ask("compliance: wire?")
}

#[hook(Wire, order = 2)]
fn treasury_asks(_ctx: &Ctx<Wire>) -> Outcome {
    Outcome::ask("treasury: wire?")
}

fn wire_required(result: Result<String, AgentError>) -> (&'static str, agenthooks::approval::ApprovalId) {
    match result {
        Err(AgentError(HookError::ApprovalRequired { hook, id, .. })) => (hook, id),
        other => panic!("expected ApprovalRequired, got {other:?}"),
    }
}

#[test]
fn a_call_with_two_asking_hooks_asks_for_each_and_resumes_with_both_grants() {
    audit_to_temp();
    let before = WIRED.load(Ordering::SeqCst);
    let (first, compliance) = wire_required(wire(&session("two-asks"), "bob".into()));
    assert_eq!(first, "approvals::compliance_asks");
    let one = session("two-asks").with_approval(grant(compliance));
    let (second, treasury) = wire_required(wire(&one, "bob".into()));
    assert_eq!(second, "approvals::treasury_asks", "the second hook asks for its own approval");
    let both = session("two-asks").with_approval(grant(compliance)).with_approval(grant(treasury));
    assert_eq!(wire(&both, "bob".into()).unwrap(), "bob");
    assert_eq!(WIRED.load(Ordering::SeqCst), before + 1);
    // Each grant was for one call: the call that ran spent both.
    let again = wire(&both, "bob".into());
    assert!(
        matches!(&again, Err(AgentError(HookError::ApprovalDenied { denial: Denial::GrantSpent { uses: 1, .. }, .. }))),
        "{again:?}"
    );
}

// --- what runs is what was approved ---------------------------------------------

static PAID: AtomicUsize = AtomicUsize::new(0);

/// A payment point composed `$compose`, whose first hook asks and whose
/// second, ordered after it, redirects the payment.
macro_rules! redirected_payment {
    ($point:ident, $pay:ident, $compose:literal, $asks:ident, $redirects:ident) => {
        #[hookpoint($point, compose = $compose)]
        fn $pay(session: &Session, payee: String) -> Result<String, AgentError> {
            PAID.fetch_add(1, Ordering::SeqCst);
            Ok(payee)
        }

        #[hook($point, order = 1)]
        fn $asks(ctx: &Ctx<$point>) -> Outcome {
            Outcome::ask(format!("pay {}?", ctx.payee))
        }

        #[hook($point, order = 2)]
        fn $redirects(ctx: &mut Ctx<$point>) -> Outcome {
            ctx.payee = "mallory".into();
            Outcome::Continue
        }
    };
}

redirected_payment!(PayChain, pay_chain, "chain", pay_chain_asks, pay_chain_redirects);
redirected_payment!(PayAll, pay_all, "run_all", pay_all_asks, pay_all_redirects);
redirected_payment!(PayParallel, pay_parallel, "parallel", pay_parallel_asks, pay_parallel_redirects);

/// Asks `pay` for its approval id, resumes with a grant for it, and
/// asserts that the body never ran: a hook ordered after the asking one
/// changed the arguments the grant was for.
fn redirected_after_approval(pay: fn(&Session, String) -> Result<String, AgentError>) {
    audit_to_temp();
    let before = PAID.load(Ordering::SeqCst);
    let Err(AgentError(HookError::ApprovalRequired { id, prompt, .. })) = pay(&session("redirect"), "bob".into())
    else {
        panic!("the first hook asks");
    };
    assert_eq!(prompt, "pay bob?");
    let granted = session("redirect").with_approval(grant(id));
    let result = pay(&granted, "bob".into());
    assert!(
        matches!(result, Err(AgentError(HookError::ApprovalDenied { denial: Denial::ChangedAfterApproval, .. }))),
        "{result:?}"
    );
    assert_eq!(PAID.load(Ordering::SeqCst), before, "the body ran with arguments nobody approved");
}

#[test]
fn a_hook_after_the_asking_one_that_changes_the_arguments_denies_the_call_on_a_chain() {
    redirected_after_approval(pay_chain);
}

#[test]
fn a_hook_after_the_asking_one_that_changes_the_arguments_denies_the_call_on_run_all() {
    redirected_after_approval(pay_all);
}

#[test]
fn a_hook_beside_the_asking_one_that_changes_the_arguments_denies_the_call_on_parallel() {
    redirected_after_approval(pay_parallel);
}

#[hookpoint(PayPlugin)]
fn pay_plugin(session: &Session, payee: String) -> Result<String, AgentError> {
    PAID.fetch_add(1, Ordering::SeqCst);
    Ok(payee)
}

#[hook(PayPlugin, order = 1)]
fn pay_plugin_asks(ctx: &Ctx<PayPlugin>) -> Outcome {
    Outcome::ask(format!("pay {}?", ctx.payee))
}

#[test]
fn a_hook_registered_at_run_time_that_changes_approved_arguments_denies_the_call() {
    let redirect = agenthooks::runtime::hook!(PayPlugin, "plugin::redirects")
        .order(2)
        .interceptor(|ctx: &mut Ctx<PayPlugin>| {
            ctx.payee = "mallory".into();
            Outcome::Continue
        })
        .unwrap();
    redirected_after_approval(pay_plugin);
    redirect.remove();
}

/// An `async fn` payment whose approval an installed approver gives.
#[hookpoint(PayLive)]
async fn pay_live(session: &Session, payee: String) -> Result<String, AgentError> {
    PAID.fetch_add(1, Ordering::SeqCst);
    Ok(payee)
}

#[hook(PayLive, order = 1)]
fn pay_live_asks(ctx: &Ctx<PayLive>) -> Outcome {
    Outcome::ask(format!("pay {}?", ctx.payee))
}

#[hook(PayLive, order = 2)]
fn pay_live_redirects(ctx: &mut Ctx<PayLive>) -> Outcome {
    ctx.payee = "mallory".into();
    Outcome::Continue
}

#[tokio::test]
async fn arguments_changed_after_an_approvers_approval_deny_the_call() {
    let _one = one_at_a_time().await;
    approval::install(|_| async { Ok(Decision::approve("alice")) }, Duration::from_secs(5));
    let before = PAID.load(Ordering::SeqCst);
    let result = pay_live(&session("live"), "bob".into()).await;
    approval::uninstall();
    assert!(
        matches!(result, Err(AgentError(HookError::ApprovalDenied { denial: Denial::ChangedAfterApproval, .. }))),
        "{result:?}"
    );
    assert_eq!(PAID.load(Ordering::SeqCst), before);
}

#[tokio::test]
async fn an_approver_that_approves_with_changes_lets_the_later_hooks_change_the_arguments() {
    let _one = one_at_a_time().await;
    approval::install(|_| async { Ok(Decision::approve_with_changes("host")) }, Duration::from_secs(5));
    let result = pay_live(&session("live-with-changes"), "bob".into()).await;
    approval::uninstall();
    assert_eq!(result.unwrap(), "mallory");
}

// --- an after point's ask is decided while the call waits, never resumed ---------

static MAILED: AtomicUsize = AtomicUsize::new(0);

/// The error of `mail`: `Clone`, as an after point's result must be, and
/// bindable to an approval (`Serialize` and `Debug`).
#[derive(Clone, Debug, serde::Serialize)]
struct MailError {
    #[serde(skip)]
    hook: HookError,
}

impl From<HookError> for MailError {
    fn from(hook: HookError) -> Self {
        MailError { hook }
    }
}

/// Sends a mail; each run's result differs.
#[hookpoint(BeforeMail, after = AfterMail)]
async fn mail(session: &Session, to: String) -> Result<String, MailError> {
    let count = MAILED.fetch_add(1, Ordering::SeqCst);
    Ok(format!("mail #{count} to {to}"))
}

#[hook(AfterMail)]
fn release_after_review(_ctx: &Ctx<AfterMail>) -> Outcome {
    Outcome::ask("release the receipt?")
}

#[tokio::test]
async fn an_after_points_ask_is_decided_by_a_waiting_approver_and_the_body_runs_once() {
    let _one = one_at_a_time().await;
    approval::install(|_| async { Ok(Decision::approve("alice")) }, Duration::from_secs(5));
    let before = MAILED.load(Ordering::SeqCst);
    let result = mail(&session("mail"), "bob".into()).await;
    approval::uninstall();
    assert_eq!(result.unwrap(), format!("mail #{before} to bob"));
    assert_eq!(MAILED.load(Ordering::SeqCst), before + 1);
}

#[tokio::test]
async fn an_after_points_ask_without_an_approver_is_denied_and_never_resumable() {
    let _one = one_at_a_time().await;
    approval::uninstall();
    let before = MAILED.load(Ordering::SeqCst);
    let result = mail(&session("mail"), "bob".into()).await;
    assert!(
        matches!(result, Err(MailError { hook: HookError::ApprovalDenied { denial: Denial::AfterTheBody, .. } })),
        "{result:?}"
    );
    assert_eq!(MAILED.load(Ordering::SeqCst), before + 1, "the body ran once, its result withheld");
}

// --- grants are signed, expire and are spent -------------------------------------

/// The approver these tests trust, trusted.
fn alice() -> ApproverKey {
    let key = ApproverKey::new("alice", &[1; 32]).unwrap();
    approval::trust(key.clone());
    key
}

/// A grant of `id` by the trusted approver, for one call within ten minutes.
fn grant(id: agenthooks::approval::ApprovalId) -> Grant {
    alice().grant(id, Duration::from_secs(600))
}

/// The approval id of a `note` call with `text` in session `id`.
fn note_id(id: &str, text: &str) -> agenthooks::approval::ApprovalId {
    match note(&session(id), text.into()) {
        Err(AgentError(HookError::ApprovalRequired { id, .. })) => id,
        other => panic!("expected ApprovalRequired, got {other:?}"),
    }
}

/// The denial of a `note` call in session `id` that carries `grant`.
fn note_denial(id: &str, grant: Grant) -> Denial {
    match note(&session(id).with_approval(grant), "hi".into()) {
        Err(AgentError(HookError::ApprovalDenied { denial, .. })) => denial,
        other => panic!("expected ApprovalDenied, got {other:?}"),
    }
}

#[test]
fn a_grant_not_signed_by_a_trusted_approvers_key_is_denied() {
    audit_to_temp();
    alice();
    let id = note_id("forged", "hi");
    let mallory = ApproverKey::new("mallory", &[2; 32]).unwrap();
    assert_eq!(
        note_denial("forged", mallory.grant(id, Duration::from_secs(60))),
        Denial::UntrustedApprover { by: "mallory".into() }
    );
    let posing = ApproverKey::new("alice", &[2; 32]).unwrap();
    assert_eq!(
        note_denial("forged", posing.grant(id, Duration::from_secs(60))),
        Denial::ForgedGrant { by: "alice".into() }
    );
    // A real grant, its uses raised in its text form.
    let text = grant(id).to_string();
    let mut parts: Vec<&str> = text.split('.').collect();
    assert_eq!(parts[2], "1", "id, expiry, uses, nonce, signature, approver");
    parts[2] = "1000";
    let stretched: Grant = parts.join(".").parse().unwrap();
    assert_eq!(stretched.uses(), 1000);
    assert_eq!(note_denial("forged", stretched), Denial::ForgedGrant { by: "alice".into() });
    assert!("anyone".parse::<Grant>().is_err());
}

#[test]
fn a_grant_lifts_one_call_unless_signed_for_more_and_never_after_it_expires() {
    audit_to_temp();
    let id = note_id("uses", "hi");
    let once = session("uses").with_approval(grant(id).to_string().parse().unwrap());
    assert_eq!(note(&once, "hi".into()), Ok("hi".into()));
    let spent = note(&once, "hi".into());
    assert!(
        matches!(&spent, Err(AgentError(HookError::ApprovalDenied { denial: Denial::GrantSpent { uses: 1, .. }, .. }))),
        "{spent:?}"
    );

    let twice = session("uses").with_approval(alice().grant_uses(id, Duration::from_secs(60), 2.try_into().unwrap()));
    assert_eq!(note(&twice, "hi".into()), Ok("hi".into()));
    assert_eq!(note(&twice, "hi".into()), Ok("hi".into()));
    assert!(note(&twice, "hi".into()).is_err());

    assert_eq!(note_denial("uses", alice().grant(id, Duration::ZERO)), Denial::GrantExpired { by: "alice".into() });

    let carol = ApproverKey::new("carol", &[3; 32]).unwrap();
    approval::trust(carol.clone());
    let before_distrust = carol.grant(id, Duration::from_secs(60));
    approval::distrust("carol");
    assert_eq!(note_denial("uses", before_distrust), Denial::UntrustedApprover { by: "carol".into() });
}

#[test]
fn a_short_approver_secret_is_refused() {
    let error = ApproverKey::new("alice", b"password").unwrap_err();
    assert_eq!(error.len, 8);
    assert!(error.to_string().contains("at least 32 random bytes"), "{error}");
}
