//! An `async fn` point awaited outside a Tokio runtime, or in one without
//! its time driver, fails with `HookError::NoRuntime`; Tokio's panic that
//! reveals it is caught, and its message is printed once: by the first call
//! outside any runtime, and by the first call in each runtime without its
//! time driver, not by every call.
//!
//! The test counts the panics the process's panic hook sees: it is alone in
//! its binary, so that no other test's panic is counted.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use agenthooks::{hook, hookpoint, Ctx, HookError, Session};
use agenthooks_tests::{audit_to_temp, AgentError};

#[hookpoint(Fetch)]
async fn fetch(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Fetch)]
async fn watch(_ctx: &Ctx<Fetch>) {}

/// Polls `future` to its end on this thread, outside any Tokio runtime.
fn poll_to_end<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

static PANICS: AtomicUsize = AtomicUsize::new(0);

fn no_runtime(result: &Result<(), AgentError>) -> bool {
    matches!(result, Err(AgentError(HookError::NoRuntime { .. })))
}

#[test]
fn the_caught_panic_of_a_missing_runtime_is_printed_once_not_once_per_call() {
    audit_to_temp();
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload_as_str().is_some_and(|message| message.contains("Tokio")) {
            PANICS.fetch_add(1, Ordering::SeqCst);
        } else {
            default(info);
        }
    }));
    let session = Session::new("s-no-runtime");
    for _ in 0..3 {
        assert!(no_runtime(&poll_to_end(fetch(&session))));
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 1, "outside any runtime");
    let without_time = tokio::runtime::Builder::new_current_thread().build().unwrap();
    for _ in 0..3 {
        assert!(no_runtime(&without_time.block_on(fetch(&session))));
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 2, "in a runtime without its time driver");
    for _ in 0..3 {
        assert!(no_runtime(&poll_to_end(fetch(&session))));
    }
    let with_time = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    with_time.block_on(fetch(&session)).expect("a runtime with its time driver runs the hook");
    assert_eq!(PANICS.load(Ordering::SeqCst), 2);
    let _ = std::panic::take_hook();
}
