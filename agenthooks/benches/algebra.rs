//! The decision algebra's cost per call, against the direct call: ten hooks
//! composed as a chain, run-all and parallel, and the approval path.
//! Run with `cargo bench -p agenthooks --bench algebra`.

use std::hint::black_box;

use agenthooks::approval::{self, ApproverKey};
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use baseline::{direct, AgentError};
use criterion::{criterion_group, criterion_main, Criterion};
use support::{in_bursts, TemporaryAudit};

#[path = "support/baseline.rs"]
mod baseline;
#[macro_use]
#[path = "support/points.rs"]
mod points;
mod support;

point!(Chain, chain, compose = "chain");
point!(RunAll, run_all, compose = "run_all");
point!(Parallel, parallel, compose = "parallel");

/// Returns the hook error whole: the benchmark reads the approval id.
#[hookpoint(Asks)]
#[inline(never)]
fn asks(session: &Session, value: u64) -> Result<u64, HookError> {
    black_box(session);
    Ok(value * 2)
}

#[hookpoint(AsyncParallel, compose = "parallel")]
#[inline(never)]
async fn async_parallel(session: &Session, value: u64) -> Result<u64, AgentError> {
    black_box(session);
    Ok(value * 2)
}

/// Ten observers that read the argument: a parallel point's hooks may not
/// all change one argument.
macro_rules! observers {
    ($point:ident, [$($name:ident)*]) => {
        const _: () = {
            $(
                #[hook($point)]
                fn $name(ctx: &Ctx<$point>) -> Outcome {
                    black_box(ctx.value);
                    Outcome::Continue
                }
            )*
        };
    };
}

observers!(Chain, [h0 h1 h2 h3 h4 h5 h6 h7 h8 h9]);
observers!(RunAll, [h0 h1 h2 h3 h4 h5 h6 h7 h8 h9]);
observers!(Parallel, [h0 h1 h2 h3 h4 h5 h6 h7 h8 h9]);

macro_rules! async_observers {
    ($point:ident, [$($name:ident)*]) => {
        const _: () = {
            $(
                #[hook($point)]
                async fn $name(ctx: &Ctx<$point>) -> Outcome {
                    black_box(ctx.value);
                    Outcome::Continue
                }
            )*
        };
    };
}

async_observers!(AsyncParallel, [h0 h1 h2 h3 h4 h5 h6 h7 h8 h9]);

#[hook(Asks)]
fn ask(_ctx: &Ctx<Asks>) -> Outcome {
    Outcome::ask("go on?")
}

fn algebra(c: &mut Criterion) {
    let _audit = TemporaryAudit::start();
    let session = Session::new("s-1").with_tenant("acme");
    let Err(HookError::ApprovalRequired { id, .. }) = asks(&session, 21) else {
        panic!("the hook asks");
    };
    // One grant for every call the bench makes: signed for as many uses as
    // a grant can carry, good for a day.
    let alice = ApproverKey::new("alice", &[7; 32]).expect("a long enough secret");
    approval::trust(alice.clone());
    let grant = alice.grant_uses(id, std::time::Duration::from_secs(86_400), std::num::NonZeroU32::MAX);
    let granted = session.clone().with_approval(grant);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime");

    let mut group = c.benchmark_group("algebra");
    group.bench_function("direct", |b| b.iter(|| direct(&session, black_box(21))));
    group.bench_function("chain_10", |b| in_bursts(b, 10, || chain(&session, black_box(21))));
    group.bench_function("run_all_10", |b| in_bursts(b, 10, || run_all(&session, black_box(21))));
    group.bench_function("parallel_10", |b| in_bursts(b, 10, || parallel(&session, black_box(21))));
    group.bench_function("parallel_10_async", |b| {
        in_bursts(b, 10, || runtime.block_on(async_parallel(&session, black_box(21))));
    });
    group.bench_function("ask_then_granted", |b| in_bursts(b, 2, || asks(&granted, black_box(21))));
    group.bench_function("ask_then_required", |b| in_bursts(b, 1, || asks(&session, black_box(21)).is_err()));
    group.finish();
}

criterion_group!(benches, algebra);
criterion_main!(benches);
