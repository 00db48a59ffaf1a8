//! Configuration without a rebuild: hooks switched off, time limits, order
//! and mode changed, per hook and per tenant, a kill switch, a managed-only
//! mode; invalid files refused with their position, unknown names reported,
//! every change audited, and reloads that no call sees half applied.
//!
//! The configuration is the process's: the tests here take turns.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use agenthooks::config::{self, ConfigError, Watcher};
use agenthooks::lifecycle::{self, Event, StreamEvent};
use agenthooks::{hook, hookpoint, runtime, Ctx, HookError, OnFailure, Outcome, Session};
use agenthooks_tests::{audit_lines, eventually, one_at_a_time, AgentError};

fn session(tenant: &str) -> Session {
    Session::new("s-config").with_tenant(tenant)
}

#[hookpoint(Search)]
fn search(session: &Session, trail: Vec<String>) -> Result<Vec<String>, AgentError> {
    Ok(trail)
}

#[hook(Search, order = 10)]
fn first(ctx: &mut Ctx<Search>) -> Outcome {
    ctx.trail.push("first".into());
    Outcome::Continue
}

#[hook(Search, order = 20)]
fn second(ctx: &mut Ctx<Search>) -> Outcome {
    ctx.trail.push("second".into());
    Outcome::Continue
}

#[hook(Search, order = 30)]
fn blocks_secrets(ctx: &Ctx<Search>) -> Outcome {
    if ctx.trail.iter().any(|entry| entry == "secret") {
        return Outcome::block("asks for a secret");
    }
    Outcome::Continue
}

fn trail(tenant: &str) -> Vec<String> {
    search(&session(tenant), Vec::new()).expect("the call goes through")
}

fn secret(tenant: &str) -> Result<Vec<String>, AgentError> {
    search(&session(tenant), vec!["secret".into()])
}

#[test]
fn a_hook_switched_off_does_not_run_and_writes_no_line_until_switched_back_on() {
    let _turn = one_at_a_time();
    let applied = config::apply_str("[hook.\"configuration::first\"]\nenabled = false\n", "test").unwrap();
    assert_eq!(applied.changed, ["configuration::first: off"]);
    let lines_before = audit_lines().iter().filter(|line| line.contains("\"configuration::first\"")).count();
    assert_eq!(trail("acme"), ["second"]);
    let lines_after = audit_lines().iter().filter(|line| line.contains("\"configuration::first\"")).count();
    assert_eq!(lines_before, lines_after, "a hook switched off writes no audit line");

    config::clear().expect("the configuration clears");
    assert_eq!(trail("acme"), ["first", "second"]);
}

#[test]
fn order_mode_and_settings_change_per_hook_and_per_tenant() {
    let _turn = one_at_a_time();
    config::apply_str(
        "[hook.\"configuration::first\"]\norder = 25\n\n[hook.\"configuration::blocks_secrets\"]\nmode = \"shadow\"\n\n[hook.\"configuration::blocks_secrets\".tenant.acme]\nmode = \"enforce\"\n",
        "test",
    )
    .unwrap();
    assert_eq!(trail("globex"), ["second", "first"], "order 25 runs after order 20");
    // In shadow mode for everyone but acme.
    assert!(secret("globex").is_ok());
    assert!(matches!(secret("acme"), Err(AgentError(HookError::Blocked(_)))));
    let shadow = audit_lines().into_iter().rev().find(|line| line.contains("would block: asks for a secret"));
    assert!(shadow.is_some(), "the shadow run is audited with what it would have done");
}

#[test]
fn the_kill_switch_and_disabled_crates_stop_every_hook_they_cover() {
    let _turn = one_at_a_time();
    config::apply_str("disable_all = true\n", "test").unwrap();
    assert_eq!(trail("acme"), Vec::<String>::new());
    assert!(secret("acme").is_ok());

    let applied = config::apply_str("disable_crates = [\"configuration\", \"no_such_crate\"]\n", "test").unwrap();
    assert_eq!(trail("acme"), Vec::<String>::new());
    assert_eq!(applied.unknown_crates, ["no_such_crate"]);
}

