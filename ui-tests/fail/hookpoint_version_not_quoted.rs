use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeSearch, version = 2)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

fn main() {}
