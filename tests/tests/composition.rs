//! Failure policies, shadow mode and parallel composition, through the
//! public API.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};
use tokio::sync::Notify;

fn session(tenant: &str) -> Session {
    Session::new(format!("composition-{tenant}")).with_tenant(tenant)
}

// --- a guard point fails closed, whatever its hooks do ----------------------------

/// A guard: `on_failure` left at `"deny"`.
#[hookpoint(BeforeTool)]
async fn call_tool(session: &Session, tool: String) -> Result<String, AgentError> {
    Ok(format!("ran {tool}"))
}

#[hook(BeforeTool, tenant = "errs")]
fn guard_errs(_ctx: &Ctx<BeforeTool>) -> Result<Outcome, String> {
    Err("policy store unreachable".into())
}

#[hook(BeforeTool, tenant = "panics")]
fn guard_panics(_ctx: &Ctx<BeforeTool>) -> Outcome {
    panic!("guard bug")
}

#[hook(BeforeTool, tenant = "overruns", timeout_ms = 5)]
fn guard_overruns(_ctx: &Ctx<BeforeTool>) -> Outcome {
    std::thread::sleep(Duration::from_millis(30));
    Outcome::Continue
}

#[hook(BeforeTool, tenant = "hangs", timeout_ms = 10)]
async fn guard_hangs(_ctx: &Ctx<BeforeTool>) -> Outcome {
    std::future::pending::<()>().await;
    Outcome::Continue
}

#[hook(BeforeTool, tenant = "blocks-its-thread", timeout_ms = 10)]
async fn guard_blocks_its_thread(_ctx: &Ctx<BeforeTool>) -> Outcome {
    std::thread::sleep(Duration::from_millis(30));
    Outcome::Continue
}

#[hook(BeforeTool, tenant = "async-errs")]
async fn guard_async_errs(_ctx: &Ctx<BeforeTool>) -> Result<Outcome, String> {
    Err("async policy store unreachable".into())
}

#[hook(BeforeTool, tenant = "async-panics")]
async fn guard_async_panics(_ctx: &Ctx<BeforeTool>) -> Outcome {
    tokio::task::yield_now().await;
    panic!("async guard bug")
}

#[tokio::test]
async fn a_guard_point_lets_no_failure_of_any_kind_through() {
    audit_to_temp();
    for tenant in ["errs", "panics", "overruns", "hangs", "blocks-its-thread", "async-errs", "async-panics"] {
        let error = call_tool(&session(tenant), "shell".into()).await.expect_err(tenant).0;
        assert!(
            matches!(error, HookError::Failed { .. } | HookError::Panicked { .. } | HookError::TimedOut { .. }),
            "{tenant}: {error:?}"
        );
    }
    assert_eq!(call_tool(&session("calm"), "ls".into()).await.unwrap(), "ran ls");
}

// --- an enrichment point lets failures through, and says so ---------------------

