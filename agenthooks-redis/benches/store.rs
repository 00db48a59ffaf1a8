//! One call of the Redis store on loopback: a single round trip that runs
//! one script on a server the bench starts itself.

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::num::NonZeroU32;
use std::time::Duration;

use agenthooks::store::{Breaker, Rate, Store};
use criterion::{criterion_group, criterion_main, Criterion};
use support::RedisServer;

fn round_trips(c: &mut Criterion) {
    let Some(server) = RedisServer::start() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let store = runtime.block_on(server.store("bench"));
    // Generous enough that every call is admitted: each one writes.
    let rate = Rate::new(NonZeroU32::MAX, Duration::from_secs(1)).unwrap();
    let breaker = Breaker::new(NonZeroU32::MIN, Duration::from_secs(1), Duration::from_secs(1)).unwrap();
    c.bench_function("redis_store/admit", |b| {
        b.iter(|| runtime.block_on(store.admit(black_box("search"), rate)).unwrap());
    });
    c.bench_function("redis_store/permit", |b| {
        b.iter(|| runtime.block_on(store.permit(black_box("search"), breaker)).unwrap());
    });
}

criterion_group!(benches, round_trips);
criterion_main!(benches);
