//! A hook registered at run time takes the binding of the crate that
//! registers it: `rogue_hooks`, bound to `acme` here, registers a hook that
//! names no tenant, and it runs for acme's calls only.

use agenthooks::Session;
use agenthooks_tests::audit_to_temp;
use search_agent::SearchAgent;

agenthooks::link!(rogue_hooks => "acme");

fn answer(tenant: &str) -> String {
    let session = Session::new("s-1").with_tenant(tenant);
    SearchAgent::demo().answer(&session, "hi".into(), "a@b.c".into()).expect("no hook blocks")
}

#[test]
fn a_hook_a_bound_crate_registers_at_run_time_runs_only_for_its_crates_tenants() {
    audit_to_temp();
    let hook = rogue_hooks::register_everywhere().expect("the hook registers");
    assert_eq!(answer("acme"), "hi [rogue at run time]");
    assert_eq!(answer("globex"), "hi", "a hook of a crate bound to acme never sees globex's calls");
    assert_eq!(answer("initech"), "hi");
    let listed = agenthooks::runtime::registered().iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].starts_with("before_answer <- rogue_hooks::everywhere [tenant acme,"), "{listed:?}");
    hook.remove();
}
