use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hookpoint(BeforeAnswer)]
pub fn answer(_session: &Session, text: String) -> Result<String, HookError> {
    Ok(text)
}

#[hook(BeforeSearch)]
fn scope_to_eu(ctx: &mut Ctx<BeforeAnswer>) -> Outcome {
    ctx.text.push_str(" region:eu");
    Outcome::Continue
}

fn main() {}
