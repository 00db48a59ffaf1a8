//! The metrics of hook executions, read back from an OpenTelemetry SDK meter
//! provider installed as the global one. Each test installs its own provider
//! (one at a time: the global provider is one per process) and calls its own
//! point.

use std::thread::sleep;
use std::time::Duration;

use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use agenthooks_tests::meters::Meters;
use agenthooks_tests::AgentError;

fn session(tenant: &str) -> Session {
    Session::new("s-1").with_tenant(tenant)
}

// --- a known sequence --------------------------------------------------------

#[hookpoint(Tally)]
fn tally(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

#[hook(Tally, tenant = "ok")]
fn passes(_ctx: &Ctx<Tally>) -> Outcome {
    Outcome::Continue
}

#[hook(Tally, tenant = "blocked")]
fn refuses(_ctx: &Ctx<Tally>) -> Outcome {
    Outcome::Block("query names a blocked domain".into())
}

#[hook(Tally, tenant = "skip")]
fn answers_from_cache(_ctx: &Ctx<Tally>) -> Outcome {
    Outcome::Skip
}

#[hook(Tally, tenant = "timeout", timeout_ms = 5)]
fn stalls(_ctx: &Ctx<Tally>) -> Outcome {
    sleep(Duration::from_millis(30));
    Outcome::Continue
}

#[hook(Tally, tenant = "error")]
fn fails(_ctx: &Ctx<Tally>) -> Result<Outcome, String> {
    Err("backend down".into())
}

#[hook(Tally, tenant = "panic")]
fn panics(_ctx: &Ctx<Tally>) -> Outcome {
    panic!("parser bug")
}

#[test]
fn metrics_count_a_known_sequence_of_executions() {
    let meters = Meters::install();
    for (tenant, times) in [("ok", 3), ("blocked", 2), ("skip", 1), ("timeout", 1), ("error", 1), ("panic", 1)] {
        for _ in 0..times {
            let _ = tally(&session(tenant), "rust".into());
        }
    }
    let metrics = meters.collect();
    let by_hook = |hook: &'static str| [("hook.name", "tally"), ("hook.impl", hook)];
    let by_status = |hook: &'static str, status: &'static str| {
        [("hook.name", "tally"), ("hook.impl", hook), ("hook.status", status)]
    };

    let executions = "agenthooks.hook.executions";
    assert_eq!(metrics.counter(executions, &by_status("telemetry_metrics::passes", "ok")), 3);
    assert_eq!(metrics.counter(executions, &by_status("telemetry_metrics::refuses", "blocked")), 2);
    assert_eq!(metrics.counter(executions, &by_status("telemetry_metrics::answers_from_cache", "skip")), 1);
    assert_eq!(metrics.counter(executions, &by_status("telemetry_metrics::stalls", "timeout")), 1);
    assert_eq!(metrics.counter(executions, &by_status("telemetry_metrics::fails", "error")), 1);
    assert_eq!(metrics.counter(executions, &by_status("telemetry_metrics::panics", "error")), 1);
    assert_eq!(metrics.counter(executions, &by_status("telemetry_metrics::passes", "error")), 0);

    let duration = "agenthooks.hook.duration_ms";
    assert_eq!(metrics.unit(duration), Some("ms"));
    assert_eq!(metrics.histogram(duration, &by_hook("telemetry_metrics::passes")).0, 3);
    assert_eq!(metrics.histogram(duration, &by_hook("telemetry_metrics::refuses")).0, 2);
    let (count, sum) = metrics.histogram(duration, &by_hook("telemetry_metrics::stalls"));
    assert!(count == 1 && (30.0..10_000.0).contains(&sum), "the stalled hook ran {sum} ms");

    let errors = "agenthooks.hook.errors";
    assert_eq!(metrics.counter(errors, &by_hook("telemetry_metrics::fails")), 1);
    assert_eq!(metrics.counter(errors, &by_hook("telemetry_metrics::panics")), 1);
    assert_eq!(metrics.counter(errors, &by_hook("telemetry_metrics::stalls")), 0, "a time-out is not an error");

    assert_eq!(metrics.counter("agenthooks.hook.timeouts", &[("hook.name", "tally")]), 1);
    assert_eq!(metrics.counter("agenthooks.hook.blocked", &by_hook("telemetry_metrics::refuses")), 2);
    assert_eq!(metrics.counter("agenthooks.hook.blocked", &by_hook("telemetry_metrics::passes")), 0);
}

// --- a provider replaced while the agent runs ---------------------------------

#[hookpoint(Swap)]
fn swap(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Swap)]
fn counted(_ctx: &Ctx<Swap>) -> Outcome {
    Outcome::Continue
}

#[test]
fn a_replaced_provider_receives_the_executions_after_it_is_installed() {
    let executions = |meters: &Meters| {
        meters.collect().counter(
            "agenthooks.hook.executions",
            &[("hook.name", "swap"), ("hook.impl", "telemetry_metrics::counted"), ("hook.status", "ok")],
        )
    };
    let first = Meters::install();
    for _ in 0..2 {
        swap(&session("any")).expect("no hook blocks");
    }
    assert_eq!(executions(&first), 2);
    drop(first);

    let second = Meters::install();
    for _ in 0..3 {
        swap(&session("any")).expect("no hook blocks");
    }
    assert_eq!(executions(&second), 3);
}
