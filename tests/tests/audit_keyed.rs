//! A keyed chain, its shipped checkpoints and its OpenTelemetry log export:
//! a line edited and sealed again with the unkeyed algorithm fails, lines
//! appended without the key fail, a rewrite by a holder of the key is
//! caught by a shipped checkpoint, a cut after one is caught, and every
//! record and checkpoint reaches an OpenTelemetry log exporter with the
//! line's members as attributes.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use agenthooks::audit::{
    self, AuditConfig, AuditGuard, ChainKey, Checkpoint, Tamper, VerifyError, VerifyOptions, CHECKPOINT_EVENT, GENESIS,
    RECORD_EVENT,
};
use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use agenthooks_tests::tamper::{reseal, seal_of, text, Seal};
use agenthooks_tests::AgentError;
use opentelemetry::logs::AnyValue;
use opentelemetry::Key;
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLogRecord, SdkLoggerProvider};

/// The log's key, as an operator would keep it in a key file.
const KEY: &[u8] = b"4f1c2b7e9a0d3c5b8e6f1a2d4c7b9e0f-audit-test-key";
/// An argument value that must never leave the process.
const SECRET_ARGUMENT: &str = "argument-value-never-exported";

fn key() -> ChainKey {
    ChainKey::new(KEY).expect("a long enough key")
}

#[hookpoint(Answer)]
fn answer(session: &Session, question: String) -> Result<String, AgentError> {
    Ok(question)
}

#[hook(Answer, tenant = "acme")]
fn acme_guard(ctx: &Ctx<Answer>) -> Outcome {
    if ctx.question.contains("block") {
        Outcome::block("not this one")
    } else {
        Outcome::Continue
    }
}

/// What this binary's log shipped: its checkpoints, and the exporter its
/// records and checkpoints went to.
struct Shipped {
    path: PathBuf,
    checkpoints: &'static Mutex<Vec<Checkpoint>>,
    exporter: InMemoryLogExporter,
    _guard: AuditGuard,
    _provider: SdkLoggerProvider,
}

/// Starts this binary's keyed log, shipping a checkpoint every 4 records
/// to a list and everything to an in-memory OpenTelemetry exporter.
fn shipped() -> &'static Shipped {
    static SHIPPED: OnceLock<Shipped> = OnceLock::new();
    static CHECKPOINTS: Mutex<Vec<Checkpoint>> = Mutex::new(Vec::new());
    SHIPPED.get_or_init(|| {
        let path = std::env::current_exe().expect("a test binary knows its path").with_extension("audit.jsonl");
        let _ = std::fs::remove_file(&path);
        let exporter = InMemoryLogExporter::default();
        let provider = SdkLoggerProvider::builder().with_simple_exporter(exporter.clone()).build();
        let config = AuditConfig::new(&path)
            .key(key())
            .checkpoint_every(4, Duration::from_secs(3600))
            .on_checkpoint(|checkpoint: &Checkpoint| {
                CHECKPOINTS.lock().expect("the list is whole").push(checkpoint.clone());
            })
            .export_logs(&provider);
        let guard = audit::init(config).expect("the keyed audit log starts");
        Shipped { path, checkpoints: &CHECKPOINTS, exporter, _guard: guard, _provider: provider }
    })
}

/// Makes `calls` hook executions for `session_id`, then returns every line
/// of the log written so far.
fn lines_after(session_id: &str, calls: usize) -> Vec<String> {
    let shipped = shipped();
    for call in 0..calls {
        let question = if call == 1 { format!("block {SECRET_ARGUMENT}") } else { SECRET_ARGUMENT.to_owned() };
        let _ = answer(&Session::new(session_id).with_tenant("acme"), question);
    }
    audit::flush().expect("the audit log flushes");
    let text = std::fs::read_to_string(&shipped.path).expect("the log is readable");
    text.lines().map(str::to_owned).collect()
}

/// Writes `lines` to a fresh file in `dir`.
fn copy(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text(lines)).expect("a copy of the log");
    path
}

fn with_key() -> VerifyOptions {
    VerifyOptions::default().key(key())
}

/// The shipped checkpoints for lines among the first `lines`.
fn checkpoints_within(lines: usize) -> Vec<Checkpoint> {
    let all = shipped().checkpoints.lock().expect("the list is whole").clone();
    all.into_iter().filter(|checkpoint| checkpoint.seq <= lines as u64).collect()
}

