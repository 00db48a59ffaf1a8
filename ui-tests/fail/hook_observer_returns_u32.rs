use agenthooks::{hook, hookpoint, Ctx, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
fn count(ctx: &Ctx<BeforeSearch>) -> u32 {
    u32::try_from(ctx.query.len()).unwrap_or(u32::MAX)
}

fn main() {}
