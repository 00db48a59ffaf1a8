//! Telemetry with no instrumentation written: an agent's tool calls run the
//! hooks of two customers, and every hook execution shows up as a span and
//! in the metrics, printed here by the OpenTelemetry stdout exporters.
//!
//! The calls are chosen so that each status appears once: `ok`, `blocked`,
//! `skip`, `timeout` and `error`. To send the same data to a collector, swap
//! the two stdout exporters for OTLP ones (see the README).

use std::thread::sleep;
use std::time::Duration;

use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_subscriber::layer::SubscriberExt as _;

/// What the agent's tool calls fail with.
#[derive(Debug)]
enum AgentError {
    /// A hook stopped the call.
    Hook(HookError),
}

impl From<HookError> for AgentError {
    fn from(error: HookError) -> Self {
        AgentError::Hook(error)
    }
}

/// Customers may vet a tool call before it runs; the API key is redacted
/// from every span.
#[hookpoint(BeforeTool)]
fn call_tool(session: &Session, tool: String, #[redact] api_key: String) -> Result<String, AgentError> {
    Ok(format!("{tool} ran for {} with a key of {} bytes", session.session_id(), api_key.len()))
}

/// acme: the shell tool is never allowed.
#[hook(BeforeTool, tenant = "acme", order = 10)]
fn no_shell(ctx: &Ctx<BeforeTool>) -> Outcome {
    if ctx.tool == "shell" {
        Outcome::block("the shell tool is disabled for acme")
    } else {
        Outcome::Continue
    }
}

/// acme: the weather is answered from a cache, so no later hook runs.
#[hook(BeforeTool, tenant = "acme", order = 20)]
fn cached_weather(ctx: &Ctx<BeforeTool>) -> Outcome {
    if ctx.tool == "weather" {
        Outcome::Skip
    } else {
        Outcome::Continue
    }
}

/// globex: a quota check that is slow for searches; it overruns its limit.
#[hook(BeforeTool, tenant = "globex", order = 10, timeout_ms = 20)]
fn quota_check(ctx: &Ctx<BeforeTool>) -> Outcome {
    if ctx.tool == "search" {
        sleep(Duration::from_millis(50));
    }
    Outcome::Continue
}

/// globex: the licence server is down for translations.
#[hook(BeforeTool, tenant = "globex", order = 20)]
fn licence_check(ctx: &Ctx<BeforeTool>) -> Result<Outcome, String> {
    if ctx.tool == "translate" {
        Err(format!("licence server unreachable (key {})", ctx.api_key))
    } else {
        Ok(Outcome::Continue)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let resource = Resource::builder().with_service_name("otel-example").build();
    let tracer_provider = SdkTracerProvider::builder()
        .with_resource(resource.clone())
        .with_simple_exporter(opentelemetry_stdout::SpanExporter::default())
        .build();
    let meter_provider = SdkMeterProvider::builder()
        .with_resource(resource)
        .with_reader(PeriodicReader::builder(opentelemetry_stdout::MetricExporter::default()).build())
        .build();
    opentelemetry::global::set_meter_provider(meter_provider.clone());
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer_provider.tracer("otel-example")));
    tracing::subscriber::set_global_default(subscriber)?;

    let calls =
        [("acme", "search"), ("acme", "shell"), ("acme", "weather"), ("globex", "search"), ("globex", "translate")];
    for (turn, (tenant, tool)) in (1..).zip(calls) {
        let session = Session::new(format!("session-{tenant}")).with_tenant(tenant).with_turn(turn);
        // The agent's own span: every hook span of the call is its child.
        let agent_turn = tracing::info_span!("agent_turn", tenant, tool);
        let result = agent_turn.in_scope(|| call_tool(&session, tool.into(), "sk-live-5f0e9d".into()));
        match result {
            Ok(answer) => println!("[{tenant}] {tool}: {answer}"),
            Err(AgentError::Hook(error)) => println!("[{tenant}] {tool}: stopped: {error}"),
        }
    }

    // Shutting down exports what is left: the last spans and the metrics.
    tracer_provider.shutdown()?;
    meter_provider.shutdown()?;
    Ok(())
}
