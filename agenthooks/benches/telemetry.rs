//! What telemetry costs one hook execution: a one-hook point called with no
//! `tracing` subscriber and no OpenTelemetry provider installed, then the
//! same point with a subscriber feeding an OpenTelemetry SDK tracer and a
//! global SDK meter provider installed. Both are measured against the
//! direct call of the function the point wraps.

use std::hint::black_box;

use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use criterion::{criterion_group, criterion_main, Criterion};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::testing::trace::NoopSpanExporter;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt as _;

#[derive(Debug)]
struct BenchError;

impl From<HookError> for BenchError {
    fn from(_: HookError) -> Self {
        BenchError
    }
}

#[hookpoint(BenchPoint)]
fn hooked(session: &Session, query: String) -> Result<String, BenchError> {
    Ok(query)
}

// The same signature as the point, so that the comparison is like for like.
#[allow(clippy::unnecessary_wraps)]
fn direct(_session: &Session, query: String) -> Result<String, BenchError> {
    Ok(query)
}

#[hook(BenchPoint, tenant = "bench")]
fn pass(ctx: &mut Ctx<BenchPoint>) -> Outcome {
    black_box(&ctx.query);
    Outcome::Continue
}

fn bench_calls(c: &mut Criterion, label: &str) {
    let session = Session::new("s-bench").with_tenant("bench");
    let mut group = c.benchmark_group(label);
    group.bench_function("direct", |b| b.iter(|| direct(black_box(&session), black_box(String::new()))));
    group.bench_function("one_hook", |b| b.iter(|| hooked(black_box(&session), black_box(String::new()))));
    group.finish();
}

/// Nothing installed: the cost every agent pays for telemetry it does not use.
fn without_telemetry(c: &mut Criterion) {
    bench_calls(c, "no_subscriber_no_provider");
}

/// A `tracing` subscriber exporting to an SDK tracer (batch processor, spans
/// discarded by the exporter) and a global SDK meter provider aggregating in
/// memory.
fn with_telemetry(c: &mut Criterion) {
    let tracer_provider = SdkTracerProvider::builder().with_batch_exporter(NoopSpanExporter::new()).build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer_provider.tracer("bench")));
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(InMemoryMetricExporter::default()).build())
        .build();
    opentelemetry::global::set_meter_provider(meter_provider.clone());
    tracing::subscriber::with_default(subscriber, || bench_calls(c, "subscriber_and_provider"));
    meter_provider.shutdown().expect("meter provider shuts down");
    tracer_provider.shutdown().expect("tracer provider shuts down");
}

criterion_group!(benches, without_telemetry, with_telemetry);
criterion_main!(benches);
