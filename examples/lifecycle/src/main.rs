//! A small agent built on the standard lifecycle points: it never declares
//! a point of its own, yet its customers' hooks guard its tools, rewrite
//! their arguments, mask their results and filter its streamed answer.
//!
//! The hooks live in this binary to keep the example short; in a real
//! deployment they come from the customers' crates, linked with `link!`.

use agenthooks::audit::{self, AuditConfig};
use agenthooks::lifecycle::{
    self, AfterTool, BeforeTool, Event, LlmResponse, Message, StreamEvent, ToolCall, ToolResult, Usage,
};
use agenthooks::{hook, Ctx, HookError, Outcome, Session};
use serde_json::{json, Value};

// --- the customers' hooks ----------------------------------------------------

/// acme allows no shell tool.
#[hook(BeforeTool, tenant = "acme", tool = "shell*")]
fn acme_no_shell(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::block("acme does not allow shell tools")
}

/// Every tenant's file tools are jailed in `/sandbox`.
#[hook(BeforeTool, tool = "fs_*")]
fn jail_paths(ctx: &mut Ctx<BeforeTool>) -> Outcome {
    let path = ctx.args["path"].as_str().unwrap_or_default().trim_start_matches('/').to_owned();
    ctx.args["path"] = Value::String(format!("/sandbox/{path}"));
    Outcome::Continue
}

/// globex never shows an email address a CRM tool returns.
#[hook(AfterTool, tenant = "globex", tool = "crm_*")]
fn globex_masks_emails(ctx: &mut Ctx<AfterTool>) -> Outcome {
    if let Some(email) = ctx.result.value.get_mut("email") {
        *email = Value::String("***".into());
    }
    Outcome::Continue
}

/// No streamed text shows the word "password".
#[hook(StreamEvent, kind = "text_delta")]
fn hide_passwords(ctx: &mut Ctx<StreamEvent>) -> Outcome {
    if let Some(text) = ctx.data.as_str().filter(|text| text.contains("password")) {
        ctx.data = Value::String(text.replace("password", "********"));
    }
    Outcome::Continue
}

// --- the agent ---------------------------------------------------------------

/// A model that asks for the tools the prompt names, then answers.
fn model(messages: &[Message]) -> LlmResponse {
    let prompt = messages.last().and_then(|message| message.content.as_str()).unwrap_or_default();
    let calls = prompt
        .split_whitespace()
        .filter(|word| word.contains('_'))
        .enumerate()
        .map(|(index, tool)| ToolCall::new(format!("call-{index}"), tool, json!({"path": "/etc/hosts"})))
        .collect();
    LlmResponse::new("here is your password reset link").with_tool_calls(calls)
}

fn run_tool(tool: &str, args: &Value) -> ToolResult {
    match tool {
        "fs_read" => ToolResult::ok(format!("contents of {}", args["path"].as_str().unwrap_or_default())),
        "crm_lookup" => ToolResult::ok(json!({"name": "Ann", "email": "ann@example.com"})),
        "shell_exec" => ToolResult::ok("ran the command"),
        _ => ToolResult::error(format!("no tool {tool}")),
    }
}

async fn run(session: &Session, input: &str) -> Result<(), HookError> {
    let prompt = lifecycle::user_prompt(session, input.into()).await?;
    let (messages, _) =
        lifecycle::before_llm(session, "small".into(), vec![Message::new("user", prompt)], json!({})).await?;
    let response = lifecycle::after_llm(session, "small".into(), model(&messages), Usage::new(20, 8)).await?;
    for call in &response.tool_calls {
        match lifecycle::before_tool(session, call.name.clone(), call.args.clone(), call.id.clone()).await {
            Ok(args) => {
                let result = run_tool(&call.name, &args);
                let result = lifecycle::after_tool(session, call.name.clone(), args, call.id.clone(), result).await?;
                println!("  {} -> {}", call.name, result.value);
            }
            Err(HookError::Blocked(blocked)) => println!("  {} -> denied: {}", call.name, blocked.reason),
            Err(error) => return Err(error),
        }
    }
    // The answer streams word by word; each word goes through the stream hooks.
    let mut stream = lifecycle::stream(session)?;
    let mut shown = String::new();
    for word in response.content.as_str().unwrap_or_default().split_inclusive(' ') {
        for event in stream.event(Event::new("text_delta", word))? {
            shown.push_str(event.data.as_str().unwrap_or_default());
        }
    }
    stream.finish()?;
    println!("  answer: {shown}");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let audit = audit::init(AuditConfig::from_env()?)?;
    for tenant in ["acme", "globex"] {
        let session = Session::new(format!("session-{tenant}")).with_tenant(tenant);
        println!("[{tenant}] read the hosts file, look up Ann, run a shell command");
        run(&session, "fs_read crm_lookup shell_exec").await?;
    }
    let path = audit.path().display().to_string();
    drop(audit); // writes and syncs every record
    println!("\naudit log: {path}");
    Ok(())
}
