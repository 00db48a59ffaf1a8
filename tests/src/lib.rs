//! Support shared by the integration tests of agenthooks.
//!
//! Every test binary that runs hooks calls [`audit_to_temp`] at the start of
//! each of its tests, so that its audit records go to a file of its own
//! under the target directory, never to the developer's home directory.

pub mod child;
pub mod meters;
pub mod spans;
pub mod tamper;

use std::io;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use agenthooks::audit::{self, AuditConfig, AuditGuard};
use agenthooks::HookError;

/// Starts this test binary's audit log, buffered, in a fresh file beside the
/// binary (`<binary>.audit.jsonl`, under the target directory), and returns
/// its path. Later calls return the same path.
///
/// Call it first in every test, before any hook runs: a hook that runs
/// first starts the log from the environment instead, and this call then
/// panics saying so.
///
/// The guard lives in a `static` and is never dropped: the log's exit
/// handler writes and syncs every record when the test binary exits (on
/// Unix; elsewhere, call [`audit_lines`] or `audit::flush` before reading).
pub fn audit_to_temp() -> &'static Path {
    static AUDIT: OnceLock<AuditGuard> = OnceLock::new();
    AUDIT
        .get_or_init(|| {
            let binary = std::env::current_exe().expect("a test binary knows its path");
            let path = binary.with_extension("audit.jsonl");
            match std::fs::remove_file(&path) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => {
                    panic!("cannot clear the audit log `{}` of an earlier run: {error}", path.display())
                }
                _ => {}
            }
            audit::init(AuditConfig::new(path)).unwrap_or_else(|error| {
                panic!("{error}; call `audit_to_temp()` before any hook runs in this test binary")
            })
        })
        .path()
}

/// One test at a time, each starting with this binary's audit log (see
/// [`audit_to_temp`]) and no configuration: for the tests of a binary that
/// apply configurations, which are the process's. Hold the guard for the
/// whole test.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    let turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
    audit_to_temp();
    agenthooks::config::clear().expect("the configuration clears");
    turn
}

/// Every complete line of this test binary's audit log (see
/// [`audit_to_temp`]), read after writing all records made before the call.
pub fn audit_lines() -> Vec<String> {
    let path = audit_to_temp();
    audit::flush().expect("the audit log flushes");
    let text = std::fs::read_to_string(path).expect("the audit log is readable");
    // Other tests may be appending: leave out a batch caught mid-write.
    let complete = text.rfind('\n').map_or(0, |last| last + 1);
    text[..complete].lines().map(str::to_owned).collect()
}

/// The error of the test agents' hook points: whatever a hook stopped the
/// call with. Tests compare it whole, or take the [`HookError`] out.
#[derive(Debug, PartialEq)]
pub struct AgentError(pub HookError);

impl From<HookError> for AgentError {
    fn from(error: HookError) -> Self {
        AgentError(error)
    }
}

/// Waits until `done` holds, for at most ten seconds; whether it did.
pub fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}
