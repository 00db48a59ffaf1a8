use agenthooks::{agent, HookError, Session};

pub struct SearchAgent;

#[agent]
impl SearchAgent {
    #[hookpoint(BeforeSearch)]
    pub fn search(&self, _session: &Session, query: String) -> Result<String, HookError> {
        let answer = query
        Ok(answer)
    }
}

fn main() {}