#[test]
fn a_keyed_log_verifies_with_its_key_and_holds_only_its_id() {
    let lines = lines_after("keyed-ok", 3);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = copy(dir.path(), "log.jsonl", &lines);
    let verified = audit::verify_with(&path, &with_key()).expect("the keyed chain verifies with its key");
    assert!(verified.keyed && verified.lines == lines.len() as u64, "{verified:?}");
    assert!(lines[0].contains(&format!(r#""prev":"{}""#, key().id())), "{}", lines[0]);
    let text = text(&lines);
    assert!(!text.contains(std::str::from_utf8(KEY).expect("an ASCII key")), "the key is never written");
    assert!(lines.iter().all(|line| line.contains(r#","hmac":""#) && !line.contains(r#","hash":""#)));
}

#[test]
fn a_keyed_log_verified_without_its_key_says_the_key_is_required() {
    let lines = lines_after("keyed-no-key", 1);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = copy(dir.path(), "log.jsonl", &lines);
    match audit::verify(&path, audit::TornTail::Reject) {
        Err(VerifyError::KeyRequired { key_id }) => assert_eq!(key_id, key().id()),
        other => panic!("a keyed log must not verify without its key: {other:?}"),
    }
    let other_key = ChainKey::new(&[9; 32]).expect("a long enough key");
    match audit::verify_with(&path, &VerifyOptions::default().key(other_key.clone())) {
        Err(VerifyError::WrongKey { log_key, given_key }) => {
            assert_eq!((log_key.as_str(), given_key.as_str()), (key().id(), other_key.id()));
        }
        other => panic!("another key must not verify the log: {other:?}"),
    }
}

#[test]
fn a_line_edited_and_sealed_with_the_unkeyed_algorithm_fails_a_keyed_verify() {
    let lines = lines_after("keyed-edit", 3);
    assert!(lines.len() >= 3);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut edited = lines.clone();
    edited[1] = edited[1].replacen(r#""hook.status":"blocked""#, r#""hook.status":"ok""#, 1);
    edited[1] = edited[1].replacen(r#""hook.status":"ok""#, r#""hook.status":"skip""#, 1);

    // The edited line and every later one sealed again with SHA-256.
    for (seal, problem) in [(Seal::Hash, Tamper::ChainMode { keyed: false }), (Seal::HashAsHmac, Tamper::HashMismatch)]
    {
        let mut rewritten = edited.clone();
        reseal(&mut rewritten, 1, seal, GENESIS);
        let path = copy(dir.path(), "edited.jsonl", &rewritten);
        match audit::verify_with(&path, &with_key()) {
            Err(VerifyError::Tampered { line: 2, problem: found }) => assert_eq!(found, problem, "{seal:?}"),
            other => panic!("{seal:?}: line 2 must fail, got {other:?}"),
        }
    }

    // The whole file sealed again, unkeyed from the start: it verifies
    // without the key, which is why a keyed log is verified with its key.
    let mut rewritten = edited.clone();
    reseal(&mut rewritten, 0, Seal::Hash, GENESIS);
    let path = copy(dir.path(), "downgraded.jsonl", &rewritten);
    assert!(audit::verify(&path, audit::TornTail::Reject).is_ok());
    assert!(matches!(audit::verify_with(&path, &with_key()), Err(VerifyError::NotKeyed)));
}

#[test]
fn lines_appended_without_the_key_do_not_verify() {
    let lines = lines_after("keyed-append", 2);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let n = lines.len();
    let last = &lines[n - 1];
    let seq = format!(r#"{{"seq":{n},"#);
    let forged = last.replacen(&seq, &format!(r#"{{"seq":{},"#, n + 1), 1);
    let guessed_key = [0_u8; 32];
    for seal in [Seal::HashAsHmac, Seal::Hmac(&guessed_key)] {
        let mut appended = lines.clone();
        appended.push(forged.clone());
        reseal(&mut appended, n, seal, GENESIS);
        let path = copy(dir.path(), "appended.jsonl", &appended);
        match audit::verify_with(&path, &with_key()) {
            Err(VerifyError::Tampered { line, problem: Tamper::HashMismatch }) => assert_eq!(line, n as u64 + 1),
            other => panic!("{seal:?}: the appended line must fail, got {other:?}"),
        }
    }

    // Sealing the whole file again with a key of one's own names another key.
    let mut rewritten = lines.clone();
    let own = ChainKey::new(&guessed_key).expect("a long enough key");
    reseal(&mut rewritten, 0, Seal::Hmac(&guessed_key), own.id());
    let path = copy(dir.path(), "own-key.jsonl", &rewritten);
    assert!(matches!(audit::verify_with(&path, &with_key()), Err(VerifyError::WrongKey { .. })));
}

#[test]
fn a_rewrite_by_a_holder_of_the_key_is_caught_by_a_shipped_checkpoint() {
    let lines = lines_after("keyed-holder", 8);
    let checkpoints = checkpoints_within(lines.len());
    assert!(!checkpoints.is_empty(), "a checkpoint is shipped every 4 records");
    for checkpoint in &checkpoints {
        assert!(checkpoint.keyed);
        assert_eq!(checkpoint.hash, seal_of(&lines[usize::try_from(checkpoint.seq).expect("small") - 1]));
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut rewritten = lines.clone();
    rewritten[0] = rewritten[0].replacen(r#""hook.tenant_id":"acme""#, r#""hook.tenant_id":"globe""#, 1);
    reseal(&mut rewritten, 0, Seal::Hmac(KEY), key().id());
    let path = copy(dir.path(), "rewritten.jsonl", &rewritten);
    assert!(audit::verify_with(&path, &with_key()).is_ok(), "the key alone cannot tell");
    let first = checkpoints.iter().map(|checkpoint| checkpoint.seq).min().expect("a checkpoint");
    match audit::verify_with(&path, &with_key().checkpoints(checkpoints.clone())) {
        Err(VerifyError::CheckpointMismatch { seq, .. }) => assert_eq!(seq, first),
        other => panic!("the rewrite must differ from the shipped head, got {other:?}"),
    }
}

#[test]
fn a_keyed_log_cut_after_a_shipped_checkpoint_is_caught() {
    let lines = lines_after("keyed-cut", 8);
    let checkpoints = checkpoints_within(lines.len());
    let last = checkpoints.iter().map(|checkpoint| checkpoint.seq).max().expect("a checkpoint was shipped");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let whole = copy(dir.path(), "whole.jsonl", &lines);
    let verified = audit::verify_with(&whole, &with_key().checkpoints(checkpoints.clone())).expect("intact");
    assert_eq!(verified.checkpoints, checkpoints.len());
    let kept = usize::try_from(last).expect("small") - 1;
    let cut = copy(dir.path(), "cut.jsonl", &lines[..kept]);
    assert!(audit::verify_with(&cut, &with_key()).is_ok(), "the chain alone cannot tell");
    match audit::verify_with(&cut, &with_key().checkpoints(checkpoints)) {
        Err(VerifyError::CutAfterCheckpoint { lines, seq }) => assert_eq!((lines, seq), (kept as u64, last)),
        other => panic!("the cut must be caught, got {other:?}"),
    }
}

/// The attribute `key` of `record`.
fn attribute<'r>(record: &'r SdkLogRecord, key: &str) -> Option<&'r AnyValue> {
    record.attributes_iter().find(|(name, _)| *name == Key::from(key.to_owned())).map(|(_, value)| value)
}

fn string(value: &str) -> AnyValue {
    AnyValue::String(value.to_owned().into())
}

#[test]
fn records_and_checkpoints_reach_the_opentelemetry_log_exporter() {
    let lines = lines_after("keyed-export", 8);
    let shipped = shipped();
    let logs = shipped.exporter.get_emitted_logs().expect("the exporter holds logs");
    let records: Vec<&SdkLogRecord> = logs
        .iter()
        .map(|log| &log.record)
        .filter(|record| record.event_name() == Some(RECORD_EVENT))
        .filter(|record| attribute(record, "session_id") == Some(&string("keyed-export")))
        .collect();
    let ours: Vec<&String> = lines.iter().filter(|line| line.contains(r#""session_id":"keyed-export""#)).collect();
    assert_eq!(records.len(), ours.len(), "one log record per line");
    for (record, line) in records.iter().zip(&ours) {
        let entry = audit::Entry::parse(line.as_bytes()).expect("a record");
        assert_eq!(attribute(record, "seq"), Some(&AnyValue::Int(i64::try_from(entry.seq).expect("small"))));
        assert_eq!(attribute(record, "hook.name"), Some(&string("answer")));
        assert_eq!(attribute(record, "hook.impl"), Some(&string("audit_keyed::acme_guard")));
        assert_eq!(attribute(record, "hook.tenant_id"), Some(&string("acme")));
        assert_eq!(attribute(record, "hook.status"), Some(&string(&entry.status)));
        assert_eq!(attribute(record, "hmac"), Some(&string(seal_of(line))));
        assert_eq!(attribute(record, "prev"), Some(&string(&entry.prev)));
        let everything = format!("{record:?}");
        assert!(!everything.contains(SECRET_ARGUMENT), "no argument value is exported: {everything}");
    }
    let blocked = records.iter().find(|record| attribute(record, "hook.status") == Some(&string("blocked")));
    let blocked = blocked.expect("the second call was blocked");
    assert_eq!(attribute(blocked, "hook.block_reason"), Some(&string("not this one")));
    assert_eq!(blocked.severity_number(), Some(opentelemetry::logs::Severity::Warn));

    let checkpoints = checkpoints_within(usize::MAX);
    let exported: Vec<&SdkLogRecord> =
        logs.iter().map(|log| &log.record).filter(|record| record.event_name() == Some(CHECKPOINT_EVENT)).collect();
    assert!(!exported.is_empty());
    for record in exported {
        let Some(AnyValue::Int(seq)) = attribute(record, "seq") else { panic!("a checkpoint has a seq: {record:?}") };
        let shipped = checkpoints.iter().find(|checkpoint| checkpoint.seq == u64::try_from(*seq).expect("positive"));
        let shipped = shipped.expect("the same checkpoints go to the exporter and the sink");
        assert_eq!(attribute(record, "hash"), Some(&string(&shipped.hash)));
    }
}
