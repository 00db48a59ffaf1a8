use agenthooks::{agent, HookError, Session};

pub struct SearchAgent;

#[agent(BeforeSearch)]
impl SearchAgent {
    #[hookpoint(BeforeSearch)]
    pub fn search(&self, _session: &Session, query: String) -> Result<String, HookError> {
        Ok(query)
    }
}

fn main() {}
