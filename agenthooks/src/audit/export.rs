//! OpenTelemetry log export: each record, once it is in the file, and each
//! checkpoint, as an OpenTelemetry log record through the `opentelemetry`
//! logs API, so that a fleet's records reach one backend.
//!
//! A record becomes a log record with event name [`RECORD_EVENT`], the
//! line's timestamp, a severity by status (`INFO`; `WARN` for `blocked` and
//! `denied`; `ERROR` for `error` and `timeout`), the readable line as its
//! body, and every member of the line as an attribute under the line's own
//! name (`seq`, `hook.name`, `hook.impl`, `hook.status`, `session_id`, …,
//! `prev`, and its seal as `hash` or `hmac`). A line holds no argument
//! value, so neither does its log record. A checkpoint becomes a log record
//! with event name [`CHECKPOINT_EVENT`] and attributes `seq`, `hash`,
//! `timestamp` and `keyed`.
//!
//! The file stays the source of truth: a record is exported only after it
//! is written, from the writer thread; an exporter that fails or panics
//! loses nothing from the file. The writer does wait for the logger's
//! `emit`: give the provider a batch processor
//! (`with_batch_exporter`), whose `emit` only queues.

use std::sync::Arc;
use std::time::SystemTime;

use opentelemetry::logs::{AnyValue, LogRecord, Logger, LoggerProvider, Severity};
use opentelemetry::InstrumentationScope;

use super::{Checkpoint, Entry};
use crate::symbol::{
    HOOK_APPROVAL_ID, HOOK_BLOCK_REASON, HOOK_CHANGED, HOOK_CRATE, HOOK_DURATION_MS, HOOK_ERROR, HOOK_IMPL,
    HOOK_LET_THROUGH, HOOK_MESSAGE, HOOK_NAME, HOOK_STATUS, HOOK_TENANT_ID, PID, SESSION_ID, SPAN_ID, TIMESTAMP,
    TRACE_ID, TURN,
};

/// The event name of an exported audit record.
pub const RECORD_EVENT: &str = "agenthooks.audit.record";
/// The event name of an exported checkpoint.
pub const CHECKPOINT_EVENT: &str = "agenthooks.audit.checkpoint";
/// The target of every exported log record.
const TARGET: &str = "agenthooks::audit";

/// Where the writer exports records and checkpoints.
pub(crate) trait Export: Send + Sync {
    /// Exports the record read back from a line written at `at` and sealed
    /// `seal` (an HMAC when `keyed`).
    fn record(&self, entry: &Entry<'_>, seal: &str, keyed: bool, at: SystemTime);
    /// Exports a checkpoint.
    fn checkpoint(&self, checkpoint: &Checkpoint);
}

/// The logger a provider gave for the audit log.
struct LogExport<L>(L);

/// An exporter to `provider`'s logger for the scope `agenthooks`.
pub(crate) fn to_provider<P>(provider: &P) -> Arc<dyn Export>
where
    P: LoggerProvider,
    P::Logger: Send + Sync + 'static,
{
    let scope = InstrumentationScope::builder("agenthooks").with_version(env!("CARGO_PKG_VERSION")).build();
    Arc::new(LogExport(provider.logger_with_scope(scope)))
}

/// A count as a log attribute (OpenTelemetry integers are signed).
fn int(value: u64) -> AnyValue {
    AnyValue::Int(i64::try_from(value).unwrap_or(i64::MAX))
}

fn text(value: &str) -> AnyValue {
    AnyValue::from(value.to_owned())
}

/// The severity of a record of an execution that ended with `status`.
fn severity(status: &str) -> Severity {
    match status {
        "blocked" | "denied" => Severity::Warn,
        "error" | "timeout" => Severity::Error,
        _ => Severity::Info,
    }
}

impl<L: Logger + Send + Sync> Export for LogExport<L> {
    fn record(&self, entry: &Entry<'_>, seal: &str, keyed: bool, at: SystemTime) {
        let mut record = self.0.create_log_record();
        record.set_event_name(RECORD_EVENT);
        record.set_target(TARGET);
        record.set_timestamp(at);
        let severity = severity(&entry.status);
        record.set_severity_number(severity);
        record.set_severity_text(severity.name());
        record.set_body(AnyValue::from(entry.to_string()));
        record.add_attribute(symbol!(SEQ), int(entry.seq));
        record.add_attribute(TIMESTAMP, text(&entry.timestamp));
        record.add_attribute(HOOK_NAME, text(&entry.point));
        record.add_attribute(HOOK_IMPL, text(&entry.hook));
        record.add_attribute(HOOK_CRATE, text(&entry.crate_name));
        record.add_attribute(HOOK_STATUS, text(&entry.status));
        record.add_attribute(HOOK_DURATION_MS, entry.duration_ms);
        if let Some(tenant) = &entry.tenant_id {
            record.add_attribute(HOOK_TENANT_ID, text(tenant));
        }
        record.add_attribute(SESSION_ID, text(&entry.session_id));
        record.add_attribute(TRACE_ID, text(&entry.trace_id));
        record.add_attribute(SPAN_ID, text(&entry.span_id));
        record.add_attribute(TURN, int(entry.turn));
        for (key, value) in [
            (HOOK_ERROR, &entry.error),
            (HOOK_BLOCK_REASON, &entry.block_reason),
            (HOOK_MESSAGE, &entry.message),
            (HOOK_APPROVAL_ID, &entry.approval_id),
        ] {
            if let Some(value) = value {
                record.add_attribute(key, text(value));
            }
        }
        if !entry.changed.is_empty() {
            record.add_attribute(HOOK_CHANGED, entry.changed.iter().map(|name| text(name)).collect::<AnyValue>());
        }
        if entry.let_through {
            record.add_attribute(HOOK_LET_THROUGH, true);
        }
        record.add_attribute(PID, entry.pid);
        record.add_attribute(symbol!(PREV), text(&entry.prev));
        let seal_name = if keyed { symbol!(HMAC) } else { symbol!(HASH) };
        record.add_attribute(seal_name, seal.to_owned());
        self.0.emit(record);
    }

    fn checkpoint(&self, checkpoint: &Checkpoint) {
        let mut record = self.0.create_log_record();
        record.set_event_name(CHECKPOINT_EVENT);
        record.set_target(TARGET);
        record.set_timestamp(SystemTime::now());
        record.set_severity_number(Severity::Info);
        record.set_severity_text(Severity::Info.name());
        record
            .set_body(AnyValue::from(format!("audit chain head: line {} sealed {}", checkpoint.seq, checkpoint.hash)));
        record.add_attribute(symbol!(SEQ), int(checkpoint.seq));
        record.add_attribute(symbol!(HASH), checkpoint.hash.clone());
        record.add_attribute(TIMESTAMP, checkpoint.timestamp.clone());
        record.add_attribute("keyed", checkpoint.keyed);
        self.0.emit(record);
    }
}
