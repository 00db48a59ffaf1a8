//! The decision algebra's table, checked against the executor: random
//! chains of hook outcomes and failures, on points of every composition and
//! failure policy, give exactly the result the README's table says.
//!
//! Each point has five hooks, `h0` to `h4` in chain order; what each does
//! on a call is written in the call's `script` argument. The model below is
//! the table, written as code independently of the executor. A note
//! (`Outcome::Note`) is a continue for the table, with or without a change.

use std::collections::BTreeSet;

use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_tests::{audit_to_temp, AgentError};
use proptest::prelude::*;

/// What one hook does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
enum Step {
    Continue,
    /// Adds 1 to field `f{k}`.
    Change(usize),
    /// Goes on with a note for the audit line.
    Note,
    /// Adds 1 to field `f{k}` and goes on with a note.
    ChangeNote(usize),
    Skip,
    Block,
    Ask,
    Fail,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Continue),
        3 => (0..3usize).prop_map(Step::Change),
        1 => Just(Step::Note),
        1 => (0..3usize).prop_map(Step::ChangeNote),
        1 => Just(Step::Skip),
        1 => Just(Step::Block),
        1 => Just(Step::Ask),
        1 => Just(Step::Fail),
    ]
}

/// How a call ended, as the test compares it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ended {
    /// The body ran with these fields.
    Ran([u32; 3]),
    Blocked(usize),
    Failed(usize),
    AskedBy(usize),
    Conflict(usize, usize),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Compose {
    Chain,
    RunAll,
    Parallel,
}

impl Step {
    /// The field the step changes, if any.
    fn changes(self) -> Option<usize> {
        match self {
            Step::Change(k) | Step::ChangeNote(k) => Some(k),
            _ => None,
        }
    }
}

/// The README's table, as code.
fn model(script: &[Step; 5], compose: Compose, let_through: bool) -> Ended {
    let mut fields = [0u32; 3];
    match compose {
        Compose::Chain => {
            for (hook, step) in script.iter().enumerate() {
                match step {
                    Step::Continue | Step::Note => {}
                    Step::Change(k) | Step::ChangeNote(k) => fields[*k] += 1,
                    Step::Skip => break,
                    Step::Block => return Ended::Blocked(hook),
                    Step::Ask => return Ended::AskedBy(hook),
                    Step::Fail if let_through => {}
                    Step::Fail => return Ended::Failed(hook),
                }
            }
            Ended::Ran(fields)
        }
        Compose::RunAll | Compose::Parallel => {
            let stop = script.iter().enumerate().find_map(|(hook, step)| match step {
                Step::Block => Some(Ended::Blocked(hook)),
                Step::Fail if !let_through => Some(Ended::Failed(hook)),
                _ => None,
            });
            let mut changers: Vec<(usize, usize)> = Vec::new();
            let mut conflict = None;
            for (hook, step) in script.iter().enumerate() {
                if let Some(k) = step.changes() {
                    if let Some(&(_, first)) = changers.iter().find(|(field, _)| *field == k) {
                        if compose == Compose::Parallel {
                            conflict.get_or_insert(Ended::Conflict(first, hook));
                        }
                    }
                    changers.push((k, hook));
                    fields[k] += 1;
                }
            }
            if compose == Compose::Parallel {
                fields = fields.map(|value| value.min(1));
            }
            let ask = script.iter().position(|step| *step == Step::Ask).map(Ended::AskedBy);
            stop.or(conflict).or(ask).unwrap_or(Ended::Ran(fields))
        }
    }
}

/// What hook `hook` does to the call, as the script says.
fn act(hook: usize, script: &[Step; 5], fields: [&mut u32; 3]) -> Result<Outcome, String> {
    Ok(match script[hook] {
        Step::Continue => Outcome::Continue,
        Step::Note => Outcome::note(format!("h{hook} notes")),
        Step::Change(k) | Step::ChangeNote(k) => {
            let [f0, f1, f2] = fields;
            *[f0, f1, f2].into_iter().nth(k).expect("three fields") += 1;
            if script[hook] == Step::ChangeNote(k) {
                Outcome::note(format!("h{hook} changes f{k} and notes"))
            } else {
                Outcome::Continue
            }
        }
        Step::Skip => Outcome::Skip,
        Step::Block => Outcome::block(format!("h{hook} blocks")),
        Step::Ask => Outcome::ask(format!("h{hook} asks")),
        Step::Fail => return Err(format!("h{hook} fails")),
    })
}

