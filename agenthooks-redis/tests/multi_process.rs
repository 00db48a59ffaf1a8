//! Four OS processes, each with its own store installed as its process's
//! store, call one hooked point whose hook has a rate limit per tenant:
//! together they never run the hook more often than the limit, for each
//! tenant, and every call over it is blocked.
//!
//! The test binary runs this same test four more times, as workers: a run
//! that finds the server's URL in its environment is a worker. Each worker
//! installs its store, says `ready`, waits for `go` on its standard input so
//! that all four start at once, makes its calls of the point concurrently
//! for two tenants, and prints how many the hook ran in for each.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use agenthooks::audit::{self, AuditConfig};
use agenthooks::{hook, hookpoint, store, Ctx, HookError, Outcome, Session};
use agenthooks_redis::RedisStore;
use support::RedisServer;

const PROCESSES: usize = 4;
/// The hook's limit, per tenant, as `rate_limit` below says it.
const LIMIT: u32 = 100;
const CALLS_PER_TENANT: u32 = 250;
const TENANTS: [&str; 2] = ["acme", "globex"];

const URL_VAR: &str = "AGENTHOOKS_REDIS_WORKER_URL";

/// The error of the point: whatever a hook stopped the call with.
#[derive(Debug)]
struct AgentError(HookError);

impl From<HookError> for AgentError {
    fn from(error: HookError) -> Self {
        AgentError(error)
    }
}

#[hookpoint(Search)]
async fn search(session: &Session, marks: u32) -> Result<u32, AgentError> {
    Ok(marks)
}

/// A day's window: no call is earned back while the test runs.
#[hook(Search, rate_limit = "100/24h per tenant")]
fn search_quota(ctx: &mut Ctx<Search>) -> Outcome {
    ctx.marks += 1;
    Outcome::Continue
}

#[test]
fn four_processes_calling_a_hooked_point_share_one_limit_per_tenant_and_never_exceed_it() {
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
                    "four_processes_calling_a_hooked_point_share_one_limit_per_tenant_and_never_exceed_it",
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
    let mut totals = [0; TENANTS.len()];
    for (mut child, mut stdout) in workers {
        let report = wait_for_line(&mut stdout, "ran=");
        let ran: Vec<u32> =
            report["ran=".len()..].split(',').map(|count| count.parse().expect("a worker reports counts")).collect();
        assert!(child.wait().unwrap().success(), "a worker failed");
        println!("one process: the hook ran in {ran:?} calls of {TENANTS:?}");
        for (total, ran) in totals.iter_mut().zip(ran) {
            *total += ran;
        }
    }
    let attempts = CALLS_PER_TENANT * u32::try_from(PROCESSES).unwrap();
    for (tenant, total) in TENANTS.iter().zip(totals) {
        println!("{PROCESSES} processes: {tenant}'s hook ran {total} times in {attempts} calls, limit {LIMIT} per day");
        assert_eq!(total, LIMIT, "{tenant}: the processes together ran the hook {total} times, the limit is {LIMIT}");
    }
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

/// One worker: its share of the calls of `search`, for each tenant, with a
/// store on the server at `url` installed as its process's store. Every
/// call the hook does not run in must be blocked by its limit.
fn work(url: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory for the worker's audit log");
    let _audit = audit::init(AuditConfig::new(dir.path().join("audit.jsonl"))).expect("the audit log starts");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let ran = runtime.block_on(async {
        // A generous timeout: four processes start at once on a busy machine.
        let redis =
            RedisStore::builder(url, "shared").timeout(Duration::from_secs(5)).connect().await.expect("connects");
        store::install(Arc::new(redis));
        println!("ready");
        let mut go = String::new();
        std::io::stdin().read_line(&mut go).unwrap();
        let calls: Vec<_> = TENANTS
            .iter()
            .flat_map(|tenant| (0..CALLS_PER_TENANT).map(move |call| (*tenant, call)))
            .map(|(tenant, call)| {
                let session = Session::new(format!("{}-{call}", std::process::id())).with_tenant(tenant);
                tokio::spawn(async move { (tenant, search(&session, 0).await) })
            })
            .collect();
        let mut ran = [0; TENANTS.len()];
        for call in calls {
            let (tenant, result) = call.await.unwrap();
            let at = TENANTS.iter().position(|known| *known == tenant).unwrap();
            match result {
                Ok(marks) => ran[at] += marks,
                Err(AgentError(HookError::RateLimited { .. })) => {}
                Err(other) => panic!("only the limit refuses a call: {other:?}"),
            }
        }
        ran
    });
    let ran: Vec<String> = ran.iter().map(u32::to_string).collect();
    println!("ran={}", ran.join(","));
}
