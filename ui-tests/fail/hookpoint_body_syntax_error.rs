use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    let answer = query
    Ok(answer)
}

fn main() {}
