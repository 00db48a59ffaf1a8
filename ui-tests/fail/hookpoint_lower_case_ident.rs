use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(before_search)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

fn main() {}
