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
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use agenthooks::audit::{self, AuditConfig, AuditGuard, Entry};
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
        let pattern = format!("e2e-rate:rate:rate/*/*quota_guard/tenant:{tenant}");
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
