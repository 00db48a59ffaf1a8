//! The executor's rules for `async fn` points and hooks, and `#[agent]`
//! impl blocks.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use agenthooks::{agent, hook, Ctx, HookError, OnFailure, Outcome, Session};

#[derive(Debug, PartialEq)]
enum AgentError {
    Hook(HookError),
}

impl From<HookError> for AgentError {
    fn from(error: HookError) -> Self {
        AgentError::Hook(error)
    }
}

struct SearchAgent {
    index: Vec<&'static str>,
    searches: AtomicUsize,
}

#[agent]
impl SearchAgent {
    /// Customers may rewrite the query and cap the results.
    #[hookpoint(BeforeSearch, on_failure = "continue")]
    async fn search(&self, session: &Session, query: String, limit: usize) -> Result<Vec<&'static str>, AgentError> {
        self.searches.fetch_add(1, Ordering::Relaxed);
        tokio::task::yield_now().await;
        Ok(self.index.iter().copied().filter(|doc| doc.contains(query.as_str())).take(limit).collect())
    }

    /// A plain method of the same block: no hook point.
    fn searches(&self) -> usize {
        self.searches.load(Ordering::Relaxed)
    }
}

fn agent() -> SearchAgent {
    SearchAgent {
        index: vec!["rust book", "rust eu guide", "go eu guide", "rust eu faq"],
        searches: AtomicUsize::new(0),
    }
}

fn session(tenant: &str) -> Session {
    Session::new("s-1").with_tenant(tenant)
}

#[hook(BeforeSearch, tenant = "acme", order = 10, timeout_ms = 200)]
async fn eu_only(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    tokio::task::yield_now().await;
    ctx.query.push_str(" eu");
    Outcome::Continue
}

#[hook(BeforeSearch, tenant = "acme", order = 20)]
fn cap_results(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    ctx.limit = ctx.limit.min(1);
    Outcome::Continue
}

static OVERRAN_TO_THE_END: AtomicBool = AtomicBool::new(false);

#[hook(BeforeSearch, tenant = "slow", timeout_ms = 20)]
async fn never_done(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    ctx.query = "changed before the deadline".into();
    tokio::time::sleep(Duration::from_millis(200)).await;
    OVERRAN_TO_THE_END.store(true, Ordering::SeqCst);
    Outcome::Continue
}

#[hook(BeforeSearch, tenant = "panics")]
async fn panics_after_change(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    ctx.query = "changed before the panic".into();
    tokio::task::yield_now().await;
    panic!("async hook bug")
}

#[hook(BeforeSearch, tenant = "strict", timeout_ms = 10, fallback = false)]
async fn strict_and_slow(_ctx: &Ctx<BeforeSearch>) -> Outcome {
    tokio::time::sleep(Duration::from_millis(100)).await;
    Outcome::Continue
}

#[hook(BeforeSearch, tenant = "guarded")]
async fn guard(ctx: &Ctx<BeforeSearch>) -> Result<Outcome, String> {
    if ctx.query.contains("secret") {
        Ok(Outcome::block("no secrets"))
    } else {
        Ok(Outcome::Continue)
    }
}

#[tokio::test]
async fn async_and_sync_hooks_rewrite_the_arguments_the_body_sees() {
    let agent = agent();
    assert_eq!(agent.search(&session("acme"), "rust".into(), 10).await.unwrap(), ["rust eu guide"]);
    assert_eq!(
        agent.search(&session("other"), "rust".into(), 10).await.unwrap(),
        ["rust book", "rust eu guide", "rust eu faq"]
    );
    assert_eq!(agent.searches(), 2);
}

#[tokio::test]
async fn an_async_hook_is_cancelled_at_its_deadline_and_its_changes_discarded() {
    let agent = agent();
    let found = agent.search(&session("slow"), "go".into(), 10).await.unwrap();
    assert_eq!(found, ["go eu guide"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!OVERRAN_TO_THE_END.load(Ordering::SeqCst), "the hook's future must be dropped at its deadline");
}

#[tokio::test]
async fn a_panicking_async_hook_is_contained() {
    let agent = agent();
    assert_eq!(agent.search(&session("panics"), "go".into(), 10).await.unwrap(), ["go eu guide"]);
}

#[tokio::test]
async fn a_strict_async_hook_that_times_out_fails_the_call_and_the_body_does_not_run() {
    let agent = agent();
    let error = agent.search(&session("strict"), "go".into(), 10).await.unwrap_err();
    assert_eq!(
        error,
        AgentError::Hook(HookError::TimedOut {
            point: "before_search",
            hook: "async_executor::strict_and_slow",
            timeout_ms: 10,
            on_failure: OnFailure::Continue,
        })
    );
    assert_eq!(agent.searches(), 0);
}

#[tokio::test]
async fn an_async_observer_can_block() {
    let agent = agent();
    assert!(agent.search(&session("guarded"), "rust".into(), 10).await.is_ok());
    let error = agent.search(&session("guarded"), "secret".into(), 10).await.unwrap_err();
    assert!(matches!(error, AgentError::Hook(HookError::Blocked(blocked)) if blocked.reason == "no secrets"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_each_see_their_own_tenant() {
    let agent = std::sync::Arc::new(agent());
    let calls = (0..64).map(|i| {
        let agent = agent.clone();
        tokio::spawn(async move {
            let tenant = if i % 2 == 0 { "acme" } else { "other" };
            (tenant, agent.search(&session(tenant), "rust".into(), 10).await.unwrap().len())
        })
    });
    for call in calls {
        let (tenant, found) = call.await.unwrap();
        assert_eq!(found, if tenant == "acme" { 1 } else { 3 }, "tenant {tenant}");
    }
}
