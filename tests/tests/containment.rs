//! What the executor contains: a hook that blocks its thread past its time
//! limit, panics raised while the executor drops what a hook leaves behind,
//! and async points called where no time limit can be set.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use agenthooks::{hook, hookpoint, Ctx, HookError, OnFailure, Outcome, Session};
use agenthooks_tests::{audit_to_temp, AgentError};

fn session(tenant: &str) -> Session {
    Session::new("s-1").with_tenant(tenant)
}

/// A value whose drop panics once armed: what a careless hook could leave
/// in the arguments, or in its own state. Its clone is disarmed.
#[derive(Debug, Default, PartialEq)]
struct Armed(bool);

impl Clone for Armed {
    fn clone(&self) -> Self {
        Armed(false)
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        assert!(!self.0 || std::thread::panicking(), "a value left behind panics on drop");
    }
}

/// A panic payload whose drop panics.
struct PanickyPayload;

impl Drop for PanickyPayload {
    fn drop(&mut self) {
        panic!("the payload panics on drop");
    }
}

// --- a thread blocked inside an `async fn` hook ------------------------------

#[hookpoint(Lookup, on_failure = "continue")]
async fn lookup(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

#[hook(Lookup, tenant = "blocks", timeout_ms = 20)]
async fn blocks_its_thread(ctx: &mut Ctx<Lookup>) -> Outcome {
    ctx.query.push_str(" changed");
    std::thread::sleep(Duration::from_millis(120));
    Outcome::Continue
}

#[hook(Lookup, tenant = "blocks-strict", timeout_ms = 20, fallback = false)]
async fn blocks_its_thread_strictly(ctx: &mut Ctx<Lookup>) -> Outcome {
    ctx.query.push_str(" changed");
    std::thread::sleep(Duration::from_millis(120));
    Outcome::Continue
}

#[tokio::test]
async fn an_async_hook_that_blocks_past_its_deadline_is_timed_out_and_its_changes_discarded() {
    let path = audit_to_temp();
    assert_eq!(lookup(&session("blocks"), "q".into()).await.unwrap(), "q");
    let error = lookup(&session("blocks-strict"), "q".into()).await.unwrap_err();
    assert_eq!(
        error.0,
        HookError::TimedOut {
            point: "lookup",
            hook: "containment::blocks_its_thread_strictly",
            timeout_ms: 20,
            on_failure: OnFailure::Continue,
        }
    );
    agenthooks::audit::flush().unwrap();
    let log = std::fs::read_to_string(path).unwrap();
    let line = log.lines().find(|line| line.contains("containment::blocks_its_thread\"")).expect("audited");
    assert!(line.contains(r#""hook.status":"timeout""#), "{line}");
}

// --- panics while dropping what a hook leaves behind ----------------------------

#[hookpoint(Cargo, on_failure = "continue")]
fn cargo(session: &Session, cargo: Armed) -> Result<bool, AgentError> {
    Ok(cargo.0)
}

#[hook(Cargo, tenant = "payload")]
fn panics_with_a_panicky_payload(_ctx: &Ctx<Cargo>) -> Outcome {
    std::panic::panic_any(PanickyPayload)
}

#[hook(Cargo, tenant = "arms-then-errs")]
fn arms_then_errs(ctx: &mut Ctx<Cargo>) -> Result<Outcome, String> {
    ctx.cargo.0 = true;
    Err("failed after arming".into())
}

#[hook(Cargo, tenant = "arms-then-overruns", timeout_ms = 5)]
fn arms_then_overruns(ctx: &mut Ctx<Cargo>) -> Outcome {
    ctx.cargo.0 = true;
    std::thread::sleep(Duration::from_millis(30));
    Outcome::Continue
}

#[test]
fn a_panic_payload_that_panics_on_drop_is_contained() {
    audit_to_temp();
    assert_eq!(cargo(&session("payload"), Armed(false)), Ok(false));
}

#[test]
fn a_value_left_behind_that_panics_on_drop_is_contained_after_an_error_and_a_timeout() {
    audit_to_temp();
    assert_eq!(cargo(&session("arms-then-errs"), Armed(false)), Ok(false));
    assert_eq!(cargo(&session("arms-then-overruns"), Armed(false)), Ok(false));
}

#[hookpoint(Stream, on_failure = "continue")]
async fn stream(session: &Session, chunk: String) -> Result<String, AgentError> {
    Ok(chunk)
}

#[hook(Stream, tenant = "bomb", timeout_ms = 10)]
async fn holds_a_value_that_panics_on_drop(_ctx: &Ctx<Stream>) -> Outcome {
    let _held = Armed(true);
    tokio::time::sleep(Duration::from_secs(5)).await;
    Outcome::Continue
}

#[tokio::test]
async fn a_cancelled_async_hook_whose_future_panics_on_drop_is_contained() {
    audit_to_temp();
    assert_eq!(stream(&session("bomb"), "c".into()).await.unwrap(), "c");
}

// --- async points where no time limit can be set ---------------------------------

static WATCHED: AtomicUsize = AtomicUsize::new(0);

#[hook(Stream, tenant = "watched")]
async fn watch(_ctx: &Ctx<Stream>) {
    WATCHED.fetch_add(1, Ordering::SeqCst);
}

/// Polls `future` to its end on this thread, outside any Tokio runtime.
fn poll_to_end<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

#[test]
fn an_async_point_outside_a_runtime_or_without_its_time_driver_fails_with_a_typed_error_and_runs_no_hook() {
    audit_to_temp();
    let expected = HookError::NoRuntime { point: "stream", hook: "containment::watch" };
    assert_eq!(poll_to_end(stream(&session("watched"), "c".into())).unwrap_err().0, expected);
    let without_time = tokio::runtime::Builder::new_current_thread().build().unwrap();
    assert_eq!(without_time.block_on(stream(&session("watched"), "c".into())).unwrap_err().0, expected);
    assert_eq!(WATCHED.load(Ordering::SeqCst), 0);
    let with_time = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    assert_eq!(with_time.block_on(stream(&session("watched"), "c".into())).unwrap(), "c");
    assert_eq!(WATCHED.load(Ordering::SeqCst), 1);
}
