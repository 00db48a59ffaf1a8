//! The test kit: one hook called on a context built by the test, a point run
//! with chosen hooks, executions recorded, and why a hook would not run.

use agenthooks::testing::{self, NotRunnable, Recorder, Verdict};
use agenthooks::{config, hook, hookpoint, Ctx, HookError, Mode, Outcome, Session, Status};
use agenthooks_tests::{audit_to_temp, AgentError};

#[hookpoint(Search)]
fn search(session: &Session, query: String, limit: u32) -> Result<(String, u32), AgentError> {
    Ok((query, limit))
}

#[hook(Search, order = 10)]
fn adds_language(ctx: &mut Ctx<Search>) -> Outcome {
    ctx.query.push_str(" lang:en");
    Outcome::Continue
}

#[hook(Search, order = 20, tenant = "acme")]
fn caps_limit(ctx: &mut Ctx<Search>) -> Result<Outcome, String> {
    if ctx.limit == 0 {
        return Err("a limit of zero".into());
    }
    ctx.limit = ctx.limit.min(10);
    Ok(Outcome::Continue)
}

#[hook(Search, order = 30)]
fn blocks_secrets(ctx: &Ctx<Search>) -> Outcome {
    if ctx.query.contains("secret") {
        return Outcome::block("asks for a secret");
    }
    Outcome::Continue
}

/// One test at a time: the explanation test applies a configuration, which
/// is the process's.
fn turn() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn session(id: &str, tenant: &str) -> Session {
    Session::new(id).with_tenant(tenant)
}

fn args(query: &str, limit: u32) -> Search {
    Search { query: query.into(), limit }
}

#[test]
fn one_hook_called_on_a_built_context_shows_its_outcome_and_the_arguments_it_left() {
    let _turn = turn();
    let acme = session("kit-call", "acme");
    let called = testing::call("test_kit::caps_limit", &acme, args("q", 50)).unwrap();
    assert_eq!((called.outcome, called.args.limit), (Ok(Outcome::Continue), 10));
    let failed = testing::call("test_kit::caps_limit", &acme, args("q", 0)).unwrap();
    assert_eq!(failed.outcome, Err("a limit of zero".to_owned()));
    let blocked = testing::call("test_kit::blocks_secrets", &acme, args("secret", 1)).unwrap();
    assert_eq!(blocked.outcome, Ok(Outcome::block("asks for a secret")));
    // Context structs are not `Debug` (a redacted argument must not reach a
    // log), so the error is taken out by hand.
    let Err(missing) = testing::call("test_kit::nope", &acme, args("q", 1)) else { panic!("no such hook") };
    assert_eq!((missing.point, missing.path.as_str()), ("search", "test_kit::nope"));
}

#[test]
fn a_point_runs_with_only_the_chosen_hooks_and_refuses_hooks_that_would_not_run() {
    let _turn = turn();
    audit_to_temp();
    let acme = session("kit-only", "acme");
    let only = testing::run_only(&["test_kit::caps_limit"], &acme, args("q", 50)).unwrap().unwrap();
    assert_eq!((only.query.as_str(), only.limit), ("q", 10), "only the chosen hook ran");
    let blocked = testing::run_only(&["test_kit::blocks_secrets"], &acme, args("secret", 1)).unwrap();
    assert!(matches!(blocked, Err(HookError::Blocked(_))));

    let globex = session("kit-only", "globex");
    let Err(refused) = testing::run_only(&["test_kit::caps_limit"], &globex, args("q", 50)) else {
        panic!("the hook runs for acme only")
    };
    assert_eq!(refused, NotRunnable::Excluded { path: "test_kit::caps_limit".into(), verdict: Verdict::OtherTenant });
    assert!(matches!(testing::run_only(&["x::y"], &globex, args("q", 1)), Err(NotRunnable::NoSuchHook(_))));
}

#[test]
fn a_recorder_sees_each_execution_with_its_status_message_and_changed_fields() {
    let _turn = turn();
    audit_to_temp();
    let recorder = Recorder::start();
    let acme = session("kit-recorder", "acme");
    assert!(search(&acme, "secret".into(), 50).is_err());
    let runs = recorder.of_session("kit-recorder");
    let summary: Vec<_> = runs.iter().map(|run| (run.hook, run.status, run.changed.clone())).collect();
    assert_eq!(
        summary,
        [
            ("test_kit::adds_language", Status::Ok, vec!["query"]),
            ("test_kit::caps_limit", Status::Ok, vec!["limit"]),
            ("test_kit::blocks_secrets", Status::Blocked, vec![]),
        ]
    );
    assert_eq!(runs[2].message.as_deref(), Some("asks for a secret"));
    assert_eq!(runs[2].tenant.as_deref(), Some("acme"));
    drop(recorder);
    let later = Recorder::start();
    assert!(search(&acme, "q".into(), 1).is_ok());
    assert_eq!(later.of_session("kit-recorder").len(), 3, "a recorder sees only what ran while it lived");
}

#[test]
fn explain_says_which_hooks_run_in_which_order_and_why_the_others_do_not() {
    let _turn = turn();
    let verdicts = |tenant: &str| -> Vec<(&'static str, Verdict)> {
        testing::explain::<Search>(&session("kit-explain", tenant))
            .into_iter()
            .map(|e| (e.hook.path, e.verdict))
            .collect()
    };
    let runs = |position| Verdict::Runs { position, mode: Mode::Enforce };
    assert_eq!(
        verdicts("acme"),
        [
            ("test_kit::adds_language", runs(0)),
            ("test_kit::caps_limit", runs(1)),
            ("test_kit::blocks_secrets", runs(2))
        ]
    );
    assert_eq!(
        verdicts("globex"),
        [
            ("test_kit::adds_language", runs(0)),
            ("test_kit::blocks_secrets", runs(1)),
            ("test_kit::caps_limit", Verdict::OtherTenant)
        ]
    );
    config::apply_str(
        "[hook.\"test_kit::adds_language\"]\nenabled = false\n[hook.\"test_kit::blocks_secrets\"]\nmode = \"shadow\"\n",
        "test",
    )
    .unwrap();
    let configured = verdicts("globex");
    config::clear().expect("the configuration clears");
    assert_eq!(
        configured,
        [
            ("test_kit::blocks_secrets", Verdict::Runs { position: 0, mode: Mode::Shadow }),
            ("test_kit::adds_language", Verdict::Disabled),
            ("test_kit::caps_limit", Verdict::OtherTenant)
        ]
    );
}
