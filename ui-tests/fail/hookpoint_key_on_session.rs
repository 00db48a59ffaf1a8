use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeTool)]
pub fn call_tool(#[key] _session: &Session, tool: String) -> Result<String, HookError> {
    Ok(tool)
}

fn main() {}
