//! The metric instruments, taken from the global meter provider, and taken
//! again when the application installs another one.
//!
//! Instruments taken from a provider stay bound to it: those taken before the
//! application installs its provider are no-ops forever. So the instruments
//! keep the provider they come from, and are taken again once the global
//! registry has let go of it, which the provider's reference count shows for
//! the cost of one load, with no lock on the global registry. The
//! instruments of the first provider are kept in a static; once it is
//! replaced, each thread keeps its own copy of the newest instruments, so the
//! per-execution path takes no lock either way.
//!
//! A provider that holds no state, such as the API's no-op provider that the
//! global registry starts with, cannot record anything: nothing is recorded
//! into it, so that an agent with no provider installed pays no more than
//! that look-up.

use std::cell::Cell;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use opentelemetry::metrics::{Counter, Histogram, MeterProvider};
use opentelemetry::{global, InstrumentationScope, KeyValue};

use super::{millis, BLOCKED, DURATION_MS, ERRORS, EXECUTIONS, METER, TIMEOUTS};
use crate::execution::{Execution, Status};
use crate::symbol::{HOOK_IMPL, HOOK_NAME, HOOK_STATUS};

/// The instruments of one meter provider.
struct Instruments {
    /// The provider they come from. While it is the global one, the global
    /// registry holds it too; once replaced, this is its last reference.
    provider: Arc<dyn MeterProvider + Send + Sync>,
    /// `None` when the provider cannot record.
    recorders: Option<Recorders>,
}

/// The five instruments.
struct Recorders {
    executions: Counter<u64>,
    duration_ms: Histogram<f64>,
    errors: Counter<u64>,
    timeouts: Counter<u64>,
    blocked: Counter<u64>,
}

/// The instruments taken at the first hook execution. While their provider
/// is the global one (the usual case: the application installs its provider
/// once, before the agent runs) every execution uses them, with no lock and
/// no thread-local look-up.
static FIRST: OnceLock<Arc<Instruments>> = OnceLock::new();

/// The instruments of the newest global provider seen by any thread.
static LATEST: Mutex<Option<Arc<Instruments>>> = Mutex::new(None);

thread_local! {
    /// This thread's copy of [`LATEST`], once the first provider is replaced.
    static CACHED: Cell<Option<Arc<Instruments>>> = const { Cell::new(None) };
}

/// Records one hook execution in the metrics.
#[inline]
pub(super) fn record(execution: &Execution<'_>) {
    let first = FIRST.get_or_init(latest);
    if first.are_current() {
        first.record(execution);
    } else {
        record_replaced(execution);
    }
}

/// Records one hook execution once the first provider has been replaced.
fn record_replaced(execution: &Execution<'_>) {
    let recorded = CACHED.try_with(|cached| {
        let instruments = match cached.take() {
            Some(instruments) if instruments.are_current() => instruments,
            _ => latest(),
        };
        instruments.record(execution);
        cached.set(Some(instruments));
    });
    // The thread is being torn down and its copy is gone: use the shared one.
    if recorded.is_err() {
        latest().record(execution);
    }
}

/// The instruments of the current global provider, taken from it if no
/// thread has yet.
fn latest() -> Arc<Instruments> {
    let mut latest = LATEST.lock().unwrap_or_else(PoisonError::into_inner);
    match latest.as_ref() {
        Some(instruments) if instruments.are_current() => Arc::clone(instruments),
        _ => Arc::clone(latest.insert(Arc::new(Instruments::take()))),
    }
}

impl Instruments {
    /// The instruments of the current global provider.
    fn take() -> Self {
        let provider = global::meter_provider();
        // A provider without state (a zero-sized type) has nowhere to keep a
        // measurement: it is a no-op provider.
        let recorders = (size_of_val(&*provider) != 0).then(|| Recorders::of(&*provider));
        Instruments { provider, recorders }
    }

    /// Whether the provider they come from is still the global one.
    #[inline]
    fn are_current(&self) -> bool {
        Arc::strong_count(&self.provider) > 1
    }

    #[inline]
    fn record(&self, execution: &Execution<'_>) {
        if let Some(recorders) = &self.recorders {
            recorders.record(execution);
        }
    }
}

impl Recorders {
    fn of(provider: &dyn MeterProvider) -> Self {
        let scope = InstrumentationScope::builder(METER).with_version(env!("CARGO_PKG_VERSION")).build();
        let meter = provider.meter_with_scope(scope);
        Recorders {
            executions: meter
                .u64_counter(EXECUTIONS)
                .with_unit("{execution}")
                .with_description("Hook executions, by point, hook and status")
                .build(),
            duration_ms: meter
                .f64_histogram(DURATION_MS)
                .with_unit("ms")
                .with_description("How long hooks ran, in milliseconds")
                .build(),
            errors: meter
                .u64_counter(ERRORS)
                .with_unit("{execution}")
                .with_description("Hook executions that returned an error or panicked")
                .build(),
            timeouts: meter
                .u64_counter(TIMEOUTS)
                .with_unit("{execution}")
                .with_description("Hook executions that ran past their time limit")
                .build(),
            blocked: meter
                .u64_counter(BLOCKED)
                .with_unit("{execution}")
                .with_description("Hook executions that blocked the call")
                .build(),
        }
    }

    fn record(&self, execution: &Execution<'_>) {
        let hook = execution.hook;
        let attributes = [
            KeyValue::new(HOOK_NAME, hook.point),
            KeyValue::new(HOOK_IMPL, hook.path),
            KeyValue::new(HOOK_STATUS, execution.status.as_str()),
        ];
        let (by_hook, by_point) = (&attributes[..2], &attributes[..1]);
        self.executions.add(1, &attributes);
        self.duration_ms.record(millis(execution.duration), by_hook);
        match execution.status {
            // A hook its breaker or store kept from running failed to run.
            Status::Error | Status::BreakerOpen | Status::StoreDown => self.errors.add(1, by_hook),
            Status::Timeout => self.timeouts.add(1, by_point),
            Status::Blocked | Status::Denied => self.blocked.add(1, by_hook),
            // Its executions say how many calls a limit refused, by status.
            Status::Ok | Status::Skip | Status::Ask | Status::Approved | Status::Shadow | Status::RateLimited => {}
        }
    }
}