#[test]
fn managed_only_runs_only_the_hooks_the_file_names() {
    let _turn = one_at_a_time();
    config::apply_str("managed_only = true\n[hook.\"configuration::second\"]\n", "test").unwrap();
    assert_eq!(trail("acme"), ["second"]);
}

#[test]
fn an_invalid_file_is_refused_with_its_position_and_the_previous_configuration_stays() {
    let _turn = one_at_a_time();
    config::apply_str("[hook.\"configuration::first\"]\nenabled = false\n", "test").unwrap();
    let error = config::apply_str("[hook.\"configuration::second\"]\nenabled = false\ntimeout_ms = -3\n", "bad.toml")
        .unwrap_err();
    match &error {
        ConfigError::Invalid { origin, line, column, .. } => {
            assert_eq!((origin.as_str(), *line, *column), ("bad.toml", 3, 14));
        }
        other => panic!("expected an invalid file, got {other:?}"),
    }
    assert!(error.to_string().starts_with("bad.toml:3:14: "), "{error}");
    assert_eq!(trail("acme"), ["second"], "the previous configuration stays in force");
    let refused = audit_lines().into_iter().rev().find(|line| line.contains("refused configuration sha256:"));
    assert!(refused.is_some_and(|line| line.contains("\"hook.status\":\"error\"")), "the refusal is audited");

    let missing = config::apply_file("/nonexistent/hooks.toml").unwrap_err();
    assert!(matches!(missing, ConfigError::Read { .. }), "{missing:?}");
}

#[test]
fn names_that_match_no_hook_are_reported_and_audited_with_the_digest_and_the_changes() {
    let _turn = one_at_a_time();
    let text = "[hook.\"configuration::frist\"]\nenabled = false\n[hook.\"configuration::second\"]\ntimeout_ms = 200\n";
    let applied = config::apply_str(text, "hooks.toml").unwrap();
    assert_eq!(applied.unknown_hooks, ["configuration::frist"]);
    assert_eq!(applied.changed, ["configuration::second: on, order 20, timeout_ms 200, fallback true, enforce"]);
    assert_eq!(applied.digest.len(), 64);
    let line = audit_lines()
        .into_iter()
        .rev()
        .find(|line| line.contains("applied configuration sha256:"))
        .expect("the applied configuration is audited");
    assert!(line.contains(&applied.digest), "{line}");
    assert!(line.contains("\"hook.impl\":\"agenthooks::config::apply\""), "{line}");
    assert!(line.contains("unknown hooks: configuration::frist"), "{line}");
    assert!(line.contains("configuration::second: on, order 20, timeout_ms 200"), "{line}");
}

#[hookpoint(Slow)]
fn slow(session: &Session, query: String) -> Result<String, AgentError> {
    Ok(query)
}

#[hook(Slow, timeout_ms = 2000)]
fn takes_40_ms(_ctx: &Ctx<Slow>) {
    std::thread::sleep(Duration::from_millis(40));
}

#[test]
fn a_time_limit_set_by_the_configuration_applies_to_linked_and_registered_hooks() {
    let _turn = one_at_a_time();
    assert!(slow(&session("acme"), "q".into()).is_ok());
    config::apply_str("[hook.\"configuration::takes_40_ms\"]\ntimeout_ms = 5\n", "test").unwrap();
    let error = slow(&session("acme"), "q".into()).unwrap_err().0;
    assert_eq!(
        error,
        HookError::TimedOut {
            point: "slow",
            hook: "configuration::takes_40_ms",
            timeout_ms: 5,
            on_failure: OnFailure::Deny,
        }
    );

    // A registered hook is configured by its path too, from the moment it
    // registers.
    config::apply_str(
        "[hook.\"configuration::takes_40_ms\"]\nenabled = false\n[hook.\"configuration::plugin::blocks\"]\nenabled = false\n",
        "test",
    )
    .unwrap();
    let plugin = runtime::hook!(Slow, "plugin::blocks").observer(|_: &Ctx<Slow>| Outcome::block("no")).unwrap();
    assert!(slow(&session("acme"), "q".into()).is_ok(), "the registered hook is switched off");
    config::clear().expect("the configuration clears");
    assert!(matches!(slow(&session("acme"), "q".into()), Err(AgentError(HookError::Blocked(_)))));
    plugin.remove();
}

