//! A process that runs hooks for the audit durability tests, which start it,
//! stop it, kill it, and read the log it leaves.
//!
//! ```text
//! audit_child buffered PATH CALLS THREADS   run CALLS hooks on THREADS threads, then return
//! audit_child synchronous PATH THREADS      run hooks until killed, printing each that returned
//! audit_child write-failure PATH CALLS      run CALLS hooks while writes fail for a while
//! ```

use std::io::Write as _;
use std::path::PathBuf;

use agenthooks::audit::{self, AuditConfig, Durability};
use agenthooks::{hook, hookpoint, Ctx, Session};
use agenthooks_tests::AgentError;

#[hookpoint(Step)]
fn step(session: &Session, n: u64) -> Result<u64, AgentError> {
    Ok(n)
}

#[hook(Step)]
fn watch_step(_ctx: &Ctx<Step>) {}

fn call(session_id: String) {
    step(&Session::new(session_id), 0).unwrap_or_else(|error| panic!("an observer stopped the call: {:?}", error.0));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |at: usize| -> u64 { args[at].parse().expect("a number argument") };
    let path = PathBuf::from(&args[1]);
    match args[0].as_str() {
        "buffered" => buffered(path, number(2), number(3)),
        "synchronous" => synchronous(path, number(2)),
        #[cfg(unix)]
        "write-failure" => write_failure::run(path, number(2)),
        other => panic!("unknown mode `{other}`"),
    }
}

/// Runs `calls` hooks spread over `threads`, then returns at once: the guard
/// dropping at the end of `main` is the orderly shutdown.
fn buffered(path: PathBuf, calls: u64, threads: u64) {
    let _audit = audit::init(AuditConfig::new(path)).expect("the audit log starts");
    std::thread::scope(|scope| {
        for thread in 0..threads {
            scope.spawn(move || {
                for n in (thread..calls).step_by(usize::try_from(threads).expect("a thread count")) {
                    call(format!("call-{n}"));
                }
            });
        }
    });
}

/// Runs hooks on `threads` threads until the process is killed, printing the
/// session id of each call once it has returned.
fn synchronous(path: PathBuf, threads: u64) {
    let _audit = audit::init(AuditConfig::new(path).durability(Durability::Synchronous)).expect("the audit log starts");
    std::thread::scope(|scope| {
        for thread in 0..threads {
            scope.spawn(move || {
                for n in 0.. {
                    let session_id = format!("call-{thread}-{n}");
                    call(session_id.clone());
                    writeln!(std::io::stdout(), "{session_id}").expect("the test reads the output");
                }
            });
        }
    });
}

#[cfg(unix)]
mod write_failure {
    //! Writes fail while the file may not grow (a file size limit, with
    //! `SIGXFSZ` ignored by the parent), until a repair thread lifts the
    //! limit once a few failures were reported.

    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, Instant};

    use agenthooks::audit::{self, AuditConfig, AuditEvent};
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

    static FAILURES: AtomicU32 = AtomicU32::new(0);
    static RECOVERIES: AtomicU32 = AtomicU32::new(0);

    fn count(event: &AuditEvent<'_>) {
        match event {
            AuditEvent::WriteFailed { .. } => FAILURES.fetch_add(1, Ordering::SeqCst),
            AuditEvent::WriteRecovered { .. } => RECOVERIES.fetch_add(1, Ordering::SeqCst),
            _ => 0,
        };
    }

    pub(super) fn run(path: PathBuf, calls: u64) {
        let limit = getrlimit(Resource::Fsize);
        setrlimit(Resource::Fsize, Rlimit { current: Some(4096), maximum: limit.maximum })
            .expect("a lower file size limit");
        audit::observe(count);
        let _audit = audit::init(AuditConfig::new(path).capacity(64)).expect("the audit log starts");
        std::thread::spawn(move || {
            let start = Instant::now();
            while FAILURES.load(Ordering::SeqCst) < 3 {
                assert!(start.elapsed() < Duration::from_secs(30), "no write failed");
                std::thread::sleep(Duration::from_millis(5));
            }
            setrlimit(Resource::Fsize, limit).expect("the file size limit is restored");
        });
        for n in 0..calls {
            super::call(format!("call-{n}"));
        }
        audit::flush().expect("the audit log flushes");
        println!("failures {} recoveries {}", FAILURES.load(Ordering::SeqCst), RECOVERIES.load(Ordering::SeqCst));
    }
}
