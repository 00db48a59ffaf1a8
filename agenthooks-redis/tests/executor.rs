//! The Redis store under the executor: hooks declared with `#[hook]` on
//! `async fn` points, the store installed as the process's store, a real
//! `redis-server` behind it. Limits admit exactly their count per tenant,
//! a server that goes away makes each hook do what it declared, audited,
//! and the same installed store enforces the limits again once the server
//! is back.
//!
//! The store is one per process: every test here holds [`serial`].

// The lock orders tests, each with a runtime of its own, not tasks of one
// runtime: holding it across an `.await` blocks no other task.
#![allow(clippy::await_holding_lock)]

mod support;

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use agenthooks::audit::{self, AuditConfig, AuditGuard, Entry};
use agenthooks::config;
use agenthooks::store::{self, Store};
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use redis::AsyncCommands;
use support::RedisServer;

/// Far longer than the store's timeout: the server did not come back.
const BACK_DEADLINE: Duration = Duration::from_secs(10);

/// The error of the points below: whatever a hook stopped the call with.
#[derive(Debug, PartialEq)]
struct AgentError(HookError);

impl From<HookError> for AgentError {
    fn from(error: HookError) -> Self {
        AgentError(error)
    }
}

/// Holds the process's store for one test, the audit log started first.
fn serial() -> MutexGuard<'static, ()> {
    static STORE: Mutex<()> = Mutex::new(());
    audit_path();
    STORE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// This binary's audit log, in a fresh file beside it under the target
/// directory, started on first use.
fn audit_path() -> &'static Path {
    static AUDIT: OnceLock<AuditGuard> = OnceLock::new();
    AUDIT
        .get_or_init(|| {
            let path = std::env::current_exe().expect("a test binary knows its path").with_extension("audit.jsonl");
            match std::fs::remove_file(&path) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => {
                    panic!("cannot clear the audit log `{}` of an earlier run: {error}", path.display())
                }
                _ => {}
            }
            audit::init(AuditConfig::new(path)).expect("the audit log starts before any hook runs")
        })
        .path()
}

/// The `(hook name, status)` of every audit line of `session`, in order.
fn audited(session: &str) -> Vec<(String, String)> {
    audit::flush().expect("the audit log flushes");
    let text = std::fs::read_to_string(audit_path()).expect("the audit log is readable");
    text.lines()
        .map(|line| Entry::parse(line.as_bytes()).expect("an audit line parses"))
        .filter(|entry| entry.session_id == session)
        .map(|entry| (entry.hook.rsplit("::").next().unwrap_or_default().to_owned(), entry.status.into_owned()))
        .collect()
}

/// How many lines of `lines` have `status`.
fn count(lines: &[(String, String)], status: &str) -> usize {
    lines.iter().filter(|(_, seen)| seen == status).count()
}

/// Installs a Redis store on `server` as the process's store, returning it
/// and the store it replaced.
async fn install_on(server: &RedisServer, namespace: &str) -> (Arc<dyn Store>, Arc<dyn Store>) {
    let redis: Arc<dyn Store> = Arc::new(server.store(namespace).await);
    let before = store::install(Arc::clone(&redis));
    (redis, before)
}

// --- rate limits -------------------------------------------------------------

