//! Where a log goes when no path is given anywhere: a program cargo started
//! (a hook crate's `cargo test`) logs beside itself under the target
//! directory, never in the home directory; any other program logs in the
//! home directory, as a deployment expects.

use std::path::{Path, PathBuf};
use std::process::Command;

use agenthooks::audit::PATH_ENV;
use agenthooks_tests::child::{output_within, LIMIT};

const CHILD: &str = env!("CARGO_BIN_EXE_audit_child");

/// Runs one hooked call in a child with `home` as its home directory, no
/// log path in its environment, and `CARGO` set or not.
fn hooked_call(home: &Path, under_cargo: bool) {
    let mut command = Command::new(CHILD);
    command.arg("unaudited").env("HOME", home).env_remove(PATH_ENV).env_remove("CARGO");
    if under_cargo {
        command.env("CARGO", "cargo");
    }
    let output = output_within(&mut command, LIMIT);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("ran 2"), "both hooks run and are audited: {stdout}");
}

fn beside_the_child() -> PathBuf {
    Path::new(CHILD).parent().expect("the child's directory").join("agenthooks-audit").join("audit_child.jsonl")
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |text| text.lines().count())
}

#[test]
fn a_program_cargo_started_logs_beside_itself_and_never_in_the_home_directory() {
    let home = tempfile::tempdir().expect("a temporary home");
    let before = lines(&beside_the_child());
    hooked_call(home.path(), true);
    assert!(!home.path().join(".agenthooks").exists(), "a test wrote to the home directory");
    assert!(lines(&beside_the_child()) >= before + 2, "{} holds the call's lines", beside_the_child().display());
}

#[test]
fn any_other_program_logs_in_the_home_directory() {
    let home = tempfile::tempdir().expect("a temporary home");
    hooked_call(home.path(), false);
    assert_eq!(lines(&home.path().join(".agenthooks").join("audit.jsonl")), 2);
}
