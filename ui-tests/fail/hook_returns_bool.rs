use agenthooks::{hook, hookpoint, Ctx, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
fn is_allowed(ctx: &Ctx<BeforeSearch>) -> bool {
    !ctx.query.contains("password")
}

fn main() {}
