//! The spans of hook executions: one per execution, a child of the caller's
//! span, with its attributes and status, seen by an OpenTelemetry SDK through
//! `tracing-opentelemetry` and by a plain `tracing` subscriber, and never
//! carrying a redacted value.
//!
//! Each test installs its own subscriber for its own thread only, so the
//! tests of this file run side by side.

use std::thread::sleep;
use std::time::Duration;

use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use agenthooks_tests::spans::with_spans;
use agenthooks_tests::AgentError;
use opentelemetry::trace::{Status, TracerProvider as _};
use opentelemetry::Value;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing_subscriber::layer::SubscriberExt as _;

/// The value every call passes as its redacted API key.
const SECRET: &str = "sk-live-5f0e9d";

/// Customers may vet the query; the API key is redacted.
#[hookpoint(Lookup)]
fn lookup(session: &Session, query: String, #[redact] api_key: String) -> Result<String, AgentError> {
    Ok(format!("{query} with a key of {} bytes", api_key.len()))
}

#[hook(Lookup, tenant = "ok")]
fn passes(_ctx: &Ctx<Lookup>) -> Outcome {
    Outcome::Continue
}

#[hook(Lookup, tenant = "blocked")]
fn refuses(ctx: &Ctx<Lookup>) -> Outcome {
    Outcome::Block(format!("key {} is revoked", ctx.api_key))
}

#[hook(Lookup, tenant = "skip")]
fn answers_from_cache(_ctx: &Ctx<Lookup>) -> Outcome {
    Outcome::Skip
}

#[hook(Lookup, tenant = "timeout", timeout_ms = 5)]
fn stalls(_ctx: &Ctx<Lookup>) -> Outcome {
    sleep(Duration::from_millis(30));
    Outcome::Continue
}

#[hook(Lookup, tenant = "error")]
fn fails(ctx: &Ctx<Lookup>) -> Result<Outcome, String> {
    Err(format!("backend refused key {}", ctx.api_key))
}

#[hook(Lookup, tenant = "panic")]
fn panics(ctx: &Ctx<Lookup>) -> Outcome {
    panic!("key {} broke the parser", ctx.api_key)
}

fn call(tenant: &str) -> Result<String, AgentError> {
    lookup(&Session::new("s-1").with_tenant(tenant), "rust".into(), SECRET.into())
}

/// Runs `run` with a subscriber that feeds an OpenTelemetry SDK tracer, and
/// returns the spans it exported.
fn exported_spans(run: impl FnOnce()) -> Vec<SpanData> {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
    let subscriber =
        tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(provider.tracer("tests")));
    tracing::subscriber::with_default(subscriber, run);
    provider.force_flush().expect("the provider exports");
    exporter.get_finished_spans().expect("the exporter keeps its spans")
}

fn attribute<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes.iter().find(|pair| pair.key.as_str() == key).map(|pair| &pair.value)
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    let mut found = spans.iter().filter(|span| span.name == name);
    let span = found.next().unwrap_or_else(|| panic!("no span named {name:?} in {spans:#?}"));
    assert!(found.next().is_none(), "more than one span named {name:?}");
    span
}

// --- spans through OpenTelemetry ---------------------------------------------

#[test]
fn each_status_gives_one_span_with_its_attributes_and_status() {
    let cases = [
        ("ok", "passes", "ok", None),
        ("skip", "answers_from_cache", "skip", None),
        ("blocked", "refuses", "blocked", Some("key [REDACTED] is revoked")),
        ("timeout", "stalls", "timeout", Some("ran past its limit of 5 ms")),
        ("error", "fails", "error", Some("backend refused key [REDACTED]")),
    ];
    for (tenant, hook, status, error) in cases {
        let spans = exported_spans(|| {
            let _ = tracing::info_span!("agent_turn").in_scope(|| call(tenant));
        });
        assert_eq!(spans.len(), 2, "{tenant}: the caller's span and one hook span: {spans:#?}");
        let caller = named(&spans, "agent_turn");
        let span = named(&spans, &format!("lookup {hook}"));

        assert_eq!(span.parent_span_id, caller.span_context.span_id(), "{tenant}: child of the caller's span");
        assert_eq!(span.span_context.trace_id(), caller.span_context.trace_id());
        assert_eq!(attribute(span, "hook.name"), Some(&Value::from("lookup")), "{tenant}");
        assert_eq!(attribute(span, "hook.impl"), Some(&Value::from(format!("telemetry::{hook}"))), "{tenant}");
        assert_eq!(attribute(span, "hook.tenant_id"), Some(&Value::from(tenant)), "{tenant}");
        assert_eq!(attribute(span, "hook.status"), Some(&Value::from(status)), "{tenant}");
        assert_eq!(attribute(span, "hook.error"), error.map(Value::from).as_ref(), "{tenant}");
        let Some(&Value::F64(duration_ms)) = attribute(span, "hook.duration_ms") else {
            panic!("{tenant}: hook.duration_ms is not a float: {span:#?}");
        };
        let least = if status == "timeout" { 30.0 } else { 0.0 };
        assert!(duration_ms >= least && duration_ms < 10_000.0, "{tenant}: {duration_ms} ms");
        let expected = error.map_or(Status::Unset, |description| Status::error(description.to_owned()));
        assert_eq!(span.status, expected, "{tenant}: a blocked or failed hook sets the error status");
    }
}

