//! Four OS processes, each with its own store, share one rate limit on one
//! server: together they never get more than the limit.
//!
//! The test binary runs this same test four more times, as workers: a run
//! that finds the server's URL in its environment is a worker. Each worker
//! connects, says `ready`, waits for `go` on its standard input so that all
//! four start at once, makes its calls concurrently and prints what it was
//! admitted.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::num::NonZeroU32;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use agenthooks::store::{Rate, Store, StoreError};
use agenthooks_redis::RedisStore;
use support::RedisServer;

const PROCESSES: usize = 4;
const LIMIT: u32 = 100;
const CALLS_PER_PROCESS: u32 = 250;
/// A day: no call is earned back while the test runs.
const WINDOW: Duration = Duration::from_secs(24 * 3600);

const URL_VAR: &str = "AGENTHOOKS_REDIS_WORKER_URL";

fn shared_rate() -> Rate {
    Rate::new(NonZeroU32::new(LIMIT).unwrap(), WINDOW).unwrap()
}

#[test]
fn four_processes_share_one_limit_and_never_exceed_it() {
    if let Ok(url) = std::env::var(URL_VAR) {
        return work(&url);
    }
    let Some(server) = RedisServer::start() else { return };
    let exe = std::env::current_exe().unwrap();
    let mut workers: Vec<(Child, BufReader<ChildStdout>)> = (0..PROCESSES)
        .map(|_| {
            let mut child = Command::new(&exe)
                .args([
                    "--exact",
                    "four_processes_share_one_limit_and_never_exceed_it",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(URL_VAR, server.url())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("the test binary runs itself");
            let stdout = BufReader::new(child.stdout.take().unwrap());
            (child, stdout)
        })
        .collect();
    for (_, stdout) in &mut workers {
        wait_for_line(stdout, "ready");
    }
    for (child, _) in &mut workers {
        child.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
    }
    let mut total = 0;
    for (mut child, mut stdout) in workers {
        let report = wait_for_line(&mut stdout, "admitted=");
        let admitted: u32 = report["admitted=".len()..].parse().expect("a worker reports its count alone");
        assert!(child.wait().unwrap().success(), "a worker failed");
        println!("one process: {admitted} admitted");
        total += admitted;
    }
    let attempts = CALLS_PER_PROCESS * u32::try_from(PROCESSES).unwrap();
    println!("{PROCESSES} processes admitted {total} of {attempts} calls under one limit of {LIMIT} per day");
    assert_eq!(total, LIMIT, "the processes together were admitted {total} calls, the limit is {LIMIT}");
}

/// Reads lines until one holds `prefix`, and returns the line from there
/// (the test runner may have printed the test's name before it).
fn wait_for_line(stdout: &mut BufReader<ChildStdout>, prefix: &str) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        assert_ne!(stdout.read_line(&mut line).unwrap(), 0, "a worker ended before printing `{prefix}`");
        if let Some(at) = line.find(prefix) {
            return line[at..].trim_end().to_owned();
        }
    }
}

/// One worker: its share of the calls on the server at `url`.
fn work(url: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let admitted = runtime.block_on(async {
        // A generous timeout: four processes start at once on a busy machine.
        let store = Arc::new(
            RedisStore::builder(url, "shared").timeout(Duration::from_secs(5)).connect().await.expect("connects"),
        );
        println!("ready");
        let mut go = String::new();
        std::io::stdin().read_line(&mut go).unwrap();
        let calls: Vec<_> = (0..CALLS_PER_PROCESS)
            .map(|_| {
                let store = Arc::clone(&store);
                tokio::spawn(async move { store.admit("search", shared_rate()).await })
            })
            .collect();
        let mut admitted = 0;
        for call in calls {
            let answer: Result<bool, StoreError> = call.await.unwrap();
            if answer.expect("the server answers every call") {
                admitted += 1;
            }
        }
        admitted
    });
    println!("admitted={admitted}");
}
