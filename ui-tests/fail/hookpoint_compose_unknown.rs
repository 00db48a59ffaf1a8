use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeSearch, compose = "first_deny")]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

fn main() {}
