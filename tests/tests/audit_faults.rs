//! The audit writer under faults: an observer that panics does not stop it,
//! writes that fail for good end in errors instead of a hang, and a program
//! that ends from an observer (on the writer thread, or while the log
//! starts) ends. Each test runs `audit_child` with a time limit.

use std::process::{Command, Output};

use agenthooks::audit::{self, TornTail};
use agenthooks_tests::child::{output_within, LIMIT};

const CHILD: &str = env!("CARGO_BIN_EXE_audit_child");

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory")
}

/// Runs the child with `SIGXFSZ` ignored, so that a write past its file size
/// limit fails with `EFBIG` instead of killing it.
#[cfg(unix)]
fn run_with_size_limit(args: &[&str]) -> Output {
    output_within(Command::new("sh").args(["-c", r#"trap '' XFSZ; exec "$0" "$@""#, CHILD]).args(args), LIMIT)
}

#[cfg(unix)]
#[test]
fn a_panicking_observer_does_not_stop_the_writer() {
    let dir = temp_dir();
    let path = dir.path().join("audit.jsonl");
    let output = run_with_size_limit(&["observer-panic", path.to_str().expect("a UTF-8 path"), "500"]);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("an `audit::observe` callback panicked (an observer panics on the first event)"),
        "{stderr}"
    );
    // The other observer saw the recovery: the writer went on.
    assert!(stdout.trim_end().ends_with("recoveries 1"), "{stdout}");
    assert_eq!(audit::verify(&path, TornTail::Reject).expect("the log verifies").lines, 500);
}

#[cfg(unix)]
#[test]
fn writes_that_fail_for_good_refuse_calls_and_fail_the_flush_instead_of_hanging() {
    let dir = temp_dir();
    let path = dir.path().join("audit.jsonl");
    let output = run_with_size_limit(&["gives-up", path.to_str().expect("a UTF-8 path")]);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    let mut lines = stdout.lines();
    let refused = lines.next().unwrap_or_default();
    assert!(refused.starts_with("refused: Unaudited {"), "{stdout}");
    assert!(refused.contains("the audit log stopped after 3 failed attempt(s)"), "{stdout}");
    assert!(lines.next().unwrap_or_default().starts_with("flush failed: the audit log stopped"), "{stdout}");
    assert!(stderr.contains("gave up after 3 failed attempt(s)"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn exiting_from_an_observer_on_the_writer_thread_ends_the_program() {
    let dir = temp_dir();
    let path = dir.path().join("audit.jsonl");
    let output = run_with_size_limit(&["exit-on-writer", path.to_str().expect("a UTF-8 path")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("the program ended on the audit writer thread"), "{stderr}");
}

#[test]
fn exiting_from_an_observer_while_the_log_starts_ends_the_program() {
    let dir = temp_dir();
    let path = dir.path().join("audit.jsonl");
    std::fs::write(&path, r#"{"seq":1,"ti"#).expect("a log with a torn tail");
    let output =
        output_within(Command::new(CHILD).args(["exit-while-starting", path.to_str().expect("a UTF-8 path")]), LIMIT);
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stderr));
}
