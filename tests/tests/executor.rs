//! The executor's rules for plain `fn` points: order, tenants, outcomes,
//! failures, time limits. Each test owns its point, so hooks of one test never
//! run in another.

use std::thread::sleep;
use std::time::Duration;

use agenthooks::{hook, hookpoint, Ctx, HookError, OnFailure, Outcome, Session};
use agenthooks_tests::AgentError;

fn session(tenant: &str) -> Session {
    Session::new("s-1").with_tenant(tenant)
}

// --- order -----------------------------------------------------------------

/// Hooks append their names to `trail`; the body returns it.
#[hookpoint(Ordered)]
fn ordered(session: &Session, trail: Vec<String>) -> Result<Vec<String>, AgentError> {
    Ok(trail)
}

#[hook(Ordered, order = 20)]
fn zeta(ctx: &mut Ctx<Ordered>) -> Outcome {
    ctx.trail.push("zeta@20".into());
    Outcome::Continue
}

#[hook(Ordered, order = 10)]
fn late_name_runs_by_order(ctx: &mut Ctx<Ordered>) -> Outcome {
    ctx.trail.push("late_name@10".into());
    Outcome::Continue
}

mod b_module {
    use super::{hook, Ctx, Ordered, Outcome};

    #[hook(Ordered, order = 20)]
    pub(super) fn alpha(ctx: &mut Ctx<Ordered>) -> Outcome {
        ctx.trail.push("b_module::alpha@20".into());
        Outcome::Continue
    }
}

mod a_module {
    use super::{hook, Ctx, Ordered, Outcome};

    #[hook(Ordered, order = 20)]
    pub(super) fn omega(ctx: &mut Ctx<Ordered>) -> Outcome {
        ctx.trail.push("a_module::omega@20".into());
        Outcome::Continue
    }
}

#[hook(Ordered, order = -5)]
fn negative_order_runs_first(ctx: &mut Ctx<Ordered>) -> Outcome {
    ctx.trail.push("first@-5".into());
    Outcome::Continue
}

#[test]
fn hooks_run_by_order_then_module_then_name() {
    let trail = ordered(&session("any"), Vec::new()).unwrap();
    // Ties at order 20 go by module (`executor` < `executor::a_module` <
    // `executor::b_module`), then by name: never by where they are written.
    assert_eq!(trail, ["first@-5", "late_name@10", "zeta@20", "a_module::omega@20", "b_module::alpha@20"]);
}

#[test]
fn listing_shows_every_hook_of_a_point_in_chain_order() {
    let names: Vec<_> =
        agenthooks::linked_hooks().into_iter().filter(|hook| hook.point == "ordered").map(|hook| hook.path).collect();
    assert_eq!(
        names,
        [
            "executor::negative_order_runs_first",
            "executor::late_name_runs_by_order",
            "executor::zeta",
            "executor::a_module::omega",
            "executor::b_module::alpha",
        ]
    );
    let zeta = agenthooks::linked_hooks().into_iter().find(|hook| hook.name == "zeta").unwrap();
    assert_eq!((zeta.crate_name, zeta.module, zeta.tenant, zeta.order), ("executor", "executor", None, 20));
    assert_eq!((zeta.timeout_ms, zeta.fallback), (500, true));
}

// --- tenants ---------------------------------------------------------------

/// Hooks append `tenant:hook` to `seen`.
#[hookpoint(Tenanted)]
fn tenanted(session: &Session, seen: Vec<String>) -> Result<Vec<String>, AgentError> {
    Ok(seen)
}

fn note(ctx: &mut Ctx<Tenanted>, hook: &str) -> Outcome {
    let tenant = ctx.tenant_id().unwrap_or("-").to_owned();
    ctx.seen.push(format!("{tenant}:{hook}"));
    Outcome::Continue
}

#[hook(Tenanted, tenant = "acme", order = 1)]
fn acme_only(ctx: &mut Ctx<Tenanted>) -> Outcome {
    note(ctx, "acme_only")
}

#[hook(Tenanted, tenant = "globex", order = 2)]
fn globex_only(ctx: &mut Ctx<Tenanted>) -> Outcome {
    note(ctx, "globex_only")
}

