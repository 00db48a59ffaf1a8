//! Contracts between points and hooks. A hook written for an older minor
//! version of its point's contract compiles and runs (the mismatches are
//! compile errors, locked by the ui tests).
//!
//! Points that admit one hook per tenant (`#[hookpoint(Point, single)]`):
//! two hooks linked for one tenant are a start-up error naming both, and a
//! call of that tenant runs neither; hooks of other tenants run; a hook
//! switched off by the configuration does not count; a hook registered at
//! run time for a tenant that has one is refused, naming the hook in place.
//!
//! `ChooseModel` is declared in another crate (`contract-agent`); this
//! binary links two hooks of tenant `acme` to it, and one of `globex`.
//! The configuration is the process's: the tests here take turns.

use std::sync::atomic::{AtomicUsize, Ordering};

use agenthooks::contract::{Version, SINGLE_POINT_GUARD};
use agenthooks::{config, hook, hookpoint, runtime, Ctx, HookError, LinkError, Outcome, Session};
use agenthooks_tests::{audit_lines, one_at_a_time, AgentError};
use contract_agent::{call_tool, choose_model, BeforeTool, ChooseModel};

fn session(tenant: &str) -> Session {
    Session::new("s-single").with_tenant(tenant)
}

static ACME_RUNS: AtomicUsize = AtomicUsize::new(0);

#[hook(ChooseModel, tenant = "acme", order = 1)]
fn acme_small(ctx: &mut Ctx<ChooseModel>) -> Outcome {
    ACME_RUNS.fetch_add(1, Ordering::SeqCst);
    ctx.model = "small".into();
    Outcome::Continue
}

#[hook(ChooseModel, tenant = "acme", order = 2)]
fn acme_large(ctx: &mut Ctx<ChooseModel>) -> Outcome {
    ACME_RUNS.fetch_add(1, Ordering::SeqCst);
    ctx.model = "large".into();
    Outcome::Continue
}

#[hook(ChooseModel, tenant = "globex", contract = "1.0")]
fn globex_model(ctx: &mut Ctx<ChooseModel>) -> Outcome {
    ctx.model = "globex-tuned".into();
    Outcome::Continue
}

// `BeforeTool` is at 2.1, in another crate: a hook written for 2.0 fits.
#[hook(BeforeTool, contract = "2.0")]
fn written_for_two_zero(ctx: &mut Ctx<BeforeTool>) -> Outcome {
    ctx.tool.push_str("@2.0");
    Outcome::Continue
}

#[test]
fn a_hook_written_for_an_older_minor_version_of_its_point_runs() {
    let _turn = one_at_a_time();
    assert_eq!(call_tool(&session("acme"), "search".into()), Ok("search@2.0".to_owned()));
    let point = agenthooks::linked_points().into_iter().find(|point| point.name == "before_tool").unwrap();
    assert_eq!(point.version, Some(Version::new(2, 1)));
    assert!(!point.single);
}

#[test]
fn verify_linked_names_both_hooks_that_run_for_one_tenant_at_a_single_point() {
    let _turn = one_at_a_time();
    assert_eq!(
        agenthooks::verify_linked(),
        Err(LinkError::SingleHookConflict {
            point: "choose_model",
            tenant: Some("acme"),
            first: "contracts::acme_small",
            second: "contracts::acme_large",
        })
    );
    let message = agenthooks::verify_linked().unwrap_err().to_string();
    assert!(message.contains("admits one hook per tenant"), "{message}");
}

#[test]
fn a_call_of_the_tenant_with_two_hooks_runs_neither_and_is_blocked_naming_both() {
    let _turn = one_at_a_time();
    let before = ACME_RUNS.load(Ordering::SeqCst);
    let Err(HookError::Blocked(blocked)) = choose_model(&session("acme"), "default".into()) else {
        panic!("a call of acme must be blocked");
    };
    assert_eq!(ACME_RUNS.load(Ordering::SeqCst), before, "neither of acme's hooks ran");
    assert_eq!((blocked.point, blocked.hook), ("choose_model", SINGLE_POINT_GUARD));
    assert!(
        blocked.reason.contains("`contracts::acme_small`") && blocked.reason.contains("`contracts::acme_large`"),
        "{}",
        blocked.reason
    );
    let audited = audit_lines().iter().any(|line| line.contains(SINGLE_POINT_GUARD) && line.contains("acme_large"));
    assert!(audited, "the refused call has its audit line");
}

#[test]
fn a_tenant_with_one_hook_at_a_single_point_runs_it() {
    let _turn = one_at_a_time();
    assert_eq!(choose_model(&session("globex"), "default".into()), Ok("globex-tuned".to_owned()));
    assert_eq!(choose_model(&session("initech"), "default".into()), Ok("default".to_owned()));
}

