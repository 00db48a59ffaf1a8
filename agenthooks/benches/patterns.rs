//! What a rate limit and a circuit breaker cost per call on the in-process
//! store, against one hook without them and the direct call: each case is
//! one interceptor on a plain `fn` point. Run with
//! `cargo bench -p agenthooks --bench patterns`.

use std::hint::black_box;

use agenthooks::{hook, Ctx, Outcome, Session};
use baseline::{direct, AgentError};
use criterion::{criterion_group, criterion_main, Criterion};
use support::{in_bursts, TemporaryAudit};

#[path = "support/baseline.rs"]
mod baseline;
#[macro_use]
#[path = "support/points.rs"]
mod points;
mod support;

point!(OneHook, one_hook);
point!(Limited, limited);
point!(Refused, refused);
point!(Guarded, guarded);

/// One hook of `$point`, adding 1 to the value, with `$settings`.
macro_rules! hooks {
    ($point:ident $(, $($settings:tt)+)?) => {
        const _: () = {
            #[hook($point $(, $($settings)+)?)]
            fn add(ctx: &mut Ctx<$point>) -> Outcome {
                ctx.value += 1;
                Outcome::Continue
            }
        };
    };
}

hooks!(OneHook);
// A limit no benchmark reaches: every call is admitted.
hooks!(Limited, rate_limit = "4000000000/1s per tenant");
// A limit the first call uses up: every later call skips the hook.
hooks!(Refused, rate_limit = "1/1h per tenant", exceeded = "skip");
// A breaker that stays closed: the hook never fails.
hooks!(Guarded, breaker = "5 in 60s, probe after 30s");

fn patterns(c: &mut Criterion) {
    let _audit = TemporaryAudit::start();
    let session = Session::new("s-1").with_tenant("acme");
    let mut group = c.benchmark_group("patterns");
    group.bench_function("direct", |b| b.iter(|| direct(&session, black_box(21))));
    group.bench_function("one_hook", |b| in_bursts(b, 1, || one_hook(&session, black_box(21))));
    group.bench_function("one_hook_rate_limited_admitted", |b| in_bursts(b, 1, || limited(&session, black_box(21))));
    group.bench_function("one_hook_rate_limited_refused", |b| in_bursts(b, 1, || refused(&session, black_box(21))));
    group.bench_function("one_hook_breaker_closed", |b| in_bursts(b, 1, || guarded(&session, black_box(21))));
    group.finish();
}

criterion_group!(benches, patterns);
criterion_main!(benches);
