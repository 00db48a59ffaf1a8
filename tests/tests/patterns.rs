//! Rate limits, retry and circuit breakers, enforced by the executor:
//! limits admit exactly their count per scope, a call over one blocks or
//! skips as declared, a store that cannot answer does what the hook
//! declared, retries restore the arguments and stay within the one time
//! limit, breakers open, probe once, close and reopen; every decision is
//! an audit line.
//!
//! The store is one per process: every test here holds [`serial`], since
//! some install a store of their own.

// The lock orders tests, each with a runtime of its own, not tasks of one
// runtime: holding it across an `.await` blocks no other task.
#![allow(clippy::await_holding_lock)]

use std::future::pending;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use agenthooks::audit::{self, Entry, TornTail};
use agenthooks::patterns::{Per, StoreDown};
use agenthooks::runtime::{self, RegisterError};
use agenthooks::store::{self, Breaker, Permit, Rate, Store, StoreError, StoreFuture};
use agenthooks::testing::Recorder;
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session, Status};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};

/// Holds the process's store for one test.
fn serial() -> MutexGuard<'static, ()> {
    static STORE: Mutex<()> = Mutex::new(());
    audit_to_temp();
    STORE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A store whose server is gone.
#[derive(Debug)]
struct Unreachable;

impl Store for Unreachable {
    fn admit<'a>(&'a self, _key: &'a str, _rate: Rate) -> StoreFuture<'a, bool> {
        Box::pin(async { Err(StoreError::Unreachable("connection refused".into())) })
    }
    fn permit<'a>(&'a self, _key: &'a str, _breaker: Breaker) -> StoreFuture<'a, Permit> {
        Box::pin(async { Err(StoreError::Unreachable("connection refused".into())) })
    }
    fn record<'a>(&'a self, _: &'a str, _: Breaker, _: Permit, _: bool) -> StoreFuture<'a, ()> {
        Box::pin(async { Err(StoreError::Unreachable("connection refused".into())) })
    }
}

/// A store that never answers at once.
#[derive(Debug)]
struct Slow;

impl Store for Slow {
    fn admit<'a>(&'a self, _key: &'a str, _rate: Rate) -> StoreFuture<'a, bool> {
        Box::pin(pending())
    }
    fn permit<'a>(&'a self, _key: &'a str, _breaker: Breaker) -> StoreFuture<'a, Permit> {
        Box::pin(pending())
    }
    fn record<'a>(&'a self, _: &'a str, _: Breaker, _: Permit, _: bool) -> StoreFuture<'a, ()> {
        Box::pin(pending())
    }
}

/// Runs `test` with `replacement` installed as the process's store.
fn with_store<R>(replacement: Arc<dyn Store>, test: impl FnOnce() -> R) -> R {
    let before = store::install(replacement);
    let result = test();
    store::install(before);
    result
}

/// The statuses the recorder saw for `hook` in `session`.
fn statuses(recorder: &Recorder, session: &str, hook: &str) -> Vec<Status> {
    recorder.of_session(session).into_iter().filter(|run| run.hook.ends_with(hook)).map(|run| run.status).collect()
}

// --- rate limits -------------------------------------------------------------

