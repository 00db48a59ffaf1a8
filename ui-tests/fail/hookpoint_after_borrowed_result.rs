use agenthooks::{hookpoint, HookError, Session};

static TOOLS: [&str; 2] = ["ls", "grep"];

#[hookpoint(BeforeTool, after = AfterTool)]
pub fn find_tool<'a>(_session: &'a Session, index: usize) -> Result<&'a str, HookError> {
    Ok(TOOLS[index % 2])
}

fn main() {}
