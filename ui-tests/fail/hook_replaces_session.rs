use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
fn forge_session(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    *ctx.session() = Session::new("forged").with_tenant("globex");
    Outcome::Continue
}

fn main() {}
