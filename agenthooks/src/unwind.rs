//! Panics inside hooks: caught, turned into text, never let through — nor
//! any panic raised while dropping what a hook leaves behind.
//!
//! Two panics no in-process code can contain: one raised while a panic
//! unwinds (the runtime aborts the process), and a stack overflow (the
//! process dies of the signal).

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The message of a caught panic, or a placeholder when the payload is not
/// text. The payload is dropped inside the containment: a payload whose
/// drop panics does not escape.
pub(crate) fn caught(payload: Box<dyn Any + Send>) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    discard(payload);
    message
}

/// Drops `value`, catching a panic of its destructor. The payload of such a
/// panic is leaked, not dropped: its own destructor might panic again.
#[inline]
pub(crate) fn discard<T>(value: T) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| drop(value))) {
        std::mem::forget(payload);
    }
}

/// A future that resolves to `Err(panic message)` when polling the inner
/// future panics, instead of unwinding into the caller; dropping it drops
/// the inner future inside the same containment.
pub(crate) struct CatchUnwind<F> {
    /// `None` once dropped.
    inner: Option<F>,
}

impl<F> CatchUnwind<F> {
    pub(crate) fn new(inner: F) -> Self {
        CatchUnwind { inner: Some(inner) }
    }
}

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_mut().expect("polled after it was dropped");
        match catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(panic) => Poll::Ready(Err(caught(panic))),
        }
    }
}

impl<F> Drop for CatchUnwind<F> {
    fn drop(&mut self) {
        discard(self.inner.take());
    }
}
