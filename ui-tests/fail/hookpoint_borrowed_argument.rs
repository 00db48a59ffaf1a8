use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: &str) -> Result<usize, HookError> {
    Ok(query.len())
}

fn main() {}
