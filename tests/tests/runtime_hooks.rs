//! Hooks registered at run time: closures get every guarantee a linked hook
//! gets (order and its tie rule, tenants, time limits, contained failures,
//! audit, listing), go away with their handle, and never disturb calls
//! running while they come and go.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use agenthooks::runtime::{self, RegisterError};
use agenthooks::{hook, hookpoint, Ctx, HookError, Mode, OnFailure, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};

fn session(tenant: &str) -> Session {
    Session::new("s-runtime").with_tenant(tenant)
}

/// The audit lines that name `path`.
fn lines_of(path: &str) -> Vec<String> {
    let quoted = format!("\"{path}\"");
    audit_lines().into_iter().filter(|line| line.contains(&quoted)).collect()
}

// --- order, audit, removal ---------------------------------------------------

#[hookpoint(Ordered)]
fn ordered(session: &Session, trail: Vec<String>) -> Result<Vec<String>, AgentError> {
    Ok(trail)
}

#[hook(Ordered, order = 20)]
fn linked_at_20(ctx: &mut Ctx<Ordered>) -> Outcome {
    ctx.trail.push("linked@20".into());
    Outcome::Continue
}

#[test]
fn a_registered_hook_sorts_into_the_linked_chain_by_order_then_path_and_goes_away_with_its_handle() {
    audit_to_temp();
    let push = |label: &'static str| move |ctx: &mut Ctx<Ordered>| ctx.trail.push(label.to_owned());
    let early = runtime::hook!(Ordered, "plugin::early").order(10).interceptor(wrap(push("plugin@10"))).unwrap();
    // Same order and module as the linked hook: the name decides, `aaa`
    // before `linked_at_20`, as it would between two linked hooks.
    let tie = runtime::hook!(Ordered, "aaa").order(20).interceptor(wrap(push("aaa@20"))).unwrap();
    let late = runtime::hook!(Ordered, "zzz").order(20).interceptor(wrap(push("zzz@20"))).unwrap();

    let trail = ordered(&session("acme"), Vec::new()).unwrap();
    assert_eq!(trail, ["plugin@10", "aaa@20", "linked@20", "zzz@20"]);
    let lines = lines_of("runtime_hooks::plugin::early");
    assert_eq!(lines.len(), 1, "one audit line per run: {lines:?}");
    assert!(lines[0].contains("\"hook.changed\":[\"trail\"]"), "{}", lines[0]);

    early.remove();
    drop(tie);
    late.keep();
    assert_eq!(ordered(&session("acme"), Vec::new()).unwrap(), ["linked@20", "zzz@20"]);
    assert_eq!(lines_of("runtime_hooks::plugin::early").len(), 1, "a removed hook writes no more lines");
}

/// An interceptor closure returning `()` turned into one returning `Outcome`.
fn wrap(
    push: impl Fn(&mut Ctx<Ordered>) + Send + Sync + 'static,
) -> impl Fn(&mut Ctx<Ordered>) -> Outcome + Send + Sync {
    move |ctx| {
        push(ctx);
        Outcome::Continue
    }
}

// --- tenants, listing --------------------------------------------------------

