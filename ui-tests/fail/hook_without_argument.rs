use agenthooks::{hook, hookpoint, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
fn always_continue() -> Outcome {
    Outcome::Continue
}

fn main() {}
