//! The audit log's costs: what a calling thread pays to audit one hook
//! execution, how many lines a second the writer sustains, and how much
//! memory a burst takes. Run with
//! `RUSTFLAGS="--cfg agenthooks_bench" cargo bench -p agenthooks --bench audit`:
//! the audit path is timed alone through `audit::record_for_bench`, which
//! exists only with that flag (no dependency can set it, unlike a feature,
//! so no deployment's linked code can append records of its own).

#[cfg(agenthooks_bench)]
mod support;

#[cfg(agenthooks_bench)]
criterion::criterion_main!(measured::benches);

/// Without the flag, there is nothing to time: says how to run them.
#[cfg(not(agenthooks_bench))]
fn main() {
    eprintln!("the audit benchmarks need `audit::record_for_bench`: run `RUSTFLAGS=\"--cfg agenthooks_bench\" cargo bench -p agenthooks --bench audit`");
}

/// The benchmarks, with the flag.
#[cfg(agenthooks_bench)]
mod measured {
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    use super::support::{in_bursts, TemporaryAudit};
    use agenthooks::audit;
    use agenthooks::{Execution, HookKind, HookMeta, Session, Status};
    use criterion::{criterion_group, Criterion, Throughput};

    static HOOK: HookMeta = HookMeta {
        point: "before_search",
        name: "eu_only",
        crate_name: "acme_hooks",
        module: "acme_hooks::search",
        path: "acme_hooks::search::eu_only",
        tenant: Some("acme"),
        order: 10,
        timeout_ms: 200,
        fallback: true,
        kind: HookKind::Interceptor,
        is_async: false,
        mode: agenthooks::Mode::Enforce,
        matchers: &[],
        patterns: None,
        contract: None,
    };

    fn audit(c: &mut Criterion) {
        let _audit = TemporaryAudit::start();
        let session =
            Session::new("s-1").with_tenant("acme").with_trace("4bf92f3577b34da6", "00f067aa0ba902b7").with_turn(3);
        let execution = Execution {
            hook: &HOOK,
            session: &session,
            status: Status::Ok,
            duration: Duration::from_micros(12),
            message: None,
            changed: agenthooks::Changed::default(),
            approval: None,
            let_through: false,
            attempt: None,
        };

        report_burst(&execution);

        let mut group = c.benchmark_group("audit");
        group.throughput(Throughput::Elements(1));
        // The time only the calling thread spends, in bursts the queue holds;
        // the writer catches up between bursts, outside the measured time.
        group.bench_function("calling_thread_buffered", |b| {
            in_bursts(b, 1, || audit::record_for_bench(black_box(&execution)).expect("the audit log takes the record"));
        });
        // From the first record to the last one written and synced: the calling
        // thread outruns the writer, so this is the writer's pace. Few, long
        // samples, so that the sync ending each one weighs little.
        group.sample_size(10);
        group.bench_function("writer_lines", |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    audit::record_for_bench(black_box(&execution)).expect("the audit log takes the record");
                }
                audit::flush().expect("the audit log flushes");
                start.elapsed()
            });
        });
        group.finish();
    }

    /// Makes a burst of two million records as fast as one thread can and
    /// prints how long the writer took, how much CPU time the writer thread
    /// spent (on a busy machine the two differ), and how much the peak resident
    /// memory grew.
    fn report_burst(execution: &Execution<'_>) {
        const LINES: u32 = 2_000_000;
        // The writer names its thread once it runs; a flush waits for that.
        audit::flush().expect("the audit log flushes");
        let memory_before = memory_kib("VmRSS:");
        let writer_before = writer_cpu();
        let start = Instant::now();
        for _ in 0..LINES {
            audit::record_for_bench(execution).expect("the audit log takes the record");
        }
        audit::flush().expect("the audit log flushes");
        let elapsed = start.elapsed();
        let per_second = |time: Duration| f64::from(LINES) / time.as_secs_f64();
        println!("audit/burst: {LINES} lines written in {elapsed:.2?}, {:.0} lines/s", per_second(elapsed));
        if let (Some(before), Some(after)) = (writer_before, writer_cpu()) {
            let cpu = after.saturating_sub(before);
            println!(
                "audit/burst: the writer thread ran {cpu:.2?}, {:.0} lines per second of its CPU time",
                per_second(cpu)
            );
        }
        if let (Some(before), Some(peak)) = (memory_before, memory_kib("VmHWM:")) {
            println!("audit/burst: peak resident memory grew by {} KiB", peak.saturating_sub(before));
        }
    }

    /// The CPU time the writer thread has run, where the system tells it.
    fn writer_cpu() -> Option<Duration> {
        for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
            let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            if comm.trim_end() == "audit-writer" {
                let schedstat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
                return schedstat.split_whitespace().next()?.parse().ok().map(Duration::from_nanos);
            }
        }
        None
    }

    /// A `/proc/self/status` figure in KiB, where the system has one.
    fn memory_kib(field: &str) -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|line| line.starts_with(field))?;
        line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()
    }

    criterion_group!(benches, audit);
}
