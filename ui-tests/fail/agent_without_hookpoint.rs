use agenthooks::{agent, HookError, Session};

pub struct SearchAgent;

#[agent]
impl SearchAgent {
    pub fn search(&self, _session: &Session, query: String) -> Result<String, HookError> {
        Ok(query)
    }
}

fn main() {}
