//! What a crash loses in buffered mode: with `AuditConfig::max_unwritten(n)`
//! a process killed with SIGKILL while it runs calls loses at most `n`
//! acknowledged records. The child prints each call once it has returned;
//! the test kills it and looks for every printed call in the log.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use agenthooks::audit::{self, Entry, TornTail};
use agenthooks_tests::child::{kill, Lines};

const CHILD: &str = env!("CARGO_BIN_EXE_audit_child");

/// Runs the child buffered on 4 threads with at most `max_unwritten`
/// unwritten records (0: no bound), kills it once `acknowledged` calls
/// returned, and returns how many calls that returned are not in the log.
fn acknowledged_but_lost(max_unwritten: u64, acknowledged: usize) -> usize {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    let mut child = Command::new(CHILD)
        .args(["until-killed", path.to_str().expect("a UTF-8 path"), "4", &max_unwritten.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the child runs");
    let lines = Lines::of(&mut child);
    let mut returned = Vec::new();
    while returned.len() < acknowledged {
        match lines.next_within(Duration::from_secs(60)) {
            Some(line) => returned.push(line),
            None => panic!("the child ended early"),
        }
    }
    kill(&mut child);
    // What the child printed before it died also returned before the kill.
    while let Some(line) = lines.next_within(Duration::from_secs(60)) {
        returned.push(line);
    }
    let logged = logged_sessions(&path);
    returned.iter().filter(|session| !logged.contains(*session)).count()
}

fn logged_sessions(path: &Path) -> HashSet<String> {
    audit::verify(path, TornTail::Ignore).expect("the complete lines verify");
    let text = std::fs::read_to_string(path).expect("the log is readable");
    let complete = text.rfind('\n').map_or(0, |last| last + 1);
    text[..complete]
        .lines()
        .map(|line| Entry::parse(line.as_bytes()).expect("a record").session_id.into_owned())
        .collect()
}

#[cfg(unix)]
#[test]
fn a_killed_buffered_process_loses_at_most_max_unwritten_acknowledged_records() {
    const MAX_UNWRITTEN: u64 = 4;
    for _ in 0..3 {
        let lost = acknowledged_but_lost(MAX_UNWRITTEN, 20_000);
        assert!(lost <= 4, "{lost} acknowledged records lost, more than max_unwritten({MAX_UNWRITTEN})");
    }
}