// --- reloading while calls run -----------------------------------------------

#[hookpoint(Counted)]
fn counted(session: &Session, count: u64) -> Result<u64, AgentError> {
    Ok(count)
}

#[hook(Counted, order = 1)]
fn adds_one(ctx: &mut Ctx<Counted>) -> Outcome {
    ctx.count += 1;
    Outcome::Continue
}

#[hook(Counted, order = 2)]
fn adds_ten(ctx: &mut Ctx<Counted>) -> Outcome {
    ctx.count += 10;
    Outcome::Continue
}

/// Writes `text` to `path` as a whole: a copy renamed over the file.
fn replace(path: &std::path::Path, text: &str) {
    let copy = path.with_extension("next");
    std::fs::write(&copy, text).expect("the copy is written");
    std::fs::rename(&copy, path).expect("the copy replaces the file");
}

#[test]
fn a_watched_file_reloads_while_100_000_calls_run_and_no_call_sees_half_a_configuration() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hooks.toml");
    // Both hooks on, or both off: a call that ran one without the other
    // saw half a configuration.
    let on = "[hook.\"configuration::adds_one\"]\nenabled = true\n[hook.\"configuration::adds_ten\"]\nenabled = true\n";
    let off =
        "[hook.\"configuration::adds_one\"]\nenabled = false\n[hook.\"configuration::adds_ten\"]\nenabled = false\n";
    replace(&path, on);
    let (watcher, _) = Watcher::start(&path, Duration::from_millis(1)).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
    let callers: Vec<_> = (0..4)
        .map(|_| {
            let (stop, calls, seen) = (Arc::clone(&stop), Arc::clone(&calls), Arc::clone(&seen));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) || calls.load(Ordering::Relaxed) < 100_000 {
                    match counted(&session("acme"), 0) {
                        Ok(0) => seen[0].store(true, Ordering::Relaxed),
                        Ok(11) => seen[1].store(true, Ordering::Relaxed),
                        other => panic!("a call failed or saw half a configuration: {other:?}"),
                    }
                    calls.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for round in 0..100 {
        let (text, expected) = if round % 2 == 0 { (off, 0) } else { (on, 11) };
        replace(&path, text);
        assert!(eventually(|| counted(&session("acme"), 0).unwrap() == expected), "rewrite {round} was applied");
    }
    stop.store(true, Ordering::Relaxed);
    for caller in callers {
        caller.join().expect("no call failed or saw half a configuration");
    }
    assert!(calls.load(Ordering::Relaxed) >= 100_000);
    assert!(seen.iter().all(|seen| seen.load(Ordering::Relaxed)), "calls saw both configurations");

    // An invalid rewrite is refused; the configuration in force stays.
    replace(&path, "[hook.\"configuration::adds_one\"]\nenabled = maybe\n");
    assert!(eventually(|| watcher.last_error().is_some()), "the watcher reports the invalid file");
    assert!(watcher.last_error().unwrap().contains(":2:"), "{:?}", watcher.last_error());
    assert_eq!(counted(&session("acme"), 0).unwrap(), 11);
    drop(watcher);
}

// --- sections other crates read ----------------------------------------------

/// The section `[limits]` of this test: a number it commits to `LIMIT`, at
/// most 100, and a file it reads.
static LIMIT: std::sync::Mutex<Option<(u32, String)>> = std::sync::Mutex::new(None);

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Limits {
    max: Option<u32>,
    file: Option<String>,
}

fn prepare_limits(input: &config::SectionInput<'_>) -> Result<config::Commit, config::SectionError> {
    let Limits { max, file } = input.settings()?;
    if max.is_some_and(|max| max > 100) {
        return Err(input.error_at(Some("max"), "`max` is at most 100"));
    }
    let text = file.map(|file| input.read(&file)).transpose()?.map(|(_, text)| text);
    let limit = max.map(|max| (max, text.unwrap_or_default()));
    Ok(config::Commit::new(move || *LIMIT.lock().unwrap() = limit))
}

agenthooks::config_section!("limits", prepare_limits);

fn limit() -> Option<(u32, String)> {
    LIMIT.lock().unwrap().clone()
}

#[test]
fn a_section_is_committed_with_the_configuration_and_cleared_without_it() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("limits.txt"), "from the file").unwrap();
    let path = dir.path().join("hooks.toml");
    std::fs::write(&path, "[limits]\nmax = 7\nfile = \"limits.txt\"\n").unwrap();
    let applied = config::apply_file(&path).unwrap();
    assert_eq!(limit(), Some((7, "from the file".to_owned())), "relative to the configuration's directory");
    assert_eq!(applied.files.len(), 1);
    assert_eq!((applied.files[0].section.as_str(), &applied.files[0].path), ("limits", &dir.path().join("limits.txt")));
    let line = audit_lines().into_iter().rev().find(|line| line.contains("applied configuration sha256:")).unwrap();
    assert!(
        line.contains(&format!(
            "files: [limits] {} sha256:{}",
            applied.files[0].path.display(),
            applied.files[0].digest
        )),
        "{line}"
    );

    config::apply_str("disable_all = false\n", "test").unwrap();
    assert_eq!(limit(), None, "a configuration without the section clears it");
}

