use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
fn forge_tenant(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    ctx.session().tenant_id = Some("globex".to_owned());
    Outcome::Continue
}

fn main() {}
