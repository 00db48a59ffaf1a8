//! The promise matrix's cells for the ways a hook runs that have no test
//! file of their own: on a parallel point, on a run-all point, on an after
//! point, and under a configuration. Each test breaks if its promise breaks
//! there; the matrix in the manual names it.

use std::sync::atomic::{AtomicUsize, Ordering};

use agenthooks::{config, hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp, one_at_a_time, AgentError};

/// A unique session per call, so that its audit lines can be counted.
fn session(tenant: &str) -> Session {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    Session::new(format!("matrix-{tenant}-{call}")).with_tenant(tenant)
}

/// The audit lines of `session`'s calls.
fn lines_of(session: &Session) -> Vec<String> {
    let quoted = format!("\"session_id\":\"{}\"", session.session_id());
    audit_lines().into_iter().filter(|line| line.contains(&quoted)).collect()
}

/// Bodies run for a tenant whose hooks fail: none may.
static FAILED_BODIES: AtomicUsize = AtomicUsize::new(0);

/// Counts a body run for `session`.
fn body_runs(session: &Session) {
    if matches!(session.tenant_id(), Some("fails" | "panics")) {
        FAILED_BODIES.fetch_add(1, Ordering::SeqCst);
    }
}

// --- parallel and run-all --------------------------------------------------

/// A guard whose hooks run concurrently, each on its own copy.
#[hookpoint(ParallelGuard, compose = "parallel")]
async fn parallel_guard(session: &Session, text: String) -> Result<String, AgentError> {
    body_runs(session);
    Ok(text)
}

/// A guard whose hooks all run, even after one blocks.
#[hookpoint(RunAllGuard, compose = "run_all")]
async fn run_all_guard(session: &Session, text: String) -> Result<String, AgentError> {
    body_runs(session);
    Ok(text)
}

macro_rules! composed_hooks {
    ($point:ident, $fails:ident, $panics:ident, $acme:ident, $watch:ident) => {
        #[hook($point, tenant = "fails")]
        async fn $fails(_ctx: &Ctx<$point>) -> Result<Outcome, String> {
            Err("policy store unreachable".into())
        }

        #[hook($point, tenant = "panics")]
        async fn $panics(_ctx: &Ctx<$point>) -> Outcome {
            panic!("guard bug")
        }

        #[hook($point, tenant = "acme")]
        async fn $acme(ctx: &mut Ctx<$point>) -> Outcome {
            ctx.text.push_str(" +acme");
            Outcome::Continue
        }

        #[hook($point)]
        async fn $watch(_ctx: &Ctx<$point>) -> Outcome {
            Outcome::Continue
        }
    };
}

composed_hooks!(ParallelGuard, parallel_fails, parallel_panics, parallel_acme, parallel_watch);
composed_hooks!(RunAllGuard, run_all_fails, run_all_panics, run_all_acme, run_all_watch);

#[tokio::test]
async fn fail_closed_parallel_and_run_all_guards_stop_the_call_when_a_hook_fails() {
    audit_to_temp();
    for tenant in ["fails", "panics"] {
        let error = parallel_guard(&session(tenant), "x".into()).await.expect_err(tenant).0;
        assert!(
            matches!(error, HookError::Failed { .. } | HookError::Panicked { .. }),
            "parallel, {tenant}: {error:?}"
        );
        let error = run_all_guard(&session(tenant), "x".into()).await.expect_err(tenant).0;
        assert!(matches!(error, HookError::Failed { .. } | HookError::Panicked { .. }), "run-all, {tenant}: {error:?}");
        assert_eq!(FAILED_BODIES.load(Ordering::SeqCst), 0, "no body ran for {tenant}");
    }
}

#[tokio::test]
async fn tenant_isolation_parallel_and_run_all_run_a_tenants_hooks_for_it_alone() {
    audit_to_temp();
    assert_eq!(parallel_guard(&session("acme"), "x".into()).await.unwrap(), "x +acme");
    assert_eq!(run_all_guard(&session("acme"), "x".into()).await.unwrap(), "x +acme");
    let globex = session("globex");
    assert_eq!(parallel_guard(&globex, "x".into()).await.unwrap(), "x");
    assert_eq!(run_all_guard(&globex, "x".into()).await.unwrap(), "x");
    let lines = lines_of(&globex);
    assert!(lines.iter().all(|line| line.contains("_watch")), "only the every-tenant hooks ran for globex: {lines:?}");
}

#[tokio::test]
async fn exactly_once_audit_parallel_and_run_all_write_one_line_per_hook_execution() {
    audit_to_temp();
    let acme = session("acme");
    parallel_guard(&acme, "x".into()).await.unwrap();
    run_all_guard(&acme, "x".into()).await.unwrap();
    let lines = lines_of(&acme);
    for hook in ["parallel_acme", "parallel_watch", "run_all_acme", "run_all_watch"] {
        let count = lines.iter().filter(|line| line.contains(&format!("promise_matrix::{hook}\""))).count();
        assert_eq!(count, 1, "{hook}: {lines:?}");
    }
    assert_eq!(lines.len(), 4, "{lines:?}");
    // A failing hook's execution is a line too, once.
    let fails = session("fails");
    parallel_guard(&fails, "x".into()).await.unwrap_err();
    let lines = lines_of(&fails);
    let failed = lines.iter().filter(|line| line.contains("promise_matrix::parallel_fails\"")).count();
    assert_eq!(failed, 1, "{lines:?}");
}

