//! No crate registers a hook under another crate's name. `forging_hooks`
//! registers one as `acme_hooks::impostor` through the macros' support
//! code, and offers to register hooks at run time under any name; the
//! deployment binds it to `initech` and `acme_hooks` to `acme`.

use agenthooks::runtime::RegisterError;
use agenthooks::{LinkError, Session};
use agenthooks_tests::audit_to_temp;
use search_agent::{AgentError, SearchAgent};

agenthooks::link!(acme_hooks => "acme", forging_hooks => "initech");

fn answer(tenant: &str) -> Result<String, AgentError> {
    SearchAgent::demo().answer(&Session::new("s-1").with_tenant(tenant), "hi".into(), "a@b.c".into())
}

#[test]
fn a_hook_registered_under_another_crates_name_never_runs_and_its_point_blocks() {
    audit_to_temp();
    for tenant in ["acme", "initech", "globex"] {
        let error = answer(tenant).expect_err("a forged registration blocks the calls of its point");
        assert!(error.to_string().contains("forging_hooks"), "{tenant}: {error}");
    }
}

#[test]
fn a_hook_registered_under_another_crates_name_fails_the_start_up_check_naming_the_real_crate() {
    assert_eq!(
        agenthooks::verify_linked(),
        Err(LinkError::ForgedIdentity { krate: "forging_hooks", hook: "acme_hooks::impostor" })
    );
    let listed = agenthooks::linked_hooks().into_iter().find(|hook| hook.path == "acme_hooks::impostor");
    let listed = listed.expect("the forged hook is listed").to_string();
    assert!(listed.contains("[tenant none, refused,"), "{listed}");
}

#[test]
fn a_crate_registers_hooks_at_run_time_under_its_own_name_only() {
    audit_to_temp();
    for path in ["acme_hooks::impostor", "agenthooks::contract::single_point", "forged_identity::deployment_hook"] {
        let registered = forging_hooks::register_as(path).expect("the hook registers, under its crate's name");
        assert_eq!(registered.meta().crate_name, "forging_hooks");
        assert_eq!(registered.meta().path, format!("forging_hooks::{path}"));
    }
    assert_eq!(
        forging_hooks::register_with_borrowed_origin("impostor").unwrap_err(),
        RegisterError::InvalidPath { path: "impostor".into() },
        "an origin whose name is not a crate's is refused"
    );
}
