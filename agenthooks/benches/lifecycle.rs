//! The standard lifecycle's cost: every lifecycle point called with nothing
//! hooked (one atomic load each), and one stream event with nothing hooked
//! and with one pass-through hook, through `EventStream::event` and
//! through `EventStream::forward`. Run with
//! `cargo bench -p agenthooks --bench lifecycle`.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use agenthooks::lifecycle::{self, Event, LlmResponse, ToolResult, Usage};
use agenthooks::{HookError, Session};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;
use support::{in_bursts, TemporaryAudit};

#[macro_use]
#[path = "support/hooks.rs"]
mod hooks;
mod support;

/// The output of `future`, ready at its first poll: with no hook linked a
/// lifecycle point never waits, and needs no runtime.
fn now<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("a point with no hook linked never waits"),
    }
}

/// Calls each of the 22 lifecycle points once, with empty arguments (none
/// allocates), as an agent would over one run.
#[inline(never)]
fn every_point(session: &Session) -> Result<(), HookError> {
    let text = String::new;
    now(lifecycle::agent_start(session, text(), Vec::new()))?;
    now(lifecycle::session_start(session, text()))?;
    black_box(now(lifecycle::run_start(session, text(), text()))?);
    black_box(now(lifecycle::user_prompt(session, text()))?);
    black_box(now(lifecycle::select_model(session, text(), Vec::new()))?);
    black_box(now(lifecycle::before_llm(session, text(), Vec::new(), Value::Null))?);
    black_box(now(lifecycle::after_llm(session, text(), LlmResponse::new(Value::Null), Usage::default()))?);
    black_box(now(lifecycle::before_tool(session, text(), Value::Null, text()))?);
    black_box(now(lifecycle::after_tool(session, text(), Value::Null, text(), ToolResult::ok(Value::Null)))?);
    now(lifecycle::tool_error(session, text(), Value::Null, text(), text()))?;
    now(lifecycle::error(session, text(), text()))?;
    now(lifecycle::retry(session, text(), 1, 3, text()))?;
    black_box(now(lifecycle::before_compaction(session, text(), Vec::new()))?);
    now(lifecycle::after_compaction(session, text(), Vec::new(), 0))?;
    black_box(now(lifecycle::subagent_start(session, text(), text()))?);
    black_box(now(lifecycle::subagent_stop(session, text(), text()))?);
    now(lifecycle::notification(session, text(), text()))?;
    black_box(now(lifecycle::message_sending(session, text(), text(), text()))?);
    now(lifecycle::message_sent(session, text(), text(), text()))?;
    black_box(now(lifecycle::run_end(session, text(), text()))?);
    now(lifecycle::session_end(session, text(), text()))?;
    now(lifecycle::agent_shutdown(session, text(), text()))?;
    Ok(())
}

/// The body every lifecycle point has, without `#[hookpoint]`: returns
/// its target.
#[inline(never)]
async fn direct(session: &Session, key: String, target: String) -> Result<String, HookError> {
    black_box((session, key));
    Ok(target)
}

/// The baseline of [`every_point`]: 22 calls of [`direct`].
#[inline(never)]
fn every_direct(session: &Session) -> Result<(), HookError> {
    for _ in 0..22 {
        black_box(now(direct(session, String::new(), String::new()))?);
    }
    Ok(())
}

pass_through_stream_hooks!();

/// Sends `events` events through a stream of `session`, as the agent
/// does, `data` in each.
fn stream_events(session: &Session, iters: u64, data: &Value) -> std::time::Duration {
    let mut stream = lifecycle::stream(session).expect("the audit log takes the stream");
    let start = std::time::Instant::now();
    for _ in 0..iters {
        for event in stream.event(black_box(Event::new("text_delta", data.clone()))).expect("no hook fails") {
            black_box(event);
        }
    }
    let spent = start.elapsed();
    stream.finish().expect("the passes are audited");
    spent
}

/// [`stream_events`] through [`lifecycle::EventStream::forward`].
fn forward_stream_events(session: &Session, iters: u64, data: &Value) -> std::time::Duration {
    let mut stream = lifecycle::stream(session).expect("the audit log takes the stream");
    let start = std::time::Instant::now();
    for _ in 0..iters {
        stream
            .forward(black_box(Event::new("text_delta", data.clone())), |event| {
                black_box(event);
            })
            .expect("no hook fails");
    }
    let spent = start.elapsed();
    stream.finish().expect("the passes are audited");
    spent
}

/// The baseline of [`stream_events`]: the same events, forwarded as they
/// are made, without a stream.
fn forward_events(iters: u64, data: &Value) -> std::time::Duration {
    let start = std::time::Instant::now();
    for _ in 0..iters {
        black_box(black_box(Event::new("text_delta", data.clone())));
    }
    start.elapsed()
}

fn lifecycle(c: &mut Criterion) {
    let _audit = TemporaryAudit::start();
    let session = Session::new("s-1");
    let mut group = c.benchmark_group("lifecycle");
    group.bench_function("direct_22_calls", |b| b.iter(|| every_direct(black_box(&session))));
    // Timed in bursts like the hooked benchmarks, though nothing is audited.
    group.bench_function("every_point_unhooked_22_calls", |b| in_bursts(b, 1, || every_point(black_box(&session))));
    group.finish();

    let mut group = c.benchmark_group("stream_event");
    // What making, forwarding and dropping the events costs, without a
    // stream, timed as the streams are.
    for (name, data) in [("null_data", Value::Null), ("text_data", Value::String("a short delta".into()))] {
        group.bench_function(format!("baseline_event_only_{name}"), |b| {
            b.iter_custom(|iters| forward_events(iters, &data));
        });
    }
    for (name, tenant) in [
        ("no_hook", "nobody"),
        ("one_pass_through_interceptor", "interceptor"),
        ("one_pass_through_observer", "observer"),
    ] {
        let session = Session::new("s-1").with_tenant(tenant);
        group.bench_function(format!("{name}_null_data"), |b| {
            b.iter_custom(|iters| stream_events(&session, iters, &Value::Null));
        });
        let text = Value::String("a short delta".into());
        group.bench_function(format!("{name}_text_data"), |b| {
            b.iter_custom(|iters| stream_events(&session, iters, &text));
        });
        group.bench_function(format!("{name}_null_data_forward"), |b| {
            b.iter_custom(|iters| forward_stream_events(&session, iters, &Value::Null));
        });
        group.bench_function(format!("{name}_text_data_forward"), |b| {
            b.iter_custom(|iters| forward_stream_events(&session, iters, &text));
        });
    }
    group.finish();
}

criterion_group!(benches, lifecycle);
criterion_main!(benches);