// --- after points ----------------------------------------------------------

/// Runs of `fetch`'s body.
static FETCHES: AtomicUsize = AtomicUsize::new(0);

/// A tool with a guard after point: its hooks judge the result.
#[hookpoint(BeforeFetch, after = AfterFetch)]
fn fetch(session: &Session, url: String) -> Result<String, FetchError> {
    FETCHES.fetch_add(1, Ordering::SeqCst);
    Ok(format!("page of {url}"))
}

/// The tool's error, `Clone` as an after point's result must be.
#[derive(Clone, Debug)]
struct FetchError(HookError);

impl From<HookError> for FetchError {
    fn from(error: HookError) -> Self {
        FetchError(error)
    }
}

#[hook(AfterFetch, tenant = "acme")]
fn acme_masks(ctx: &mut Ctx<AfterFetch>) -> Outcome {
    if let Ok(page) = &mut ctx.result {
        *page = "[masked]".into();
    }
    Outcome::Continue
}

#[hook(AfterFetch, tenant = "fails")]
fn masking_fails(_ctx: &mut Ctx<AfterFetch>) -> Result<Outcome, String> {
    Err("masking service unreachable".into())
}

#[hook(AfterFetch)]
fn after_watch(_ctx: &Ctx<AfterFetch>) -> Outcome {
    Outcome::Continue
}

#[test]
fn fail_closed_a_failing_masking_hook_lets_no_result_through() {
    let _turn = one_at_a_time();
    let error = fetch(&session("fails"), "https://intranet".into()).unwrap_err().0;
    assert!(matches!(error, HookError::Failed { point: "after_fetch", .. }), "{error:?}");
}

#[test]
fn tenant_isolation_an_after_hook_of_one_tenant_never_sees_anothers_result() {
    let _turn = one_at_a_time();
    assert_eq!(fetch(&session("acme"), "u".into()).unwrap(), "[masked]");
    let globex = session("globex");
    assert_eq!(fetch(&globex, "u".into()).unwrap(), "page of u");
    let lines = lines_of(&globex);
    assert!(lines.iter().all(|line| !line.contains("acme_masks")), "{lines:?}");
}

#[test]
fn exactly_once_audit_an_after_point_writes_one_line_per_hook_and_the_body_runs_once() {
    let _turn = one_at_a_time();
    let acme = session("acme");
    let before = FETCHES.load(Ordering::SeqCst);
    fetch(&acme, "u".into()).unwrap();
    assert_eq!(FETCHES.load(Ordering::SeqCst), before + 1);
    let lines = lines_of(&acme);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines.iter().filter(|line| line.contains("promise_matrix::acme_masks\"")).count(), 1);
    assert_eq!(lines.iter().filter(|line| line.contains("promise_matrix::after_watch\"")).count(), 1);
}

// --- configured hooks ------------------------------------------------------

/// A guard configured from a file.
#[hookpoint(ConfiguredGuard)]
fn configured_guard(session: &Session, text: String) -> Result<String, AgentError> {
    Ok(text)
}

#[hook(ConfiguredGuard, tenant = "acme")]
fn acme_guard(_ctx: &Ctx<ConfiguredGuard>) -> Result<Outcome, String> {
    Err("policy store unreachable".into())
}

#[test]
fn fail_closed_a_configuration_cannot_let_a_guards_failure_through() {
    let _turn = one_at_a_time();
    let configuration = "[hook.\"promise_matrix::acme_guard\"]\nfallback = true\ntimeout_ms = 50\n";
    config::apply_str(configuration, "hooks.toml").expect("the configuration applies");
    let error = configured_guard(&session("acme"), "x".into()).unwrap_err().0;
    assert!(matches!(error, HookError::Failed { .. }), "`fallback = true` does not open a guard point: {error:?}");
}

#[test]
fn tenant_isolation_a_configuration_for_another_tenant_runs_no_hook_for_it() {
    let _turn = one_at_a_time();
    let configuration = "[hook.\"promise_matrix::acme_guard\".tenant.globex]\nenabled = true\n";
    // Whether refused or applied, the hook stays acme's.
    let _ = config::apply_str(configuration, "hooks.toml");
    let globex = session("globex");
    assert_eq!(configured_guard(&globex, "x".into()).unwrap(), "x");
    assert!(lines_of(&globex).is_empty(), "no hook ran for globex");
}

#[test]
fn exactly_once_audit_a_shadowed_guard_writes_one_line_per_call() {
    let _turn = one_at_a_time();
    config::apply_str("[hook.\"promise_matrix::acme_guard\"]\nmode = \"shadow\"\n", "hooks.toml")
        .expect("the configuration applies");
    let acme = session("acme");
    assert_eq!(configured_guard(&acme, "x".into()).unwrap(), "x", "a shadowed guard enforces nothing");
    let lines = lines_of(&acme);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(r#""hook.status":"shadow""#), "{}", lines[0]);
}
