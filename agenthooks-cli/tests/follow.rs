//! `agenthooks audit tail --follow`: records appended while it runs are
//! printed, filtered like the first ones; a file that shrinks is reported
//! and followed from its new end; a closed output ends it quietly.
//!
//! Waits are bounded: a line that never comes fails the test after
//! [`PATIENCE`], it does not hang it. Nothing here measures time.

mod support;

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStderr, ChildStdout, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use support::{answer, arg, audit_log, command, log_lines, session, HOSTILE};

/// How long a test waits for a line or an exit before it fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `agenthooks audit tail -f`, killed when dropped.
struct Following {
    child: Child,
    stdout: Option<Receiver<String>>,
    stderr: Receiver<String>,
}

impl Following {
    /// Starts `agenthooks audit tail -f ARGS PATH`.
    fn start(args: &[&str], path: &Path) -> Self {
        let mut child = command()
            .args(["audit", "tail", "-f"])
            .args(args)
            .arg(path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the command starts");
        let stdout = lines_of(child.stdout.take().expect("a piped output"));
        let stderr = lines_of(child.stderr.take().expect("a piped error output"));
        Following { child, stdout: Some(stdout), stderr }
    }

    /// The next line it prints.
    fn next_line(&self) -> String {
        let stdout = self.stdout.as_ref().expect("the output is open");
        stdout.recv_timeout(PATIENCE).unwrap_or_else(|_| panic!("no line within {PATIENCE:?}"))
    }

    /// The next line it prints on standard error.
    fn next_error(&self) -> String {
        self.stderr.recv_timeout(PATIENCE).unwrap_or_else(|_| panic!("no error line within {PATIENCE:?}"))
    }

    /// Its exit code, once it exits by itself.
    fn exit_code(&mut self) -> i32 {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("the child can be waited for") {
                return status.code().expect("an exit code, not a signal");
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!("the command did not exit within {PATIENCE:?}");
    }
}

impl Drop for Following {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines of a child's output, read on a thread of their own.
fn lines_of(output: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(output).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// Makes acme's hook block with `reason` and writes the record out.
fn blocked(reason: &str) {
    drop(answer(&session(Some("acme")), format!("{HOSTILE}{reason}")));
    agenthooks::audit::flush().expect("the audit log flushes");
}

/// Appends `lines` to the file at `path`.
fn append(path: &Path, lines: &[String]) {
    let mut file = OpenOptions::new().append(true).open(path).expect("the copy opens");
    for line in lines {
        writeln!(file, "{line}").expect("a line is appended");
    }
}

/// Three records of this binary's log, written once.
fn three_records() -> Vec<String> {
    static WRITTEN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    WRITTEN
        .get_or_init(|| {
            audit_log();
            for reason in ["first", "second", "third"] {
                blocked(reason);
            }
            log_lines()[..3].to_vec()
        })
        .clone()
}

#[test]
fn follow_prints_records_appended_by_hooks_that_pass_the_filters() {
    three_records();
    let log = audit_log();
    let all = Following::start(&["-n", "1"], log);
    let globex_only = Following::start(&["-n", "1", "--tenant", "globex"], log);
    assert!(all.next_line().ends_with(": third"), "the last record first");

    drop(answer(&session(Some("globex")), "weather".into()));
    blocked("appended \u{1b}[2J\nforged");
    blocked("appended later");
    let line = all.next_line();
    assert!(line.contains("tenant globex"), "{line}");
    let line = all.next_line();
    assert!(line.ends_with(r": appended \u{1b}[2J\nforged"), "escaped like the first records: {line}");
    assert!(all.next_line().ends_with(": appended later"));

    let line = globex_only.next_line();
    assert!(line.contains("tenant globex") && line.contains(" ok "), "no earlier globex record, then this one: {line}");
    drop(answer(&session(Some("globex")), "news".into()));
    let line = globex_only.next_line();
    assert!(line.contains("tenant globex"), "the acme records in between were filtered out: {line}");
}

#[test]
fn a_file_that_shrinks_is_reported_and_followed_from_its_new_end() {
    let records = three_records();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let copy = dir.path().join("copy.jsonl");
    std::fs::write(&copy, format!("{}\n{}\n", records[0], records[1])).expect("a copy");
    let following = Following::start(&["--json", "-n", "5"], &copy);
    assert_eq!([following.next_line(), following.next_line()], [records[0].clone(), records[1].clone()]);

    std::fs::write(&copy, "").expect("the copy is cut");
    let said = following.next_error();
    assert!(
        said.contains(&format!("`{}` shrank from ", copy.display())) && said.contains("following from its new end"),
        "{said}"
    );
    append(&copy, &records[2..]);
    assert_eq!(following.next_line(), records[2]);
}

#[test]
fn a_line_is_printed_only_once_complete() {
    let records = three_records();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let copy = dir.path().join("copy.jsonl");
    std::fs::write(&copy, "").expect("an empty log");
    let following = Following::start(&["--json"], &copy);
    let (head, rest) = records[1].split_at(40);
    let mut file = OpenOptions::new().append(true).open(&copy).expect("the copy opens");
    // One write: once the first line is printed, the half line was read too.
    file.write_all(format!("{}\n{head}", records[0]).as_bytes()).expect("a line and a half");
    assert_eq!(following.next_line(), records[0]);
    file.write_all(format!("{rest}\n").as_bytes()).expect("the rest of the line");
    assert_eq!(following.next_line(), records[1], "the whole line, once");
}

#[test]
fn closing_the_output_ends_follow_quietly_with_exit_0() {
    let records = three_records();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let copy = dir.path().join("copy.jsonl");
    std::fs::write(&copy, "").expect("an empty log");
    let mut child = command()
        .args(["audit", "tail", "-f", arg(&copy)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    drop::<Option<ChildStdout>>(child.stdout.take());
    let stderr: Option<ChildStderr> = child.stderr.take();
    let mut following = Following { child, stdout: None, stderr: lines_of(stderr.expect("a piped error output")) };
    append(&copy, &records);
    assert_eq!(following.exit_code(), 0);
    let said: Vec<String> = following.stderr.try_iter().collect();
    assert!(said.is_empty(), "nothing on standard error: {said:?}");
}
