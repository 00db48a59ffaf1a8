use agenthooks::{hook, hookpoint, Ctx, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
fn scope_to_eu(ctx: &mut Ctx<BeforeSearch>) {
    ctx.query.push_str(" region:eu");
}

fn main() {}
