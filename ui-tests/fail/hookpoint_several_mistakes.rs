use agenthooks::{hookpoint, HookError};

#[hookpoint(BeforeSearch, label = "search")]
pub fn search<T>(query: &str, (page, size): (u32, u32), _marker: Option<T>) -> Result<String, HookError> {
    Ok(format!("{query} {page} {size}"))
}

fn main() {}
