//! A server that mounts an AGENT-HOOKS host per session: serves
//! `SESSIONS` sessions (the first argument, 1,000,000 by default) one
//! after another, each a host that emits one tool call and is dropped, and
//! prints the resident memory and agenthooks' interned values every tenth
//! of the way. Both stay flat once warm. The audit log goes to a file of
//! the system's temporary directory, removed first. Run it in release:
//!
//! ```text
//! cargo run --release -p agenthooks-agent-hooks --example host_per_session -- 1000000
//! ```

use std::time::Instant;

use agent_hooks::ctk::async_trait;
use agent_hooks::{AgentContext, AgentContextBuilder, CompositionConfig, EnforcementMode, Interceptor, Verdict};
use agenthooks::audit::{self, AuditConfig};
use agenthooks_agent_hooks::{Host, IdentityProvider, Setup, Surface};
use serde_json::json;

/// An interceptor that allows everything.
struct Allow;

#[async_trait]
impl Interceptor for Allow {
    async fn intercept(&self, _context: &AgentContext) -> Verdict {
        Verdict::allow()
    }
}

/// The resident set size of this process, in KiB (0 where `/proc` has
/// none).
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|kib| kib.parse().ok()).unwrap_or(0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let sessions: u64 = std::env::args().nth(1).and_then(|count| count.parse().ok()).unwrap_or(1_000_000);
    let log = std::env::temp_dir().join("host_per_session.audit.jsonl");
    let _absent = std::fs::remove_file(&log);
    let _audit = audit::init(AuditConfig::new(&log)).expect("the audit log starts");
    let report_every = (sessions / 10).max(1);
    let start = Instant::now();
    for n in 1..=sessions {
        let id = format!("session-{n}");
        let setup = Setup {
            interceptors: vec![Box::new(Allow)],
            resolver: None,
            surface: Surface { mode: EnforcementMode::Enforce, composition: CompositionConfig::default() },
            identity: IdentityProvider::JcsSha256,
            redact_for_approval: Vec::new(),
        };
        let mut host = Host::new(&id, setup).expect("the host registers");
        let mut call = AgentContextBuilder::new("agent", "agenthooks", &id).pre_tool_call("c-1", "fetch", json!({}));
        host.emit(&mut call).await.expect("the interceptor allows the call");
        drop(host);
        if n % report_every == 0 || n == 1 {
            println!(
                "{n:>9} sessions  {:>7} KiB resident  {:>4} interned  {:>6.1} s",
                resident_kib(),
                agenthooks::__private::interned(),
                start.elapsed().as_secs_f64()
            );
        }
    }
}
