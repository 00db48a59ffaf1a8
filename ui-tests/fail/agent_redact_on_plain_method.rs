use agenthooks::{agent, HookError, Session};

pub struct SearchAgent;

#[agent]
impl SearchAgent {
    #[hookpoint(BeforeSearch)]
    pub fn search(&self, _session: &Session, query: String) -> Result<String, HookError> {
        Ok(query)
    }

    #[redact]
    pub fn secret(&self) -> &'static str {
        "hunter2"
    }
}

fn main() {}
