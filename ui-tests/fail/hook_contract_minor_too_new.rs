use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch, version = "2.0")]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch, contract = "2.1")]
fn written_for_newer(_ctx: &Ctx<BeforeSearch>) -> Outcome {
    Outcome::Continue
}

fn main() {}
