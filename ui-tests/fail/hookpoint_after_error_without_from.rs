use agenthooks::{hookpoint, Session};

/// An error type that cannot be built from `HookError`.
#[derive(Clone, Debug)]
pub struct ToolError;

#[hookpoint(BeforeTool, after = AfterTool)]
pub fn call_tool(_session: &Session, tool: String) -> Result<String, ToolError> {
    Ok(tool)
}

fn main() {}
