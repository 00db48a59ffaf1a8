use agenthooks::{agent, HookError, Session};

pub struct SearchAgent;

#[agent]
impl SearchAgent {
    #[hookpoint(BeforeSearch)]
    pub fn search(&self, _session: &Session, query: String) -> Result<String, HookError> {
        Ok(query)
    }

    pub fn login(&self, #[redact] password: String) -> bool {
        !password.is_empty()
    }
}

fn main() {}
