use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeTool, after = AfterTool)]
pub fn call_tool(_session: &Session, tool: String) -> Result<String, HookError> {
    Ok(tool)
}

#[hook(AfterTool)]
fn mask_output(ctx: &mut Ctx<BeforeTool>) -> Outcome {
    ctx.tool.clear();
    Outcome::Continue
}

fn main() {}
