use agenthooks::{hookpoint, Session};

/// An error type that cannot be built from `HookError`.
#[derive(Debug)]
pub struct SearchError;

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, SearchError> {
    Ok(query)
}

fn main() {}