#[test]
fn an_invalid_section_refuses_the_whole_configuration_and_the_hook_settings_and_section_stay() {
    let _turn = one_at_a_time();
    config::apply_str("[hook.\"configuration::first\"]\nenabled = false\n[limits]\nmax = 5\n", "test").unwrap();
    let refused = "[hook.\"configuration::second\"]\nenabled = false\n\n[limits]\nmax = 500\n";
    let error = config::apply_str(refused, "bad.toml").unwrap_err();
    match &error {
        ConfigError::Section { section, origin, line, column, .. } => {
            assert_eq!((section.as_str(), origin.as_str(), *line, *column), ("limits", "bad.toml", 5, 7));
        }
        other => panic!("expected a section error, got {other:?}"),
    }
    assert!(error.to_string().starts_with("bad.toml:5:7: in section `[limits]`: `max` is at most 100"), "{error}");
    assert_eq!(trail("acme"), ["second"], "the previous hook settings stay");
    assert_eq!(limit(), Some((5, String::new())), "the previous section stays");

    // A value of the wrong type, and a file that cannot be read, too.
    let error = config::apply_str("[limits]\nmax = \"many\"\n", "bad.toml").unwrap_err();
    assert!(matches!(&error, ConfigError::Section { line: 2, column: 7, .. }), "{error:?}");
    let error = config::apply_str("[limits]\nmax = 1\nfile = \"/nonexistent/limits.txt\"\n", "bad.toml").unwrap_err();
    assert!(error.to_string().contains("cannot read `/nonexistent/limits.txt`"), "{error}");
    assert_eq!(limit(), Some((5, String::new())));
}

#[test]
fn a_table_no_crate_reads_is_reported_and_audited_as_an_unknown_section() {
    let _turn = one_at_a_time();
    let applied = config::apply_str("[limitz]\nmax = 5\n[hook.\"configuration::first\"]\norder = 1\n", "test").unwrap();
    assert_eq!(applied.unknown_sections, ["limitz"]);
    assert!(applied.unknown_hooks.is_empty());
    let line = audit_lines().into_iter().rev().find(|line| line.contains("applied configuration sha256:")).unwrap();
    assert!(line.contains("unknown sections: limitz"), "{line}");
    // A top-level value that is not a table is still an error.
    let error = config::apply_str("disable_al = true\n", "bad.toml").unwrap_err();
    assert!(
        matches!(&error, ConfigError::Invalid { line: 1, .. }) && error.to_string().contains("disable_al"),
        "{error}"
    );
}

