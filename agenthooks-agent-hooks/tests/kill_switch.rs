//! The promise matrix, row "AGENT-HOOKS host", cell "kill switch": the
//! operator's configuration reaches the interceptors of a host already
//! running, and lifting it brings them back. The only test of its binary,
//! as a configuration is the process's.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use agenthooks::config;
use support::{a_tool_call, counted, deny, host};

#[tokio::test]
async fn the_kill_switch_and_a_disabled_crate_reach_a_running_hosts_interceptors() {
    let id = "kill-switch-session";
    let calls = Arc::new(AtomicUsize::new(0));
    let mut host = host(id, vec![counted(deny("policy:no"), &calls)], None);
    host.emit(&mut a_tool_call(id)).await.expect_err("the interceptor denies");
    assert_eq!(calls.load(Ordering::Relaxed), 1);

    for switch_off in ["disable_all = true", "disable_crates = [\"agenthooks_agent_hooks\"]"] {
        let before = calls.load(Ordering::Relaxed);
        config::apply_str(switch_off, "kill-switch test").expect("the configuration applies");
        host.emit(&mut a_tool_call(id)).await.expect("no interceptor runs while switched off");
        assert_eq!(calls.load(Ordering::Relaxed), before, "`{switch_off}` did not reach the host's interceptor");
        let record = host.records().last().expect("the emission is recorded");
        assert!(record.decided_by.is_none() && record.verdicts.is_empty(), "{record:?}");

        config::clear().expect("the configuration clears");
        host.emit(&mut a_tool_call(id)).await.expect_err("the interceptor denies again");
    }
    assert_eq!(calls.load(Ordering::Relaxed), 3);
}
