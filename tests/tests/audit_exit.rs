//! Every normal end of a program writes every buffered record, whether or
//! not the audit guard is dropped: a return from `main`, `std::process::exit`
//! from `main` or from another thread, the guard in a `static` or
//! forgotten, `main` returning `Err`, a panic unwinding out of `main`. Each
//! test runs `audit_child` to make 50,000 buffered calls and end one way.

use std::process::Command;

use agenthooks::audit::{self, TornTail};
use agenthooks_tests::child::{output_within, LIMIT};

const CHILD: &str = env!("CARGO_BIN_EXE_audit_child");
const CALLS: u64 = 50_000;

/// Runs the child to make `CALLS` calls and end `how`; checks its exit code
/// and that every call is in the log.
fn every_call_is_logged_after(how: &str, code: i32) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    let output = output_within(
        Command::new(CHILD).args(["ending", how, path.to_str().expect("a UTF-8 path"), &CALLS.to_string()]),
        LIMIT,
    );
    assert_eq!(output.status.code(), Some(code), "{}", String::from_utf8_lossy(&output.stderr));
    let verified = audit::verify(&path, TornTail::Reject).expect("the log verifies");
    assert_eq!(verified.lines, CALLS, "ending with `{how}` lost records");
}

#[test]
fn returning_from_main_with_the_guard_dropped_loses_nothing() {
    every_call_is_logged_after("return", 0);
}

#[cfg(unix)]
#[test]
fn process_exit_from_main_loses_nothing() {
    every_call_is_logged_after("exit", 0);
}

#[cfg(unix)]
#[test]
fn process_exit_from_another_thread_loses_nothing() {
    every_call_is_logged_after("exit-on-another-thread", 0);
}

#[cfg(unix)]
#[test]
fn a_guard_kept_in_a_static_loses_nothing() {
    every_call_is_logged_after("static", 0);
}

#[cfg(unix)]
#[test]
fn a_forgotten_guard_loses_nothing() {
    every_call_is_logged_after("forget", 0);
}

#[cfg(unix)]
#[test]
fn main_returning_an_error_loses_nothing() {
    every_call_is_logged_after("error", 1);
}

#[cfg(unix)]
#[test]
fn a_panic_unwinding_out_of_main_loses_nothing() {
    every_call_is_logged_after("panic", 101);
}
