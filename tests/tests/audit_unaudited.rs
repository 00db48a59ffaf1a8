//! A call the audit log cannot take runs no hook: when the log cannot start
//! (a directory as its path, a corrupt last line, a read-only file), the
//! call fails with `HookError::Unaudited` naming its first hook, and no hook
//! body ran. Each case runs `audit_child` with the log's path in the
//! environment, since a process starts its log once.

use std::path::Path;
use std::process::Command;

use agenthooks::audit::PATH_ENV;
use agenthooks_tests::child::{output_within, LIMIT};

const CHILD: &str = env!("CARGO_BIN_EXE_audit_child");

/// Calls a point of two counting hooks in a child whose log is at `path`;
/// checks that no hook ran and the call was refused as unaudited, naming
/// the first hook and `reason`.
fn call_runs_no_hook(path: &Path, reason: &str) {
    let output = output_within(Command::new(CHILD).arg("unaudited").env(PATH_ENV, path), LIMIT);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("ran 0"), "a hook ran unaudited: {stdout}");
    let error = lines.next().unwrap_or_default();
    assert!(
        error.starts_with(r#"Unaudited { point: "counted", hook: "audit_child::count_first", reason: "#),
        "{stdout}"
    );
    assert!(error.contains(reason), "{stdout}");
}

#[test]
fn a_directory_as_the_path_runs_no_hook() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    call_runs_no_hook(dir.path(), "is a directory, not a regular file");
}

#[test]
fn a_log_with_a_corrupt_last_line_runs_no_hook() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    std::fs::write(&path, "{\"seq\":1}\n").expect("a corrupt log");
    call_runs_no_hook(&path, "does not verify");
    assert_eq!(std::fs::read_to_string(&path).expect("the log reads"), "{\"seq\":1}\n");
}

#[cfg(unix)]
#[test]
fn a_read_only_log_runs_no_hook() {
    use std::os::unix::fs::PermissionsExt as _;

    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    std::fs::write(&path, "").expect("an empty log");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("a read-only log");
    call_runs_no_hook(&path, "Permission denied");
}
