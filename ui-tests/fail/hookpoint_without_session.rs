use agenthooks::{hookpoint, HookError};

#[hookpoint(BeforeSearch)]
pub fn search(query: String) -> Result<String, HookError> {
    Ok(query)
}

fn main() {}
