use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeTool)]
pub fn call_tool(_session: &Session, #[key] tool: String, #[key] server: String) -> Result<String, HookError> {
    Ok(format!("{tool}@{server}"))
}

#[hook(BeforeTool, tol = "fs_*")]
fn files_only(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::Continue
}

fn main() {}
