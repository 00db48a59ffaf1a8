use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: impl Into<String>) -> Result<String, HookError> {
    Ok(query.into())
}

fn main() {}