#[hook(Tenanted, order = 3)]
fn every_tenant(ctx: &mut Ctx<Tenanted>) -> Outcome {
    note(ctx, "every_tenant")
}

#[test]
fn a_tenant_hook_runs_only_for_its_tenant() {
    assert_eq!(tenanted(&session("acme"), vec![]).unwrap(), ["acme:acme_only", "acme:every_tenant"]);
    assert_eq!(tenanted(&session("globex"), vec![]).unwrap(), ["globex:globex_only", "globex:every_tenant"]);
}

#[test]
fn a_call_without_tenant_or_of_an_unknown_tenant_runs_only_hooks_for_every_tenant() {
    assert_eq!(tenanted(&Session::new("s-2"), vec![]).unwrap(), ["-:every_tenant"]);
    assert_eq!(tenanted(&session("initech"), vec![]).unwrap(), ["initech:every_tenant"]);
}

// --- outcomes --------------------------------------------------------------

/// The body counts its runs in `ran`.
#[hookpoint(Decided)]
fn decided(session: &Session, trail: Vec<String>) -> Result<Vec<String>, AgentError> {
    let mut trail = trail;
    trail.push("body".into());
    Ok(trail)
}

#[hook(Decided, tenant = "blocker", order = 1)]
fn block_it(ctx: &mut Ctx<Decided>) -> Outcome {
    ctx.trail.push("block_it".into());
    Outcome::block("not for this tenant")
}

#[hook(Decided, tenant = "skipper", order = 1)]
fn skip_rest(ctx: &mut Ctx<Decided>) -> Outcome {
    ctx.trail.push("skip_rest".into());
    Outcome::Skip
}

#[hook(Decided, tenant = "observed", order = 1)]
fn observe_only(ctx: &Ctx<Decided>) {
    assert!(ctx.trail.is_empty());
}

#[hook(Decided, tenant = "observed", order = 2)]
fn observer_may_block(ctx: &Ctx<Decided>) -> Outcome {
    if ctx.session().turn() == 7 {
        Outcome::block("turn 7 is closed")
    } else {
        Outcome::Continue
    }
}

#[hook(Decided, order = 5)]
fn after(ctx: &mut Ctx<Decided>) -> Outcome {
    ctx.trail.push("after".into());
    Outcome::Continue
}

#[test]
fn block_stops_the_chain_and_the_body_with_a_typed_error() {
    let AgentError(HookError::Blocked(blocked)) = decided(&session("blocker"), vec![]).unwrap_err() else {
        panic!("expected a block");
    };
    assert_eq!(
        (blocked.point, blocked.hook, blocked.reason.as_str()),
        ("decided", "executor::block_it", "not for this tenant")
    );
}

#[test]
fn skip_ends_the_chain_and_the_body_runs() {
    assert_eq!(decided(&session("skipper"), vec![]).unwrap(), ["skip_rest", "body"]);
}

#[test]
fn continue_runs_the_next_hook_then_the_body() {
    assert_eq!(decided(&session("anyone"), vec![]).unwrap(), ["after", "body"]);
}

#[test]
fn observers_run_and_may_block() {
    assert_eq!(decided(&session("observed"), vec![]).unwrap(), ["after", "body"]);
    let error = decided(&session("observed").with_turn(7), vec![]).unwrap_err();
    assert!(matches!(error.0, HookError::Blocked(blocked) if blocked.hook == "executor::observer_may_block"));
}

// --- failures --------------------------------------------------------------

/// Hooks change `value` and then fail in various ways.
#[hookpoint(Fragile, on_failure = "continue")]
fn fragile(session: &Session, value: String) -> Result<String, AgentError> {
    Ok(value)
}

#[hook(Fragile, tenant = "errs", order = 1)]
fn changes_then_errs(ctx: &mut Ctx<Fragile>) -> Result<Outcome, String> {
    ctx.value.push_str(" changed");
    Err("database down".into())
}

#[hook(Fragile, tenant = "panics", order = 1)]
fn changes_then_panics(ctx: &mut Ctx<Fragile>) -> Outcome {
    ctx.value.push_str(" changed");
    panic!("hook bug")
}

