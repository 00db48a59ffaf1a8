use agenthooks::{hook, hookpoint, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch)]
fn scope_to_eu(query: &mut String) -> Outcome {
    query.push_str(" region:eu");
    Outcome::Continue
}

fn main() {}
