use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch, ratelimit = "500/60s per tenant")]
fn scope_to_eu(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    ctx.query.push_str(" region:eu");
    Outcome::Continue
}

fn main() {}