#[hook(Fragile, tenant = "slow", order = 1, timeout_ms = 20)]
fn changes_then_overruns(ctx: &mut Ctx<Fragile>) -> Outcome {
    ctx.value.push_str(" changed");
    sleep(Duration::from_millis(60));
    Outcome::Continue
}

#[hook(Fragile, tenant = "strict-errs", order = 1, fallback = false)]
fn strict_errs(ctx: &mut Ctx<Fragile>) -> Result<Outcome, std::io::Error> {
    ctx.value.push_str(" changed");
    Err(std::io::Error::other("disk full"))
}

#[hook(Fragile, tenant = "strict-panics", order = 1, fallback = false)]
fn strict_panics(_ctx: &mut Ctx<Fragile>) -> Outcome {
    panic!("strict bug")
}

#[hook(Fragile, tenant = "strict-slow", order = 1, timeout_ms = 10, fallback = false)]
fn strict_overruns(_ctx: &mut Ctx<Fragile>) -> Outcome {
    sleep(Duration::from_millis(40));
    Outcome::Continue
}

#[hook(Fragile, order = 2)]
fn next_hook_sees_the_value_as_before(ctx: &mut Ctx<Fragile>) -> Outcome {
    ctx.value.push_str(" +next");
    Outcome::Continue
}

#[test]
fn a_failing_hook_with_fallback_leaves_no_change_and_the_call_goes_on() {
    for tenant in ["errs", "panics", "slow"] {
        assert_eq!(fragile(&session(tenant), "v".into()).unwrap(), "v +next", "tenant {tenant}");
    }
}

#[test]
fn a_failing_hook_without_fallback_fails_the_call_naming_point_and_hook() {
    let failed = fragile(&session("strict-errs"), "v".into()).unwrap_err().0;
    assert_eq!(
        failed,
        HookError::Failed {
            point: "fragile",
            hook: "executor::strict_errs",
            message: "disk full".into(),
            on_failure: OnFailure::Continue,
        }
    );
    let panicked = fragile(&session("strict-panics"), "v".into()).unwrap_err().0;
    assert_eq!(
        panicked,
        HookError::Panicked {
            point: "fragile",
            hook: "executor::strict_panics",
            message: "strict bug".into(),
            on_failure: OnFailure::Continue,
        }
    );
    let timed_out = fragile(&session("strict-slow"), "v".into()).unwrap_err().0;
    assert_eq!(
        timed_out,
        HookError::TimedOut {
            point: "fragile",
            hook: "executor::strict_overruns",
            timeout_ms: 10,
            on_failure: OnFailure::Continue,
        }
    );
}

// --- redaction -------------------------------------------------------------

#[hookpoint(Login)]
fn login(session: &Session, user: String, #[redact] password: String) -> Result<String, AgentError> {
    Ok(format!("{user}:{}", password.len()))
}

#[hook(Login, fallback = false)]
fn leaks_the_password(ctx: &mut Ctx<Login>) -> Result<Outcome, String> {
    Err(format!("bad password {} for {}", ctx.password, ctx.user))
}

#[test]
fn redacted_values_are_scrubbed_from_hook_errors() {
    let error = login(&Session::new("s"), "ann".into(), "hunter2".into()).unwrap_err().0;
    assert_eq!(
        error,
        HookError::Failed {
            point: "login",
            hook: "executor::leaks_the_password",
            message: "bad password [REDACTED] for ann".into(),
            on_failure: OnFailure::Deny,
        }
    );
    assert!(!error.to_string().contains("hunter2"));
}

// --- start-up checks -------------------------------------------------------

#[test]
fn the_start_up_check_names_missing_hook_crates() {
    assert_eq!(agenthooks::require_crates(&["executor"]), Ok(()));
    let error = agenthooks::require_crates(&["executor", "acme_hooks"]).unwrap_err();
    assert_eq!(error, agenthooks::LinkError::MissingHookCrates { missing: vec!["acme_hooks".into()] });
    assert!(error.to_string().contains("acme_hooks"));
}

#[test]
fn points_are_listed_with_their_fields() {
    let login = agenthooks::linked_points().into_iter().find(|point| point.name == "login").unwrap();
    assert_eq!((login.module, login.fields, login.is_async), ("executor", &["user", "password"][..], false));
}