#[test]
fn the_watcher_applies_a_file_a_section_reads_when_only_that_file_changed() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let (path, file) = (dir.path().join("hooks.toml"), dir.path().join("limits.txt"));
    replace(&file, "one");
    replace(&path, "[limits]\nmax = 1\nfile = \"limits.txt\"\n");
    let (watcher, _) = Watcher::start(&path, Duration::from_millis(5)).unwrap();
    assert_eq!(limit(), Some((1, "one".to_owned())));
    replace(&file, "two");
    assert!(eventually(|| limit() == Some((1, "two".to_owned()))), "the edited file is applied: {:?}", limit());
    drop(watcher);
}

// --- switches that reach every way a hook runs ---------------------------------

#[hookpoint(Guarded)]
fn guarded(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Guarded)]
fn refuses(_ctx: &Ctx<Guarded>) -> Outcome {
    Outcome::block("guarded")
}

#[hook(Guarded, tenant = "acme")]
fn acme_only(_ctx: &Ctx<Guarded>) -> Outcome {
    Outcome::Continue
}

fn is_blocked(result: &Result<(), AgentError>) -> bool {
    matches!(result, Err(AgentError(HookError::Blocked(_))))
}

#[test]
fn a_hook_switched_off_for_one_tenant_does_not_run_for_it_when_no_hook_of_its_own_is_left() {
    let _turn = one_at_a_time();
    let applied =
        config::apply_str("[hook.\"configuration::refuses\".tenant.globex]\nenabled = false\n", "test").unwrap();
    assert_eq!(applied.changed, ["configuration::refuses: off for tenant globex"]);
    assert!(guarded(&session("globex")).is_ok(), "the hook is off for globex");
    assert!(is_blocked(&guarded(&session("acme"))), "and on for acme");
    assert!(is_blocked(&guarded(&Session::new("no-tenant"))), "and for calls without a tenant");
}

#[test]
fn a_tenant_the_hook_never_runs_for_is_refused_naming_the_tenants_it_runs_for() {
    let _turn = one_at_a_time();
    let text = "[hook.\"configuration::acme_only\"]\norder = 3\n[hook.\"configuration::acme_only\".tenant.acem]\nenabled = false\n";
    let error = config::apply_str(text, "hooks.toml").unwrap_err();
    match &error {
        ConfigError::UnknownTenant { origin, line, hook, tenant, valid, .. } => {
            assert_eq!((origin.as_str(), *line), ("hooks.toml", 3));
            assert_eq!((hook.as_str(), tenant.as_str()), ("configuration::acme_only", "acem"));
            assert_eq!(valid, &["acme"]);
        }
        other => panic!("expected an unknown tenant, got {other:?}"),
    }
    assert!(error.to_string().contains("never runs for tenant `acem`; it runs for `acme`"), "{error}");
    // A hook for every tenant takes any tenant's settings.
    config::apply_str("[hook.\"configuration::refuses\".tenant.anyone]\nenabled = false\n", "test").unwrap();
    assert!(guarded(&session("anyone")).is_ok());
}

#[test]
fn the_kill_switch_reaches_linked_and_registered_hooks_and_hooks_the_configuration_set() {
    let _turn = one_at_a_time();
    let plugin = runtime::hook!(Counted, "plugin::adds_hundred")
        .interceptor(|ctx: &mut Ctx<Counted>| {
            ctx.count += 100;
            Outcome::Continue
        })
        .unwrap();
    config::apply_str("[hook.\"configuration::refuses\"]\nmode = \"enforce\"\ntimeout_ms = 50\n", "test").unwrap();
    assert_eq!(counted(&session("acme"), 0).unwrap(), 111);
    assert!(is_blocked(&guarded(&session("acme"))));
    config::apply_str("disable_all = true\n", "test").unwrap();
    assert_eq!(counted(&session("acme"), 0).unwrap(), 0, "no linked or registered hook runs");
    assert!(guarded(&session("acme")).is_ok(), "a configured hook is off too");
    plugin.remove();
}

