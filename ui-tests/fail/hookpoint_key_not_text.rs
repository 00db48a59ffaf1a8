use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeTool)]
pub fn call_tool(_session: &Session, #[key] attempt: u32) -> Result<u32, HookError> {
    Ok(attempt)
}

fn main() {}
