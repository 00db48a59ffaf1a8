//! What a plain `tracing` subscriber writes of hook spans.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use tracing_subscriber::fmt::format::FmtSpan;

/// A writer that keeps what a subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `call` with a subscriber that writes every span, with its fields,
/// as it closes, without colours whatever features the build unifies;
/// returns what `call` returned and what the subscriber wrote.
pub fn with_spans<R>(call: impl FnOnce() -> R) -> (R, String) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .with_span_events(FmtSpan::CLOSE)
        .finish();
    let returned = tracing::subscriber::with_default(subscriber, call);
    let written = captured.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
    (returned, String::from_utf8(written).expect("the subscriber writes text"))
}
