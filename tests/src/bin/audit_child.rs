//! A process that runs hooks for the audit durability tests, which start it,
//! stop it, kill it, and read the log it leaves.
//!
//! ```text
//! audit_child buffered PATH CALLS THREADS        run CALLS hooks on THREADS threads, then return
//! audit_child synchronous PATH THREADS           run hooks until killed, printing each that returned
//! audit_child until-killed PATH THREADS MAX      buffered, at most MAX unwritten (0: no bound),
//!                                                run hooks until killed, printing each that returned
//! audit_child ending HOW PATH CALLS              run CALLS hooks on 4 threads, then end the program HOW
//! audit_child unaudited                          call a point of two counting hooks with no log
//!                                                started (the log path comes from the environment)
//! audit_child write-failure PATH CALLS           run CALLS hooks while writes fail for a while
//! audit_child observer-panic PATH CALLS          the same, with an observer that panics once
//! audit_child gives-up PATH                      run hooks while writes fail for good
//! audit_child exit-on-writer PATH                an observer on the writer thread exits the program
//! audit_child exit-while-starting PATH           an observer exits the program while `init` runs
//! ```
//!
//! The write-failure modes lower the file size limit, so the parent must
//! start them with `SIGXFSZ` ignored.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use agenthooks::audit::{self, AuditConfig, AuditGuard, Durability};
use agenthooks::{hook, hookpoint, Ctx, Session};
use agenthooks_tests::AgentError;

#[hookpoint(Step)]
fn step(session: &Session, n: u64) -> Result<u64, AgentError> {
    Ok(n)
}

#[hook(Step)]
fn watch_step(_ctx: &Ctx<Step>) {}

/// How many times the counting hooks ran.
static RAN: AtomicU64 = AtomicU64::new(0);

#[hookpoint(Counted)]
fn counted(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Counted, order = 1)]
fn count_first(_ctx: &Ctx<Counted>) {
    RAN.fetch_add(1, Ordering::SeqCst);
}

#[hook(Counted, order = 2)]
fn count_second(_ctx: &Ctx<Counted>) {
    RAN.fetch_add(1, Ordering::SeqCst);
}

fn call(session_id: String) {
    step(&Session::new(session_id), 0).unwrap_or_else(|error| panic!("an observer stopped the call: {:?}", error.0));
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |at: usize| -> u64 { args[at].parse().expect("a number argument") };
    let path = || PathBuf::from(&args[1]);
    match args[0].as_str() {
        "buffered" => buffered(path(), number(2), number(3)),
        "synchronous" => synchronous(path(), number(2)),
        "until-killed" => until_killed(path(), number(2), number(3)),
        "ending" => return ending::run(&args[1], PathBuf::from(&args[2]), number(3)),
        "unaudited" => unaudited(),
        #[cfg(unix)]
        "write-failure" => write_failure::run(path(), number(2), false),
        #[cfg(unix)]
        "observer-panic" => write_failure::run(path(), number(2), true),
        #[cfg(unix)]
        "gives-up" => write_failure::gives_up(path()),
        #[cfg(unix)]
        "exit-on-writer" => write_failure::exit_on_writer(path()),
        "exit-while-starting" => exit_while_starting(path()),
        other => panic!("unknown mode `{other}`"),
    }
    Ok(())
}

/// Runs `calls` hooks spread over `threads`, then returns at once: the guard
/// dropping at the end of `main` is the orderly shutdown.
fn buffered(path: PathBuf, calls: u64, threads: u64) {
    let _audit = audit::init(AuditConfig::new(path)).expect("the audit log starts");
    calls_on_threads(calls, threads);
}

fn calls_on_threads(calls: u64, threads: u64) {
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
    print_calls_until_killed(threads);
}

/// Like [`synchronous`], buffered, with at most `max_unwritten` records
/// unwritten when it is not 0.
fn until_killed(path: PathBuf, threads: u64, max_unwritten: u64) {
    let config = AuditConfig::new(path);
    let config = match max_unwritten {
        0 => config,
        max => config.max_unwritten(usize::try_from(max).expect("a record count")),
    };
    let _audit = audit::init(config).expect("the audit log starts");
    print_calls_until_killed(threads);
}