#[hookpoint(Quota)]
async fn quota(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(Quota, rate_limit = "3/1h per tenant", exceeded = "block")]
fn quota_guard(ctx: &mut Ctx<Quota>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_per_tenant_kept_in_redis_admits_exactly_its_count_and_blocks_the_rest_audited() {
    let _serial = serial();
    let Some(server) = RedisServer::start() else { return };
    let (_redis, before) = install_on(&server, "e2e-rate").await;

    let session = Session::new("rate-a").with_tenant("t-a");
    let mut ran = 0;
    let mut limited = 0;
    for _ in 0..10 {
        match quota(&session, 0).await {
            Ok(marks) => ran += marks,
            Err(AgentError(HookError::RateLimited { hook, limit, .. })) => {
                assert!(hook.ends_with("quota_guard"), "{hook}");
                assert_eq!(limit, "3/1h per tenant");
                limited += 1;
            }
            Err(other) => panic!("only the limit refuses a call: {other:?}"),
        }
    }
    assert_eq!((ran, limited), (3, 7), "tenant A: the hook ran 3 times, 7 calls were blocked");
    let lines = audited("rate-a");
    assert_eq!(lines.len(), 10, "exactly one line per call: {lines:?}");
    assert_eq!(count(&lines, "rate_limited"), 7, "{lines:?}");
    assert_eq!(count(&lines, "ok"), 3, "{lines:?}");

    let other = Session::new("rate-b").with_tenant("t-b");
    let results: Vec<_> = calls_of(&other, 5).await;
    assert_eq!(results[..3], [Ok(1), Ok(1), Ok(1)], "tenant B has a bucket of its own");
    assert!(results[3..].iter().all(|result| matches!(result, Err(AgentError(HookError::RateLimited { .. })))));
    assert_eq!(count(&audited("rate-b"), "rate_limited"), 2);

    // The buckets are Redis keys, one per tenant, under the namespace.
    let mut raw = server.raw().await;
    for tenant in ["t-a", "t-b"] {
        let pattern = format!("e2e-rate:rate:rate/quota/executor::quota_guard/tenant/{tenant}");
        let keys: Vec<String> = raw.keys(&pattern).await.expect("the test server answers");
        assert_eq!(keys.len(), 1, "the bucket of {tenant} is kept in Redis: {keys:?}");
    }
    store::install(before);
}

/// `calls` calls of `quota` for `session`, one after the other.
async fn calls_of(session: &Session, calls: usize) -> Vec<Result<u32, AgentError>> {
    let mut results = Vec::with_capacity(calls);
    for _ in 0..calls {
        results.push(quota(session, 0).await);
    }
    results
}

// --- the server goes away, and comes back ------------------------------------

/// Fails closed (the default): a call whose guard is not checked fails.
#[hookpoint(Payment)]
async fn payment(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(Payment, rate_limit = "2/1h per tenant", store_down = "fail")]
fn payment_guard(ctx: &mut Ctx<Payment>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

/// Fails closed too, but its hook runs unchecked when the store is down.
#[hookpoint(Search)]
async fn search(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(Search, rate_limit = "2/1h per tenant", store_down = "run")]
fn search_enricher(ctx: &mut Ctx<Search>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

fn is_rate_limited(result: &Result<u32, AgentError>) -> bool {
    matches!(result, Err(AgentError(HookError::RateLimited { .. })))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_server_that_goes_away_makes_each_hook_do_what_it_declared_audited_and_limits_hold_again_when_it_is_back(
) {
    let _serial = serial();
    let Some(mut server) = RedisServer::start() else { return };
    let (redis, before) = install_on(&server, "e2e-outage").await;

    // Up: both limits hold.
    let up = Session::new("up").with_tenant("t-up");
    assert_eq!(payment(&up, 0).await, Ok(1));
    assert_eq!(payment(&up, 0).await, Ok(1));
    assert!(is_rate_limited(&payment(&up, 0).await), "the limit holds while the server is up");
    assert_eq!(search(&up, 0).await, Ok(1));
    assert_eq!(search(&up, 0).await, Ok(1));
    assert!(is_rate_limited(&search(&up, 0).await), "the limit holds while the server is up");

    // Down: the guard that says `fail` fails the call; the one that says
    // `run` runs, unchecked: five runs over a limit of two.
    server.stop();
    let down = Session::new("down").with_tenant("t-down");
    for _ in 0..5 {
        let result = payment(&down, 0).await;
        let Err(AgentError(HookError::StoreDown { hook, reason, .. })) = result else {
            panic!("a fail-closed point fails the call while the store is down: {result:?}")
        };
        assert!(hook.ends_with("payment_guard"), "{hook}");
        assert!(reason.contains("unreachable"), "{reason}");
    }
    for _ in 0..5 {
        assert_eq!(search(&down, 0).await, Ok(1), "the hook ran unchecked and the call went on");
    }
    let lines = audited("down");
    let of = |hook: &str, status: &str| lines.iter().filter(|line| line.0 == hook && line.1 == status).count();
    assert_eq!(of("payment_guard", "store_down"), 5, "{lines:?}");
    assert_eq!(lines.iter().filter(|line| line.0 == "payment_guard").count(), 5, "it never ran: {lines:?}");
    assert_eq!(of("search_enricher", "store_down"), 5, "{lines:?}");
    assert_eq!(of("search_enricher", "ok"), 5, "{lines:?}");

    // Back on the same port: the same installed store answers again. A
    // tenant of its own waits for it, so that the tenant counted below
    // starts with a full bucket on the fresh server.
    let _server = RedisServer::start_on(server.port());
    assert!(Arc::ptr_eq(&store::installed(), &redis), "the store was never replaced");
    let waiting = Session::new("waiting").with_tenant("t-waiting");
    let started = Instant::now();
    let mut refused = 0;
    loop {
        match payment(&waiting, 0).await {
            Ok(_) => break,
            Err(AgentError(HookError::StoreDown { .. })) if started.elapsed() < BACK_DEADLINE => refused += 1,
            Err(other) => panic!("the store did not answer again: {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("back: the store answered after {refused} calls refused as store down");

    let back = Session::new("back").with_tenant("t-back");
    assert_eq!(payment(&back, 0).await, Ok(1));
    assert_eq!(payment(&back, 0).await, Ok(1));
    assert!(is_rate_limited(&payment(&back, 0).await), "the limit holds again, not store down");
    assert_eq!(search(&back, 0).await, Ok(1));
    assert_eq!(search(&back, 0).await, Ok(1));
    assert!(is_rate_limited(&search(&back, 0).await), "the hook is checked again, not unchecked");
    let lines = audited("back");
    assert_eq!(count(&lines, "store_down"), 0, "{lines:?}");
    assert_eq!(count(&lines, "rate_limited"), 2, "{lines:?}");
    store::install(before);
}

// --- tenants and deployments -------------------------------------------------

#[hookpoint(SessionQuota)]
async fn session_quota(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(SessionQuota, rate_limit = "2/1h per session", exceeded = "skip")]
fn session_counter(ctx: &mut Ctx<SessionQuota>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

/// How many of `calls` calls of `session_quota` for `session` ran the hook.
async fn session_runs(session: &Session, calls: usize) -> u32 {
    let mut runs = 0;
    for _ in 0..calls {
        runs += session_quota(session, 0).await.expect("a skipped hook lets the call go on");
    }
    runs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_per_session_kept_in_redis_gives_the_same_session_id_of_two_tenants_a_quota_each() {
    let _serial = serial();
    let Some(server) = RedisServer::start() else { return };
    let (_redis, before) = install_on(&server, "e2e-session").await;
    for tenant in ["acme", "globex"] {
        let session = Session::new("shared-session-id").with_tenant(tenant);
        assert_eq!(session_runs(&session, 6).await, 2, "tenant {tenant} has a quota of its own");
    }
    assert_eq!(session_runs(&Session::new("shared-session-id"), 6).await, 2, "so has the session without a tenant");
    store::install(before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_deployments_on_one_redis_server_do_not_share_a_limit() {
    let _serial = serial();
    let Some(server) = RedisServer::start() else { return };
    let session = Session::new("deployments").with_tenant("acme");
    let (_first, before) = install_on(&server, "deploy-eu").await;
    assert_eq!(session_runs(&session, 6).await, 2, "the first deployment's quota");
    let (_second, _first) = install_on(&server, "deploy-us").await;
    assert_eq!(session_runs(&session, 6).await, 2, "the second deployment counts apart, on the same server");
    store::install(before);
}

#[hookpoint(Transfer)]
async fn transfer(session: &Session, account: String) -> Result<String, AgentError> {
    TRANSFERS.fetch_add(1, Ordering::SeqCst);
    Ok(account)
}

/// How many times `transfer`'s body ran.
static TRANSFERS: AtomicUsize = AtomicUsize::new(0);

/// Fails on an account it cannot read: a tenant that sends such accounts
/// opens its breaker.
#[hook(Transfer, breaker = "2 in 1h, probe after 1h")]
fn account_check(ctx: &Ctx<Transfer>) -> Result<(), String> {
    if ctx.account.starts_with("unreadable") {
        Err("cannot read the account".into())
    } else {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breaker_kept_in_redis_opened_by_one_tenants_failures_stays_closed_for_another_tenant() {
    let _serial = serial();
    let Some(server) = RedisServer::start() else { return };
    let (_redis, before) = install_on(&server, "e2e-breaker").await;
    let acme = Session::new("breaker-acme").with_tenant("acme");
    for _ in 0..2 {
        let failed = transfer(&acme, "unreadable".into()).await;
        assert!(matches!(failed, Err(AgentError(HookError::Failed { .. }))), "{failed:?}");
    }
    for _ in 0..3 {
        let refused = transfer(&acme, "ch-1".into()).await;
        assert!(matches!(refused, Err(AgentError(HookError::BreakerOpen { .. }))), "{refused:?}");
    }
    let globex = Session::new("breaker-globex").with_tenant("globex");
    assert_eq!(transfer(&globex, "ch-2".into()).await, Ok("ch-2".to_owned()), "globex's calls are not refused");

    let lines = audited("breaker-acme");
    assert_eq!(lines.len(), 5, "exactly one line per call: {lines:?}");
    assert_eq!(count(&lines, "breaker_open"), 3, "{lines:?}");
    assert_eq!(audited("breaker-globex"), [("account_check".to_owned(), "ok".to_owned())]);
    store::install(before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breaker_on_a_deny_point_fails_the_call_closed_while_redis_is_down() {
    let _serial = serial();
    let Some(mut server) = RedisServer::start() else { return };
    let (_redis, before) = install_on(&server, "e2e-breaker-down").await;
    server.stop();
    let session = Session::new("breaker-down").with_tenant("acme");
    let ran = TRANSFERS.load(Ordering::SeqCst);
    for _ in 0..3 {
        let result = transfer(&session, "ch-3".into()).await;
        assert!(matches!(result, Err(AgentError(HookError::StoreDown { .. }))), "{result:?}");
    }
    assert_eq!(TRANSFERS.load(Ordering::SeqCst), ran, "the body never ran unguarded");
    let lines = audited("breaker-down");
    assert_eq!(lines, vec![("account_check".to_owned(), "store_down".to_owned()); 3], "one line per call");
    store::install(before);
}

// --- configuration -----------------------------------------------------------

#[hookpoint(Configured)]
async fn configured(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(Configured, rate_limit = "1/1h per tenant")]
fn limited_and_configured(ctx: &mut Ctx<Configured>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kill_switch_and_the_configuration_reach_a_hook_limited_in_redis() {
    let _serial = serial();
    let Some(server) = RedisServer::start() else { return };
    let (_redis, before) = install_on(&server, "e2e-config").await;
    let session = Session::new("configured").with_tenant("acme");
    let hook = format!("[hook.\"{}::limited_and_configured\"]", module_path!());
    let apply = |text: &str| config::apply_str(text, "redis executor test").expect("the configuration applies");

    apply(&format!("{hook}\nenabled = false\n"));
    assert_eq!(configured(&session, 0).await, Ok(0));
    apply("disable_all = true\n");
    assert_eq!(configured(&session, 0).await, Ok(0));
    let mut raw = server.raw().await;
    let keys: Vec<String> = raw.keys("e2e-config:*").await.expect("the test server answers");
    assert!(keys.is_empty(), "a hook switched off takes nothing from its bucket: {keys:?}");
    config::clear().expect("the configuration clears");
    assert_eq!(configured(&session, 0).await, Ok(1));
    apply(&format!("{hook}\nmode = \"shadow\"\n"));
    assert_eq!(configured(&session, 0).await, Ok(0), "over the limit in shadow: the call goes on");
    config::clear().expect("the configuration clears");
    assert!(is_rate_limited(&configured(&session, 0).await), "enforced again");
    let lines = audited("configured");
    let seen: Vec<&str> = lines.iter().map(|(_, status)| status.as_str()).collect();
    assert_eq!(seen, ["ok", "shadow", "rate_limited"]);
    store::install(before);
}
