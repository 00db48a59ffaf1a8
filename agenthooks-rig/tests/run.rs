//! Run start and run end around a real rig agent's prompt: a hook rewrites
//! the prompt, stops the run before any model call, or rewrites the answer.

mod support;

use agenthooks::lifecycle::{RunEnd, RunStart};
use agenthooks::{hook, Ctx, HookError, Outcome, Session};
use agenthooks_rig::{HookedAgent, RunError};
use agenthooks_tests::audit_to_temp;
use rig_agent::AgentBuilder;
use serde_json::json;
use support::{CrmLookup, ScriptedModel};

#[hook(RunStart, tenant = "gate")]
fn closed_for_maintenance(_ctx: &Ctx<RunStart>) -> Outcome {
    Outcome::block("closed for maintenance")
}

#[hook(RunStart, tenant = "polite", agent = "support")]
fn add_please(ctx: &mut Ctx<RunStart>) -> Outcome {
    ctx.input.push_str(", please");
    Outcome::Continue
}

#[hook(RunEnd, tenant = "polite", agent = "support")]
fn sign(ctx: &mut Ctx<RunEnd>) -> Outcome {
    ctx.output.push_str(" -- support");
    Outcome::Continue
}

fn agent(model: &ScriptedModel) -> HookedAgent {
    HookedAgent::new(
        AgentBuilder::new(model.model()).name("support").default_max_turns(3).tool(CrmLookup::default()).build(),
    )
}

#[tokio::test]
async fn a_run_start_hook_stops_the_run_before_any_model_call() {
    audit_to_temp();
    let model = ScriptedModel::calling("crm_lookup", json!({"name": "Ann"}));

    let error = agent(&model).prompt(&Session::new("rig-gate").with_tenant("gate"), "Find Ann").await.unwrap_err();

    assert!(
        matches!(&error, RunError::Hook(HookError::Blocked(blocked)) if blocked.reason == "closed for maintenance"),
        "{error:?}"
    );
    assert!(model.requests().is_empty(), "the model was called");
}

#[tokio::test]
async fn run_hooks_rewrite_the_prompt_the_model_reads_and_the_answer_the_caller_gets() {
    audit_to_temp();
    let model = ScriptedModel::calling("crm_lookup", json!({"name": "Ann"}));

    let answer = agent(&model).prompt(&Session::new("rig-polite").with_tenant("polite"), "Find Ann").await.unwrap();

    let first = &model.requests()[0];
    let prompt = serde_json::to_string(first.chat_history.last().unwrap()).unwrap();
    assert!(prompt.contains("Find Ann, please"), "{prompt}");
    assert!(answer.starts_with("done: ") && answer.ends_with(" -- support"), "{answer}");
}
