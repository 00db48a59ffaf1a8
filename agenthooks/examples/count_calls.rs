//! Hooked calls to count instructions on, where time is too noisy to
//! compare two builds: `count_calls one 20000` makes 20,000 calls of a
//! plain `fn` point with one interceptor (`ten`: a point with ten), with a
//! buffered audit log in a temporary file, flushed every 1,024 records
//! between calls. The points and hooks are those of the `executor` bench.
//!
//! ```sh
//! cargo build --release -p agenthooks --example count_calls
//! valgrind --tool=callgrind --separate-threads=yes --toggle-collect='count_calls::one_hook' \
//!     target/release/examples/count_calls one 20000
//! ```
//!
//! The main thread's total (the `-01` file), divided by the number of
//! calls, is the instructions one call costs the calling thread, audit
//! queue included; the audit writer's thread is counted apart.

use std::hint::black_box;

use agenthooks::audit::{self, AuditConfig};
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[derive(Debug)]
struct AgentError;

impl From<HookError> for AgentError {
    fn from(_: HookError) -> Self {
        AgentError
    }
}

macro_rules! point {
    ($point:ident, $function:ident) => {
        #[hookpoint($point)]
        #[inline(never)]
        fn $function(session: &Session, value: u64) -> Result<u64, AgentError> {
            black_box(session);
            Ok(value * 2)
        }
    };
}

point!(OneHook, one_hook);
point!(TenHooks, ten_hooks);

macro_rules! hooks {
    ($point:ident, $tenant:literal, [$($name:ident)*]) => {
        const _: () = {
            $(
                #[hook($point, tenant = $tenant)]
                fn $name(ctx: &mut Ctx<$point>) -> Outcome {
                    ctx.value += 1;
                    Outcome::Continue
                }
            )*
        };
    };
}

hooks!(OneHook, "acme", [only]);
hooks!(TenHooks, "acme", [h0 h1 h2 h3 h4 h5 h6 h7 h8 h9]);

/// A benchmarked point's signature.
type Point = fn(&Session, u64) -> Result<u64, AgentError>;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "one".into());
    let calls: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let _guard = audit::init(AuditConfig::new(dir.path().join("audit.jsonl"))).expect("the audit log starts");
    let session = Session::new("s-1").with_tenant("acme");
    let (call, per_call): (Point, u64) = match which.as_str() {
        "ten" => (ten_hooks, 10),
        _ => (one_hook, 1),
    };
    let burst = (1024 / per_call).max(1);
    for index in 0..calls {
        black_box(call(&session, black_box(21)).expect("the call goes on"));
        if (index + 1) % burst == 0 {
            audit::flush().expect("the audit log flushes");
        }
    }
    audit::flush().expect("the audit log flushes");
}
