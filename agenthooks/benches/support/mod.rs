//! What the benchmarks share: an audit log in a temporary file, and timing
//! of hooked calls in bursts that the audit queue holds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use agenthooks::audit::{self, AuditConfig, AuditGuard};
use criterion::Bencher;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, SdkLoggerProvider};

/// Audit records in a burst: well under the queue's default capacity, so
/// that no call in a burst waits for the writer.
const RECORDS_PER_BURST: u64 = 1024;

/// A buffered audit log in a temporary directory, flushed then removed when
/// dropped. Without it, the first hook would start the log from the
/// environment in synchronous mode, and every call would wait for the disk.
pub(crate) struct TemporaryAudit {
    // Declared first so that the log is flushed before its directory goes.
    _guard: AuditGuard,
    _provider: Option<SdkLoggerProvider>,
    _dir: tempfile::TempDir,
}

/// An OpenTelemetry log exporter that drops what it is given: the cost of
/// exporting, without a backend's.
#[derive(Debug)]
struct Discard;

impl LogExporter for Discard {
    async fn export(&self, _batch: LogBatch<'_>) -> OTelSdkResult {
        Ok(())
    }
}

impl TemporaryAudit {
    /// Starts the log: once per process, before any hook runs. The
    /// variable `AGENTHOOKS_BENCH_AUDIT` picks the chain and shipping:
    /// unset, the default (unkeyed, nothing shipped); `keyed`, a keyed
    /// chain; `export`, every record and checkpoint also exported through
    /// an OpenTelemetry logger provider with a batch processor (to an
    /// exporter that drops them); `keyed,export`, both.
    pub(crate) fn start() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut config = AuditConfig::new(dir.path().join("audit.jsonl"));
        let mode = std::env::var("AGENTHOOKS_BENCH_AUDIT").unwrap_or_default();
        if mode.split(',').any(|part| part == "keyed") {
            config = config.key(audit::ChainKey::new(&[0x5a; 32]).expect("a long enough key"));
        }
        let provider = mode.split(',').any(|part| part == "export").then(|| {
            let provider = SdkLoggerProvider::builder().with_batch_exporter(Discard).build();
            config = config.clone().export_logs(&provider);
            provider
        });
        println!("audit log: {}", if mode.is_empty() { "unkeyed" } else { &mode });
        let guard = audit::init(config).expect("the audit log starts");
        TemporaryAudit { _guard: guard, _provider: provider, _dir: dir }
    }
}

/// Times `call` as `Bencher::iter` does, for a call that makes
/// `records_per_call` audit records, in bursts the audit queue holds, with
/// the log flushed between bursts outside the measured time.
///
/// Every hook execution queues one record: in an endless tight loop the
/// queue would fill and calls would run at the audit writer's pace (about a
/// microsecond a line) instead of showing what the calling thread pays.
pub(crate) fn in_bursts<R>(b: &mut Bencher<'_>, records_per_call: u64, mut call: impl FnMut() -> R) {
    let calls_per_burst = (RECORDS_PER_BURST / records_per_call).max(1);
    b.iter_custom(|iters| {
        let mut spent = Duration::ZERO;
        let mut left = iters;
        while left > 0 {
            let burst = left.min(calls_per_burst);
            let start = Instant::now();
            for _ in 0..burst {
                black_box(call());
            }
            spent += start.elapsed();
            left -= burst;
            audit::flush().expect("the audit log flushes");
        }
        spent
    });
}
