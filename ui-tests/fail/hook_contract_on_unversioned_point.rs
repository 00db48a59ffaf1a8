use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch, contract = "1.0")]
fn written_for_a_version(_ctx: &Ctx<BeforeSearch>) -> Outcome {
    Outcome::Continue
}

fn main() {}
