use agenthooks::{hook, hookpoint, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

pub struct EuHooks;

#[hook(BeforeSearch)]
impl EuHooks {}

fn main() {}
