//! After points: `#[hookpoint(Before, after = After)]` runs a second point
//! on the arguments the body received and on its result, and the caller
//! gets the result as the after hooks leave it.

use std::sync::atomic::{AtomicUsize, Ordering};

use agenthooks::approval::Denial;
use agenthooks::{agent, hook, hookpoint, Ctx, HookError, HookPoint, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp};

/// The error of this file's points: a hook stopped the call, or the body
/// failed. `Clone`, as an after point's result must be.
#[derive(Clone, Debug, PartialEq)]
enum ToolError {
    Hook(HookError),
    Body(String),
}

impl From<HookError> for ToolError {
    fn from(error: HookError) -> Self {
        ToolError::Hook(error)
    }
}

fn session(tenant: &str) -> Session {
    Session::new(format!("after-{tenant}")).with_tenant(tenant)
}

/// What a tool returns: a record with a field to mask.
#[derive(Clone, Debug, PartialEq)]
struct Record {
    name: String,
    email: String,
}

// --- a sync point: rewrite, replace an error, block ----------------------------

/// Looks a user up; fails for `"broken"`. Every tenant below has its own
/// after hook.
#[hookpoint(BeforeLookup, after = AfterLookup)]
fn lookup(session: &Session, user: String) -> Result<Record, ToolError> {
    if user == "broken" {
        return Err(ToolError::Body("db password hunter2 rejected".into()));
    }
    Ok(Record { name: user.clone(), email: format!("{user}@example.com") })
}

#[hook(AfterLookup, tenant = "masks")]
fn mask_email(ctx: &mut Ctx<AfterLookup>) -> Outcome {
    if let Ok(record) = &mut ctx.result {
        record.email = "***".into();
    }
    Outcome::Continue
}

#[hook(AfterLookup, tenant = "hides-errors")]
fn safe_error(ctx: &mut Ctx<AfterLookup>) -> Outcome {
    if ctx.result.is_err() {
        ctx.result = Err(ToolError::Body("lookup failed".into()));
    }
    Outcome::Continue
}

#[hook(AfterLookup, tenant = "blocks")]
fn block_admins(ctx: &Ctx<AfterLookup>) -> Outcome {
    match &ctx.result {
        Ok(record) if record.name == "admin" => Outcome::block("admin records stay inside"),
        _ => Outcome::Continue,
    }
}

#[test]
fn an_after_hook_masks_a_field_of_the_result() {
    audit_to_temp();
    let record = lookup(&session("masks"), "ann".into()).unwrap();
    assert_eq!(record, Record { name: "ann".into(), email: "***".into() });
    let unhooked = lookup(&session("nobody"), "ann".into()).unwrap();
    assert_eq!(unhooked.email, "ann@example.com");
}

#[test]
fn an_after_hook_sees_the_bodys_error_and_replaces_it_with_a_safe_message() {
    audit_to_temp();
    assert_eq!(lookup(&session("hides-errors"), "broken".into()), Err(ToolError::Body("lookup failed".into())));
    assert_eq!(
        lookup(&session("nobody"), "broken".into()),
        Err(ToolError::Body("db password hunter2 rejected".into()))
    );
}

#[test]
fn an_after_hook_blocks_the_result_and_the_caller_gets_the_typed_error() {
    audit_to_temp();
    let error = lookup(&session("blocks"), "admin".into()).unwrap_err();
    let ToolError::Hook(HookError::Blocked(blocked)) = error else { panic!("expected a block, got {error:?}") };
    assert_eq!((blocked.point, blocked.reason.as_str()), ("after_lookup", "admin records stay inside"));
    assert_eq!(lookup(&session("blocks"), "ann".into()).unwrap().name, "ann");
}

