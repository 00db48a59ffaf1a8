//! A hook crate the deployment links without naming it in `link!` runs for
//! no tenant, and the start-up check names it.

use agenthooks::{LinkError, Session};
use agenthooks_tests::audit_to_temp;
use search_agent::SearchAgent;

// Linked (a dependency reached some other way), never bound to a tenant.
use platform_hooks as _;

agenthooks::link!(acme_hooks => "acme");

#[test]
fn an_unnamed_hook_crate_runs_no_hook_and_fails_the_start_up_check() {
    audit_to_temp();
    let session = Session::new("s-1").with_tenant("acme");
    let answer = SearchAgent::demo().answer(&session, "hi".into(), "a@b.c".into()).unwrap();
    assert_eq!(answer, "hi (acme assistant)");
    assert_eq!(
        agenthooks::verify_linked(),
        Err(LinkError::UnnamedHookCrate { krate: "platform_hooks", hook: "platform_hooks::tag" })
    );
}
