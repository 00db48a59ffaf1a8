//! `agenthooks audit tail` on a log written by real hooks: the last N, each
//! filter, the JSON form, the default path, and output that no hook's text
//! can forge or use to drive the terminal.

mod support;

use std::path::Path;
use std::sync::OnceLock;
use std::thread::sleep;
use std::time::Duration;

use agenthooks::audit::Entry;
use support::{agenthooks, answer, arg, audit_log, command, finish, log_lines, search, session, FAIL, HOSTILE};

/// A block reason holding a newline, a record-shaped line, a carriage
/// return, screen-clearing and title-setting escape sequences, DEL, a C1
/// control sequence introducer and a right-to-left override.
const FORGED_REASON: &str =
    "ignored\n{\"seq\":1,\"hook.status\":\"ok\"}\r\u{1b}[2J\u{1b}]0;pwned\u{7}\u{7f}\u{9b}31m\u{202e}";
/// An error holding a line shaped like a readable record.
const FORGED_ERROR: &str = "boom\r\n#99 2025-01-01T00:00:00.000000Z ok  forged";
/// A session id holding a colour escape sequence.
const FORGED_SESSION: &str = "s-\u{1b}[31mred";

/// The fixture log: one record per call, in this order, so that record
/// `seq` is call number `seq`. Calls are 2 ms apart so that no two records
/// share a timestamp.
///
/// | seq | point  | hook          | tenant | status  |
/// |-----|--------|---------------|--------|---------|
/// | 1   | answer | acme_guard    | acme   | ok      |
/// | 2   | answer | globex_check  | globex | ok      |
/// | 3   | answer | acme_guard    | acme   | blocked |
/// | 4   | search | slow_search   | acme   | timeout |
/// | 5   | answer | globex_check  | globex | error   |
/// | 6   | answer | acme_guard    | acme   | skip    |
/// | 7   | search | slow_search   | globex | ok      |
/// | 8   | answer | acme_guard    | acme   | blocked (forged reason) |
/// | 9   | answer | globex_check  | globex | error (forged error)    |
/// | 10  | search | slow_search   | none   | ok (forged session)     |
/// | 11  | answer | acme_guard    | acme   | ok      |
fn fixture() -> &'static Path {
    static WRITTEN: OnceLock<()> = OnceLock::new();
    let path = audit_log();
    WRITTEN.get_or_init(|| {
        let (acme, globex) = (session(Some("acme")), session(Some("globex")));
        let calls: [&dyn Fn(); 11] = [
            &|| drop(answer(&acme, "weather".into())),
            &|| drop(answer(&globex, "weather".into())),
            &|| drop(answer(&acme, "the secret".into())),
            &|| drop(search(&acme, "slow".into())),
            &|| drop(answer(&globex, format!("{FAIL}disk full"))),
            &|| drop(answer(&acme, "skip".into())),
            &|| drop(search(&globex, "fast".into())),
            &|| drop(answer(&acme, format!("{HOSTILE}{FORGED_REASON}"))),
            &|| drop(answer(&globex, format!("{FAIL}{FORGED_ERROR}"))),
            &|| drop(search(&agenthooks::Session::new(FORGED_SESSION), "fast".into())),
            &|| drop(answer(&acme, "news".into())),
        ];
        for call in calls {
            call();
            sleep(Duration::from_millis(2));
        }
        assert_eq!(log_lines().len(), 11, "one record per call");
    });
    path
}

/// The timestamp of record `seq` of the fixture.
fn timestamp(seq: usize) -> String {
    let line = &log_lines()[seq - 1];
    Entry::parse(line.as_bytes()).expect("a record").timestamp.into_owned()
}

/// The `seq`s `audit tail ARGS` prints from the fixture, checking that it succeeded.
fn tail_seqs(args: &[&str]) -> Vec<u64> {
    let path = fixture();
    let run = agenthooks(&[&["audit", "tail"], args, &[arg(path)]].concat());
    assert_eq!(run.code, 0, "{args:?}: {run:?}");
    run.seqs()
}

