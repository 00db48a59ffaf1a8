use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeSearch, name = "search.beforeSearch")]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

fn main() {}
