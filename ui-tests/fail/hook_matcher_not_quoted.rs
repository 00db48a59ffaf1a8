use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeTool)]
pub fn call_tool(_session: &Session, #[key] tool: String) -> Result<String, HookError> {
    Ok(tool)
}

#[hook(BeforeTool, tool = fs_read)]
fn reads(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::Continue
}

fn main() {}
