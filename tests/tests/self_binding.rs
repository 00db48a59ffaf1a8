//! A hook crate cannot undo the deployment's binding: `self_bound_hooks`,
//! bound to `acme` here, binds itself to every tenant in a `link!` of its
//! own. Only the deployment binds hook crates, so the binary's bindings are
//! contested: the crate's hooks run for no tenant, the points they hook
//! block every call instead (running them could reach a tenant the
//! deployment never bound them to; skipping them could switch a guard
//! off), and the start-up check names the crate and its `link!`.

use agenthooks::lifecycle::{self, Event};
use agenthooks::{HookError, LinkError, Session, BINDING_GUARD};
use agenthooks_tests::audit_to_temp;
use search_agent::{AgentError, SearchAgent};

agenthooks::link!(self_bound_hooks => "acme");

fn answer(tenant: &str) -> Result<String, AgentError> {
    SearchAgent::demo().answer(&Session::new("s-1").with_tenant(tenant), "hi".into(), "a@b.c".into())
}

#[test]
fn a_crate_that_binds_itself_runs_for_no_tenant_and_its_points_block() {
    audit_to_temp();
    for tenant in ["globex", "acme"] {
        let error = answer(tenant).expect_err("a contested binding blocks the calls of the points it hooks");
        assert!(error.to_string().contains("self_bound_hooks"), "{tenant}: {error}");
    }
}

#[test]
fn a_crate_that_binds_itself_fails_the_start_up_check_naming_it_and_its_link() {
    match agenthooks::verify_linked() {
        Err(LinkError::SelfBinding { krate: "self_bound_hooks", site }) => {
            let source = include_str!("../crates/self-bound-hooks/src/lib.rs");
            let line = source.lines().position(|line| line.starts_with("agenthooks::link!")).expect("its `link!`") + 1;
            assert!(site.ends_with(&format!("self-bound-hooks/src/lib.rs:{line}")), "{site}");
        }
        other => panic!("a crate binding itself is refused, naming it: {other:?}"),
    }
    let listed = agenthooks::linked_hooks().into_iter().find(|hook| hook.crate_name == "self_bound_hooks");
    let listed = listed.expect("the crate's hook is listed").to_string();
    assert!(listed.contains("[tenant none, refused,"), "{listed}");
}

#[test]
fn a_crate_that_binds_itself_reaches_no_tenants_stream_and_its_stream_events_block() {
    audit_to_temp();
    for tenant in ["globex", "acme"] {
        let session = Session::new("s-2").with_tenant(tenant);
        let mut stream = lifecycle::stream(&session).expect("the stream opens");
        match stream.event(Event::new("text_delta", "Hel")) {
            Err(HookError::Blocked(blocked)) => assert_eq!(blocked.hook, BINDING_GUARD, "{tenant}"),
            other => panic!("{tenant}: a contested binding blocks the stream's events: {other:?}"),
        }
    }
}
