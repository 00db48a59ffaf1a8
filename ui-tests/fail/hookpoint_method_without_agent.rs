use agenthooks::{hookpoint, HookError, Session};

pub struct SearchAgent;

impl SearchAgent {
    #[hookpoint(BeforeSearch)]
    pub fn search(&self, _session: &Session, query: String) -> Result<String, HookError> {
        Ok(query)
    }
}

fn main() {}
