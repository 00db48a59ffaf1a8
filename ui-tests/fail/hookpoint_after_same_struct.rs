use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeTool, after = BeforeTool)]
pub fn call_tool(_session: &Session, tool: String) -> Result<String, HookError> {
    Ok(tool)
}

fn main() {}
