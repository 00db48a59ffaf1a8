use agenthooks::{hookpoint, HookError, Session};

/// A document that is not `Clone`.
#[derive(Debug)]
pub struct Doc {
    pub text: String,
}

#[hookpoint(BeforeFetch, after = AfterFetch)]
pub fn fetch(_session: &Session, url: String) -> Result<Doc, HookError> {
    Ok(Doc { text: url })
}

fn main() {}
