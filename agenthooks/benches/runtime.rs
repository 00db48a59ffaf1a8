//! Hooks registered at run time: the cost of one, against one linked hook,
//! and the cost of a linked hook's calls while another thread registers and
//! removes a hook on the same point every millisecond.
//! Run with `cargo bench -p agenthooks --bench runtime`.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use agenthooks::{hook, runtime, Ctx, Outcome, Session};
use baseline::{direct, AgentError};
use criterion::{criterion_group, criterion_main, Criterion};
use support::{in_bursts, TemporaryAudit};

#[path = "support/baseline.rs"]
mod baseline;
#[macro_use]
#[path = "support/points.rs"]
mod points;
mod support;

point!(Linked, linked);
point!(Registered, registered);

#[hook(Linked, tenant = "acme")]
fn only(ctx: &mut Ctx<Linked>) -> Outcome {
    ctx.value += 1;
    Outcome::Continue
}

fn runtime_hooks(c: &mut Criterion) {
    let _audit = TemporaryAudit::start();
    let session = Session::new("s-1").with_tenant("acme");
    let _registered = runtime::hook!(Registered, "bench::only")
        .tenant("acme")
        .interceptor(|ctx: &mut Ctx<Registered>| {
            ctx.value += 1;
            Outcome::Continue
        })
        .expect("the hook registers");
    let mut group = c.benchmark_group("runtime");
    group.bench_function("direct", |b| b.iter(|| direct(&session, black_box(21))));
    group.bench_function("one_linked_hook", |b| in_bursts(b, 1, || linked(&session, black_box(21))));
    group.bench_function("one_registered_hook", |b| in_bursts(b, 1, || registered(&session, black_box(21))));

    // Another tenant's hook comes and goes on the same point every
    // millisecond: each registration and removal swaps the point's table.
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut swaps = 0_u64;
            while !stop.load(Ordering::Relaxed) {
                let hook = runtime::hook!(Linked, "bench::churn")
                    .tenant("globex")
                    .observer(|_: &Ctx<Linked>| ())
                    .expect("the hook registers");
                std::thread::sleep(Duration::from_micros(500));
                drop(hook);
                std::thread::sleep(Duration::from_micros(500));
                swaps += 2;
            }
            swaps
        })
    };
    group.bench_function("one_linked_hook_while_registering_every_ms", |b| {
        in_bursts(b, 1, || linked(&session, black_box(21)));
    });
    stop.store(true, Ordering::Relaxed);
    let swaps = churn.join().expect("the registering thread ends");
    println!("table swaps during the last case: {swaps}");
    group.finish();
}

criterion_group!(benches, runtime_hooks);
criterion_main!(benches);
