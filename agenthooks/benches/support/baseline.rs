//! The baseline the executor and telemetry benchmarks compare against: the
//! body their points share, called directly, without `#[hookpoint]`.

use std::hint::black_box;

use agenthooks::{HookError, Session};

/// The error of the benchmarks' points; no benchmarked call fails.
#[derive(Debug)]
pub(crate) struct AgentError;

impl From<HookError> for AgentError {
    fn from(_: HookError) -> Self {
        AgentError
    }
}

/// The body every benchmarked point has, without `#[hookpoint]`.
#[inline(never)]
#[allow(clippy::unnecessary_wraps)] // the same signature as the points
pub(crate) fn direct(session: &Session, value: u64) -> Result<u64, AgentError> {
    black_box(session);
    Ok(value * 2)
}
