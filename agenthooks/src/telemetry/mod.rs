//! Telemetry: a `tracing` span and OpenTelemetry metrics for every hook
//! execution, so that operators see every hook in the tracing backend they
//! already run, without writing any instrumentation.
//!
//! # Spans
//!
//! Each hook runs inside an INFO span named `hook`, with target `agenthooks`,
//! opened as a child of the caller's current span. Any `tracing` subscriber
//! sees it; through `tracing-opentelemetry` it becomes an OpenTelemetry span
//! named `<point> <hook>` (the `otel.name` field), e.g. `before_search eu_only`.
//!
//! | field | value |
//! |---|---|
//! | `hook.name` | the point, e.g. `before_search` |
//! | `hook.impl` | the hook's path, e.g. `acme_hooks::search::eu_only` |
//! | `hook.tenant_id` | the caller's tenant, when the session has one |
//! | `hook.status` | `ok`, `blocked`, `skip`, `timeout` or `error` |
//! | `hook.duration_ms` | how long the hook ran, in milliseconds |
//! | `hook.error` | the block reason, error, panic or time-out message |
//!
//! A blocked, failed or timed-out hook sets the span's status to error, with
//! its message as the description (`otel.status_code`,
//! `otel.status_description`). No argument value is ever put in a span, and
//! the message has every `#[redact]` value replaced by
//! [`REDACTED`](crate::REDACTED).
//!
//! # Metrics
//!
//! Recorded through the global meter provider of the `opentelemetry` API
//! (meter [`METER`]); the runtime does not depend on the SDK.
//!
//! | instrument | kind | attributes |
//! |---|---|---|
//! | [`EXECUTIONS`] | counter | `hook.name`, `hook.impl`, `hook.status` |
//! | [`DURATION_MS`] | histogram (ms) | `hook.name`, `hook.impl` |
//! | [`ERRORS`] | counter | `hook.name`, `hook.impl` |
//! | [`TIMEOUTS`] | counter | `hook.name` |
//! | [`BLOCKED`] | counter | `hook.name`, `hook.impl` |
//!
//! A hook that errors or panics counts in [`ERRORS`]; one that runs past its
//! limit counts in [`TIMEOUTS`] only.
//!
//! The application may install its meter provider
//! (`opentelemetry::global::set_meter_provider`) before or after the first
//! hook runs: the instruments are taken again from the new provider at the
//! next hook execution after it is installed. (One limit: a provider that
//! something else in the process still holds through
//! `opentelemetry::global::meter_provider()` is not seen as replaced.)
//!
//! # Cost
//!
//! With no subscriber and no meter provider installed, a hook execution pays
//! one load that shows no `tracing` subscriber was ever installed (so no span
//! is made), and one load of a reference count that shows the global meter
//! provider is still the no-op one it was at the first hook execution (so no
//! instrument is called).
//!
//! # Example
//!
//! The application installs its providers once; neither the agent nor the
//! hooks carry any telemetry code. (In-memory exporters here, to read the
//! span back; a deployment uses an OTLP or stdout exporter.)
//!
//! ```
//! use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
//! use opentelemetry::trace::TracerProvider as _;
//! use opentelemetry::KeyValue;
//! use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//! use tracing_subscriber::layer::SubscriberExt as _;
//!
//! #[derive(Debug)]
//! struct AgentError(HookError);
//! impl From<HookError> for AgentError {
//!     fn from(error: HookError) -> Self { AgentError(error) }
//! }
//!
//! #[hookpoint(BeforeSearch)]
//! fn search(session: &Session, query: String) -> Result<String, AgentError> {
//!     Ok(query)
//! }
//!
//! #[hook(BeforeSearch, tenant = "acme")]
//! fn eu_only(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
//!     ctx.query.push_str(" region:eu");
//!     Outcome::Continue
//! }
//!
//! let spans = InMemorySpanExporter::default();
//! let tracer_provider = SdkTracerProvider::builder().with_simple_exporter(spans.clone()).build();
//! let meter_provider = SdkMeterProvider::builder()
//!     .with_reader(PeriodicReader::builder(InMemoryMetricExporter::default()).build())
//!     .build();
//! opentelemetry::global::set_meter_provider(meter_provider);
//! let subscriber = tracing_subscriber::registry()
//!     .with(tracing_opentelemetry::layer().with_tracer(tracer_provider.tracer("agent")));
//!
//! let acme = Session::new("s-1").with_tenant("acme");
//! tracing::subscriber::with_default(subscriber, || search(&acme, "rust".into())).unwrap();
//!
//! let spans = spans.get_finished_spans().unwrap();
//! assert_eq!(spans[0].name, "before_search eu_only");
//! assert!(spans[0].attributes.contains(&KeyValue::new("hook.status", "ok")));
//! ```
#![doc = include_str!("../../docs/telemetry.md")]

