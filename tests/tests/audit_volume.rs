//! The audit log under load: 64 threads × 10,000 hook executions leave
//! exactly 640,000 lines, and their chain verifies.

use std::collections::HashMap;

use agenthooks::audit::{self, TornTail};
use agenthooks::{hook, hookpoint, Ctx, Session};
use agenthooks_tests::{audit_to_temp, AgentError};

#[hookpoint(Counted)]
fn counted(session: &Session, n: u64) -> Result<u64, AgentError> {
    Ok(n)
}

#[hook(Counted)]
fn observe_count(ctx: &Ctx<Counted>) {
    let _ = ctx.n;
}

const THREADS: u64 = 64;
const CALLS: u64 = 10_000;

#[test]
fn concurrent_executions_are_each_one_line_of_an_intact_chain() {
    let path = audit_to_temp();
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            scope.spawn(move || {
                let session = Session::new(format!("thread-{thread}"));
                for n in 0..CALLS {
                    counted(&session, n).unwrap_or_else(|error| panic!("an observer stopped the call: {}", error.0));
                }
            });
        }
    });
    audit::flush().expect("the audit log flushes");

    let verified = audit::verify(path, TornTail::Reject).expect("the chain verifies");
    assert_eq!(verified.lines, THREADS * CALLS);

    let text = std::fs::read_to_string(path).expect("the audit log is readable");
    let mut per_thread: HashMap<&str, u64> = HashMap::new();
    for line in text.lines() {
        let (_, rest) = line.split_once(r#""session_id":"thread-"#).expect("every line names its session");
        let (thread, _) = rest.split_once('"').expect("the session id is a string");
        *per_thread.entry(thread).or_default() += 1;
    }
    assert_eq!(per_thread.len() as u64, THREADS);
    assert!(per_thread.values().all(|&lines| lines == CALLS), "{per_thread:?}");
}
