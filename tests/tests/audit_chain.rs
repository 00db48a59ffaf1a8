//! What the audit log holds and how its chain exposes tampering: one line
//! per hook execution with its fields, no redacted value anywhere, and a
//! `verify` that names the first line edited, deleted, moved, inserted or
//! cut.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::Duration;

use agenthooks::audit::{self, AuditConfig, AuditError, Entry, Tamper, TornLine, TornTail, VerifyError, GENESIS};
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};
use sha2::{Digest, Sha256};

/// The lines of this binary's log made for `session_id`.
fn lines_of(session_id: &str) -> Vec<String> {
    let marker = format!(r#""session_id":"{session_id}""#);
    audit_lines().into_iter().filter(|line| line.contains(&marker)).collect()
}

// --- fields ---------------------------------------------------------------

/// The hook's outcome depends on `step`: 0 ok, 1 blocked, 2 skip, 3 error,
/// 4 timeout.
#[hookpoint(Stepped)]
fn stepped(session: &Session, step: u32) -> Result<u32, AgentError> {
    Ok(step)
}

const NASTY_ERROR: &str = "failure \"3\"\n\tback\\slash \u{1} ünïcode";

#[hook(Stepped, tenant = "acme", timeout_ms = 20)]
fn by_step(ctx: &Ctx<Stepped>) -> Result<Outcome, &'static str> {
    match ctx.step {
        0 => Ok(Outcome::Continue),
        1 => Ok(Outcome::block("step 1 is not allowed")),
        2 => Ok(Outcome::Skip),
        3 => Err(NASTY_ERROR),
        _ => {
            sleep(Duration::from_millis(60));
            Ok(Outcome::Continue)
        }
    }
}

#[test]
fn each_execution_is_one_line_with_its_fields() {
    audit_to_temp();
    for step in 0..5 {
        let session =
            Session::new(format!("fields-{step}")).with_tenant("acme").with_trace("trace-9", "span-3").with_turn(7);
        let _ = stepped(&session, step);
    }
    let expected = [
        ("ok", None, None),
        ("blocked", None, Some("step 1 is not allowed")),
        ("skip", None, None),
        ("error", Some(NASTY_ERROR), None),
        ("timeout", Some("ran past its limit of 20 ms"), None),
    ];
    for (step, (status, error, reason)) in expected.into_iter().enumerate() {
        let lines = lines_of(&format!("fields-{step}"));
        assert_eq!(lines.len(), 1, "step {step}: {lines:?}");
        let entry = Entry::parse(lines[0].as_bytes()).expect("a line is a JSON record");
        assert_eq!(entry.status, status);
        assert_eq!(entry.error.as_deref(), error);
        assert_eq!(entry.block_reason.as_deref(), reason);
        assert_eq!(entry.point, "stepped");
        assert_eq!(entry.hook, "audit_chain::by_step");
        assert_eq!(entry.crate_name, "audit_chain");
        assert_eq!(entry.tenant_id.as_deref(), Some("acme"));
        assert_eq!((&*entry.trace_id, &*entry.span_id, entry.turn), ("trace-9", "span-3", 7));
        assert_eq!(entry.pid, std::process::id());
        assert!(entry.seq > 0 && entry.prev.len() == 64 && entry.timestamp.ends_with('Z'));
        let slow = if status == "timeout" { 60.0 } else { 0.0 };
        assert!(entry.duration_ms >= slow, "{status}: {} ms", entry.duration_ms);
    }
}

// --- redaction ------------------------------------------------------------

const SECRET: &str = "hunter2-never-logged";

#[hookpoint(Login, on_failure = "continue")]
fn login(session: &Session, user: String, #[redact] password: String) -> Result<String, AgentError> {
    Ok(format!("{user} in with {} characters", password.len()))
}

#[hook(Login, order = 1)]
fn panics_with_it(ctx: &Ctx<Login>) {
    panic!("bad password {}", ctx.password);
}

#[hook(Login, order = 2)]
fn fails_with_it(ctx: &Ctx<Login>) -> Result<(), String> {
    Err(format!("cannot check {:?}", ctx.password))
}

#[hook(Login, order = 3)]
fn blocks_with_it(ctx: &Ctx<Login>) -> Outcome {
    Outcome::block(format!("{} may not log in with {}", ctx.user, ctx.password))
}

#[test]
fn a_redacted_value_is_nowhere_in_the_log() {
    let path = audit_to_temp();
    let blocked = login(&Session::new("redaction"), "ada".into(), SECRET.into()).expect_err("the last hook blocks");
    assert!(matches!(blocked.0, HookError::Blocked(_)));

    let lines = lines_of("redaction");
    assert_eq!(lines.len(), 3, "{lines:?}");
    let statuses: Vec<_> =
        lines.iter().map(|line| Entry::parse(line.as_bytes()).expect("a record").status.into_owned()).collect();
    assert_eq!(statuses, ["error", "error", "blocked"]);
    assert!(lines.iter().all(|line| line.contains("[REDACTED]")), "{lines:?}");
    assert!(lines[2].contains("ada may not log in with [REDACTED]"), "{}", lines[2]);
    let file = std::fs::read_to_string(path).expect("the log is readable");
    assert!(!file.contains(SECRET), "the redacted value reached the audit log");
}

// --- start ----------------------------------------------------------------

