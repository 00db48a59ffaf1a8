use agenthooks::{agent, HookError, Session};

pub struct SearchAgent;

#[agent]
impl SearchAgent {
    #[hookpoint(BeforeSearch)]
    pub extern "C" fn search(&self, _session: &Session, query: String) -> Result<String, HookError> {
        Ok(query)
    }
}

fn main() {}
