//! A server that mounts a host per session keeps flat memory: the names
//! agenthooks keeps for the life of the process (hook paths, tenants,
//! metadata) come from a bounded set, however many sessions come and go.
//! The only test of its binary, so that nothing else interns meanwhile.

mod support;

use agent_hooks::Verdict;
use agenthooks::Session;
use support::{a_tool_call, always, host};

/// How many sessions the test serves once warm.
const SESSIONS: usize = 400;

/// One session as a server serves it: a host emitting directly and a host
/// mounted on the lifecycle points, alive at once, then dropped.
async fn serve(n: usize) {
    let id = format!("memory-session-{n}");
    let mut emitting = host(&id, vec![always(Verdict::allow())], None);
    emitting.emit(&mut a_tool_call(&id)).await.expect("an allowing interceptor lets the call through");
    let session = Session::new(id.as_str()).with_tenant("memory-tenant");
    let mounted = host(&id, vec![always(Verdict::allow())], None)
        .mount_lifecycle(&session, "memory-agent")
        .expect("the host mounts");
    drop(mounted);
    drop(emitting);
}

#[tokio::test]
async fn a_host_per_session_keeps_the_interned_names_flat() {
    serve(0).await;
    let warm = agenthooks::__private::interned();
    for n in 1..=SESSIONS {
        serve(n).await;
    }
    let after = agenthooks::__private::interned();
    assert_eq!(after, warm, "{SESSIONS} sessions left {} more interned values", after.saturating_sub(warm));
}
