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
    let error = agenthooks::verify_linked().expect_err("a forged registration is refused");
    let text = error.to_string();
    assert!(text.contains("forging_hooks") && text.contains("acme_hooks::impostor"), "{text}");
}

#[test]
fn a_crate_cannot_register_a_hook_at_run_time_under_another_crates_name() {
    audit_to_temp();
    for path in ["acme_hooks::impostor", "agenthooks::contract::single_point", "forged_identity::deployment_hook"] {
        let refused = forging_hooks::register_as(path);
        assert!(refused.is_err(), "`{path}` was registered: {refused:?}");
    }
    let _: Option<(RegisterError, LinkError)> = None;
}
