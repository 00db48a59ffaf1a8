//! A hook registered at run time takes the binding of the crate that
//! registers it: `rogue_hooks`, bound to `acme` here, registers a hook that
//! names no tenant, and it runs for acme's calls only, audited and switched
//! off under the crate's name; the configuration cannot widen the binding
//! of it or of the crate's linked hooks.

use std::sync::{Mutex, PoisonError};

use agenthooks::lifecycle::{self, Event};
use agenthooks::{config, Session};
use agenthooks_tests::audit_to_temp;
use search_agent::SearchAgent;

agenthooks::link!(rogue_hooks => "acme");

/// The text a stream of `tenant` emits for one text delta.
fn streamed(tenant: &str) -> String {
    let session = Session::new("s-2").with_tenant(tenant);
    let mut stream = lifecycle::stream(&session).expect("the stream opens");
    let emitted: Vec<Event> = stream.event(Event::new("text_delta", "Hel")).expect("no hook blocks").collect();
    stream.finish().expect("the stream ends");
    emitted.iter().map(|event| event.data.as_str().unwrap_or_default()).collect()
}

/// The tests register the same hook and apply configurations: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn answer(tenant: &str) -> String {
    let session = Session::new("s-1").with_tenant(tenant);
    SearchAgent::demo().answer(&session, "hi".into(), "a@b.c".into()).expect("no hook blocks")
}

#[test]
fn a_hook_a_bound_crate_registers_at_run_time_runs_only_for_its_crates_tenants() {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
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

#[test]
fn a_hook_registered_at_run_time_is_audited_and_switched_off_under_its_crates_name() {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let audit = audit_to_temp();
    let hook = rogue_hooks::register_everywhere().expect("the hook registers");
    assert_eq!(hook.meta().crate_name, "rogue_hooks");
    assert_eq!(answer("acme"), "hi [rogue at run time]");
    agenthooks::audit::flush().expect("the audit log flushes");
    let lines = std::fs::read_to_string(audit).expect("the audit log reads");
    assert!(lines.contains("\"hook.impl\":\"rogue_hooks::everywhere\",\"hook.crate\":\"rogue_hooks\""), "{lines}");
    config::apply_str("disable_crates = [\"rogue_hooks\"]\n", "hooks.toml").expect("the configuration applies");
    assert_eq!(answer("acme"), "hi", "switching the crate off reaches the hooks it registers at run time");
    config::clear().expect("the configuration clears");
    hook.remove();
}

#[test]
fn the_configuration_never_widens_a_binding() {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    audit_to_temp();
    let hook = rogue_hooks::register_everywhere().expect("the hook registers");
    // Settings for globex, for a runtime hook and a linked hook of a crate
    // bound to acme: whether the configuration is refused or applied, the
    // hooks still see no call of globex's.
    let widened = config::apply_str(
        "[hook.\"rogue_hooks::everywhere\".tenant.globex]\nenabled = true\nmode = \"enforce\"\n\
         [hook.\"rogue_hooks::rewrite_globex\".tenant.globex]\nenabled = true\n",
        "hooks.toml",
    );
    assert_eq!(answer("globex"), "hi", "{widened:?}");
    assert_eq!(answer("acme"), "hi [rogue at run time]");
    config::clear().expect("the configuration clears");
    hook.remove();
}

#[test]
fn a_stream_hook_of_a_bound_crate_linked_or_registered_at_run_time_sees_only_its_crates_tenants_streams() {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    audit_to_temp();
    assert_eq!(streamed("acme"), "Hel [rogue stream]");
    assert_eq!(streamed("globex"), "Hel", "a linked stream hook of a crate bound to acme never sees globex's streams");
    let hook = rogue_hooks::register_stream_everywhere().expect("the hook registers");
    assert_eq!(streamed("acme"), "Hel [rogue stream at run time] [rogue stream]");
    assert_eq!(streamed("globex"), "Hel", "nor does one it registers at run time");
    hook.remove();
}
