use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
pub static SCOPE_TO_EU: fn(&mut Ctx<BeforeSearch>) -> Outcome = |ctx| {
    ctx.query.push_str(" region:eu");
    Outcome::Continue
};

fn main() {}