#[test]
fn tail_prints_the_last_n_records_oldest_first_readably() {
    assert_eq!(tail_seqs(&["-n", "3"]), [9, 10, 11]);
    assert_eq!(tail_seqs(&[]), (1..=11).collect::<Vec<_>>(), "20 by default, all there are");
    assert_eq!(tail_seqs(&["-n", "0"]), [] as [u64; 0]);
    let run = agenthooks(&["audit", "tail", "-n", "9", arg(fixture())]);
    let third = run.lines()[0];
    assert!(third.starts_with("#3 ") && third.contains(" blocked "), "{third}");
    assert!(
        third.contains("answer <- tail::support::acme_guard  tenant acme  session s-1 turn 0: asks for a secret"),
        "{third}"
    );
}

#[test]
fn tail_filters_by_point_hook_tenant_and_status() {
    assert_eq!(tail_seqs(&["--point", "search"]), [4, 7, 10]);
    assert_eq!(tail_seqs(&["--point", "search", "--point", "answer", "-n", "2"]), [10, 11]);
    assert_eq!(tail_seqs(&["--hook", "tail::support::globex_check"]), [2, 5, 9], "the full path");
    assert_eq!(tail_seqs(&["--hook", "globex_check"]), [2, 5, 9], "the last segment");
    assert_eq!(tail_seqs(&["--hook", "support::slow_search"]), [4, 7, 10], "the last segments");
    assert_eq!(tail_seqs(&["--hook", "check"]), [] as [u64; 0], "part of a segment names nothing");
    assert_eq!(tail_seqs(&["--tenant", "globex"]), [2, 5, 7, 9]);
    assert_eq!(tail_seqs(&["--tenant", "acme", "--point", "search"]), [4], "every filter must pass");
    assert_eq!(tail_seqs(&["--status", "blocked"]), [3, 8]);
    assert_eq!(tail_seqs(&["--status", "skip"]), [6]);
    assert_eq!(tail_seqs(&["--status", "timeout"]), [4]);
    assert_eq!(tail_seqs(&["--status", "error", "--status", "ok"]), [1, 2, 5, 7, 9, 10, 11]);
    assert_eq!(tail_seqs(&["--status", "ok", "-n", "2"]), [10, 11], "-n counts matching records");
}

#[test]
fn tail_filters_by_time_since_inclusive_until_exclusive() {
    let (third, sixth) = (timestamp(3), timestamp(6));
    assert_eq!(tail_seqs(&["--since", &sixth]), [6, 7, 8, 9, 10, 11]);
    assert_eq!(tail_seqs(&["--until", &sixth]), [1, 2, 3, 4, 5]);
    assert_eq!(tail_seqs(&["--since", &third, "--until", &sixth]), [3, 4, 5]);
    assert_eq!(tail_seqs(&["--since", &third, "--until", &sixth, "--tenant", "acme"]), [3, 4]);
    assert_eq!(tail_seqs(&["--since", "2000-01-01"]), (1..=11).collect::<Vec<_>>());
    assert_eq!(tail_seqs(&["--until", "2000-01-01T00:00:00Z"]), [] as [u64; 0]);
}

