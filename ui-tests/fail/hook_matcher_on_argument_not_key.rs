use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeTool)]
pub fn call_tool(_session: &Session, #[key] tool: String, args: String) -> Result<String, HookError> {
    Ok(format!("{tool}({args})"))
}

#[hook(BeforeTool, args = "*password*")]
fn no_passwords(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::block("no passwords")
}

fn main() {}
