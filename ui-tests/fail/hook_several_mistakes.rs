use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch, order = "first", priority = 1, timeout_ms = 0)]
fn scope_to_eu(ctx: &mut Ctx<BeforeSearch>, region: &str) -> Outcome {
    ctx.query.push_str(region);
    Outcome::Continue
}

fn main() {}
