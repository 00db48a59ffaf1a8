use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch, query = "rust*")]
fn rust_only(_ctx: &Ctx<BeforeSearch>) -> Outcome {
    Outcome::Continue
}

fn main() {}
