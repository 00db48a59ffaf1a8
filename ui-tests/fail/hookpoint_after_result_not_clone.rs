use agenthooks::{hookpoint, HookError, Session};

/// An error type that is not `Clone`.
#[derive(Debug)]
pub struct ToolError(pub HookError);

impl From<HookError> for ToolError {
    fn from(error: HookError) -> Self {
        ToolError(error)
    }
}

#[hookpoint(BeforeTool, after = AfterTool)]
pub fn call_tool(_session: &Session, tool: String) -> Result<String, ToolError> {
    Ok(tool)
}

fn main() {}