#[test]
fn every_after_hook_execution_has_its_audit_line() {
    audit_to_temp();
    lookup(&session("masks"), "audited".into()).unwrap();
    let lines: Vec<String> = audit_lines()
        .into_iter()
        .filter(|line| line.contains(r#""session_id":"after-masks""#) && line.contains("mask_email"))
        .collect();
    assert!(!lines.is_empty(), "no audit line for the after hook");
    assert!(lines.iter().all(|line| line.contains(r#""hook.name":"after_lookup""#)), "{lines:?}");
}

// --- arguments as the body received them, early returns ------------------------

static SEEN_BY_AFTER: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Runs a tool; returns early for `"noop"`.
#[hookpoint(BeforeTool, after = AfterTool)]
async fn call_tool(session: &Session, tool: String, mut runs: u32) -> Result<String, ToolError> {
    if tool == "noop" {
        return Ok("nothing to do".into());
    }
    runs += 1;
    let count = u8::try_from(runs).map_err(|_| ToolError::Body("too many runs".into()))?;
    Ok(format!("{tool} x{count}"))
}

#[hook(BeforeTool, tenant = "rewrites")]
fn sandbox(ctx: &mut Ctx<BeforeTool>) -> Outcome {
    ctx.tool = format!("sandbox:{}", ctx.tool);
    Outcome::Continue
}

#[hook(AfterTool, tenant = "rewrites")]
async fn record_and_sign(ctx: &mut Ctx<AfterTool>) -> Outcome {
    tokio::task::yield_now().await;
    SEEN_BY_AFTER.lock().unwrap().push(format!("{} {}", ctx.tool, ctx.runs));
    if let Ok(answer) = &mut ctx.result {
        answer.push_str(" [signed]");
    }
    Outcome::Continue
}

#[tokio::test]
async fn after_hooks_see_the_arguments_as_the_body_received_them() {
    audit_to_temp();
    assert_eq!(call_tool(&session("rewrites"), "ls".into(), 1).await.unwrap(), "sandbox:ls x2 [signed]");
    let seen = SEEN_BY_AFTER.lock().unwrap().clone();
    // The tool as the before hook rewrote it; `runs` as the body got it,
    // before the body's own `runs += 1`.
    assert!(seen.contains(&"sandbox:ls 1".to_owned()), "{seen:?}");
}

#[hook(AfterTool, tenant = "early")]
fn check(ctx: &mut Ctx<AfterTool>) -> Outcome {
    match &mut ctx.result {
        Ok(answer) => answer.push_str(" [checked]"),
        Err(ToolError::Body(message)) => message.push_str(" [checked]"),
        Err(ToolError::Hook(_)) => {}
    }
    Outcome::Continue
}

#[tokio::test]
async fn an_early_return_or_question_mark_in_an_async_body_still_runs_the_after_hooks() {
    audit_to_temp();
    assert_eq!(call_tool(&session("early"), "noop".into(), 0).await.unwrap(), "nothing to do [checked]");
    assert_eq!(
        call_tool(&session("early"), "big".into(), 300).await,
        Err(ToolError::Body("too many runs [checked]".into()))
    );
    assert_eq!(call_tool(&session("early"), "ls".into(), 0).await.unwrap(), "ls x1 [checked]");
}

/// Returns early from the body, and the after hook still rewrites.
#[hookpoint(BeforeShortcut, after = AfterShortcut)]
fn shortcut(session: &Session, word: String) -> Result<String, ToolError> {
    if word.is_empty() {
        return Ok("empty".into());
    }
    let first = word.chars().next().ok_or_else(|| ToolError::Body("unreachable".into()))?;
    Ok(first.to_string())
}

#[hook(AfterShortcut)]
fn shout(ctx: &mut Ctx<AfterShortcut>) -> Outcome {
    if let Ok(text) = &mut ctx.result {
        *text = text.to_uppercase();
    }
    Outcome::Continue
}

#[test]
fn an_early_return_in_a_sync_body_still_runs_the_after_hooks() {
    audit_to_temp();
    assert_eq!(shortcut(&session("any"), String::new()).unwrap(), "EMPTY");
    assert_eq!(shortcut(&session("any"), "rust".into()).unwrap(), "R");
}

// --- nothing is cloned for an after point with no hook --------------------------

static CLONES: AtomicUsize = AtomicUsize::new(0);

/// An argument that counts its clones.
#[derive(Debug)]
struct Counted(u32);

impl Clone for Counted {
    fn clone(&self) -> Self {
        CLONES.fetch_add(1, Ordering::SeqCst);
        Counted(self.0)
    }
}

/// Neither point has a hook.
#[hookpoint(BeforeQuiet, after = AfterQuiet)]
fn quiet(session: &Session, value: Counted) -> Result<u32, ToolError> {
    Ok(value.0)
}

/// Only the after point has a hook.
#[hookpoint(BeforeWatched, after = AfterWatched)]
fn watched(session: &Session, value: Counted) -> Result<u32, ToolError> {
    Ok(value.0)
}

#[hook(AfterWatched)]
fn watch(ctx: &Ctx<AfterWatched>) -> Outcome {
    assert_eq!(ctx.result, Ok(ctx.value.0));
    Outcome::Continue
}

#[test]
fn an_after_point_with_no_hook_clones_nothing() {
    audit_to_temp();
    assert!(!AfterQuiet::is_hooked());
    let before = CLONES.load(Ordering::SeqCst);
    assert_eq!(quiet(&session("any"), Counted(4)).unwrap(), 4);
    assert_eq!(CLONES.load(Ordering::SeqCst), before, "an unhooked after point cloned an argument");
}

#[test]
fn a_hooked_after_point_keeps_a_copy_of_the_arguments_for_its_hooks() {
    audit_to_temp();
    let before = CLONES.load(Ordering::SeqCst);
    assert_eq!(watched(&session("any"), Counted(5)).unwrap(), 5);
    assert!(CLONES.load(Ordering::SeqCst) > before, "the counter counts the copy the after hooks read");
}

// --- a guard after point fails the call when its hook fails ----------------------

static CHARGES: AtomicUsize = AtomicUsize::new(0);

/// A guard: `on_failure` left at `"deny"`.
#[hookpoint(BeforeCharge, after = AfterCharge)]
async fn charge(session: &Session, cents: u64) -> Result<String, ToolError> {
    CHARGES.fetch_add(1, Ordering::SeqCst);
    Ok(format!("charged {cents}"))
}

#[hook(AfterCharge, tenant = "errs")]
fn receipt_store_down(_ctx: &Ctx<AfterCharge>) -> Result<Outcome, String> {
    Err("receipt store unreachable".into())
}

#[hook(AfterCharge, tenant = "panics")]
async fn receipt_bug(_ctx: &mut Ctx<AfterCharge>) -> Outcome {
    panic!("receipt bug")
}

#[tokio::test]
async fn a_failing_hook_on_a_guard_after_point_fails_the_call() {
    audit_to_temp();
    let before = CHARGES.load(Ordering::SeqCst);
    let error = charge(&session("errs"), 100).await.unwrap_err();
    assert!(
        matches!(&error, ToolError::Hook(HookError::Failed { point: "after_charge", message, .. }) if message.contains("receipt store unreachable")),
        "{error:?}"
    );
    let error = charge(&session("panics"), 100).await.unwrap_err();
    assert!(matches!(error, ToolError::Hook(HookError::Panicked { point: "after_charge", .. })), "{error:?}");
    assert_eq!(CHARGES.load(Ordering::SeqCst), before + 2, "the body ran: after hooks judge its result");
    assert_eq!(charge(&session("calm"), 100).await.unwrap(), "charged 100");
}

// --- `#[agent]` methods, a custom name, a redacted argument ------------------------

struct Assistant {
    signature: &'static str,
}

#[agent]
impl Assistant {
    /// An answer customers may sign.
    #[hookpoint(BeforeAnswer, after = AfterAnswer, after_name = "assistant.answered")]
    fn answer(&self, session: &Session, #[redact] secret: String, question: String) -> Result<String, ToolError> {
        if question.is_empty() {
            return Err(ToolError::Body("no question".into()));
        }
        Ok(format!("{question}? {} ({} chars of secret)", self.signature, secret.len()))
    }

    /// The same, async and mutating its agent.
    #[hookpoint(BeforeReply, after = AfterReply)]
    async fn reply(&mut self, session: &Session, text: String) -> Result<String, ToolError> {
        self.signature = "replied";
        Ok(format!("{text} {}", self.signature))
    }
}

#[hook(AfterAnswer, tenant = "signs")]
fn sign_answer(ctx: &mut Ctx<AfterAnswer>) -> Outcome {
    let secret = ctx.secret.clone();
    if let Ok(answer) = &mut ctx.result {
        answer.push_str(" [signed]");
    }
    Outcome::block(format!("leaked {secret}"))
}

#[hook(AfterReply)]
async fn reply_seen(ctx: &mut Ctx<AfterReply>) -> Outcome {
    if let Ok(text) = &mut ctx.result {
        text.push('!');
    }
    Outcome::Continue
}

#[tokio::test]
async fn agent_methods_declare_after_points_named_as_asked_with_arguments_still_redacted() {
    audit_to_temp();
    assert_eq!(<AfterAnswer as HookPoint>::NAME, "assistant.answered");
    assert_eq!(<AfterAnswer as HookPoint>::REDACTED, &["secret"]);
    assert_eq!(<AfterReply as HookPoint>::NAME, "after_reply");
    let assistant = Assistant { signature: "bot" };
    let error = assistant.answer(&session("signs"), "hunter2".into(), "why".into()).unwrap_err();
    let ToolError::Hook(HookError::Blocked(blocked)) = error else { panic!("expected a block, got {error:?}") };
    assert_eq!(blocked.reason, "leaked [REDACTED]");
    assert_eq!(assistant.answer(&session("other"), "k".into(), "why".into()).unwrap(), "why? bot (1 chars of secret)");
    let mut assistant = Assistant { signature: "bot" };
    assert_eq!(assistant.reply(&session("any"), "hi".into()).await.unwrap(), "hi replied!");
    assert_eq!(assistant.signature, "replied");
}

// --- an after hook that asks cannot make the body run again -----------------------

static SHIPPED: AtomicUsize = AtomicUsize::new(0);

/// The error of `ship`: bindable to an approval (`Serialize` and `Debug`).
#[derive(Clone, Debug, serde::Serialize)]
struct ShipError {
    #[serde(skip)]
    hook: HookError,
}

impl From<HookError> for ShipError {
    fn from(hook: HookError) -> Self {
        ShipError { hook }
    }
}

/// Ships a parcel; each run's result differs.
#[hookpoint(BeforeShip, after = AfterShip)]
fn ship(session: &Session, parcel: String) -> Result<String, ShipError> {
    let count = SHIPPED.fetch_add(1, Ordering::SeqCst);
    Ok(format!("{parcel} shipped as #{count}"))
}

#[hook(AfterShip)]
fn review_shipment(_ctx: &Ctx<AfterShip>) -> Outcome {
    Outcome::ask("release the tracking number?")
}

#[test]
fn an_after_hook_that_asks_on_a_sync_point_denies_the_call_and_offers_nothing_to_resume() {
    audit_to_temp();
    let before = SHIPPED.load(Ordering::SeqCst);
    let error = ship(&session("ships"), "books".into()).unwrap_err();
    assert!(
        matches!(&error.hook, HookError::ApprovalDenied { point: "after_ship", denial: Denial::AfterTheBody, .. }),
        "an after hook's ask must not return an id to resume with (resuming runs the body again): {error:?}"
    );
    assert_eq!(SHIPPED.load(Ordering::SeqCst), before + 1);
}
