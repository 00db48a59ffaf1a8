//! Running a test's child process with a time limit, so that a child that
//! hangs fails its test instead of hanging the run.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How long a child of the audit tests may run before it is killed.
pub const LIMIT: Duration = Duration::from_secs(120);

/// Runs `command` to its end and returns what it printed; kills it and
/// panics, with what it printed, if it runs longer than `limit`.
pub fn output_within(command: &mut Command, limit: Duration) -> Output {
    let mut child =
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the child starts");
    let stdout = read_all(child.stdout.take().expect("piped output"));
    let stderr = read_all(child.stderr.take().expect("piped errors"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if Instant::now() > deadline {
            kill(&mut child);
            let stderr = stderr.join().unwrap_or_default();
            panic!("the child did not end within {limit:?} and was killed: {}", String::from_utf8_lossy(&stderr));
        }
        thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().expect("the output is read"),
        stderr: stderr.join().expect("the errors are read"),
    }
}

/// The lines a running child prints, each as it comes, read by a thread of
/// their own: [`Lines::next_within`] never blocks for longer than asked.
#[derive(Debug)]
pub struct Lines(Receiver<String>);

impl Lines {
    /// Starts reading the lines of `child`'s piped standard output.
    pub fn of(child: &mut Child) -> Self {
        let output = BufReader::new(child.stdout.take().expect("piped output"));
        let (send, receive) = mpsc::channel();
        thread::spawn(move || {
            for line in output.lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Lines(receive)
    }

    /// The next line, or `None` once the child closed its output; panics if
    /// none comes within `limit`.
    pub fn next_within(&self, limit: Duration) -> Option<String> {
        match self.0.recv_timeout(limit) {
            Ok(line) => Some(line),
            Err(RecvTimeoutError::Disconnected) => None,
            Err(RecvTimeoutError::Timeout) => panic!("the child printed nothing for {limit:?}"),
        }
    }
}

/// Kills `child` (SIGKILL on Unix) and waits for it to end.
pub fn kill(child: &mut Child) {
    // It may have ended on its own meanwhile: then there is nothing to kill.
    let _ = child.kill();
    child.wait().expect("the killed child ends");
}

fn read_all(mut from: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        bytes
    })
}
