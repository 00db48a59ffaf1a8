use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeCheck, after = AfterCheck)]
pub fn check(_session: &Session, result: String) -> Result<bool, HookError> {
    Ok(result.is_empty())
}

fn main() {}
