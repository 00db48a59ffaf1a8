//! What telemetry costs a hook execution: a one-hook point called with no
//! `tracing` subscriber and no OpenTelemetry meter provider installed (the
//! figure to compare with `one_hook` of the executor benchmark), then the
//! same point with a subscriber feeding an OpenTelemetry SDK tracer and a
//! global SDK meter provider installed. Both against the direct call.
//!
//! Run with `cargo bench -p agenthooks --bench telemetry`.

use std::hint::black_box;

use agenthooks::{hook, Ctx, Outcome, Session};
use baseline::{direct, AgentError};
use criterion::{criterion_group, Criterion};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::testing::trace::NoopSpanExporter;
use opentelemetry_sdk::trace::SdkTracerProvider;
use support::{in_bursts, TemporaryAudit};
use tracing_subscriber::layer::SubscriberExt as _;

#[path = "support/baseline.rs"]
mod baseline;
#[macro_use]
#[path = "support/points.rs"]
mod points;
mod support;

point!(OneHook, one_hook);

#[hook(OneHook, tenant = "acme")]
fn only(ctx: &mut Ctx<OneHook>) -> Outcome {
    ctx.value += 1;
    Outcome::Continue
}

fn bench_calls(c: &mut Criterion, group: &str) {
    let session = Session::new("s-1").with_tenant("acme");
    let mut group = c.benchmark_group(group);
    group.bench_function("direct", |b| b.iter(|| direct(black_box(&session), black_box(20))));
    group.bench_function("one_hook", |b| in_bursts(b, 1, || one_hook(black_box(&session), black_box(20))));
    group.finish();
}

/// Nothing installed: what every agent pays for telemetry it does not use.
/// Runs first, before anything is installed in the process.
fn nothing_installed(c: &mut Criterion) {
    bench_calls(c, "no_subscriber_no_provider");
}

/// A `tracing` subscriber exporting to an SDK tracer (batch processor; the
/// exporter drops the spans) and a global SDK meter provider aggregating in
/// memory.
fn subscriber_and_provider(c: &mut Criterion) {
    let tracer_provider = SdkTracerProvider::builder().with_batch_exporter(NoopSpanExporter::new()).build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer_provider.tracer("bench")));
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(InMemoryMetricExporter::default()).build())
        .build();
    opentelemetry::global::set_meter_provider(meter_provider.clone());
    tracing::subscriber::with_default(subscriber, || bench_calls(c, "subscriber_and_provider"));
    meter_provider.shutdown().expect("the meter provider shuts down");
    tracer_provider.shutdown().expect("the tracer provider shuts down");
}

criterion_group!(benches, nothing_installed, subscriber_and_provider);

fn main() {
    let _audit = TemporaryAudit::start();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
