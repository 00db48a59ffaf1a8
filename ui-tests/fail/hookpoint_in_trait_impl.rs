use agenthooks::{hookpoint, HookError, Session};

pub trait Search {
    fn search(&self, session: &Session, query: String) -> Result<String, HookError>;
}

pub struct SearchAgent;

impl Search for SearchAgent {
    #[hookpoint(BeforeSearch)]
    fn search(&self, _session: &Session, query: String) -> Result<String, HookError> {
        Ok(query)
    }
}

fn main() {}