#[hookpoint(Hint, on_failure = "continue")]
fn hint(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

#[hook(Hint, tenant = "flaky", order = 1)]
fn flaky_hint(ctx: &mut Ctx<Hint>) -> Result<Outcome, String> {
    ctx.query.push_str(" +half-done");
    Err("hint service down".into())
}

#[hook(Hint, tenant = "strict", order = 1, fallback = false)]
fn strict_hint(_ctx: &mut Ctx<Hint>) -> Result<Outcome, String> {
    Err("required hint missing".into())
}

#[test]
fn an_enrichment_point_lets_a_failure_through_without_its_changes_unless_the_hook_is_strict() {
    audit_to_temp();
    assert_eq!(hint(&session("flaky"), "rust".into()).unwrap(), "rust");
    assert!(matches!(hint(&session("strict"), "rust".into()), Err(AgentError(HookError::Failed { .. }))));
    let lines = audit_lines();
    let flaky = lines.iter().find(|line| line.contains("composition::flaky_hint")).expect("audited");
    assert!(flaky.contains(r#""hook.let_through":true"#), "{flaky}");
    let strict = lines.iter().find(|line| line.contains("composition::strict_hint")).expect("audited");
    assert!(!strict.contains("hook.let_through"), "{strict}");
}

// --- provenance --------------------------------------------------------------------

#[hookpoint(Query)]
fn query(session: &Session, text: String, region: Option<String>, limit: u32) -> Result<String, AgentError> {
    Ok(format!("{text} {region:?} {limit}"))
}

#[hook(Query, order = 1)]
fn scope_to_eu(ctx: &mut Ctx<Query>) -> Outcome {
    ctx.region = Some("EU".into());
    ctx.limit = 10;
    Outcome::Continue
}

#[hook(Query, order = 2)]
fn leaves_it(ctx: &mut Ctx<Query>) -> Outcome {
    ctx.limit = 10;
    Outcome::Continue
}

#[test]
fn each_interceptors_audit_line_names_the_arguments_it_changed_never_their_values() {
    audit_to_temp();
    query(&Session::new("provenance"), "rust".into(), None, 5).unwrap();
    let lines: Vec<String> =
        audit_lines().into_iter().filter(|line| line.contains(r#""session_id":"provenance""#)).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains(r#""hook.changed":["region","limit"]"#), "{}", lines[0]);
    assert!(!lines[1].contains("hook.changed"), "setting a value it already had changes nothing: {}", lines[1]);
    assert!(lines.iter().all(|line| !line.contains("EU")), "values never reach the log");
}

// --- shadow mode ------------------------------------------------------------------

#[hookpoint(Publish)]
fn publish(session: &Session, text: String, audience: String) -> Result<String, AgentError> {
    Ok(format!("{text} -> {audience}"))
}

#[hook(Publish, tenant = "trial", order = 1, mode = "shadow")]
fn new_policy_blocks(_ctx: &Ctx<Publish>) -> Outcome {
    Outcome::block("would be too strict")
}

#[hook(Publish, tenant = "trial", order = 2, mode = "shadow")]
fn new_policy_rewrites(ctx: &mut Ctx<Publish>) -> Outcome {
    ctx.audience = "internal".into();
    Outcome::Continue
}

#[hook(Publish, tenant = "trial", order = 3, mode = "shadow")]
fn new_policy_fails(_ctx: &Ctx<Publish>) -> Result<Outcome, String> {
    Err("not ready".into())
}

#[test]
fn a_shadow_hook_is_audited_with_what_it_would_have_done_and_nothing_is_enforced() {
    audit_to_temp();
    assert_eq!(publish(&session("trial"), "news".into(), "everyone".into()).unwrap(), "news -> everyone");
    let lines: Vec<String> = audit_lines().into_iter().filter(|line| line.contains("composition-trial")).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines.iter().all(|line| line.contains(r#""hook.status":"shadow""#)), "{lines:?}");
    assert!(lines[0].contains("would block: would be too strict"), "{}", lines[0]);
    assert!(lines[1].contains("would change audience"), "{}", lines[1]);
    assert!(lines[2].contains("would fail: not ready"), "{}", lines[2]);
}

// --- parallel composition -------------------------------------------------------------

#[hookpoint(Review, compose = "parallel")]
async fn review(
    session: &Session,
    draft: String,
    tags: Vec<String>,
    score: u32,
) -> Result<(String, Vec<String>, u32), AgentError> {
    Ok((draft, tags, score))
}

/// Set by `second_signals` and awaited by `first_waits`: run one after the
/// other, `first_waits` would wait forever.
static SIGNAL: std::sync::LazyLock<Arc<Notify>> = std::sync::LazyLock::new(|| Arc::new(Notify::new()));
static FIRST_SAW_SIGNAL: AtomicBool = AtomicBool::new(false);

#[hook(Review, tenant = "concurrent", order = 1, timeout_ms = 2000)]
async fn first_waits(ctx: &mut Ctx<Review>) -> Outcome {
    SIGNAL.notified().await;
    FIRST_SAW_SIGNAL.store(true, Ordering::SeqCst);
    ctx.tags.push("first".into());
    Outcome::Continue
}

#[hook(Review, tenant = "concurrent", order = 2, timeout_ms = 2000)]
async fn second_signals(ctx: &mut Ctx<Review>) -> Outcome {
    SIGNAL.notify_one();
    ctx.score = 7;
    Outcome::Continue
}

#[tokio::test]
async fn parallel_hooks_run_concurrently_on_their_own_copies_and_their_changes_merge() {
    audit_to_temp();
    let (draft, tags, score) = review(&session("concurrent"), "d".into(), vec![], 0).await.unwrap();
    assert!(FIRST_SAW_SIGNAL.load(Ordering::SeqCst));
    assert_eq!((draft.as_str(), tags, score), ("d", vec!["first".to_owned()], 7));
}

#[hook(Review, tenant = "race", order = 1, timeout_ms = 2000)]
async fn slow_blocker(_ctx: &Ctx<Review>) -> Outcome {
    tokio::time::sleep(Duration::from_millis(30)).await;
    Outcome::block("slow and first in chain order")
}

#[hook(Review, tenant = "race", order = 2)]
async fn fast_blocker(_ctx: &Ctx<Review>) -> Outcome {
    Outcome::block("fast but second")
}

#[tokio::test]
async fn parallel_verdicts_merge_in_chain_order_not_completion_order() {
    audit_to_temp();
    let error = review(&session("race"), "d".into(), vec![], 0).await.unwrap_err().0;
    let HookError::Blocked(blocked) = error else { panic!("expected a block, got {error:?}") };
    assert_eq!(blocked.hook, "composition::slow_blocker");
}

#[hook(Review, tenant = "conflict", order = 1)]
async fn sets_score_high(ctx: &mut Ctx<Review>) -> Outcome {
    ctx.score = 9;
    Outcome::Continue
}

#[hook(Review, tenant = "conflict", order = 2)]
async fn sets_score_low(ctx: &mut Ctx<Review>) -> Outcome {
    ctx.score = 1;
    Outcome::Continue
}

#[tokio::test]
async fn two_parallel_hooks_changing_one_field_fail_the_call_naming_both() {
    audit_to_temp();
    let error = review(&session("conflict"), "d".into(), vec![], 0).await.unwrap_err().0;
    assert_eq!(
        error,
        HookError::ConflictingChanges {
            point: "review",
            field: "score",
            first: "composition::sets_score_high",
            second: "composition::sets_score_low"
        }
    );
}
