//! The `agenthooks` command on audit logs: what it prints and how it exits.
//! (It lives in this package because only here Cargo names its binary.)

use std::path::Path;
use std::process::Command;

use agenthooks::audit::{self, AuditConfig};
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[derive(Debug)]
struct AgentError(HookError);

impl From<HookError> for AgentError {
    fn from(error: HookError) -> Self {
        AgentError(error)
    }
}

#[hookpoint(Answer)]
fn answer(session: &Session, question: String) -> Result<String, AgentError> {
    Ok(question)
}

#[hook(Answer)]
fn refuse_secrets(ctx: &Ctx<Answer>) -> Outcome {
    if ctx.question.contains("secret") {
        Outcome::block("asks for a secret")
    } else {
        Outcome::Continue
    }
}

/// Runs `agenthooks ARGS`; returns its exit code and output.
fn agenthooks(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_agenthooks")).args(args).output().expect("the command runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code().expect("an exit code"), text)
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

#[test]
fn verify_and_tail_report_on_a_log() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let log = dir.path().join("audit.jsonl");
    let audit = audit::init(AuditConfig::new(&log)).expect("the audit log starts");
    let session = Session::new("cli").with_tenant("acme");
    for question in ["weather", "the secret", "news"] {
        let blocked = matches!(answer(&session, question.into()), Err(AgentError(HookError::Blocked(_))));
        assert_eq!(blocked, question.contains("secret"));
    }
    drop(audit);

    let (code, out) = agenthooks(&["audit", "verify", path_arg(&log)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(": 3 lines, chain intact, last hash "), "{out}");

    let (code, out) = agenthooks(&["audit", "tail", "-n", "2", path_arg(&log)]);
    assert_eq!(code, 0, "{out}");
    let printed: Vec<&str> = out.lines().collect();
    assert_eq!(printed.len(), 2, "{out}");
    assert!(printed[0].starts_with("#2 ") && printed[0].contains("blocked"), "{out}");
    assert!(
        printed[0].contains("answer <- cli::refuse_secrets  tenant acme  session cli turn 0: asks for a secret"),
        "{out}"
    );
    assert!(printed[1].starts_with("#3 ") && printed[1].contains(" ok "), "{out}");

    let text = std::fs::read_to_string(&log).expect("the log is readable");
    let edited = dir.path().join("edited.jsonl");
    let ok = r#""hook.status":"ok""#;
    let at = text.rfind(ok).expect("the last call passed");
    let forged = format!(r#"{}"hook.status":"skip"{}"#, &text[..at], &text[at + ok.len()..]);
    std::fs::write(&edited, forged).expect("an edited copy");
    let (code, out) = agenthooks(&["audit", "verify", path_arg(&edited)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("line 3: its content does not match its hash"), "{out}");

    let torn = dir.path().join("torn.jsonl");
    std::fs::write(&torn, &text[..text.len() - 10]).expect("a torn copy");
    let (code, out) = agenthooks(&["audit", "verify", path_arg(&torn)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("line 3 is cut short"), "{out}");
    let (code, out) = agenthooks(&["audit", "verify", "--allow-torn-tail", path_arg(&torn)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 lines, chain intact") && out.contains("ignored line 3"), "{out}");
}

#[test]
fn unreadable_files_and_wrong_commands_exit_2() {
    let (code, out) = agenthooks(&["audit", "verify", "/no/such/audit.jsonl"]);
    assert_eq!((code, out.contains("cannot read")), (2, true), "{out}");
    let (code, out) = agenthooks(&["audit", "verify"]);
    assert_eq!((code, out.contains("needs the PATH")), (2, true), "{out}");
    let (code, out) = agenthooks(&["audit", "tail", "-n", "many", "x"]);
    assert_eq!((code, out.contains("not a number")), (2, true), "{out}");
    let (code, out) = agenthooks(&["--help"]);
    assert_eq!((code, out.contains("agenthooks audit verify")), (0, true), "{out}");
}
