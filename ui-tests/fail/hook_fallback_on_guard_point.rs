use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

/// A guard: its author left `on_failure` at `"deny"`.
#[hookpoint(BeforeTool)]
pub fn call_tool(_session: &Session, tool: String) -> Result<String, HookError> {
    Ok(tool)
}

#[hook(BeforeTool, fallback = true)]
fn no_shell(ctx: &Ctx<BeforeTool>) -> Outcome {
    if ctx.tool == "shell" {
        Outcome::block("no shell")
    } else {
        Outcome::Continue
    }
}

fn main() {}