#[hookpoint(PerTenant)]
fn per_tenant(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(PerTenant, rate_limit = "3/1h per tenant", exceeded = "skip")]
fn counted_per_tenant(ctx: &mut Ctx<PerTenant>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

/// How many of `calls` calls of `call` the hook ran in (it adds one mark).
fn admitted(calls: usize, call: impl Fn(usize) -> Result<u32, AgentError>) -> u32 {
    (0..calls).map(|index| call(index).expect("a skipped hook lets the call go on")).sum()
}

#[test]
fn a_limit_per_tenant_admits_exactly_its_count_for_each_tenant() {
    let _serial = serial();
    for tenant in ["t-acme", "t-globex"] {
        let runs = admitted(20, |index| per_tenant(&Session::new(format!("s-{index}")).with_tenant(tenant), 0));
        assert_eq!(runs, 3, "tenant {tenant}");
    }
}

#[hookpoint(PerSession)]
fn per_session(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(PerSession, rate_limit = "2/1h per session", exceeded = "skip")]
fn counted_per_session(ctx: &mut Ctx<PerSession>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

#[test]
fn a_limit_per_session_admits_exactly_its_count_for_each_session_of_one_tenant() {
    let _serial = serial();
    for session in ["ps-1", "ps-2", "ps-3"] {
        let runs = admitted(10, |_| per_session(&Session::new(session).with_tenant("acme"), 0));
        assert_eq!(runs, 2, "session {session}");
    }
}

#[hookpoint(PerHook)]
fn per_hook(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(PerHook, rate_limit = "4/1h per hook", exceeded = "skip")]
fn counted_per_hook(ctx: &mut Ctx<PerHook>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

#[test]
fn a_limit_per_hook_admits_exactly_its_count_across_tenants_and_sessions() {
    let _serial = serial();
    let tenants = ["a", "b", "c"];
    let runs = admitted(30, |index| {
        per_hook(&Session::new(format!("ph-{index}")).with_tenant(tenants[index % tenants.len()]), 0)
    });
    assert_eq!(runs, 4);
}

#[hookpoint(Blocking)]
fn blocking(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(Blocking, rate_limit = "2/1h per session")]
fn blocks_when_exceeded(ctx: &mut Ctx<Blocking>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

#[test]
fn a_call_over_a_limit_that_blocks_fails_with_rate_limited_and_is_audited() {
    let _serial = serial();
    let recorder = Recorder::start();
    let session = Session::new("blocking-1");
    assert_eq!(blocking(&session, 0), Ok(1));
    assert_eq!(blocking(&session, 0), Ok(1));
    let Err(AgentError(HookError::RateLimited { hook, limit, .. })) = blocking(&session, 0) else {
        panic!("the third call is over the limit")
    };
    assert!(hook.ends_with("blocks_when_exceeded"), "{hook}");
    assert_eq!(limit, "2/1h per session");
    let runs = recorder.of_session("blocking-1");
    assert_eq!(runs.iter().map(|run| run.status).collect::<Vec<_>>(), [Status::Ok, Status::Ok, Status::RateLimited]);
    let message = runs[2].message.as_deref().unwrap_or_default();
    assert!(message.contains("the call was blocked"), "{message}");
}

#[test]
fn a_call_over_a_limit_that_skips_goes_on_without_the_hook_and_is_audited() {
    let _serial = serial();
    let recorder = Recorder::start();
    let session = Session::new("skipping-1").with_tenant("t-skip");
    let results: Vec<_> = (0..5).map(|_| per_tenant(&session, 0)).collect();
    assert_eq!(results, [Ok(1), Ok(1), Ok(1), Ok(0), Ok(0)], "the body ran every time");
    let statuses = statuses(&recorder, "skipping-1", "counted_per_tenant");
    assert_eq!(statuses[3..], [Status::RateLimited, Status::RateLimited]);
    let message = recorder.of_session("skipping-1")[4].message.clone().unwrap_or_default();
    assert!(message.contains("rate limit of 3/1h per tenant exceeded: the hook was skipped"), "{message}");
}

// --- tenants -----------------------------------------------------------------

#[test]
fn a_limit_per_session_gives_the_same_session_id_of_two_tenants_a_quota_each() {
    let _serial = serial();
    for tenant in ["acme", "globex"] {
        let runs = admitted(10, |_| per_session(&Session::new("shared-session-id").with_tenant(tenant), 0));
        assert_eq!(runs, 2, "tenant {tenant} has a quota of its own for its session `shared-session-id`");
    }
    let runs = admitted(10, |_| per_session(&Session::new("shared-session-id"), 0));
    assert_eq!(runs, 2, "a session without a tenant shares no quota with a tenant's session of the same id");
    // Ids built to meet in a key that joins its parts with `/` unescaped.
    for (tenant, id) in [("t-x/session/t-y", "t-z"), ("t-x", "t-y/session/t-z")] {
        let runs = admitted(10, |_| per_session(&Session::new(id).with_tenant(tenant), 0));
        assert_eq!(runs, 2, "session {id:?} of tenant {tenant:?} has a quota of its own");
    }
}

#[test]
fn a_limit_per_tenant_keeps_tenants_whose_names_look_like_key_parts_apart() {
    let _serial = serial();
    // Names built to meet in a key that joins its parts with `/` or `:`.
    for tenant in ["t-x/tenant:t-y", "t-x", "t-x/no-tenant", "t-x%2F", "no-tenant"] {
        let runs = admitted(10, |index| per_tenant(&Session::new(format!("kp-{index}")).with_tenant(tenant), 0));
        assert_eq!(runs, 3, "tenant {tenant:?} has a bucket of its own");
    }
}

#[hookpoint(Transfer)]
fn transfer(session: &Session, account: String) -> Result<String, AgentError> {
    Ok(account)
}

static TRANSFER_CHECKS: AtomicUsize = AtomicUsize::new(0);

/// Fails on an account it cannot read: a tenant that sends such accounts
/// opens its breaker.
#[hook(Transfer, breaker = "2 in 1h, probe after 1h")]
fn account_check(ctx: &Ctx<Transfer>) -> Result<(), String> {
    TRANSFER_CHECKS.fetch_add(1, Ordering::SeqCst);
    if ctx.account.starts_with("unreadable") {
        Err("cannot read the account".into())
    } else {
        Ok(())
    }
}

#[test]
fn a_breaker_opened_by_one_tenants_failures_stays_closed_for_another_tenant_on_a_deny_point() {
    let _serial = serial();
    let recorder = Recorder::start();
    let acme = Session::new("tenant-breaker-acme").with_tenant("acme");
    for _ in 0..2 {
        assert!(matches!(transfer(&acme, "unreadable".into()), Err(AgentError(HookError::Failed { .. }))));
    }
    let refused = transfer(&acme, "ch-1".into());
    assert!(matches!(refused, Err(AgentError(HookError::BreakerOpen { .. }))), "acme's breaker is open: {refused:?}");
    let checks = TRANSFER_CHECKS.load(Ordering::SeqCst);
    let globex = Session::new("tenant-breaker-globex").with_tenant("globex");
    assert_eq!(transfer(&globex, "ch-2".into()), Ok("ch-2".to_owned()), "globex's calls are not refused");
    assert_eq!(TRANSFER_CHECKS.load(Ordering::SeqCst), checks + 1, "globex's call ran the check");
    assert_eq!(statuses(&recorder, "tenant-breaker-globex", "account_check"), [Status::Ok]);
}

#[hookpoint(Shell, on_failure = "continue")]
fn shell(session: &Session, command: String) -> Result<String, AgentError> {
    Ok(command)
}

/// A guard on a point that lets failures through: it fails on a command it
/// cannot read, and blocks `rm`.
#[hook(Shell, breaker = "1 in 1h, probe after 1h")]
fn no_rm(ctx: &Ctx<Shell>) -> Result<Outcome, String> {
    if ctx.command.is_empty() {
        return Err("cannot read the command".into());
    }
    Ok(if ctx.command.starts_with("rm ") { Outcome::block("`rm` is not allowed") } else { Outcome::Continue })
}

#[test]
fn a_breaker_opened_by_one_tenant_does_not_switch_the_guard_off_for_another_tenant_on_a_continue_point() {
    let _serial = serial();
    let acme = Session::new("tenant-guard-acme").with_tenant("acme");
    assert_eq!(shell(&acme, String::new()), Ok(String::new()), "acme's failure was let through");
    assert_eq!(shell(&acme, "rm -rf /".into()), Ok("rm -rf /".to_owned()), "acme's own breaker is open");
    let globex = Session::new("tenant-guard-globex").with_tenant("globex");
    let result = shell(&globex, "rm -rf /".into());
    assert!(matches!(result, Err(AgentError(HookError::Blocked(_)))), "globex's guard still runs: {result:?}");
}

// --- one audit line per execution --------------------------------------------

/// The audit lines of `session` whose hook is `hook`.
fn lines_of(session: &str, hook: &str) -> Vec<String> {
    let quoted = format!("\"{session}\"");
    audit_lines().into_iter().filter(|line| line.contains(&quoted) && line.contains(hook)).collect()
}

#[test]
fn a_call_refused_by_a_rate_limit_or_an_open_breaker_is_exactly_one_audit_line() {
    let _serial = serial();
    let session = Session::new("one-line-rate");
    for _ in 0..5 {
        let _ = blocking(&session, 0);
    }
    let lines = lines_of("one-line-rate", "blocks_when_exceeded");
    assert_eq!(lines.len(), 5, "one line per call: {lines:#?}");
    assert_eq!(lines.iter().filter(|line| line.contains("\"rate_limited\"")).count(), 3, "{lines:#?}");

    let session = Session::new("one-line-breaker").with_tenant("one-line");
    for _ in 0..5 {
        let _ = transfer(&session, "unreadable".into());
    }
    let lines = lines_of("one-line-breaker", "account_check");
    assert_eq!(lines.len(), 5, "one line per call: {lines:#?}");
    assert_eq!(lines.iter().filter(|line| line.contains("\"breaker_open\"")).count(), 3, "{lines:#?}");
}

// --- configuration -----------------------------------------------------------

#[hookpoint(Configured)]
fn configured(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(Configured, rate_limit = "1/1h per tenant")]
fn limited_and_configured(ctx: &mut Ctx<Configured>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

/// Applies `text` as the process's configuration.
fn apply(text: &str) {
    agenthooks::config::apply_str(text, "patterns test").expect("the configuration applies");
}

#[test]
fn the_kill_switch_and_the_configuration_reach_a_hook_with_a_rate_limit() {
    let _serial = serial();
    let recorder = Recorder::start();
    let session = Session::new("configured-1").with_tenant("t-configured");
    let hook = format!("[hook.\"{}::limited_and_configured\"]", module_path!());

    // Off, then every hook off: the hook does not run, and takes nothing
    // from its bucket.
    apply(&format!("{hook}\nenabled = false\n"));
    assert_eq!(configured(&session, 0), Ok(0));
    assert_eq!(configured(&session, 0), Ok(0));
    apply("disable_all = true\n");
    assert_eq!(configured(&session, 0), Ok(0));
    agenthooks::config::clear().expect("the configuration clears");
    assert_eq!(configured(&session, 0), Ok(1), "the bucket's one call was still there");
    // Shadow: the call over the limit goes on, audited as what would have
    // happened; enforced again, it is blocked.
    apply(&format!("{hook}\nmode = \"shadow\"\n"));
    assert_eq!(configured(&session, 0), Ok(0));
    agenthooks::config::clear().expect("the configuration clears");
    assert!(matches!(configured(&session, 0), Err(AgentError(HookError::RateLimited { .. }))), "enforced again");
    let runs: Vec<_> = recorder
        .of_session("configured-1")
        .into_iter()
        .filter(|run| run.hook.ends_with("limited_and_configured"))
        .collect();
    let seen: Vec<_> = runs.iter().map(|run| run.status).collect();
    assert_eq!(seen, [Status::Ok, Status::Shadow, Status::RateLimited]);
    let would = runs[1].message.as_deref().unwrap_or_default();
    assert!(would.contains("would be rate_limited"), "{would}");
}

// --- store down --------------------------------------------------------------

#[hookpoint(GuardedByStore)]
fn guarded_by_store(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(GuardedByStore, rate_limit = "100/1m per tenant")]
fn fails_when_the_store_is_down(ctx: &mut Ctx<GuardedByStore>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

#[hook(GuardedByStore, rate_limit = "100/1m per tenant", store_down = "run", order = 200)]
fn runs_when_the_store_is_down(ctx: &mut Ctx<GuardedByStore>) -> Outcome {
    ctx.marks += 10;
    Outcome::Continue
}

#[test]
fn a_store_that_cannot_answer_fails_a_hook_that_says_fail_and_its_deny_point_fails_the_call() {
    let _serial = serial();
    let recorder = Recorder::start();
    let result = with_store(Arc::new(Unreachable), || guarded_by_store(&Session::new("down-1"), 0));
    let Err(AgentError(HookError::StoreDown { hook, reason, .. })) = result else {
        panic!("the point fails closed: {result:?}")
    };
    assert!(hook.ends_with("fails_when_the_store_is_down"), "{hook}");
    assert!(reason.contains("connection refused"), "{reason}");
    let runs = recorder.of_session("down-1");
    assert_eq!(runs.len(), 1, "the call stopped at the first hook: {runs:?}");
    assert_eq!(runs[0].status, Status::StoreDown);
    assert!(runs[0].message.as_deref().unwrap_or_default().contains("the hook did not run"));
}

#[hookpoint(LenientStore, on_failure = "continue")]
fn lenient_store(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[hook(LenientStore, rate_limit = "100/1m per tenant")]
fn left_out_when_the_store_is_down(ctx: &mut Ctx<LenientStore>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

#[hook(LenientStore, rate_limit = "100/1m per tenant", store_down = "run", order = 200)]
fn unchecked_when_the_store_is_down(ctx: &mut Ctx<LenientStore>) -> Outcome {
    ctx.marks += 10;
    Outcome::Continue
}

#[test]
fn a_store_that_cannot_answer_leaves_out_a_hook_that_says_fail_and_runs_one_that_says_run_audited() {
    let _serial = serial();
    let recorder = Recorder::start();
    let result = with_store(Arc::new(Unreachable), || lenient_store(&Session::new("down-2"), 0));
    assert_eq!(result, Ok(10), "the first hook was left out, the second ran");
    let runs = recorder.of_session("down-2");
    let seen: Vec<_> = runs.iter().map(|run| (run.hook.rsplit("::").next().unwrap_or_default(), run.status)).collect();
    assert_eq!(
        seen,
        [
            ("left_out_when_the_store_is_down", Status::StoreDown),
            ("unchecked_when_the_store_is_down", Status::StoreDown),
            ("unchecked_when_the_store_is_down", Status::Ok),
        ]
    );
    assert!(runs[1].message.as_deref().unwrap_or_default().contains("the hook ran unchecked"));
    let lines = audit_lines();
    let let_through = lines
        .iter()
        .filter(|line| line.contains("\"down-2\"") && line.contains("left_out_when_the_store_is_down"))
        .all(|line| line.contains("\"hook.let_through\":true"));
    assert!(let_through, "the failure let through is audited as such");
}

#[test]
fn a_plain_fn_point_treats_a_store_not_ready_at_once_as_down() {
    let _serial = serial();
    let recorder = Recorder::start();
    let result = with_store(Arc::new(Slow), || lenient_store(&Session::new("slow-1"), 0));
    assert_eq!(result, Ok(10));
    let message = recorder.of_session("slow-1")[0].message.clone().unwrap_or_default();
    assert!(message.contains("cannot answer a plain `fn` point without waiting"), "{message}");
}

// --- retry -------------------------------------------------------------------

#[hookpoint(Fetch)]
async fn fetch(session: &Session, #[key] url: String, query: String) -> Result<String, AgentError> {
    Ok(format!("{url}{query}"))
}

static FLAKY_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Changes the query (the url is a key, which hooks only read), then fails twice (an error, then a panic) before
/// it succeeds.
#[hook(Fetch, retry = 3, backoff_ms = 10, timeout_ms = 5000, url = "https://flaky/*")]
async fn flaky(ctx: &mut Ctx<Fetch>) -> Result<Outcome, String> {
    ctx.query.push_str("?signed");
    match FLAKY_RUNS.fetch_add(1, Ordering::SeqCst) {
        0 => Err("connection reset".into()),
        1 => panic!("upstream answered garbage"),
        _ => Ok(Outcome::Continue),
    }
}

/// The audit lines of `session`, read back.
fn entries_of(session: &str) -> Vec<(String, Option<u32>)> {
    let quoted = format!("\"{session}\"");
    audit_lines()
        .iter()
        .filter(|line| line.contains(&quoted))
        .map(|line| {
            let entry = Entry::parse(line.as_bytes()).expect("an audit line parses");
            (entry.status.into_owned(), entry.attempt)
        })
        .collect()
}

#[tokio::test]
async fn retry_runs_a_failing_hook_again_on_the_arguments_it_first_received_auditing_each_attempt() {
    let _serial = serial();
    let url = fetch(&Session::new("retry-1"), "https://flaky/a".into(), String::new()).await;
    assert_eq!(url, Ok("https://flaky/a?signed".to_owned()), "the failed attempts' changes were undone");
    assert_eq!(FLAKY_RUNS.load(Ordering::SeqCst), 3);
    assert_eq!(
        entries_of("retry-1"),
        [("error".to_owned(), Some(1)), ("error".to_owned(), Some(2)), ("ok".to_owned(), Some(3))]
    );
}

static SLOW_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Fails after 40 ms, every time: 11 attempts would take 440 ms.
#[hook(Fetch, retry = 10, backoff_ms = 10, timeout_ms = 200, url = "https://slow/*")]
async fn always_failing(_ctx: &Ctx<Fetch>) -> Result<Outcome, String> {
    SLOW_RUNS.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(40)).await;
    Err("still down".into())
}

#[tokio::test]
async fn retries_stop_within_the_hooks_one_time_limit() {
    let _serial = serial();
    let result = fetch(&Session::new("retry-2"), "https://slow/a".into(), String::new()).await;
    assert!(matches!(result, Err(AgentError(HookError::Failed { .. } | HookError::TimedOut { .. }))), "{result:?}");
    let runs = SLOW_RUNS.load(Ordering::SeqCst);
    assert!((1..11).contains(&runs), "{runs} attempts: the time limit cut the retries short");
    assert_eq!(entries_of("retry-2").len(), runs, "one audit line per attempt");
}

static STUCK_RUNS: AtomicUsize = AtomicUsize::new(0);

#[hook(Fetch, retry = 3, backoff_ms = 10, timeout_ms = 50, url = "https://stuck/*")]
async fn stuck(_ctx: &Ctx<Fetch>) -> Outcome {
    STUCK_RUNS.fetch_add(1, Ordering::SeqCst);
    pending::<()>().await;
    Outcome::Continue
}

#[tokio::test]
async fn a_hook_that_runs_out_its_time_limit_is_not_retried() {
    let _serial = serial();
    let result = fetch(&Session::new("retry-3"), "https://stuck/a".into(), String::new()).await;
    assert!(matches!(result, Err(AgentError(HookError::TimedOut { .. }))), "{result:?}");
    assert_eq!(STUCK_RUNS.load(Ordering::SeqCst), 1);
    assert_eq!(entries_of("retry-3"), [("timeout".to_owned(), Some(1))]);
}

// --- circuit breakers --------------------------------------------------------

#[hookpoint(Charge)]
fn charge(session: &Session, cents: u64) -> Result<u64, AgentError> {
    Ok(cents)
}

static CHARGE_FAILS: AtomicBool = AtomicBool::new(true);
static CHARGE_RUNS: AtomicUsize = AtomicUsize::new(0);

#[hook(Charge, breaker = "2 in 1h, probe after 300ms")]
fn payment_gateway(_ctx: &Ctx<Charge>) -> Result<(), String> {
    CHARGE_RUNS.fetch_add(1, Ordering::SeqCst);
    if CHARGE_FAILS.load(Ordering::SeqCst) {
        Err("gateway down".into())
    } else {
        Ok(())
    }
}

/// Waits past the breaker's `probe after`.
fn past_probe_after() {
    std::thread::sleep(Duration::from_millis(400));
}

#[test]
fn a_breaker_opens_after_its_failures_skips_audited_probes_once_reopens_on_failure_and_closes_on_success() {
    let _serial = serial();
    let recorder = Recorder::start();
    let session = Session::new("breaker-1");
    let runs = || CHARGE_RUNS.load(Ordering::SeqCst);
    for _ in 0..2 {
        assert!(matches!(charge(&session, 100), Err(AgentError(HookError::Failed { .. }))));
    }
    // Open: the hook does not run, and the deny point fails the call.
    let Err(AgentError(HookError::BreakerOpen { breaker, .. })) = charge(&session, 100) else {
        panic!("the breaker opened after two failures")
    };
    assert_eq!(breaker, "2 in 1h, probe after 300ms");
    assert_eq!(runs(), 2);
    // The probe fails: the breaker opens again at once.
    past_probe_after();
    assert!(matches!(charge(&session, 100), Err(AgentError(HookError::Failed { .. }))), "the probe ran");
    assert_eq!(runs(), 3);
    assert!(matches!(charge(&session, 100), Err(AgentError(HookError::BreakerOpen { .. }))), "reopened");
    assert_eq!(runs(), 3);
    // The next probe succeeds: closed, every call runs the hook again.
    past_probe_after();
    CHARGE_FAILS.store(false, Ordering::SeqCst);
    assert_eq!(charge(&session, 100), Ok(100));
    assert_eq!(charge(&session, 100), Ok(100));
    assert_eq!(runs(), 5);
    let statuses = statuses(&recorder, "breaker-1", "payment_gateway");
    let (open, error, ok) = (Status::BreakerOpen, Status::Error, Status::Ok);
    assert_eq!(statuses, [error, error, open, error, open, ok, ok]);
}

#[hookpoint(Enrich, on_failure = "continue")]
fn enrich(session: &Session, notes: Vec<String>) -> Result<Vec<String>, AgentError> {
    Ok(notes)
}

static ENRICH_RUNS: AtomicUsize = AtomicUsize::new(0);

#[hook(Enrich, breaker = "1 in 1h, probe after 1h")]
fn broken_enricher(ctx: &mut Ctx<Enrich>) -> Result<Outcome, String> {
    ENRICH_RUNS.fetch_add(1, Ordering::SeqCst);
    ctx.notes.push("half-written".into());
    Err("model unavailable".into())
}

#[test]
fn an_open_breaker_on_a_continue_point_lets_the_call_go_on_without_the_hook() {
    let _serial = serial();
    let recorder = Recorder::start();
    let session = Session::new("breaker-2");
    assert_eq!(enrich(&session, vec![]), Ok(vec![]), "the failure was let through");
    assert_eq!(enrich(&session, vec![]), Ok(vec![]), "the open breaker was let through");
    assert_eq!(ENRICH_RUNS.load(Ordering::SeqCst), 1);
    assert_eq!(statuses(&recorder, "breaker-2", "broken_enricher"), [Status::Error, Status::BreakerOpen]);
    let open = audit_lines().into_iter().find(|line| line.contains("\"breaker-2\"") && line.contains("breaker_open"));
    assert!(open.is_some_and(|line| line.contains("\"hook.let_through\":true")));
}

#[hookpoint(Probe)]
fn probe(session: &Session, cents: u64) -> Result<u64, AgentError> {
    Ok(cents)
}

static PROBE_RUNS: AtomicUsize = AtomicUsize::new(0);
/// Set by the probe while it runs; the test releases it.
static PROBE_GATE: (Mutex<(bool, bool)>, Condvar) = (Mutex::new((false, false)), Condvar::new());

#[hook(Probe, breaker = "1 in 1h, probe after 1s", timeout_ms = 10000)]
fn gated(_ctx: &Ctx<Probe>) -> Result<(), String> {
    if PROBE_RUNS.fetch_add(1, Ordering::SeqCst) == 0 {
        return Err("first run fails".into());
    }
    let (lock, changed) = &PROBE_GATE;
    let mut state = lock.lock().unwrap_or_else(PoisonError::into_inner);
    state.0 = true;
    changed.notify_all();
    let (_state, _) = changed
        .wait_timeout_while(state, Duration::from_secs(5), |(_, released)| !*released)
        .unwrap_or_else(PoisonError::into_inner);
    Ok(())
}

#[test]
fn while_the_probe_runs_every_other_call_finds_the_breaker_open() {
    let _serial = serial();
    assert!(probe(&Session::new("probe-1"), 1).is_err(), "the first failure opens the breaker");
    std::thread::sleep(Duration::from_millis(1100));
    let prober = std::thread::spawn(|| probe(&Session::new("probe-2"), 1));
    let (lock, changed) = &PROBE_GATE;
    let state = lock.lock().unwrap_or_else(PoisonError::into_inner);
    let mut state = changed
        .wait_timeout_while(state, Duration::from_secs(5), |(running, _)| !*running)
        .unwrap_or_else(PoisonError::into_inner)
        .0;
    assert!(state.0, "the probe runs");
    // The probe holds its place: this call does not run the hook.
    drop(state);
    let during = probe(&Session::new("probe-3"), 1);
    assert!(matches!(during, Err(AgentError(HookError::BreakerOpen { .. }))), "{during:?}");
    state = lock.lock().unwrap_or_else(PoisonError::into_inner);
    state.1 = true;
    changed.notify_all();
    drop(state);
    assert_eq!(prober.join().expect("the probe's call returns"), Ok(1));
    assert_eq!(PROBE_RUNS.load(Ordering::SeqCst), 2, "one failure, one probe");
    assert_eq!(probe(&Session::new("probe-4"), 1), Ok(1), "the probe's success closed the breaker");
}

// --- hooks registered at run time -------------------------------------------

#[hookpoint(Registered)]
fn registered(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

#[test]
fn registered_hooks_take_rate_limits_and_refuse_bad_patterns_with_typed_errors() {
    let _serial = serial();
    let hook = runtime::hook!(Registered, "plugin::limited")
        .rate_limit(2, Duration::from_secs(3600), Per::Session)
        .interceptor(|ctx: &mut Ctx<Registered>| {
            ctx.marks += 1;
            Outcome::Continue
        })
        .unwrap();
    let session = Session::new("registered-1");
    assert_eq!(registered(&session, 0), Ok(1));
    assert_eq!(registered(&session, 0), Ok(1));
    assert!(matches!(registered(&session, 0), Err(AgentError(HookError::RateLimited { .. }))));
    hook.remove();

    let observer = |_ctx: &Ctx<Registered>| Outcome::Continue;
    let zero = runtime::hook!(Registered, "plugin::zero").rate_limit(0, Duration::from_secs(1), Per::Hook);
    assert!(matches!(zero.observer(observer), Err(RegisterError::InvalidRateLimit { limit: 0, .. })));
    let plain = runtime::hook!(Registered, "plugin::plain").retry(3, Duration::from_millis(10));
    assert_eq!(plain.observer(observer).unwrap_err(), RegisterError::RetryNeedsAsync);
    let breaker = runtime::hook!(Registered, "plugin::breaker").breaker(5, Duration::ZERO, Duration::from_secs(1));
    assert!(matches!(breaker.observer(observer), Err(RegisterError::InvalidBreaker { failures: 5, .. })));
    let down = runtime::hook!(Registered, "plugin::down")
        .rate_limit(1, Duration::from_secs(3600), Per::Hook)
        .store_down(StoreDown::Run)
        .observer(observer)
        .unwrap();
    let patterns = down.meta().patterns.expect("the hook declares patterns");
    assert_eq!(patterns.store_down, StoreDown::Run);
    down.remove();
}

#[tokio::test]
async fn registered_async_hooks_take_retries() {
    let _serial = serial();
    let attempts = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&attempts);
    let hook = runtime::hook!(Fetch, "plugin::retried")
        .retry(2, Duration::from_millis(5))
        .async_observer(move |_ctx: &Ctx<Fetch>| {
            let counted = Arc::clone(&counted);
            Box::pin(async move {
                let attempt = counted.fetch_add(1, Ordering::SeqCst);
                if attempt < 2 {
                    Err("not yet".into())
                } else {
                    Ok(Outcome::Continue)
                }
            })
        })
        .unwrap();
    assert!(fetch(&Session::new("retry-4"), "https://other/".into(), String::new()).await.is_ok());
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    hook.remove();
}

// --- the audit chain ---------------------------------------------------------

#[test]
fn the_audit_log_with_pattern_lines_still_verifies() {
    let _serial = serial();
    let session = Session::new("verify-1");
    for _ in 0..4 {
        let _ = blocking(&session, 0);
    }
    assert!(audit_lines().iter().any(|line| line.contains("\"verify-1\"") && line.contains("rate_limited")));
    let verified = audit::verify(audit_to_temp(), TornTail::Ignore);
    assert!(verified.is_ok(), "{verified:?}");
}