/// Five hooks of `$point`, each doing what the call's script says for its
/// index.
macro_rules! hooks {
    ($point:ident, [$($hook:ident $index:literal),*]) => {
        $(
            #[hook($point, order = $index)]
            fn $hook(ctx: &mut Ctx<$point>) -> Result<Outcome, String> {
                let ctx = &mut **ctx;
                act($index, &ctx.script, [&mut ctx.f0, &mut ctx.f1, &mut ctx.f2])
            }
        )*
    };
}

/// Declares a point of one composition and failure policy, its five
/// hooks, and a function that calls it and says how the call ended.
macro_rules! point {
    ($point:ident, $call:ident, $name:literal, $compose:literal, $on_failure:literal) => {
        #[hookpoint($point, name = $name, compose = $compose, on_failure = $on_failure)]
        fn $call(session: &Session, script: [Step; 5], f0: u32, f1: u32, f2: u32) -> Result<[u32; 3], AgentError> {
            let _ = script;
            Ok([f0, f1, f2])
        }

        const _: () = {
    hooks!($point, [h0 0, h1 1, h2 2, h3 3, h4 4]);
        };
    };
}

point!(ChainDeny, chain_deny, "chain_deny", "chain", "deny");
point!(ChainContinue, chain_continue, "chain_continue", "chain", "continue");
point!(RunAllDeny, run_all_deny, "run_all_deny", "run_all", "deny");
point!(RunAllContinue, run_all_continue, "run_all_continue", "run_all", "continue");
point!(ParallelDeny, parallel_deny, "parallel_deny", "parallel", "deny");
point!(ParallelContinue, parallel_continue, "parallel_continue", "parallel", "continue");

/// The hook's index in `h0`…`h4`, from its path.
fn index(hook: &str) -> usize {
    hook.rsplit("::h").next().and_then(|n| n.parse().ok()).expect("a hook named h<n>")
}

fn ended(result: Result<[u32; 3], AgentError>) -> Ended {
    match result {
        Ok(fields) => Ended::Ran(fields),
        Err(AgentError(HookError::Blocked(blocked))) => Ended::Blocked(index(blocked.hook)),
        Err(AgentError(HookError::Failed { hook, .. })) => Ended::Failed(index(hook)),
        Err(AgentError(HookError::ApprovalRequired { hook, .. })) => Ended::AskedBy(index(hook)),
        Err(AgentError(HookError::ConflictingChanges { first, second, .. })) => {
            Ended::Conflict(index(first), index(second))
        }
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_combination_ends_as_the_table_says(script in proptest::array::uniform5(step())) {
        audit_to_temp();
        let session = Session::new("table");
        let calls: [(Compose, bool, Result<[u32; 3], AgentError>); 6] = [
            (Compose::Chain, false, chain_deny(&session, script, 0, 0, 0)),
            (Compose::Chain, true, chain_continue(&session, script, 0, 0, 0)),
            (Compose::RunAll, false, run_all_deny(&session, script, 0, 0, 0)),
            (Compose::RunAll, true, run_all_continue(&session, script, 0, 0, 0)),
            (Compose::Parallel, false, parallel_deny(&session, script, 0, 0, 0)),
            (Compose::Parallel, true, parallel_continue(&session, script, 0, 0, 0)),
        ];
        for (compose, let_through, result) in calls {
            prop_assert_eq!(ended(result), model(&script, compose, let_through), "{:?}, let through: {}", compose, let_through);
        }
    }
}

#[test]
fn the_model_covers_every_outcome() {
    let seen: BTreeSet<&str> = [
        [Step::Continue; 5],
        [Step::Block, Step::Ask, Step::Fail, Step::Skip, Step::Change(0)],
        [Step::Ask, Step::Change(0), Step::Change(0), Step::Continue, Step::Continue],
    ]
    .iter()
    .flat_map(|script| {
        [Compose::Chain, Compose::RunAll, Compose::Parallel].map(|compose| match model(script, compose, false) {
            Ended::Ran(_) => "ran",
            Ended::Blocked(_) => "blocked",
            Ended::Failed(_) => "failed",
            Ended::AskedBy(_) => "asked",
            Ended::Conflict(..) => "conflict",
        })
    })
    .collect();
    assert_eq!(seen.len(), 4, "{seen:?}");
}
