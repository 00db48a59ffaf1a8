use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeSearch, on_failure = "ignore")]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

fn main() {}
