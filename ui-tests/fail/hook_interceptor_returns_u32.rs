use agenthooks::{hook, hookpoint, Ctx, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
fn count(ctx: &mut Ctx<BeforeSearch>) -> u32 {
    ctx.query.push('!');
    1
}

fn main() {}
