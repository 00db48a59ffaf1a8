use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeTool)]
pub fn call_tool(_session: &Session, #[key] tool: String) -> Result<String, HookError> {
    Ok(tool)
}

#[hook(BeforeTool, tool = "fs_[read")]
fn files_only(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::Continue
}

fn main() {}
