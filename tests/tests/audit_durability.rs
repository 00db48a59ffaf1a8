//! What survives the end of a process: an orderly shutdown right after the
//! last call, a SIGKILL in synchronous mode, a torn last line, a second
//! process on the same file, and writes that fail for a while. Each test
//! runs `audit_child`, killed if it runs past a time limit, and reads the
//! log it leaves.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use agenthooks::audit::{self, Entry, TornTail, VerifyError};
use agenthooks_tests::child::{kill, output_within, Lines, LIMIT};

const CHILD: &str = env!("CARGO_BIN_EXE_audit_child");

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory")
}

/// Runs the child to its end and checks that it succeeded.
fn run_child(args: &[&str]) -> Output {
    let output = output_within(Command::new(CHILD).args(args), LIMIT);
    assert!(output.status.success(), "child {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// The session id and writing process of every complete line of the log.
fn records(path: &Path) -> Vec<(String, u32)> {
    let text = std::fs::read_to_string(path).expect("the log is readable");
    let complete = text.rfind('\n').map_or(0, |last| last + 1);
    text[..complete]
        .lines()
        .map(|line| {
            let entry = Entry::parse(line.as_bytes()).expect("a record");
            (entry.session_id.into_owned(), entry.pid)
        })
        .collect()
}

fn verified_lines(path: &Path) -> u64 {
    audit::verify(path, TornTail::Reject).unwrap_or_else(|error| panic!("the log does not verify: {error}")).lines
}

#[test]
fn orderly_shutdown_right_after_the_last_call_loses_nothing() {
    let dir = temp_dir();
    let path = dir.path().join("audit.jsonl");
    run_child(&["buffered", path.to_str().expect("a UTF-8 path"), "21000", "4"]);
    assert_eq!(verified_lines(&path), 21_000);
    let sessions: HashSet<String> = records(&path).into_iter().map(|(session, _)| session).collect();
    assert_eq!(sessions, (0..21_000).map(|n| format!("call-{n}")).collect());
}

#[test]
fn two_processes_share_one_log_without_interleaving() {
    let dir = temp_dir();
    let path = dir.path().join("audit.jsonl");
    let path_arg = path.to_str().expect("a UTF-8 path");
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| run_child(&["buffered", path_arg, "5000", "2"]));
        }
    });
    assert_eq!(verified_lines(&path), 10_000);
    let mut per_process: HashMap<u32, u64> = HashMap::new();
    for (_, pid) in records(&path) {
        *per_process.entry(pid).or_default() += 1;
    }
    assert_eq!(per_process.len(), 2, "{per_process:?}");
    assert!(per_process.values().all(|&lines| lines == 5000), "{per_process:?}");
}

#[test]
fn a_reopened_log_cuts_off_its_torn_tail_and_continues_its_chain() {
    let dir = temp_dir();
    let path = dir.path().join("audit.jsonl");
    let path_arg = path.to_str().expect("a UTF-8 path");
    run_child(&["buffered", path_arg, "50", "1"]);
    // A crash mid-write leaves part of a line, never acknowledged.
    let torn = r#"{"seq":51,"timestamp":"2025-01-01T00:00:00.000000Z","hook.name":"st"#;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(torn.as_bytes()))
        .expect("a torn line");
    assert!(matches!(audit::verify(&path, TornTail::Reject), Err(VerifyError::TornTail { line: 51, .. })));

    let output = run_child(&["buffered", path_arg, "10", "1"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("ended in a torn line ({} bytes", torn.len())), "{stderr}");
    assert_eq!(verified_lines(&path), 60);
}

#[cfg(unix)]
#[test]
fn a_killed_synchronous_process_keeps_every_call_that_returned() {
    let dir = temp_dir();
    let path = dir.path().join("audit.jsonl");
    let mut child = Command::new(CHILD)
        .args(["synchronous", path.to_str().expect("a UTF-8 path"), "4"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the child runs");
    let lines = Lines::of(&mut child);
    let mut returned = Vec::new();
    while returned.len() < 300 {
        returned.push(lines.next_within(Duration::from_secs(60)).expect("the child runs until killed"));
    }
    kill(&mut child);
    // What the child printed before it died also returned before the kill.
    while let Some(line) = lines.next_within(Duration::from_secs(60)) {
        returned.push(line);
    }

    let verified = audit::verify(&path, TornTail::Ignore).expect("the complete lines verify");
    if verified.torn_tail.is_some() {
        assert!(verified.to_string().contains("ignored line"), "{verified}");
    }
    let logged: HashSet<String> = records(&path).into_iter().map(|(session, _)| session).collect();
    let missing: Vec<_> = returned.iter().filter(|session| !logged.contains(*session)).collect();
    assert!(missing.is_empty(), "calls returned but not in the log: {missing:?}");
    assert!(verified.lines >= returned.len() as u64);
}

#[cfg(unix)]
#[test]
fn a_failing_write_is_retried_reported_and_loses_nothing() {
    let dir = temp_dir();
    let path = dir.path().join("audit.jsonl");
    // The child may not grow a file past 4 KiB until it has seen three
    // failed writes; with `SIGXFSZ` ignored, a write past the limit fails
    // with `EFBIG`.
    let output = output_within(
        Command::new("sh").args([
            "-c",
            r#"trap '' XFSZ; exec "$0" "$@""#,
            CHILD,
            "write-failure",
            path.to_str().expect("a UTF-8 path"),
            "500",
        ]),
        LIMIT,
    );
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.starts_with("failures ") && stdout.trim_end().ends_with("recoveries 1"), "{stdout}");
    assert!(stderr.contains("attempt 1 failed, retrying in 10 ms: cannot write the audit log"), "{stderr}");
    assert!(stderr.contains("works again after"), "{stderr}");
    assert_eq!(verified_lines(&path), 500);
}
