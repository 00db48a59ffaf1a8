//! What the tests of the `agenthooks` command share: a small agent whose
//! hooks write real audit records through the public API, and a way to run
//! the built command.
//!
//! Each test binary includes this module and uses the part it needs.
#![allow(dead_code)]

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::thread::sleep;
use std::time::Duration;

use agenthooks::audit::{self, AuditConfig, AuditGuard};
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

/// The error of the test agent's points.
#[derive(Debug)]
pub(crate) struct AgentError(pub(crate) HookError);

impl From<HookError> for AgentError {
    fn from(error: HookError) -> Self {
        AgentError(error)
    }
}

#[hookpoint(Answer)]
pub(crate) fn answer(session: &Session, question: String) -> Result<String, AgentError> {
    Ok(question)
}

#[hookpoint(Search)]
pub(crate) fn search(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

/// Asks a question prefixed `hostile:` to make this hook block with the
/// rest of the question as its reason.
pub(crate) const HOSTILE: &str = "hostile:";
/// Asks a question prefixed `fail:` to make `globex_check` fail with the
/// rest of the question as its error.
pub(crate) const FAIL: &str = "fail:";

/// acme's hook on `answer`: blocks secrets and hostile questions, skips on
/// `skip`.
#[hook(Answer, tenant = "acme")]
fn acme_guard(ctx: &Ctx<Answer>) -> Outcome {
    if let Some(reason) = ctx.question.strip_prefix(HOSTILE) {
        Outcome::block(reason)
    } else if ctx.question.contains("secret") {
        Outcome::block("asks for a secret")
    } else if ctx.question == "skip" {
        Outcome::Skip
    } else {
        Outcome::Continue
    }
}

/// globex's hook on `answer`: fails on questions prefixed `fail:`.
#[hook(Answer, tenant = "globex")]
fn globex_check(ctx: &Ctx<Answer>) -> Result<Outcome, String> {
    match ctx.question.strip_prefix(FAIL) {
        Some(error) => Err(error.to_owned()),
        None => Ok(Outcome::Continue),
    }
}

/// Every tenant's hook on `search`: overruns its time limit on `slow`.
#[hook(Search, timeout_ms = 1)]
fn slow_search(ctx: &Ctx<Search>) -> Outcome {
    if ctx.query == "slow" {
        sleep(Duration::from_millis(30));
    }
    Outcome::Continue
}

/// Starts this test binary's audit log in a fresh file beside the binary,
/// under the target directory, and returns its path. Later calls return the
/// same path. Call it before any hook runs.
pub(crate) fn audit_log() -> &'static Path {
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
            audit::init(AuditConfig::new(path)).expect("the audit log starts")
        })
        .path()
}

/// A session of `tenant`, or of no tenant.
pub(crate) fn session(tenant: Option<&str>) -> Session {
    let session = Session::new("s-1");
    match tenant {
        Some(tenant) => session.with_tenant(tenant),
        None => session,
    }
}

/// Every complete line of the audit log, after writing every record made so far.
pub(crate) fn log_lines() -> Vec<String> {
    audit::flush().expect("the audit log flushes");
    let text = std::fs::read_to_string(audit_log()).expect("the audit log is readable");
    let complete = text.rfind('\n').map_or(0, |last| last + 1);
    text[..complete].lines().map(str::to_owned).collect()
}

/// What one run of the command did.
#[derive(Debug)]
pub(crate) struct Run {
    /// Its exit code.
    pub(crate) code: i32,
    /// What it printed on standard output.
    pub(crate) stdout: String,
    /// What it printed on standard error.
    pub(crate) stderr: String,
}

impl Run {
    /// The standard output's lines.
    pub(crate) fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// The `seq` of each readable record printed, in order.
    pub(crate) fn seqs(&self) -> Vec<u64> {
        self.lines()
            .iter()
            .map(|line| {
                let number = line.strip_prefix('#').and_then(|rest| rest.split(' ').next());
                number.and_then(|seq| seq.parse().ok()).unwrap_or_else(|| panic!("not a readable record: {line}"))
            })
            .collect()
    }
}

/// The built command, with `AGENTHOOKS_AUDIT_PATH` and
/// `AGENTHOOKS_AUDIT_KEY_FILE` unset.
pub(crate) fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_agenthooks"));
    command.env_remove(audit::PATH_ENV).env_remove(audit::KEY_FILE_ENV).stdin(Stdio::null());
    command
}

/// Runs `command` to its end.
pub(crate) fn finish(command: &mut Command) -> Run {
    let output = command.output().expect("the command runs");
    Run {
        code: output.status.code().expect("the command exits with a code"),
        stdout: String::from_utf8(output.stdout).expect("the output is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("the error output is UTF-8"),
    }
}

/// Runs `agenthooks ARGS` to its end.
pub(crate) fn agenthooks(args: &[&str]) -> Run {
    finish(command().args(args))
}

/// `path` as an argument.
pub(crate) fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}