/// The error of the after point: `Clone`, as an after point's result must
/// be. No hook here fails a call.
#[derive(Clone, Debug)]
struct FetchError;

impl From<HookError> for FetchError {
    fn from(_: HookError) -> Self {
        FetchError
    }
}

#[hookpoint(BeforeFetch, after = AfterFetch)]
fn fetch(session: &Session, url: String) -> Result<String, FetchError> {
    Ok(format!("page at {url}"))
}

#[hook(AfterFetch)]
fn withholds(ctx: &mut Ctx<AfterFetch>) -> Outcome {
    ctx.result = Ok("withheld".into());
    Outcome::Continue
}

#[test]
fn the_kill_switch_and_a_hook_switched_off_reach_an_after_point() {
    let _turn = one_at_a_time();
    assert_eq!(fetch(&session("acme"), "a".into()).unwrap(), "withheld");
    config::apply_str("[hook.\"configuration::withholds\".tenant.acme]\nenabled = false\n", "test").unwrap();
    assert_eq!(fetch(&session("acme"), "a".into()).unwrap(), "page at a");
    assert_eq!(fetch(&session("globex"), "a".into()).unwrap(), "withheld");
    config::apply_str("disable_all = true\n", "test").unwrap();
    assert_eq!(fetch(&session("globex"), "a".into()).unwrap(), "page at a");
}

#[hookpoint(Vetted, compose = "run_all")]
fn vetted(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Vetted)]
fn vets(_ctx: &Ctx<Vetted>) -> Outcome {
    Outcome::block("vetted")
}

#[hookpoint(Reviewed, compose = "parallel")]
fn reviewed(session: &Session) -> Result<(), AgentError> {
    Ok(())
}

#[hook(Reviewed)]
fn reviews(_ctx: &Ctx<Reviewed>) -> Outcome {
    Outcome::block("reviewed")
}

#[test]
fn the_kill_switch_and_a_hook_switched_off_reach_run_all_and_parallel_points() {
    let _turn = one_at_a_time();
    assert!(is_blocked(&vetted(&session("acme"))) && is_blocked(&reviewed(&session("acme"))));
    let off = "[hook.\"configuration::vets\".tenant.acme]\nenabled = false\n[hook.\"configuration::reviews\".tenant.acme]\nenabled = false\n";
    config::apply_str(off, "test").unwrap();
    assert!(vetted(&session("acme")).is_ok() && reviewed(&session("acme")).is_ok());
    assert!(is_blocked(&vetted(&session("globex"))) && is_blocked(&reviewed(&session("globex"))));
    config::apply_str("disable_all = true\n", "test").unwrap();
    assert!(vetted(&session("globex")).is_ok() && reviewed(&session("globex")).is_ok());
}

#[hook(StreamEvent, tenant = "streaming")]
fn censors(ctx: &mut Ctx<StreamEvent>) -> Outcome {
    ctx.data = "censored".into();
    Outcome::Continue
}

#[test]
fn the_kill_switch_and_a_hook_switched_off_reach_an_open_stream() {
    let _turn = one_at_a_time();
    let streaming = session("streaming");
    let mut stream = lifecycle::stream(&streaming).unwrap();
    let shown = |stream: &mut lifecycle::EventStream<'_>| {
        let event = stream.event(Event::new("text_delta", "hello")).unwrap().next().unwrap();
        event.data.as_str().unwrap().to_owned()
    };
    assert_eq!(shown(&mut stream), "censored");
    config::apply_str("disable_all = true\n", "test").unwrap();
    assert_eq!(shown(&mut stream), "hello", "the kill switch reaches the open stream");
    config::apply_str("disable_all = false\n", "test").unwrap();
    assert_eq!(shown(&mut stream), "censored", "and so does switching it back");
    config::apply_str("[hook.\"configuration::censors\"]\nenabled = false\n", "test").unwrap();
    assert_eq!(shown(&mut stream), "hello", "a hook switched off leaves the open stream");
    stream.finish().unwrap();
}

