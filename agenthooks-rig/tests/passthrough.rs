//! With no hook linked, the adapter changes nothing: a rig agent answers,
//! calls its tool and asks its model exactly as it does without it, and no
//! audit line is written. No hook is linked in this test binary.

mod support;

use agenthooks::Session;
use agenthooks_rig::HookedAgent;
use agenthooks_tests::{audit_lines, audit_to_temp};
use rig_agent::AgentBuilder;
use serde_json::json;
use support::{CrmLookup, ScriptedModel};

/// One run of a fresh rig agent: its answer, its tool's calls and the
/// requests its model received, as JSON.
async fn run(hooked: bool) -> (String, Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
    let agent = AgentBuilder::new(model.model())
        .name("support")
        .default_max_turns(3)
        .preamble("Be brief.")
        .tool(tool.clone())
        .build();
    let answer = if hooked {
        HookedAgent::new(agent).prompt(&Session::new("rig-plain").with_tenant("acme"), "Find Ann").await.unwrap()
    } else {
        Box::pin(agent.prompt("Find Ann").run()).await.unwrap().output()
    };
    let requests =
        model.requests().iter().map(|request| serde_json::to_value(&request.chat_history).unwrap()).collect();
    (answer, tool.calls(), requests)
}

#[tokio::test]
async fn with_no_hook_linked_the_agent_behaves_as_without_the_adapter() {
    audit_to_temp();
    let plain = run(false).await;
    let hooked = run(true).await;

    assert_eq!(hooked, plain);
    assert_eq!(plain.1, vec![json!({"name": "Ann"})], "the tool ran once with the model's arguments");
    assert!(plain.0.starts_with("done: "), "{}", plain.0);
    assert!(audit_lines().is_empty(), "{:?}", audit_lines());
}