#[test]
fn a_hook_switched_off_by_the_configuration_leaves_its_tenant_one_enabled_hook() {
    let _turn = one_at_a_time();
    config::apply_str("[hook.\"contracts::acme_large\"]\nenabled = false\n", "test").unwrap();
    assert_eq!(choose_model(&session("acme"), "default".into()), Ok("small".to_owned()));
    assert_eq!(agenthooks::verify_linked(), Ok(()));

    // Switched off for acme only: the same.
    config::apply_str("[hook.\"contracts::acme_small\".tenant.acme]\nenabled = false\n", "test").unwrap();
    assert_eq!(choose_model(&session("acme"), "default".into()), Ok("large".to_owned()));

    config::clear().expect("the configuration clears");
    assert!(matches!(choose_model(&session("acme"), "default".into()), Err(HookError::Blocked(_))));
    assert!(matches!(agenthooks::verify_linked(), Err(LinkError::SingleHookConflict { .. })));
}

#[test]
fn linked_points_and_hooks_list_versions_and_single_points() {
    let points = agenthooks::linked_points();
    let choose = points.iter().find(|point| point.name == "choose_model").expect("choose_model is linked");
    assert!(choose.single);
    assert_eq!(choose.version, Some(Version::new(1, 0)));
    let hook = agenthooks::linked_hooks().into_iter().find(|hook| hook.name == "globex_model").unwrap();
    assert_eq!(hook.contract, Some(Version::new(1, 0)));
    assert!(hook.to_string().ends_with(", contract 1.0]"), "{hook}");
    let retriever = points.iter().find(|point| point.name == "pick_retriever").expect("pick_retriever is linked");
    assert!(retriever.single);
    assert_eq!(retriever.version, None);
}

#[hookpoint(PickRetriever, single)]
fn pick_retriever(session: &Session, retriever: String) -> Result<String, AgentError> {
    Ok(retriever)
}

fn set_retriever(name: &'static str) -> impl Fn(&mut Ctx<PickRetriever>) -> Outcome {
    move |ctx| {
        ctx.retriever = name.into();
        Outcome::Continue
    }
}

#[test]
fn registering_a_second_hook_for_an_occupied_tenant_names_the_hook_in_place() {
    let _turn = one_at_a_time();
    let acme =
        runtime::hook!(PickRetriever, "plugin::acme_vectors").tenant("acme").interceptor(set_retriever("vectors"));
    let acme = acme.expect("the first hook of acme is registered");
    let second = runtime::hook!(PickRetriever, "plugin::acme_bm25").tenant("acme").interceptor(set_retriever("bm25"));
    assert_eq!(
        second.unwrap_err(),
        runtime::RegisterError::Occupied {
            point: "pick_retriever",
            path: "contracts::plugin::acme_bm25".into(),
            tenant: Some("acme".into()),
            in_place: "contracts::plugin::acme_vectors",
        }
    );
    // Another tenant has room; a hook of every tenant has none, since acme
    // has a hook.
    let globex = runtime::hook!(PickRetriever, "plugin::globex_bm25").tenant("globex");
    let globex = globex.interceptor(set_retriever("bm25")).expect("globex has room");
    let every = runtime::hook!(PickRetriever, "plugin::default").interceptor(set_retriever("default"));
    assert!(
        matches!(every, Err(runtime::RegisterError::Occupied { in_place: "contracts::plugin::acme_vectors", .. })),
        "{every:?}"
    );
    assert_eq!(pick_retriever(&session("acme"), String::new()), Ok("vectors".to_owned()));
    assert_eq!(pick_retriever(&session("globex"), String::new()), Ok("bm25".to_owned()));

    // Once removed, its tenant has room again.
    acme.remove();
    let second = runtime::hook!(PickRetriever, "plugin::acme_bm25").tenant("acme").interceptor(set_retriever("bm25"));
    let _second = second.expect("acme has room once its hook is removed");
    assert_eq!(pick_retriever(&session("acme"), String::new()), Ok("bm25".to_owned()));
    drop(globex);
}

#[hookpoint(PickLanguage, single)]
fn pick_language(session: &Session, language: String) -> Result<String, AgentError> {
    Ok(language)
}

fn set_language(name: &'static str) -> impl Fn(&mut Ctx<PickLanguage>) -> Outcome {
    move |ctx| {
        ctx.language = name.into();
        Outcome::Continue
    }
}

#[test]
fn a_hook_of_every_tenant_occupies_each_tenant_of_a_single_point() {
    let _turn = one_at_a_time();
    let every = runtime::hook!(PickLanguage, "plugin::english").interceptor(set_language("en"));
    let _every = every.expect("the first hook is registered");
    let acme = runtime::hook!(PickLanguage, "plugin::acme_german").tenant("acme").interceptor(set_language("de"));
    assert_eq!(
        acme.unwrap_err(),
        runtime::RegisterError::Occupied {
            point: "pick_language",
            path: "contracts::plugin::acme_german".into(),
            tenant: Some("acme".into()),
            in_place: "contracts::plugin::english",
        }
    );
    assert_eq!(pick_language(&session("acme"), String::new()), Ok("en".to_owned()));
}