mod metrics;

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tracing::field::Empty;
use tracing::instrument::Instrumented;
use tracing::{Instrument as _, Span};

use crate::execution::{Execution, Status};
use crate::symbol::{
    HOOK_DURATION_MS, HOOK_ERROR, HOOK_IMPL, HOOK_NAME, HOOK_STATUS, HOOK_TENANT_ID, OTEL_NAME, OTEL_STATUS_CODE,
    OTEL_STATUS_DESCRIPTION,
};
use crate::{HookMeta, Session};

/// Name of the meter (the instrumentation scope) the metrics come from.
pub const METER: &str = "agenthooks";
/// Counter of hook executions, by point, hook and status.
pub const EXECUTIONS: &str = "agenthooks.hook.executions";
/// Histogram of hook run times in milliseconds, by point and hook.
pub const DURATION_MS: &str = "agenthooks.hook.duration_ms";
/// Counter of hook executions that returned an error or panicked, by point
/// and hook.
pub const ERRORS: &str = "agenthooks.hook.errors";
/// Counter of hook executions that ran past their time limit, by point.
pub const TIMEOUTS: &str = "agenthooks.hook.timeouts";
/// Counter of hook executions that blocked the call, by point and hook.
pub const BLOCKED: &str = "agenthooks.hook.blocked";

/// The span of one hook execution, or `None` when no subscriber records it.
///
/// Boxed so that the scope the executor carries around a hook stays one word:
/// a span inline (five words) measurably slows the path with no subscriber.
pub(crate) struct HookSpan(Option<Box<Span>>);

impl HookSpan {
    /// Opens the span of one run of `hook` for `session`, as a child of the
    /// caller's current span. Until a subscriber is installed anywhere in the
    /// process this is one load, and no span is made.
    #[inline]
    pub(crate) fn open(hook: &'static HookMeta, session: &Session) -> Self {
        HookSpan(if tracing::dispatcher::has_been_set() { new_span(hook, session) } else { None })
    }

    /// Runs `run` inside the span.
    #[inline]
    pub(crate) fn in_scope<R>(&self, run: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(span) => span.in_scope(run),
            None => run(),
        }
    }

    /// `run`, entering the span each time it is polled.
    #[inline]
    pub(crate) fn instrument<F: Future>(&self, run: F) -> Instrumented<F> {
        run.instrument(self.0.as_deref().map_or_else(Span::none, Span::clone))
    }

    /// Records how the hook ended on the span and in the metrics, and ends
    /// the span.
    #[inline]
    pub(crate) fn close(self, execution: &Execution<'_>) {
        // Taken apart, not borrowed: without a span there is nothing left to
        // drop, and no call is made to drop it.
        if let Some(span) = self.0 {
            record(&span, execution);
        }
        metrics::record(execution);
    }
}

/// The span of one run of `hook`, or `None` when no subscriber wants it.
fn new_span(hook: &'static HookMeta, session: &Session) -> Option<Box<Span>> {
    let span = tracing::info_span!(
        target: "agenthooks",
        "hook",
        { OTEL_NAME } = %SpanName(hook),
        { HOOK_NAME } = hook.point,
        { HOOK_IMPL } = hook.path,
        { HOOK_TENANT_ID } = session.tenant_id(),
        { HOOK_STATUS } = Empty,
        { HOOK_DURATION_MS } = Empty,
        { HOOK_ERROR } = Empty,
        { OTEL_STATUS_CODE } = Empty,
        { OTEL_STATUS_DESCRIPTION } = Empty,
    );
    (!span.is_disabled()).then(|| Box::new(span))
}

/// Records how the hook ended on its span.
fn record(span: &Span, execution: &Execution<'_>) {
    span.record(HOOK_STATUS, execution.status.as_str());
    span.record(HOOK_DURATION_MS, millis(execution.duration));
    // A note (`Outcome::Note`, status `ok`) is no error: the audit line
    // keeps it.
    if let Some(message) = execution.message.filter(|_| execution.status != Status::Ok) {
        span.record(HOOK_ERROR, message);
    }
    if let Status::Blocked | Status::Timeout | Status::Error | Status::Denied = execution.status {
        span.record(OTEL_STATUS_CODE, "error");
        span.record(OTEL_STATUS_DESCRIPTION, execution.message.unwrap_or_default());
    }
}

/// The OpenTelemetry name of a hook's span: `<point> <hook>`.
struct SpanName(&'static HookMeta);

impl fmt::Display for SpanName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0.point, self.0.name)
    }
}

/// A duration in milliseconds, fractions kept: hooks often run in less than
/// one.
fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