#[hookpoint(Tenanted)]
fn tenanted(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

#[test]
fn a_registered_hook_with_a_tenant_runs_only_for_that_tenant_and_is_listed_until_removed() {
    audit_to_temp();
    let hook = runtime::hook!(Tenanted, "plugin::acme_only")
        .tenant("acme")
        .interceptor(|ctx: &mut Ctx<Tenanted>| {
            ctx.query.push_str(" +acme");
            Outcome::Continue
        })
        .unwrap();
    assert_eq!(tenanted(&session("acme"), "q".into()).unwrap(), "q +acme");
    assert_eq!(tenanted(&session("globex"), "q".into()).unwrap(), "q");
    assert_eq!(tenanted(&Session::new("no-tenant"), "q".into()).unwrap(), "q");

    let listed = runtime::registered();
    let meta = listed.iter().find(|meta| meta.path == "runtime_hooks::plugin::acme_only").expect("the hook is listed");
    assert_eq!(
        (meta.point, meta.crate_name, meta.module, meta.name),
        ("tenanted", "runtime_hooks", "runtime_hooks::plugin", "acme_only")
    );
    assert_eq!(meta.tenant, Some("acme"));
    assert!(std::ptr::eq(*meta, hook.meta()));

    hook.remove();
    assert!(runtime::registered().iter().all(|meta| meta.path != "runtime_hooks::plugin::acme_only"));
}

// --- failures and time limits --------------------------------------------------

#[hookpoint(Guarded)]
fn guarded(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

#[test]
fn a_registered_hook_that_panics_or_overruns_fails_a_guard_point_closed() {
    audit_to_temp();
    let panics = runtime::hook!(Guarded, "plugin::panics")
        .tenant("panics")
        .interceptor(|ctx: &mut Ctx<Guarded>| -> Outcome {
            ctx.query.push_str(" changed");
            panic!("the plugin broke");
        })
        .unwrap();
    let error = guarded(&session("panics"), "q".into()).unwrap_err().0;
    assert!(
        matches!(&error, HookError::Panicked { hook: "runtime_hooks::plugin::panics", message, .. } if message.contains("the plugin broke")),
        "{error:?}"
    );

    let slow = runtime::hook!(Guarded, "plugin::slow")
        .tenant("slow")
        .timeout_ms(10)
        .observer(|_: &Ctx<Guarded>| std::thread::sleep(Duration::from_millis(60)))
        .unwrap();
    let error = guarded(&session("slow"), "q".into()).unwrap_err().0;
    assert_eq!(
        error,
        HookError::TimedOut {
            point: "guarded",
            hook: "runtime_hooks::plugin::slow",
            timeout_ms: 10,
            on_failure: OnFailure::Deny
        }
    );
    assert!(lines_of("runtime_hooks::plugin::slow")[0].contains("\"hook.status\":\"timeout\""));
    drop((panics, slow));
}

#[test]
fn registration_is_refused_with_a_typed_error_for_bad_settings_and_duplicate_paths() {
    let refuse = |builder: runtime::Builder<Guarded>| builder.observer(|_: &Ctx<Guarded>| ()).unwrap_err();
    assert_eq!(refuse(runtime::hook!(Guarded, "")), RegisterError::InvalidPath { path: String::new() });
    assert_eq!(refuse(runtime::hook!(Guarded, "plugin::")), RegisterError::InvalidPath { path: "plugin::".into() });
    assert_eq!(
        refuse(runtime::hook!(Guarded, "plugin::9lives")),
        RegisterError::InvalidPath { path: "plugin::9lives".into() }
    );
    assert_eq!(
        refuse(runtime::hook!(Guarded, "plugin::ok").timeout_ms(0)),
        RegisterError::InvalidTimeout { timeout_ms: 0 }
    );
    assert_eq!(
        refuse(runtime::hook!(Guarded, "plugin::ok").timeout_ms(300_001)),
        RegisterError::InvalidTimeout { timeout_ms: 300_001 }
    );
    assert_eq!(refuse(runtime::hook!(Guarded, "plugin::ok").tenant("")), RegisterError::EmptyTenant);
    // `Guarded` fails closed: no hook may let its failures through.
    assert_eq!(
        refuse(runtime::hook!(Guarded, "plugin::ok").fallback(true)),
        RegisterError::FallbackNotAllowed { point: "guarded" }
    );

    let first = runtime::hook!(Guarded, "plugin::twice").tenant("twice").observer(|_: &Ctx<Guarded>| ()).unwrap();
    assert_eq!(
        refuse(runtime::hook!(Guarded, "plugin::twice")),
        RegisterError::Duplicate { point: "guarded", path: "runtime_hooks::plugin::twice".into() }
    );
    drop(first);
    // Removed, the path is free again.
    runtime::hook!(Guarded, "plugin::twice").tenant("twice").observer(|_: &Ctx<Guarded>| ()).unwrap().remove();
}

#[hookpoint(Linked)]
fn linked(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

#[hook(Linked)]
fn already_linked(_ctx: &Ctx<Linked>) {}

#[test]
fn a_path_of_a_linked_hook_cannot_be_registered_again() {
    let error = runtime::hook!(Linked, "already_linked").observer(|_: &Ctx<Linked>| ()).unwrap_err();
    assert_eq!(error, RegisterError::Duplicate { point: "linked", path: "runtime_hooks::already_linked".into() });
}

// --- async closures ------------------------------------------------------------

#[hookpoint(Fetch, on_failure = "continue")]
async fn fetch(session: &Session, url: String) -> Result<String, AgentError> {
    Ok(url)
}

#[tokio::test]
async fn an_async_registered_hook_is_cancelled_at_its_limit_and_its_panics_are_contained() {
    audit_to_temp();
    let rewrites = runtime::hook!(Fetch, "plugin::https")
        .tenant("rewrite")
        .async_interceptor(|ctx: &mut Ctx<Fetch>| {
            Box::pin(async move {
                tokio::task::yield_now().await;
                ctx.url = ctx.url.replace("http://", "https://");
                Ok(Outcome::Continue)
            })
        })
        .unwrap();
    assert_eq!(fetch(&session("rewrite"), "http://a".into()).await.unwrap(), "https://a");

    let finished = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&finished);
    let hangs = runtime::hook!(Fetch, "plugin::hangs")
        .tenant("hangs")
        .timeout_ms(20)
        .async_interceptor(move |ctx: &mut Ctx<Fetch>| {
            let seen = Arc::clone(&seen);
            Box::pin(async move {
                ctx.url.push_str("?changed");
                tokio::time::sleep(Duration::from_secs(5)).await;
                seen.store(true, Ordering::SeqCst);
                Ok(Outcome::Continue)
            })
        })
        .unwrap();
    // The point lets failures through: the call goes on, unchanged.
    assert_eq!(fetch(&session("hangs"), "http://a".into()).await.unwrap(), "http://a");
    assert!(!finished.load(Ordering::SeqCst), "the hook was cancelled at its deadline");
    assert!(lines_of("runtime_hooks::plugin::hangs")[0].contains("\"hook.status\":\"timeout\""));

    // A closure that panics before it returns its future.
    let panics = runtime::hook!(Fetch, "plugin::panics_early")
        .tenant("panics")
        .fallback(false)
        .async_observer(|_: &Ctx<Fetch>| -> agenthooks::HookFuture<'_> { panic!("before any future") })
        .unwrap();
    let error = fetch(&session("panics"), "http://a".into()).await.unwrap_err().0;
    assert!(
        matches!(&error, HookError::Panicked { message, .. } if message.contains("before any future")),
        "{error:?}"
    );
    drop((rewrites, hangs, panics));
}

// --- shadow mode ---------------------------------------------------------------

#[hookpoint(Shadowed)]
fn shadowed(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

#[test]
fn a_registered_hook_in_shadow_mode_is_audited_but_not_enforced() {
    audit_to_temp();
    let hook = runtime::hook!(Shadowed, "plugin::would_block")
        .mode(Mode::Shadow)
        .observer(|_: &Ctx<Shadowed>| Outcome::block("not yet"))
        .unwrap();
    assert_eq!(shadowed(&session("acme"), "q".into()).unwrap(), "q");
    assert!(lines_of("runtime_hooks::plugin::would_block")[0].contains("would block: not yet"));
    hook.remove();
}

// --- registration while calls run ---------------------------------------------

#[hookpoint(Busy)]
fn busy(session: &Session, count: u64) -> Result<u64, AgentError> {
    Ok(count)
}

#[test]
fn calls_running_while_hooks_come_and_go_never_fail_and_see_each_registration_once_it_returns() {
    audit_to_temp();
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let callers: Vec<_> = (0..4)
        .map(|_| {
            let (stop, calls) = (Arc::clone(&stop), Arc::clone(&calls));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let count = busy(&session("acme"), 0).expect("no call fails while hooks change");
                    assert!(count <= 2, "a call ran a hook twice, or one never registered: {count}");
                    calls.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let add = |ctx: &mut Ctx<Busy>| {
        ctx.count += 1;
        Outcome::Continue
    };
    for round in 0..200 {
        let first = runtime::hook!(Busy, &format!("plugin::first_{round}")).interceptor(add).unwrap();
        let second = runtime::hook!(Busy, &format!("plugin::second_{round}")).interceptor(add).unwrap();
        assert_eq!(busy(&session("acme"), 0).unwrap(), 2, "a registration is in force once it returns");
        drop((first, second));
        assert_eq!(busy(&session("acme"), 0).unwrap(), 0, "a removal is in force once it returns");
    }
    stop.store(true, Ordering::Relaxed);
    for caller in callers {
        caller.join().expect("no caller saw a failed call");
    }
    assert!(calls.load(Ordering::Relaxed) > 0);
}

// --- matchers -------------------------------------------------------------------

#[hookpoint(Tool)]
fn tool(session: &Session, #[key] name: String, calls: u32) -> Result<u32, AgentError> {
    Ok(calls)
}

#[test]
fn a_registered_hook_with_a_matcher_runs_only_for_calls_whose_key_matches() {
    audit_to_temp();
    let hook = runtime::hook!(Tool, "plugin::files_only")
        .matching("name", "fs_*")
        .interceptor(|ctx: &mut Ctx<Tool>| {
            ctx.calls += 1;
            Outcome::Continue
        })
        .unwrap();
    assert_eq!(hook.meta().matchers, [agenthooks::Matcher { key: "name", pattern: "fs_*" }]);
    assert_eq!(tool(&session("acme"), "fs_read".into(), 0).unwrap(), 1);
    assert_eq!(tool(&session("acme"), "shell".into(), 0).unwrap(), 0);
    assert!(lines_of("runtime_hooks::plugin::files_only").len() == 1, "a call the matcher leaves out writes no line");
    hook.remove();

    let refuse = |builder: runtime::Builder<Tool>| builder.observer(|_: &Ctx<Tool>| ()).unwrap_err();
    assert_eq!(
        refuse(runtime::hook!(Tool, "plugin::x").matching("tool", "fs_*")),
        RegisterError::UnknownKey { point: "tool", key: "tool".into(), keys: &["name"] }
    );
    assert_eq!(
        refuse(runtime::hook!(Tool, "plugin::x").matching("name", "fs_[")),
        RegisterError::InvalidPattern { key: "name", pattern: "fs_[".into() }
    );
    assert_eq!(
        refuse(runtime::hook!(Tool, "plugin::x").matching("name", "")),
        RegisterError::InvalidPattern { key: "name", pattern: String::new() }
    );
}

// --- dropping ----------------------------------------------------------------

#[hookpoint(Owning)]
fn owning(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

#[test]
fn removing_a_hook_drops_its_closure_even_when_it_was_the_points_last_registered_hook() {
    audit_to_temp();
    let owned = Arc::new(());
    let held = Arc::clone(&owned);
    let hook = runtime::hook!(Owning, "plugin::holder")
        .observer(move |_: &Ctx<Owning>| {
            let _ = &held;
            Outcome::Continue
        })
        .unwrap();
    owning(&session("acme"), "q".into()).unwrap();
    assert_eq!(Arc::strong_count(&owned), 2, "the table holds the closure while it is registered");
    hook.remove();
    assert_eq!(Arc::strong_count(&owned), 1, "the removed closure was dropped, not kept by a stale table");
}

#[test]
fn a_closure_whose_drop_removes_another_hook_is_dropped_without_deadlock() {
    audit_to_temp();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let inner = runtime::hook!(Owning, "plugin::inner").observer(|_: &Ctx<Owning>| Outcome::Continue).unwrap();
        let outer = runtime::hook!(Owning, "plugin::outer")
            .observer(move |_: &Ctx<Owning>| {
                // The closure owns the other hook's handle: dropping the
                // closure removes that hook.
                let _ = &inner;
                Outcome::Continue
            })
            .unwrap();
        outer.remove();
        done.send(
            runtime::registered()
                .iter()
                .filter(|meta| ["runtime_hooks::plugin::inner", "runtime_hooks::plugin::outer"].contains(&meta.path))
                .count(),
        )
        .unwrap();
    });
    let left = finished.recv_timeout(Duration::from_secs(30)).expect("removing the hook returned (no deadlock)");
    assert_eq!(left, 0, "both hooks are gone");
}
