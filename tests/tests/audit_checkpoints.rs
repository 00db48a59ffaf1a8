//! Checkpoints of an unkeyed chain, shipped to an in-process sink: a file
//! rewritten whole after an edit (which its unkeyed chain cannot show) or
//! cut is caught by them; checkpoints follow the record count; and with no
//! exporter configured, nothing reaches an OpenTelemetry log exporter.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use agenthooks::audit::{self, AuditConfig, AuditGuard, Checkpoint, TornTail, VerifyError, VerifyOptions, GENESIS};
use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use agenthooks_tests::tamper::{reseal, seal_of, text, Seal};
use agenthooks_tests::AgentError;
use opentelemetry::logs::{Logger as _, LoggerProvider as _};
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};

#[hookpoint(Lookup)]
fn lookup(session: &Session, name: String) -> Result<String, AgentError> {
    Ok(name)
}

#[hook(Lookup)]
fn every_lookup(_ctx: &Ctx<Lookup>) -> Outcome {
    Outcome::Continue
}

/// Records between count-based checkpoints.
const EVERY: u64 = 5;

static CHECKPOINTS: Mutex<Vec<Checkpoint>> = Mutex::new(Vec::new());

/// Starts this binary's unkeyed log, shipping a checkpoint every 5 records
/// (the interval is an hour, so only the count triggers them while the
/// tests run); returns its path.
fn log() -> &'static Path {
    static LOG: OnceLock<(PathBuf, AuditGuard)> = OnceLock::new();
    &LOG.get_or_init(|| {
        let path = std::env::current_exe().expect("a test binary knows its path").with_extension("audit.jsonl");
        let _ = std::fs::remove_file(&path);
        let config = AuditConfig::new(&path)
            .checkpoint_every(EVERY, Duration::from_secs(3600))
            .on_checkpoint(|checkpoint: &Checkpoint| CHECKPOINTS.lock().expect("whole").push(checkpoint.clone()));
        let guard = audit::init(config).expect("the audit log starts");
        (path, guard)
    })
    .0
}

/// Makes `calls` hook executions, then returns every line written so far
/// and the checkpoints shipped for them.
fn lines_after(calls: usize) -> (Vec<String>, Vec<Checkpoint>) {
    let path = log();
    for call in 0..calls {
        let _ = lookup(&Session::new("checkpoints"), format!("name-{call}"));
    }
    audit::flush().expect("the audit log flushes");
    let lines: Vec<String> =
        std::fs::read_to_string(path).expect("the log is readable").lines().map(str::to_owned).collect();
    let shipped = CHECKPOINTS.lock().expect("whole").clone();
    let shipped = shipped.into_iter().filter(|checkpoint| checkpoint.seq <= lines.len() as u64).collect();
    (lines, shipped)
}

fn copy(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text(lines)).expect("a copy of the log");
    path
}

#[test]
fn checkpoints_carry_the_head_and_follow_the_record_count() {
    let (lines, shipped) = lines_after(3 * usize::try_from(EVERY).expect("small"));
    assert!(!shipped.is_empty(), "{} lines and no checkpoint", lines.len());
    let mut before = 0;
    for checkpoint in &shipped {
        assert!(!checkpoint.keyed && checkpoint.timestamp.ends_with('Z'), "{checkpoint:?}");
        assert!(checkpoint.seq >= before + EVERY, "at least {EVERY} records apart: {shipped:?}");
        assert_eq!(checkpoint.hash, seal_of(&lines[usize::try_from(checkpoint.seq).expect("small") - 1]));
        before = checkpoint.seq;
        assert_eq!(Checkpoint::parse(&checkpoint.to_json()).ok().as_ref(), Some(checkpoint));
    }
}

#[test]
fn an_unkeyed_log_edited_before_a_shipped_checkpoint_and_rehashed_is_caught() {
    let (lines, shipped) = lines_after(12);
    let first = shipped.iter().map(|checkpoint| checkpoint.seq).min().expect("a checkpoint was shipped");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut rewritten = lines.clone();
    rewritten[0] = rewritten[0].replacen(r#""hook.status":"ok""#, r#""hook.status":"skip""#, 1);
    reseal(&mut rewritten, 0, Seal::Hash, GENESIS);
    let path = copy(dir.path(), "rewritten.jsonl", &rewritten);
    assert!(audit::verify(&path, TornTail::Reject).is_ok(), "the unkeyed chain alone cannot tell");
    match audit::verify_with(&path, &VerifyOptions::default().checkpoints(shipped)) {
        Err(VerifyError::CheckpointMismatch { seq, shipped, found }) => {
            assert_eq!(seq, first);
            assert_ne!(shipped, found);
        }
        other => panic!("the edit must be caught, got {other:?}"),
    }
}

#[test]
fn an_unkeyed_log_cut_after_a_shipped_checkpoint_is_caught() {
    let (lines, shipped) = lines_after(12);
    let last = shipped.iter().map(|checkpoint| checkpoint.seq).max().expect("a checkpoint was shipped");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let kept = usize::try_from(last).expect("small") - 1;
    let path = copy(dir.path(), "cut.jsonl", &lines[..kept]);
    assert!(audit::verify(&path, TornTail::Reject).is_ok(), "the chain alone cannot tell");
    match audit::verify_with(&path, &VerifyOptions::default().checkpoints(shipped.clone())) {
        Err(VerifyError::CutAfterCheckpoint { lines, seq }) => assert_eq!((lines, seq), (kept as u64, last)),
        other => panic!("the cut must be caught, got {other:?}"),
    }
    // Torn mid-line after the checkpoint's line, and the torn line ignored:
    // still a cut.
    let mut torn = text(&lines[..kept]);
    torn.push_str(&lines[kept][..20]);
    std::fs::write(&path, torn).expect("a torn copy");
    let options = VerifyOptions::default().checkpoints(shipped).torn_tail(TornTail::Ignore);
    assert!(matches!(audit::verify_with(&path, &options), Err(VerifyError::CutAfterCheckpoint { .. })));
}

#[test]
fn with_export_off_no_record_reaches_a_log_exporter() {
    let exporter = InMemoryLogExporter::default();
    let provider = SdkLoggerProvider::builder().with_simple_exporter(exporter.clone()).build();
    let (lines, _) = lines_after(6);
    assert!(lines.len() >= 6);
    assert!(exporter.get_emitted_logs().expect("the exporter answers").is_empty());
    // The exporter works: what is emitted to it directly arrives.
    provider.logger("probe").emit(provider.logger("probe").create_log_record());
    assert_eq!(exporter.get_emitted_logs().expect("the exporter answers").len(), 1);
}
