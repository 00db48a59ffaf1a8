//! Start-up errors of the audit log: each bad condition is a typed error
//! that says what to do, a refused file is left byte for byte as it was,
//! and a call whose hook runs without a started log fails with a typed
//! error when the log cannot start. No test here starts the log: each
//! needs a process where it has not started.

use std::path::Path;

use agenthooks::audit::{self, AuditConfig, AuditError, FileKind, Tamper, MAX_LINE, PATH_ENV};
use agenthooks::{hook, hookpoint, Ctx, HookError, Session};
use agenthooks_tests::AgentError;

#[hookpoint(Unlogged)]
fn unlogged(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Unlogged)]
fn watch(_ctx: &Ctx<Unlogged>) {}

#[test]
fn a_directory_that_cannot_be_created_is_reported() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").expect("a plain file");
    match audit::init(AuditConfig::new(file.join("logs").join("audit.jsonl"))) {
        Err(error @ AuditError::CreateDir { .. }) => {
            assert!(error.to_string().contains("cannot create the audit log directory"), "{error}");
        }
        other => panic!("expected CreateDir, got {other:?}"),
    }
    assert_eq!(audit::path(), None, "a failed start leaves the log unstarted");
}

#[test]
fn a_path_that_cannot_be_opened_is_reported() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // A name longer than any file system takes.
    match audit::init(AuditConfig::new(dir.path().join("x".repeat(300)))) {
        Err(error @ AuditError::Open { .. }) => assert!(error.to_string().contains("for appending"), "{error}"),
        other => panic!("expected Open, got {other:?}"),
    }
}

/// Starting the log at `path` fails with `NotAFile` of `kind`, naming it.
fn refused_as_not_a_file(path: &Path, kind: FileKind) {
    match audit::init(AuditConfig::new(path)) {
        Err(error @ AuditError::NotAFile { .. }) => {
            let AuditError::NotAFile { path: named, kind: found } = &error else { unreachable!() };
            assert_eq!((named.as_path(), *found), (path, kind));
            assert!(error.to_string().contains("not a regular file"), "{error}");
        }
        other => panic!("expected NotAFile for {}, got {other:?}", path.display()),
    }
}

#[test]
fn a_directory_as_the_path_is_refused_as_not_a_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    refused_as_not_a_file(dir.path(), FileKind::Directory);
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_path_is_refused_as_not_a_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let fifo = dir.path().join("audit.fifo");
    rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from_raw_mode(0o600)).expect("a FIFO");
    refused_as_not_a_file(&fifo, FileKind::Fifo);
}

#[cfg(unix)]
#[test]
fn dev_null_as_the_path_is_refused_as_not_a_file() {
    refused_as_not_a_file(Path::new("/dev/null"), FileKind::CharDevice);
}

/// Writes `bytes` as a log, starts the log on it, and checks that the start
/// was refused and the file is byte for byte as it was; returns the error.
fn refused_unchanged(bytes: &[u8]) -> AuditError {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    std::fs::write(&path, bytes).expect("the file is written");
    let error = audit::init(AuditConfig::new(&path)).expect_err("the log is refused");
    assert!(std::fs::read(&path).expect("the file reads") == bytes, "a refused file was changed ({error})");
    error
}

#[test]
fn a_file_of_random_bytes_is_refused_and_left_as_it_was() {
    // Bytes from a fixed xorshift sequence: newlines among them, and a tail
    // after the last one.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let bytes: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    assert!(bytes.contains(&b'\n') && bytes.last() != Some(&b'\n'));
    assert!(matches!(refused_unchanged(&bytes), AuditError::Corrupt { problem: Tamper::Malformed, .. }));
    // Text with no newline at all is no torn record either.
    let text = b"an unrelated file with no newline";
    assert!(matches!(refused_unchanged(text), AuditError::Corrupt { problem: Tamper::Malformed, .. }));
}

#[test]
fn a_corrupt_last_line_before_a_torn_tail_is_refused_and_left_as_it_was() {
    let bytes = b"{\"seq\":1,\"hook.name\":\"edited\"}\n{\"seq\":2,\"timestamp\":\"2025";
    assert!(matches!(refused_unchanged(bytes), AuditError::Corrupt { .. }));
}

#[test]
fn a_torn_tail_longer_than_any_line_is_refused_unread_and_left_as_it_was() {
    let mut bytes = b"{\"seq\":".to_vec();
    bytes.resize(usize::try_from(MAX_LINE).expect("fits") * 3, b'7');
    match refused_unchanged(&bytes) {
        error @ AuditError::LineTooLong { limit: MAX_LINE, .. } => {
            assert!(error.to_string().contains("without a newline"), "{error}");
        }
        other => panic!("expected LineTooLong, got {other:?}"),
    }
}

#[test]
fn a_log_whose_last_line_is_not_a_record_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    std::fs::write(&path, "{\"seq\":1}\n").expect("a bad log");
    match audit::init(AuditConfig::new(&path)) {
        Err(AuditError::Corrupt { problem, .. }) => assert_eq!(problem, Tamper::Malformed),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn a_call_whose_hook_cannot_be_audited_is_refused_with_a_typed_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "").expect("a plain file");
    // This binary starts no log, so the hook below must start one from the
    // environment, which names a path under a plain file.
    std::env::set_var(PATH_ENV, blocked.join("audit.jsonl"));
    let AgentError(error) = unlogged(&Session::new("unlogged")).expect_err("the call cannot be audited");
    let HookError::Unaudited { point, hook, reason } = &error else { panic!("expected Unaudited, got {error:?}") };
    assert_eq!((*point, *hook), ("unlogged", "audit_startup::watch"));
    assert!(reason.contains("cannot create the audit log directory"), "{reason}");
    assert!(error.to_string().contains("call `agenthooks::audit::init` at start-up"), "{error}");
}

#[test]
fn a_log_whose_last_record_is_longer_than_the_torn_tail_bound_is_continued() {
    use std::process::Command;

    use agenthooks_tests::child::{output_within, LIMIT};
    use agenthooks_tests::tamper::{reseal, text, Seal};

    const CHILD: &str = env!("CARGO_BIN_EXE_audit_child");
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    let one_call =
        || output_within(Command::new(CHILD).args(["buffered", path.to_str().expect("UTF-8"), "1", "1"]), LIMIT);
    let first = one_call();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    // The record of a call whose session id is 10 MB long, a line ending in
    // its newline, as the writer would have written it.
    let mut lines: Vec<String> =
        std::fs::read_to_string(&path).expect("the log reads").lines().map(str::to_owned).collect();
    let long_id = format!("\"session_id\":\"{}\"", "s".repeat(10 << 20));
    lines[0] = lines[0].replace("\"session_id\":\"call-0\"", &long_id);
    assert!(lines[0].len() as u64 > MAX_LINE);
    reseal(&mut lines, 0, Seal::Hash, audit::GENESIS);
    std::fs::write(&path, text(&lines)).expect("the log is rewritten");

    let second = one_call();
    assert!(second.status.success(), "the log was refused: {}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(audit::verify(&path, audit::TornTail::Reject).expect("the log verifies").lines, 2);
}
