//! `agenthooks audit verify` on a keyed log with shipped checkpoints: the
//! key comes from `--key-file` or `AGENTHOOKS_AUDIT_KEY_FILE`, a keyed log
//! without its key exits 2 saying so, another key exits 1, and a copy cut
//! after a shipped checkpoint exits 1.

mod support;

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use agenthooks::audit::{self, AuditConfig, AuditGuard, Checkpoint};
use support::{agenthooks, answer, arg, command, finish, session};

/// The key file's text, as `openssl rand -hex 32` makes one.
const KEY: &str = "9b0d5e3a1f7c4e2d8a6b0c3f5e7d9a1b2c4e6f8a0b1d3c5e7f9a2b4c6d8e0f1a\n";

static CHECKPOINTS: Mutex<Vec<Checkpoint>> = Mutex::new(Vec::new());

/// This binary's keyed log and its key file; checkpoints every 2 records.
fn keyed_log() -> &'static (PathBuf, PathBuf, AuditGuard) {
    static LOG: OnceLock<(PathBuf, PathBuf, AuditGuard)> = OnceLock::new();
    LOG.get_or_init(|| {
        let binary = std::env::current_exe().expect("a test binary knows its path");
        let path = binary.with_extension("audit.jsonl");
        let key_file = binary.with_extension("key");
        let _ = std::fs::remove_file(&path);
        std::fs::write(&key_file, KEY).expect("the key file is written");
        let key = audit::ChainKey::from_file(&key_file).expect("the key file holds a key");
        let config = AuditConfig::new(&path)
            .key(key)
            .checkpoint_every(2, Duration::from_secs(3600))
            .on_checkpoint(|checkpoint: &Checkpoint| CHECKPOINTS.lock().expect("whole").push(checkpoint.clone()));
        let guard = audit::init(config).expect("the keyed audit log starts");
        (path, key_file, guard)
    })
}

/// `lines` as a log file's text.
fn text(lines: &[String]) -> String {
    lines.iter().flat_map(|line| [line.as_str(), "\n"]).collect()
}

/// Writes `calls` records; returns the log's lines.
fn written(calls: usize) -> Vec<String> {
    let (path, _, _) = keyed_log();
    for _ in 0..calls {
        answer(&session(Some("acme")), "weather".into()).expect("the call passes");
    }
    audit::flush().expect("the audit log flushes");
    std::fs::read_to_string(path).expect("the log is readable").lines().map(str::to_owned).collect()
}

#[test]
fn verify_checks_a_keyed_log_only_with_its_key() {
    let lines = written(3);
    let (_, key_file, _) = keyed_log();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let log = dir.path().join("log.jsonl");
    std::fs::write(&log, text(&lines)).expect("a copy");

    let run = agenthooks(&["audit", "verify", arg(&log)]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("the log is keyed") && run.stderr.contains("--key-file"), "{run:?}");

    let run = agenthooks(&["audit", "verify", "--key-file", arg(key_file), arg(&log)]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("{} lines, keyed chain intact", lines.len())), "{run:?}");

    let run = finish(command().env(audit::KEY_FILE_ENV, key_file).args(["audit", "verify", arg(&log)]));
    assert_eq!(run.code, 0, "the key file named by the environment: {run:?}");

    let other = dir.path().join("other.key");
    std::fs::write(&other, KEY.replace('9', "8")).expect("another key file");
    let run = agenthooks(&["audit", "verify", "--key-file", arg(&other), arg(&log)]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("not with the given key"), "{run:?}");

    std::fs::write(&other, "short\n").expect("a short key file");
    let run = agenthooks(&["audit", "verify", "--key-file", arg(&other), arg(&log)]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("at least 32"), "{run:?}");
}

#[test]
fn verify_catches_a_keyed_log_cut_after_a_shipped_checkpoint() {
    let lines = written(6);
    let (_, key_file, _) = keyed_log();
    let shipped: Vec<Checkpoint> = CHECKPOINTS
        .lock()
        .expect("whole")
        .iter()
        .filter(|checkpoint| checkpoint.seq <= lines.len() as u64)
        .cloned()
        .collect();
    let last = shipped.iter().map(|checkpoint| checkpoint.seq).max().expect("a checkpoint was shipped");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let checkpoints = dir.path().join("checkpoints.jsonl");
    let shipped_text: String = shipped.iter().map(|checkpoint| checkpoint.to_json() + "\n").collect();
    std::fs::write(&checkpoints, shipped_text).expect("the checkpoints file");
    let kept = usize::try_from(last).expect("small") - 1;
    let cut = dir.path().join("cut.jsonl");
    std::fs::write(&cut, text(&lines[..kept])).expect("a cut copy");
    let whole = dir.path().join("whole.jsonl");
    std::fs::write(&whole, text(&lines)).expect("a copy");

    let verify = |log: &PathBuf| {
        agenthooks(&["audit", "verify", "--key-file", arg(key_file), "--checkpoints", arg(&checkpoints), arg(log)])
    };
    let run = verify(&whole);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("shipped checkpoint(s) match"), "{run:?}");
    let run = verify(&cut);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains(&format!("a checkpoint was shipped for line {last}")), "{run:?}");

    std::fs::write(&checkpoints, "not json\n").expect("a bad checkpoints file");
    let run = verify(&whole);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("line 1: not a checkpoint"), "{run:?}");
}