#[test]
fn a_second_init_is_refused_with_the_running_path() {
    let running = audit_to_temp();
    match audit::init(AuditConfig::new(std::env::temp_dir().join("elsewhere.jsonl"))) {
        Err(AuditError::AlreadyStarted { path }) => assert_eq!(path, running),
        other => panic!("expected AlreadyStarted, got {other:?}"),
    }
    assert_eq!(audit::path(), Some(running));
}

// --- tampering ------------------------------------------------------------

#[hookpoint(Traced)]
fn traced(session: &Session, n: u32) -> Result<u32, AgentError> {
    Ok(n)
}

#[hook(Traced)]
fn trace_it(_ctx: &Ctx<Traced>) {}

/// A verified copy of this binary's log, with at least a dozen lines, as
/// lines without their newlines.
fn intact_lines() -> Vec<String> {
    audit_to_temp();
    let session = Session::new("tamper");
    for n in 0..12 {
        traced(&session, n).unwrap_or_else(|error| panic!("{:?}", error.0));
    }
    audit_lines()
}

/// Writes `lines` (each followed by a newline) to a fresh file, then `tail`.
fn log_file(dir: &Path, lines: &[String], tail: &str) -> PathBuf {
    let path = dir.join("copy.jsonl");
    let mut text: String = lines.iter().flat_map(|line| [line.as_str(), "\n"]).collect();
    text.push_str(tail);
    std::fs::write(&path, text).expect("the copy is written");
    path
}

fn verify_lines(lines: &[String]) -> Result<audit::Verified, VerifyError> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    audit::verify(&log_file(dir.path(), lines, ""), TornTail::Reject)
}

fn first_bad_line(lines: &[String]) -> (u64, Tamper) {
    match verify_lines(lines) {
        Err(VerifyError::Tampered { line, problem }) => (line, problem),
        other => panic!("expected a tampered line, got {other:?}"),
    }
}

#[test]
fn an_untouched_log_verifies() {
    let lines = intact_lines();
    let verified = verify_lines(&lines).expect("the chain verifies");
    assert_eq!(verified.lines, lines.len() as u64);
    assert_eq!(verified.torn_tail, None);
    assert!(lines[0].contains(&format!(r#""prev":"{GENESIS}""#)), "the first line chains from the genesis value");
    assert!(lines.last().expect("lines").contains(&format!(r#""hash":"{}""#, verified.last_hash)));
}

#[test]
fn an_edited_line_is_caught() {
    let mut lines = intact_lines();
    lines[4] = lines[4].replacen(r#""turn":0"#, r#""turn":1"#, 1);
    assert_eq!(first_bad_line(&lines), (5, Tamper::HashMismatch));
}

#[test]
fn an_edited_line_with_a_recomputed_hash_breaks_the_next_link() {
    let mut lines = intact_lines();
    let edited = lines[4].replacen(r#""turn":0"#, r#""turn":1"#, 1);
    let (hashed, _) = edited.rsplit_once(r#","hash":""#).expect("a line ends with its hash");
    let hash = Sha256::digest(hashed.as_bytes()).iter().fold(String::new(), |mut hex, byte| {
        write!(hex, "{byte:02x}").expect("writing to a String cannot fail");
        hex
    });
    lines[4] = format!(r#"{hashed},"hash":"{hash}"}}"#);
    assert_eq!(first_bad_line(&lines), (6, Tamper::BrokenChain));
}

#[test]
fn a_deleted_line_is_caught() {
    let mut lines = intact_lines();
    lines.remove(4);
    assert_eq!(first_bad_line(&lines), (5, Tamper::Sequence { expected: 5, found: 6 }));
}

#[test]
fn a_deleted_first_line_is_caught() {
    let mut lines = intact_lines();
    lines.remove(0);
    assert_eq!(first_bad_line(&lines), (1, Tamper::Sequence { expected: 1, found: 2 }));
}

#[test]
fn reordered_lines_are_caught() {
    let mut lines = intact_lines();
    lines.swap(4, 5);
    assert_eq!(first_bad_line(&lines), (5, Tamper::Sequence { expected: 5, found: 6 }));
}

#[test]
fn an_inserted_line_is_caught() {
    let mut lines = intact_lines();
    let copy = lines[2].clone();
    lines.insert(4, copy);
    assert_eq!(first_bad_line(&lines), (5, Tamper::Sequence { expected: 5, found: 3 }));
}

#[test]
fn a_line_not_of_the_log_is_caught() {
    let mut lines = intact_lines();
    lines.insert(4, r#"{"seq":5,"note":"added by hand"}"#.into());
    assert_eq!(first_bad_line(&lines), (5, Tamper::Malformed));
}

#[test]
fn a_file_cut_mid_line_is_caught_and_can_be_read_up_to_the_cut() {
    let lines = intact_lines();
    let (kept, cut) = lines.split_at(lines.len() - 1);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let half = &cut[0][..cut[0].len() / 2];
    let path = log_file(dir.path(), kept, half);
    let line = lines.len() as u64;
    match audit::verify(&path, TornTail::Reject) {
        Err(error @ VerifyError::TornTail { .. }) => {
            assert_eq!(error.line(), Some(line));
            assert!(error.to_string().contains("cut short"), "{error}");
        }
        other => panic!("expected a torn tail, got {other:?}"),
    }
    let verified = audit::verify(&path, TornTail::Ignore).expect("the lines before the cut verify");
    assert_eq!(verified.lines, line - 1);
    assert_eq!(verified.torn_tail, Some(TornLine { line, bytes: half.len() as u64 }));
    assert!(verified.to_string().contains(&format!("ignored line {line}")), "{verified}");
}
