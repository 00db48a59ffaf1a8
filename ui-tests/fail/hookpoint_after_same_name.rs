use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeTool, name = "tool", after = AfterTool, after_name = "tool")]
pub fn call_tool(_session: &Session, tool: String) -> Result<String, HookError> {
    Ok(tool)
}

fn main() {}