#[test]
fn json_prints_each_record_as_its_log_line() {
    let run =
        agenthooks(&["audit", "tail", "--json", "-n", "4", "--status", "ok", "--status", "blocked", arg(fixture())]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines = log_lines();
    let expected = [&lines[6], &lines[7], &lines[9], &lines[10]];
    assert_eq!(run.lines().len(), 4, "{run:?}");
    for (printed, line) in run.lines().into_iter().zip(expected) {
        let value = |text: &str| serde_json::from_str::<serde_json::Value>(text).expect("a JSON line");
        assert_eq!(value(printed), value(line), "the same record");
        if !line.chars().any(|c| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{202e}') {
            assert_eq!(printed, line, "a line with nothing unsafe is printed byte for byte");
        }
    }
    let unfiltered = agenthooks(&["audit", "tail", "--json", "-n", "2", arg(fixture())]);
    assert_eq!(unfiltered.lines(), [&lines[9], &lines[10]], "{unfiltered:?}");
}

#[test]
fn hostile_text_prints_as_one_escaped_line_per_record() {
    let log = fixture();
    for args in [&["-n", "100"][..], &["-n", "100", "--point", "answer", "--point", "search"], &["--json", "-n", "100"]]
    {
        let run = agenthooks(&[&["audit", "tail"], args, &[arg(log)]].concat());
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        assert_eq!(run.lines().len(), 11, "{args:?}: one line per record: {}", run.stdout);
        let raw = run.stdout.chars().find(|&c| c != '\n' && (c.is_control() || c == '\u{202e}'));
        assert_eq!(raw, None, "{args:?}: no raw control character: {}", run.stdout);
    }
    let run = agenthooks(&["audit", "tail", "-n", "4", arg(log)]);
    let lines = run.lines();
    assert!(lines[0].starts_with("#8 "), "{}", run.stdout);
    assert!(
        lines[0].ends_with(
            r#": ignored\n{"seq":1,"hook.status":"ok"}\r\u{1b}[2J\u{1b}]0;pwned\u{7}\u{7f}\u{9b}31m\u{202e}"#
        ),
        "the forged record is visibly escaped: {}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("#9 ") && lines[1].ends_with(r": boom\r\n#99 2025-01-01T00:00:00.000000Z ok  forged"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("#10 ") && lines[2].contains(r"session s-\u{1b}[31mred turn 0"), "{}", lines[2]);
    assert!(lines[3].starts_with("#11 "), "{}", run.stdout);
}

#[test]
fn lines_that_are_not_records_are_marked_or_left_out() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let copy = dir.path().join("copy.jsonl");
    let mut text = std::fs::read_to_string(fixture()).expect("the log is readable");
    text.push_str("junk \u{1b}[2J line\n");
    std::fs::write(&copy, text).expect("a copy");

    let run = agenthooks(&["audit", "tail", "-n", "2", arg(&copy)]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.lines()[0].starts_with("#11 "), "{run:?}");
    assert_eq!(run.lines()[1], r"(not an audit record) junk \u{1b}[2J line");

    assert_eq!(finish(command().args(["audit", "tail", "-n", "1", "--status", "ok", arg(&copy)])).seqs(), [11]);

    let run = agenthooks(&["audit", "tail", "--json", "-n", "2", arg(&copy)]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.lines().len(), 1, "only the record: {run:?}");
    assert!(run.stderr.contains(r"left out a line that is not an audit record: junk \u{1b}[2J line"), "{run:?}");
}

#[test]
fn the_log_defaults_to_agenthooks_audit_path_then_the_home_directory() {
    let log = fixture();
    let run = finish(command().env("AGENTHOOKS_AUDIT_PATH", log).args(["audit", "tail", "-n", "1"]));
    assert_eq!((run.code, run.seqs()), (0, vec![11]), "{run:?}");
    let run = finish(command().env("AGENTHOOKS_AUDIT_PATH", log).args(["audit", "verify"]));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with(&format!("{}: 11 lines, chain intact", log.display())), "{run:?}");

    let home = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(home.path().join(".agenthooks")).expect("a log directory");
    std::fs::copy(log, home.path().join(".agenthooks/audit.jsonl")).expect("a copy of the log");
    for variable in [None, Some("")] {
        let mut command = command();
        if let Some(value) = variable {
            command.env("AGENTHOOKS_AUDIT_PATH", value);
        }
        let run = finish(command.env("HOME", home.path()).args(["audit", "tail", "-n", "2", "--tenant", "acme"]));
        assert_eq!((run.code, run.seqs()), (0, vec![8, 11]), "AGENTHOOKS_AUDIT_PATH={variable:?}: {run:?}");
    }
}
