//! Hooked calls to count instructions on, where time is too noisy to
//! compare two builds: `count_calls one 20000` makes 20,000 calls of a
//! plain `fn` point with one interceptor (`ten`: a point with ten), with a
//! buffered audit log in a temporary file, flushed every 1,024 records
//! between calls; `direct` calls the same body without `#[hookpoint]`, the
//! baseline. The points and hooks are those of the `executor` bench.
//! `stream_none`, `stream_observer` and `stream_interceptor` send text
//! deltas through a stream with no hook, one pass-through observer or one
//! pass-through interceptor (count `count_calls::stream_event`), and
//! `stream_direct` forwards them without a stream (`count_calls::event_direct`).
//!
//! ```sh
//! cargo build --release -p agenthooks --example count_calls
//! valgrind --tool=callgrind --separate-threads=yes --toggle-collect='count_calls::one_hook' \
//!     target/release/examples/count_calls one 20000
//! ```
//!
//! (`direct 20000` with `--toggle-collect='count_calls::baseline::direct'`
//! for the baseline.) The main thread's total (the `-01` file), divided by the number of
//! calls, is the instructions one call costs the calling thread, audit
//! queue included; the audit writer's thread is counted apart.

use std::hint::black_box;

use agenthooks::audit::{self, AuditConfig};
use agenthooks::lifecycle::{self, Event, EventStream};
use agenthooks::Session;
use baseline::{direct, AgentError};

#[path = "../benches/support/baseline.rs"]
mod baseline;
#[macro_use]
#[path = "../benches/support/hooks.rs"]
mod hooks;
#[macro_use]
#[path = "../benches/support/points.rs"]
mod points;

point!(OneHook, one_hook);
point!(TenHooks, ten_hooks);

hooks!(OneHook, "acme", [only]);
hooks!(TenHooks, "acme", [h0 h1 h2 h3 h4 h5 h6 h7 h8 h9]);

pass_through_stream_hooks!();

/// One event through an open stream: what a streamed response pays per
/// event.
#[inline(never)]
fn stream_event(stream: &mut EventStream<'_>, event: Event) -> usize {
    stream.event(event).expect("no stream hook fails").map(black_box).count()
}

/// One event forwarded as it is: the baseline of [`stream_event`].
#[inline(never)]
fn event_direct(event: Event) -> usize {
    black_box(event);
    1
}

/// Sends `events` text deltas through a stream of `tenant` (`None`: the
/// baseline, forwarded without a stream).
fn stream_events(tenant: Option<&str>, events: u64) {
    let session = Session::new("s-1").with_tenant(tenant.unwrap_or("nobody"));
    let mut stream = lifecycle::stream(&session).expect("the audit log takes the stream");
    for _ in 0..events {
        let event = Event::new("text_delta", "a short delta");
        black_box(match tenant {
            Some(_) => stream_event(&mut stream, event),
            None => event_direct(event),
        });
    }
    stream.finish().expect("the passes are audited");
}

/// A benchmarked point's signature.
type Point = fn(&Session, u64) -> Result<u64, AgentError>;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "one".into());
    let calls: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let _guard = audit::init(AuditConfig::new(dir.path().join("audit.jsonl"))).expect("the audit log starts");
    let stream_tenant = match which.as_str() {
        "stream_none" => Some(Some("nobody")),
        "stream_interceptor" => Some(Some("interceptor")),
        "stream_observer" => Some(Some("observer")),
        "stream_direct" => Some(None),
        _ => None,
    };
    if let Some(tenant) = stream_tenant {
        stream_events(tenant, calls);
        return;
    }
    let session = Session::new("s-1").with_tenant("acme");
    let (call, per_call): (Point, u64) = match which.as_str() {
        "ten" => (ten_hooks, 10),
        "direct" => (direct, 1),
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
