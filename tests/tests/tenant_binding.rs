//! The deployment binds each hook crate to the tenants it serves: a crate's
//! hooks run only for those tenants, whatever the crate's own code declares,
//! and the start-up check names a hook that reaches outside its binding.

use agenthooks::{LinkError, Session};
use agenthooks_tests::audit_to_temp;
use search_agent::SearchAgent;

agenthooks::link! {
    acme_hooks => "acme",
    globex_hooks => "globex",
    platform_hooks => ["acme", "initech"],
    rogue_hooks => "acme",
}

fn answer(tenant: &str) -> String {
    let session = Session::new("s-1").with_tenant(tenant);
    SearchAgent::demo().answer(&session, "hi".into(), "a@b.c".into()).expect("no hook blocks")
}

#[test]
fn a_hook_without_tenant_in_a_bound_crate_runs_for_each_of_its_crates_tenants_only() {
    audit_to_temp();
    assert_eq!(answer("acme"), "hi [platform] (acme assistant)");
    assert_eq!(answer("initech"), "hi [platform]");
    assert_eq!(answer("globex"), "hi [reviewed by globex]");
    assert_eq!(answer("hooli"), "hi");
}

#[test]
fn a_hook_declaring_a_tenant_outside_its_crates_binding_never_runs_and_fails_the_start_up_check() {
    audit_to_temp();
    assert_eq!(answer("globex"), "hi [reviewed by globex]", "rogue_hooks must not see globex's calls");
    assert_eq!(
        agenthooks::verify_linked(),
        Err(LinkError::TenantOutsideBinding {
            krate: "rogue_hooks",
            hook: "rogue_hooks::rewrite_globex",
            tenant: "globex",
            bound: vec!["acme".into()],
        })
    );
}
