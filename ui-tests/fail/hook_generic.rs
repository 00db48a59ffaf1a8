use agenthooks::{hook, hookpoint, Ctx, HookError, HookPoint, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
fn log_any<P: HookPoint>(ctx: &Ctx<P>) -> Outcome {
    let _ = ctx.tenant_id();
    Outcome::Continue
}

fn main() {}