fn print_calls_until_killed(threads: u64) {
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

/// Calls a point of two counting hooks while no log is started, so the
/// call starts the log from the environment; prints how many hooks ran and
/// how the call ended. Without the capability to override file modes, a
/// read-only file is read-only even to root.
fn unaudited() {
    #[cfg(target_os = "linux")]
    {
        use rustix::thread::{capabilities, set_capabilities, CapabilitySet};
        if let Ok(mut sets) = capabilities(None) {
            sets.effective.remove(CapabilitySet::DAC_OVERRIDE);
            let _ = set_capabilities(None, sets);
        }
    }
    let ended = counted(&Session::new("unaudited"));
    println!("ran {}", RAN.load(Ordering::SeqCst));
    match ended {
        Ok(()) => println!("ok"),
        Err(AgentError(error)) => println!("{error:?}"),
    }
}

/// An observer ends the program while `init` runs (it cuts a torn tail off
/// the log, which the test left there, and reports it).
fn exit_while_starting(path: PathBuf) {
    audit::observe(|_| std::process::exit(3));
    let _audit = audit::init(AuditConfig::new(path)).expect("the audit log starts");
    unreachable!("the observer ended the program");
}

mod ending {
    //! The normal ends of a program, each after `calls` buffered hook calls
    //! and with the guard never dropped (except `return`).

    use super::{audit, calls_on_threads, AuditConfig, AuditGuard, OnceLock, PathBuf};

    static GUARD: OnceLock<AuditGuard> = OnceLock::new();

    pub(super) fn run(how: &str, path: PathBuf, calls: u64) -> Result<(), String> {
        let guard = audit::init(AuditConfig::new(path)).expect("the audit log starts");
        calls_on_threads(calls, 4);
        match how {
            // The guard drops at the end of `main`.
            "return" => Ok(()),
            "exit" => std::process::exit(0),
            "exit-on-another-thread" => {
                std::thread::spawn(|| std::process::exit(0));
                loop {
                    std::thread::park();
                }
            }
            "static" => {
                GUARD.set(guard).expect("the guard is kept once");
                Ok(())
            }
            "forget" => {
                std::mem::forget(guard);
                Ok(())
            }
            "error" => {
                GUARD.set(guard).expect("the guard is kept once");
                Err("main returns an error".into())
            }
            "panic" => {
                GUARD.set(guard).expect("the guard is kept once");
                panic!("a panic unwinds out of main")
            }
            other => panic!("unknown ending `{other}`"),
        }
    }
}

#[cfg(unix)]
mod write_failure {
    //! Writes fail while the file may not grow (a file size limit, with
    //! `SIGXFSZ` ignored by the parent), until a repair thread lifts the
    //! limit once a few failures were reported, or for good.

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

    fn panic_once(_event: &AuditEvent<'_>) {
        static PANICKED: AtomicU32 = AtomicU32::new(0);
        assert!(PANICKED.fetch_add(1, Ordering::SeqCst) > 0, "an observer panics on the first event");
    }

    /// Lets files grow no more than 4 KiB; returns the limit before.
    fn limit_file_size() -> Rlimit {
        let limit = getrlimit(Resource::Fsize);
        setrlimit(Resource::Fsize, Rlimit { current: Some(4096), maximum: limit.maximum })
            .expect("a lower file size limit");
        limit
    }

    pub(super) fn run(path: PathBuf, calls: u64, panicking_observer: bool) {
        let limit = limit_file_size();
        if panicking_observer {
            audit::observe(panic_once);
        }
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

    /// Writes fail for good: calls until one is refused, then flushes, and
    /// lets the guard drop; prints how each ended.
    pub(super) fn gives_up(path: PathBuf) {
        limit_file_size();
        let _audit = audit::init(AuditConfig::new(path).capacity(64).write_attempts(3)).expect("the audit log starts");
        let refused =
            (0..10_000_000).find_map(|n| super::step(&agenthooks::Session::new(format!("call-{n}")), n).err());
        match refused {
            Some(error) => println!("refused: {:?}", error.0),
            None => println!("no call was refused"),
        }
        match audit::flush() {
            Ok(()) => println!("flushed"),
            Err(error) => println!("flush failed: {error}"),
        }
    }

    /// An observer, told on the writer thread that a write failed, ends the
    /// program.
    pub(super) fn exit_on_writer(path: PathBuf) {
        limit_file_size();
        audit::observe(|event| {
            if let AuditEvent::WriteFailed { .. } = event {
                std::process::exit(3);
            }
        });
        let _audit = audit::init(AuditConfig::new(path).capacity(64)).expect("the audit log starts");
        for n in 0.. {
            super::call(format!("call-{n}"));
        }
    }
}
