//! A rig agent guarded by lifecycle hooks, offline: rig's own agent and
//! prompt loop on a scripted model that looks a customer up with the
//! `crm_lookup` tool, then answers with what the tool returned.
//!
//! Tenant `acme` forbids CRM lookups (the model reads the refusal), tenant
//! `globex` masks e-mail addresses in the tool's result before the model
//! sees them. Run with `cargo run -p agenthooks-rig --example rig_agent`.

#[path = "../tests/support/mod.rs"]
mod support;

use agenthooks::audit::{self, AuditConfig};
use agenthooks::lifecycle::{AfterTool, BeforeTool};
use agenthooks::{hook, Ctx, Outcome, Session};
use agenthooks_rig::HookedAgent;
use rig_agent::AgentBuilder;
use serde_json::{json, Value};
use support::{CrmLookup, ScriptedModel};

/// acme's guard: no CRM lookups from its sessions.
#[hook(BeforeTool, tenant = "acme", tool = "crm_*")]
fn acme_keeps_the_crm_closed(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::block("acme does not share customer records with the assistant")
}

/// globex's mask: the model never reads an e-mail address.
#[hook(AfterTool, tenant = "globex", tool = "crm_lookup")]
fn globex_masks_emails(ctx: &mut Ctx<AfterTool>) -> Outcome {
    if let Some(email) = ctx.result.value.get_mut("email") {
        *email = Value::String("***".into());
    }
    Outcome::Continue
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let audit = audit::init(AuditConfig::new(std::env::temp_dir().join("agenthooks-rig-example.audit.jsonl")))?;
    for tenant in ["acme", "globex"] {
        let (model, tool) = (ScriptedModel::calling("crm_lookup", json!({"name": "Ann"})), CrmLookup::default());
        let agent = AgentBuilder::new(model.model()).name("support").default_max_turns(3).tool(tool.clone()).build();
        let session = Session::new(format!("session-{tenant}")).with_tenant(tenant);

        let answer = HookedAgent::new(agent).prompt(&session, "Who is Ann?").await?;

        println!("[{tenant}] the tool ran {} time(s)", tool.calls().len());
        println!("[{tenant}] answer: {answer}");
    }
    let path = audit.path().display().to_string();
    drop(audit); // writes and syncs every record
    println!("\naudit log: {path}");
    Ok(())
}
