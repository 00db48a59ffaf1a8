//! `agenthooks audit verify` on logs written by real hooks: exit 0 when the
//! chain is intact, 1 when a line was edited or cut, 2 when the log cannot be
//! read.

mod support;

use support::{agenthooks, answer, arg, audit_log, session, AgentError};

use agenthooks::HookError;

/// Writes three records (the second blocked) and returns the log's text.
fn three_records() -> String {
    audit_log();
    for question in ["weather", "the secret", "news"] {
        let blocked = matches!(answer(&session(Some("acme")), question.into()), Err(AgentError(HookError::Blocked(_))));
        assert_eq!(blocked, question.contains("secret"));
    }
    agenthooks::audit::flush().expect("the audit log flushes");
    std::fs::read_to_string(audit_log()).expect("the log is readable")
}

#[test]
fn verify_exits_0_1_or_2_for_an_intact_an_edited_and_an_unreadable_log() {
    let text = three_records();
    assert_eq!(text.lines().count(), 3, "{text}");
    let dir = tempfile::tempdir().expect("a temporary directory");

    let run = agenthooks(&["audit", "verify", arg(audit_log())]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(": 3 lines, chain intact, last hash "), "{run:?}");

    let edited = dir.path().join("edited.jsonl");
    let ok = r#""hook.status":"ok""#;
    let at = text.rfind(ok).expect("the last call passed");
    std::fs::write(&edited, format!(r#"{}"hook.status":"skip"{}"#, &text[..at], &text[at + ok.len()..]))
        .expect("an edited copy");
    let run = agenthooks(&["audit", "verify", arg(&edited)]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("line 3: its content does not match its hash"), "{run:?}");

    let torn = dir.path().join("torn.jsonl");
    std::fs::write(&torn, &text[..text.len() - 10]).expect("a torn copy");
    let run = agenthooks(&["audit", "verify", arg(&torn)]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("line 3 is cut short"), "{run:?}");
    let run = agenthooks(&["audit", "verify", "--allow-torn-tail", arg(&torn)]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("2 lines, chain intact") && run.stdout.contains("ignored line 3"), "{run:?}");

    let run = agenthooks(&["audit", "verify", arg(&dir.path().join("missing.jsonl"))]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("cannot read"), "{run:?}");
}

/// Runs `agenthooks ARGS`, killing it if it has not ended within ten
/// seconds; its exit code and error output, or `None` when it hung.
#[cfg(unix)]
fn within_ten_seconds(args: &[&str]) -> Option<(i32, String)> {
    use std::io::Read as _;
    use std::time::{Duration, Instant};

    let mut child = support::command()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the command starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("the command can be waited for") {
            let mut stderr = String::new();
            child.stderr.take().expect("piped").read_to_string(&mut stderr).expect("the error output reads");
            return Some((status.code().expect("an exit code"), stderr));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("the hung command is killed");
    let _ = child.wait();
    None
}

#[cfg(unix)]
#[test]
fn verify_and_tail_refuse_a_fifo_as_not_a_file_instead_of_hanging() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let fifo = dir.path().join("audit.jsonl");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success(), "a FIFO is made");
    for args in [
        &["audit", "verify", arg(&fifo)][..],
        &["audit", "tail", arg(&fifo)],
        &["audit", "tail", "--status", "blocked", arg(&fifo)],
    ] {
        let (code, stderr) = within_ten_seconds(args).unwrap_or_else(|| panic!("`{}` hung on a FIFO", args.join(" ")));
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("is a FIFO (named pipe), not a regular file"), "{stderr}");
    }
}
