use agenthooks::{agent, HookError, Session};

pub struct SearchAgent;

pub trait Search {
    fn search(&self, session: &Session, query: String) -> Result<String, HookError>;
}

#[agent]
impl Search for SearchAgent {
    #[hookpoint(BeforeSearch)]
    fn search(&self, _session: &Session, query: String) -> Result<String, HookError> {
        Ok(query)
    }
}

fn main() {}
