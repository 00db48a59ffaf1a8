use std::rc::Rc;

use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: Rc<String>) -> Result<String, HookError> {
    Ok(query.to_string())
}

fn main() {}
