//! Telemetry installed after the agent has already run a hook: instruments
//! taken from the API's no-op meter provider stay no-ops forever, so the
//! runtime must take them again from the provider installed later; and no
//! span is made before a subscriber exists, but one is once it does.
//!
//! One test in its own binary: it needs a process in which nothing was
//! installed before its first hook call.

use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use agenthooks_tests::meters::Meters;
use agenthooks_tests::AgentError;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use tracing_subscriber::layer::SubscriberExt as _;

#[hookpoint(Early)]
fn early(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Early)]
fn counted(_ctx: &Ctx<Early>) -> Outcome {
    Outcome::Continue
}

fn call() {
    early(&Session::new("s-1")).expect("no hook blocks");
}

#[test]
fn telemetry_installed_after_the_first_hook_call_sees_the_later_ones() {
    call();

    let meters = Meters::install();
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
    let subscriber =
        tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(provider.tracer("tests")));
    tracing::subscriber::with_default(subscriber, || {
        call();
        call();
    });

    let executions = meters.collect().counter(
        "agenthooks.hook.executions",
        &[("hook.name", "early"), ("hook.impl", "telemetry_late::counted"), ("hook.status", "ok")],
    );
    assert_eq!(executions, 2, "the two calls after the provider was installed");
    let spans = exporter.get_finished_spans().expect("the exporter keeps its spans");
    assert_eq!(spans.iter().filter(|span| span.name == "early counted").count(), 2, "{spans:#?}");
}