// --- applications at once, and files that are not what they seem -------------------

/// Set while an application's `[pause]` section is being prepared, and
/// cleared to let it go on.
static PAUSED: std::sync::Mutex<bool> = std::sync::Mutex::new(false);
static RESUME: std::sync::Condvar = std::sync::Condvar::new();

#[derive(serde::Deserialize)]
struct Pause {
    #[serde(default)]
    wait: bool,
}

/// Waits, when the section says `wait = true`, until the test resumes it.
fn prepare_pause(input: &config::SectionInput<'_>) -> Result<config::Commit, config::SectionError> {
    let Pause { wait } = input.settings()?;
    if wait {
        let mut paused = PAUSED.lock().unwrap();
        *paused = true;
        RESUME.notify_all();
        while *paused {
            paused = RESUME.wait(paused).unwrap();
        }
    }
    Ok(config::Commit::new(|| {}))
}

agenthooks::config_section!("pause", prepare_pause);

#[test]
fn of_two_applications_at_once_the_one_that_read_the_file_last_installs_last() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hooks.toml");
    // The first application reads this, then waits in its section.
    replace(&path, "[pause]\nwait = true\n[hook.\"configuration::first\"]\nenabled = false\n");
    let older = std::thread::spawn({
        let path = path.clone();
        move || config::apply_file(&path)
    });
    let mut paused = PAUSED.lock().unwrap();
    while !*paused {
        paused = RESUME.wait(paused).unwrap();
    }
    drop(paused);
    // The file changes while the first application is under way, and a
    // second application reads it.
    replace(&path, "[hook.\"configuration::second\"]\nenabled = false\n");
    let newer = std::thread::spawn({
        let path = path.clone();
        move || config::apply_file(&path)
    });
    std::thread::sleep(Duration::from_millis(50));
    *PAUSED.lock().unwrap() = false;
    RESUME.notify_all();
    older.join().unwrap().unwrap();
    newer.join().unwrap().unwrap();
    assert_eq!(trail("acme"), ["first"], "the newest file is in force");
}

#[cfg(unix)]
fn fifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success(), "a FIFO is made");
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_configuration_or_a_file_it_names_is_refused_unread() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let (path, pipe) = (dir.path().join("hooks.toml"), dir.path().join("limits.fifo"));
    fifo(&pipe);
    match config::apply_file(&pipe) {
        Err(ConfigError::NotAFile { section: None, path, kind: agenthooks::audit::FileKind::Fifo }) => {
            assert_eq!(path, pipe);
        }
        other => panic!("expected NotAFile, got {other:?}"),
    }
    assert!(matches!(Watcher::start(&pipe, Duration::from_millis(5)), Err(ConfigError::NotAFile { .. })));
    std::fs::write(&path, "[limits]\nmax = 1\nfile = \"limits.fifo\"\n").unwrap();
    match config::apply_file(&path) {
        Err(error @ ConfigError::NotAFile { section: Some(_), .. }) => {
            assert!(
                error.to_string().contains("(named in section `[limits]`) is a FIFO (named pipe), not a regular file"),
                "{error}"
            );
        }
        other => panic!("expected NotAFile, got {other:?}"),
    }
    assert_eq!(limit(), None, "the section was not committed");
}

#[test]
fn a_file_larger_than_any_configuration_is_refused() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hooks.toml");
    let mut text = "# padding\n".repeat(usize::try_from(config::MAX_FILE_BYTES).unwrap() / 10);
    text.push_str("disable_all = true\n");
    std::fs::write(&path, &text).unwrap();
    match config::apply_file(&path) {
        Err(ConfigError::TooLarge { section: None, limit, .. }) => assert_eq!(limit, config::MAX_FILE_BYTES),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(is_blocked(&guarded(&session("acme"))), "the kill switch was not applied");
}