#[test]
fn a_panicking_hook_gives_an_error_span() {
    let spans = exported_spans(|| {
        let _ = call("panic");
    });
    let span = named(&spans, "lookup panics");
    assert_eq!(attribute(span, "hook.status"), Some(&Value::from("error")));
    assert_eq!(span.status, Status::error("key [REDACTED] broke the parser"));
}

#[test]
fn a_session_without_tenant_gives_no_tenant_attribute() {
    #[hookpoint(Untenanted)]
    fn untenanted(session: &Session) -> Result<(), AgentError> {
        Ok(())
    }

    #[hook(Untenanted)]
    fn for_everyone(_ctx: &Ctx<Untenanted>) -> Outcome {
        Outcome::Continue
    }

    let spans = exported_spans(|| untenanted(&Session::new("s-2")).expect("no hook blocks"));
    let span = named(&spans, "untenanted for_everyone");
    assert_eq!(attribute(span, "hook.tenant_id"), None);
    assert_eq!(attribute(span, "hook.status"), Some(&Value::from("ok")));
}

#[test]
fn redacted_values_never_reach_a_span() {
    let spans = exported_spans(|| {
        for tenant in ["ok", "blocked", "skip", "error", "panic"] {
            let _ = call(tenant);
        }
    });
    assert_eq!(spans.len(), 5);
    let everything = format!("{spans:?}");
    assert!(!everything.contains(SECRET), "a span carries the redacted value: {everything}");
    assert_eq!(everything.matches("[REDACTED]").count(), 3 * 2, "hook.error and the status description");
}

// --- spans around the hook's own work ----------------------------------------

#[hookpoint(Nest)]
fn nest(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Nest)]
fn traces_its_work(_ctx: &Ctx<Nest>) -> Outcome {
    tracing::info_span!("inside_sync_hook").in_scope(|| Outcome::Continue)
}

#[hookpoint(AsyncNest)]
async fn async_nest(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(AsyncNest)]
async fn traces_its_work_across_awaits(_ctx: &Ctx<AsyncNest>) -> Outcome {
    tokio::task::yield_now().await;
    tracing::info_span!("inside_async_hook").in_scope(|| Outcome::Continue)
}

#[test]
fn a_hook_runs_inside_its_span() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime");
    let spans = exported_spans(|| {
        nest(&Session::new("s-3")).expect("no hook blocks");
        runtime.block_on(async_nest(&Session::new("s-3"))).expect("no hook blocks");
    });
    let sync_hook = named(&spans, "nest traces_its_work");
    let async_hook = named(&spans, "async_nest traces_its_work_across_awaits");
    assert_eq!(named(&spans, "inside_sync_hook").parent_span_id, sync_hook.span_context.span_id());
    assert_eq!(named(&spans, "inside_async_hook").parent_span_id, async_hook.span_context.span_id());
    assert_eq!(attribute(async_hook, "hook.status"), Some(&Value::from("ok")));
}

// --- a plain tracing subscriber ----------------------------------------------

#[test]
fn a_plain_tracing_subscriber_sees_hook_spans() {
    let ((), output) = with_spans(|| {
        let _ = call("blocked");
    });
    for field in [
        "hook.name=\"lookup\"",
        "hook.impl=\"telemetry::refuses\"",
        "hook.tenant_id=\"blocked\"",
        "hook.status=\"blocked\"",
        "hook.error=\"key [REDACTED] is revoked\"",
        "hook.duration_ms=",
    ] {
        assert!(output.contains(field), "{field} missing from {output}");
    }
    assert!(!output.contains(SECRET));
}
